"""The seeded catalog as the API shows it."""

from marshmallow import fields

from schemas import Schema
from schemas.seeds import COMPARATORS, TALLIES, TARGET_KINDS


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


class StageSchema(Schema):
    """An application's stage: the open ones in order, then the outcomes that close one."""

    key = fields.String(metadata={"example": "reviewed"})
    label_zh = fields.String(metadata={"example": "市级审核"})
    label_en = fields.String(metadata={"example": "reviewed by the city"})
    open = fields.Boolean(metadata={"description": "An open stage (false: an outcome)"})


class MeasureSchema(Schema):
    key = fields.String(metadata={"example": "entrepreneur_training"})
    label_zh = fields.String(metadata={"example": "企业家培训"})
    label_en = fields.String(metadata={"example": "Entrepreneur training"})
    unit_zh = fields.String(metadata={"example": "人次"})
    unit_en = fields.String(metadata={"example": "person-times"})
    tally = fields.String(
        metadata={
            "enum": list(TALLIES),
            "description": "flow: a year's figure is what happened in it; level: the stock at "
            "the year's end",
        }
    )


class TargetSchema(Schema):
    key = fields.String(metadata={"example": "innovative_sme_new"})
    tier = fields.String(
        attribute="tier_id", allow_none=True, metadata={"example": "innovative_sme"}
    )
    measure = fields.String(attribute="measure_id", allow_none=True, metadata={"example": None})
    kind = fields.String(metadata={"example": "annual", "enum": list(TARGET_KINDS)})
    comparator = fields.String(metadata={"example": "at_least", "enum": list(COMPARATORS)})
    year = fields.Integer(metadata={"example": 2024})
    value = fields.Integer(metadata={"example": 500})
    label_zh = fields.String(allow_none=True, metadata={"example": "创新型中小企业"})
    label_en = fields.String(allow_none=True)
    allocations = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        attribute="allocation_map",
        metadata={
            "description": "The target divided among districts (code: value), if the plan does",
            "example": {},
        },
    )


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
