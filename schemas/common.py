"""Schemas and fields shared by every resource: problem details, pagination, district codes,
catalog keys, years."""

from marshmallow import fields, validate
from webargs.fields import DelimitedList

from registry.messages import Message
from schemas import Schema

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years the registry counts


def DistrictCode(**kwargs) -> fields.String:
    """A district's 6-digit code (ASCII digits); whether it is a seeded one, the services say."""
    metadata = {"example": "410702", **kwargs.pop("metadata", {})}
    return fields.String(
        validate=validate.Regexp(r"^[0-9]{6}$", error=Message("field.district_code")),
        metadata=metadata,
        **kwargs,
    )


def Key(**kwargs) -> fields.String:
    """A catalog key (a tier's or a measure's): snake_case ASCII."""
    return fields.String(
        validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$", error=Message("field.key")),
        **kwargs,
    )


def Year(*, strict: bool = True, **kwargs) -> fields.Integer:
    """A year the registry counts; in a JSON body an integer only (2024.5 is refused, not cut)."""
    return fields.Integer(
        strict=strict, validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR), **kwargs
    )


class ListParameter(DelimitedList):
    """A query parameter that takes a list: comma-separated as documented (`explode: false`),
    or repeated (`?a=x&a=y`, as most clients send an array); both mean the same."""

    is_multiple = True  # webargs hands over every value given

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            value = self.delimiter.join(value)
        return super()._deserialize(value, attr, data, **kwargs)


class ProblemSchema(Schema):
    """RFC 9457 problem details, the body of every 4xx and 5xx answer: a stable `code`, and
    `detail` and the `errors`' messages in the language Accept-Language asks for (Chinese for
    `zh…`, else English; Content-Language says which)."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(
        metadata={"description": "The HTTP status's phrase", "example": "Unprocessable Content"}
    )
    status = fields.Integer(metadata={"example": 422})
    code = fields.String(
        metadata={
            "description": "What went wrong, for programs: stable across releases and languages "
            "(docs/messages.md lists them)",
            "example": "credit_code.check_character",
        }
    )
    detail = fields.String(
        metadata={
            "description": "What went wrong and what to do, for people, in the request's language",
            "example": "统一社会信用代码：校验位（最后一位）应为“U”而非“0”：请核对。",
        }
    )
    instance = fields.String(metadata={"example": "/api/v1/enterprises"})
    errors = fields.Dict(
        metadata={
            "description": "Validation errors keyed by location (json, query, path, form), then "
            "field, each a message for people in the request's language",
            "example": {
                "json": {"credit_code": ["该统一社会信用代码的校验位（最后一位）应为“U”而非“0”"]}
            },
        }
    )
    # Extension members (RFC 9457 §3.2), present only where an operation says so.
    application_id = fields.Integer(
        metadata={
            "description": "Moving several applications at once: the one refused (none moved)",
            "example": 12,
        }
    )


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class PaginationSchema(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total_pages = fields.Integer(required=True)
