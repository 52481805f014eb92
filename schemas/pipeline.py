"""The funnel and its forecast: what the screens poll of a plan year's applications."""

from marshmallow import fields

from schemas import Schema
from schemas.dashboards import ProgressQueryArgsSchema


class PipelineQueryArgsSchema(ProgressQueryArgsSchema):
    """year (default: this year, within the plan), district, as_of (default today): as
    progress takes them."""


class StagesSchema(Schema):
    candidate = fields.Integer(metadata={"description": "In the pool (培育库)", "example": 40})
    applied = fields.Integer(metadata={"description": "Applied (申报)", "example": 20})
    recommended = fields.Integer(metadata={"description": "By the county (县级推荐)"})
    reviewed = fields.Integer(metadata={"description": "By the city (市级审核)"})
    publicized = fields.Integer(metadata={"description": "On a proposed list (公示)"})


class ClosedSchema(Schema):
    certified = fields.Integer()
    rejected = fields.Integer()
    withdrawn = fields.Integer()


class RatesSchema(Schema):
    candidate = fields.Float(allow_none=True)
    applied = fields.Float(allow_none=True, metadata={"example": 0.3})
    recommended = fields.Float(allow_none=True)
    reviewed = fields.Float(allow_none=True)
    publicized = fields.Float(allow_none=True, metadata={"example": 0.9})


class ForecastSchema(Schema):
    expected = fields.Float(
        metadata={"description": "certified + Σ open(s) × rate(s), to one decimal", "example": 45.4}
    )
    low = fields.Float(
        metadata={
            "description": "expected − 1.645 × sqrt(Σ open(s) × rate(s) × (1 − rate(s))), "
            "no lower than certified, to one decimal",
            "example": 42.8,
        }
    )
    high = fields.Float(
        metadata={
            "description": "expected + the same, no higher than certified + the open "
            "applications, to one decimal",
            "example": 48.0,
        }
    )


class PipelineTierSchema(Schema):
    tier = fields.String(metadata={"example": "specialized_sme"})
    label_zh = fields.String(metadata={"example": "专精特新中小企业"})
    label_en = fields.String(metadata={"example": "Specialized SME"})
    quota = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The plan's annual target of the tier for the year; with a "
            "district, its allocation where the plan allocates the target (else null); null "
            "when the plan sets none (头雁's is a stock)",
            "example": 50,
        },
    )
    certified = fields.Integer(
        metadata={
            "description": "New titles of the tier and year at as_of, as progress counts them "
            "(no renewals, announced and unrevoked)",
            "example": 32,
        }
    )
    stages = fields.Nested(
        StagesSchema,
        metadata={"description": "Open applications of the year per stage, as they stand now"},
    )
    closed = fields.Nested(
        ClosedSchema,
        metadata={"description": "The year's applications closed per outcome, as they stand now"},
    )
    rates = fields.Nested(
        RatesSchema,
        metadata={
            "description": "Per stage: of earlier years' closed applications of the tier (every "
            "district) whose highest stage reached it, the share certified (4 decimals; null: "
            "none reached it)"
        },
    )
    forecast = fields.Nested(
        ForecastSchema,
        allow_none=True,
        metadata={"description": "null when a stage with open applications has no history"},
    )
    forecast_reason = fields.String(
        allow_none=True,
        metadata={
            "description": "Why there is no forecast: a message code (pipeline.no_history)",
            "example": None,
        },
    )
    forecast_reason_zh = fields.String(allow_none=True, metadata={"description": "Its text"})
    forecast_reason_en = fields.String(allow_none=True, metadata={"description": "Its text"})
    at_risk = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "forecast.expected < quota; null with no forecast or no quota",
            "example": True,
        },
    )


class PipelineSchema(Schema):
    plan = fields.String(metadata={"example": "xinxiang-2023-2025"})
    year = fields.Integer(metadata={"example": 2025})
    district = fields.String(allow_none=True)
    as_of = fields.Date()
    tiers = fields.List(fields.Nested(PipelineTierSchema))
