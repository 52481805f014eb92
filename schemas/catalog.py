"""The seeded catalog as the API shows it."""

from marshmallow import fields

from schemas import Schema


class DistrictSchema(Schema):
    code = fields.String(metadata={"example": "410702"})
    name_zh = fields.String(metadata={"example": "红旗区"})
    short_name_zh = fields.String(allow_none=True, metadata={"example": None})
    name_en = fields.String(metadata={"example": "Hongqi District"})
    kind = fields.String(metadata={"example": "district"})


class TierSchema(Schema):
    key = fields.String(metadata={"example": "specialized_sme"})
    ladder = fields.String(attribute="ladder_id", metadata={"example": "sme"})
    rank = fields.Integer(metadata={"example": 2})
    label_zh = fields.String(metadata={"example": "专精特新中小企业"})
    label_en = fields.String()
    level = fields.String(metadata={"example": "province"})
    validity_years = fields.Integer(metadata={"example": 3})
    prerequisite = fields.String(
        attribute="prerequisite_id", allow_none=True, metadata={"example": "innovative_sme"}
    )
    has_quota = fields.Boolean()


class TargetSchema(Schema):
    tier = fields.String(attribute="tier_id", metadata={"example": "innovative_sme"})
    kind = fields.String(metadata={"example": "annual", "enum": ["annual", "cumulative"]})
    year = fields.Integer(metadata={"example": 2024})
    value = fields.Integer(metadata={"example": 500})


class PlanSummarySchema(Schema):
    id = fields.String(metadata={"example": "xinxiang-2023-2025"})
    title_zh = fields.String()
    title_en = fields.String()
    issuer_zh = fields.String(allow_none=True)
    issued_on = fields.Date(allow_none=True)
    years = fields.Method("_years", metadata={"example": [2023, 2024, 2025]})

    def _years(self, plan):
        return list(range(plan.first_year, plan.last_year + 1))


class PlanSchema(PlanSummarySchema):
    targets = fields.List(fields.Nested(TargetSchema), attribute="target_list")
