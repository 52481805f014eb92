"""Schemas shared by every resource: problem details, pagination."""

from marshmallow import fields, validate

from schemas import Schema


class ProblemSchema(Schema):
    """RFC 9457 problem details, the body of every 4xx and 5xx answer."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(metadata={"example": "Unprocessable Content"})
    status = fields.Integer(metadata={"example": 422})
    detail = fields.String(metadata={"example": "credit_code: check character should be 'U'"})
    instance = fields.String(metadata={"example": "/api/v1/enterprises"})
    errors = fields.Dict(
        metadata={
            "description": "Validation errors keyed by location (json, query, path), then field",
            "example": {"json": {"credit_code": ["check character should be 'U', got '0'"]}},
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
