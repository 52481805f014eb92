"""Yearly figures of measures that are not titles of a firm."""

from marshmallow import ValidationError, fields

from registry.messages import Message
from schemas import Schema, Text, UtcDateTime
from schemas.common import DistrictCode, Key, PageArgsSchema, PaginationSchema, Year


def _in_range(value) -> None:
    # Not validate.Range: on a Decimal field it puts Decimals into the OpenAPI document.
    if not 0 <= value < 10**13:
        raise ValidationError(Message("field.figure_value"))


class FigureRecordSchema(Schema):
    measure = Key(required=True, metadata={"example": "entrepreneur_training"})
    year = Year(required=True)
    district = DistrictCode(
        load_default=None,
        allow_none=True,
        metadata={"description": "A district code; null: city-wide (admin only)"},
    )
    value = fields.Decimal(
        required=True,
        places=2,
        as_string=False,
        validate=_in_range,
        metadata={"example": 120, "minimum": 0, "maximum": 10**13},
    )
    note = Text(max_length=500, load_default=None, allow_none=True)


class FigureSchema(Schema):
    measure = fields.String(attribute="measure_id", metadata={"example": "entrepreneur_training"})
    year = fields.Integer(metadata={"example": 2024})
    district = fields.Function(
        lambda figure: figure.district or None,
        metadata={"type": "string", "nullable": True, "example": "410702"},
    )
    value = fields.Function(
        lambda figure: (
            int(figure.value) if figure.value == int(figure.value) else float(figure.value)
        ),
        metadata={"type": "number", "example": 120},
    )
    note = fields.String(allow_none=True)
    recorded_at = UtcDateTime()
    recorded_by = fields.String(metadata={"example": "红旗区工信局"})


class FigureQueryArgsSchema(PageArgsSchema):
    measure = Key()
    year = Year(strict=False)
    district = DistrictCode()


class FigurePageSchema(Schema):
    items = fields.List(fields.Nested(FigureSchema))
    pagination = fields.Nested(PaginationSchema)
