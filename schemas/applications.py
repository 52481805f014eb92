"""Applications: opening one, moving one or several, listing them, the 推荐汇总表's filters."""

import marshmallow as ma
from marshmallow import fields, validate

from registry.messages import Message
from schemas import Schema, Text, UtcDateTime
from schemas.common import DistrictCode, Key, PageArgsSchema, PaginationSchema, Year

# An application's open stages in order, then the outcomes (as registry.models has them).
STAGES = ("candidate", "applied", "recommended", "reviewed", "publicized")
OUTCOMES = ("certified", "rejected", "withdrawn")
EVERY_STAGE = [*STAGES, *OUTCOMES]
EXAMPLE_CODE = "91410702MA9F3K2L2U"


def _stage(**kwargs) -> fields.String:
    return fields.String(
        validate=validate.OneOf(EVERY_STAGE, error=Message("application.unknown_stage")),
        **kwargs,
    )


class _Trimmed(Schema):
    @ma.pre_load
    def _strip(self, data, **kwargs):
        if isinstance(data, dict):
            return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return data


def _optional_text(max_length: int, **metadata) -> fields.String:
    return Text(max_length=max_length, load_default=None, allow_none=True, metadata=metadata)


class ApplicationCreateSchema(_Trimmed):
    tier = Key(required=True, metadata={"example": "specialized_sme"})
    year = Year(required=True, metadata={"description": "年度 of the round", "example": 2026})
    stage = fields.String(
        load_default="applied",
        validate=validate.OneOf(STAGES, error=Message("application.open_stage")),
        metadata={"description": "Where it starts (an open stage)", "enum": list(STAGES)},
    )
    batch = _optional_text(100, example="第一批")
    contact_name = _optional_text(100, example="王丽")
    contact_phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=[
            validate.Length(max=40),
            validate.Regexp(r"^\+?[0-9][0-9 ()+\-]*$", error=Message("application.phone")),
        ],
        metadata={"example": "0373-3051234", "pattern": r"^\+?[0-9][0-9 ()+\-]*$"},
    )
    note = _optional_text(2000)

    @ma.post_load
    def _blank_is_none(self, data, **kwargs):
        return {k: (None if v == "" else v) for k, v in data.items()}


class MoveSchema(_Trimmed):
    stage = _stage(required=True, metadata={"example": "recommended", "enum": EVERY_STAGE})
    reason = Text(
        max_length=2000,
        load_default=None,
        allow_none=True,
        metadata={"description": "Required to reject (not blank)", "example": "研发投入不足"},
    )
    on = fields.Date(
        load_default=None, metadata={"description": "The day it happened; default: today"}
    )


class BulkMoveSchema(MoveSchema):
    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2147483647)),
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"example": [12, 15]},
    )


class ApplicationMoveSchema(Schema):
    stage = fields.String(metadata={"example": "applied"})
    on = fields.Date(metadata={"example": "2026-04-10"})
    at = UtcDateTime()
    actor = fields.String(attribute="actor_name", metadata={"example": "红旗区工信局"})
    reason = fields.String(allow_none=True)


class ApplicationSchema(Schema):
    id = fields.Integer(metadata={"example": 12})
    credit_code = fields.Function(
        lambda a: a.enterprise.credit_code, metadata={"example": EXAMPLE_CODE}
    )
    name = fields.Function(
        lambda a: a.enterprise.name, metadata={"example": "新乡市红旗机械制造有限公司"}
    )
    district = fields.Function(lambda a: a.enterprise.district_id, metadata={"example": "410702"})
    tier = fields.String(attribute="tier_id", metadata={"example": "specialized_sme"})
    year = fields.Integer(metadata={"example": 2026})
    batch = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    stage = fields.String(metadata={"enum": EVERY_STAGE, "example": "reviewed"})
    highest = fields.String(
        metadata={"enum": list(STAGES), "description": "The furthest open stage reached"}
    )
    open = fields.Boolean(attribute="is_open")
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    history = fields.List(
        fields.Nested(ApplicationMoveSchema),
        metadata={"description": "Where it started, then every move, oldest first"},
    )


class ApplicationWarningSchema(Schema):
    code = fields.String(metadata={"example": "application.prerequisite_missing"})
    detail = fields.String(metadata={"description": "In the request's language"})


class ApplicationCreatedSchema(ApplicationSchema):
    warnings = fields.List(
        fields.Nested(ApplicationWarningSchema),
        metadata={"description": "What the ladder would refuse today (a missing lower title)"},
    )


class ApplicationListSchema(Schema):
    applications = fields.List(fields.Nested(ApplicationSchema))


class ApplicationPageSchema(Schema):
    items = fields.List(fields.Nested(ApplicationSchema))
    pagination = fields.Nested(PaginationSchema)


class ApplicationFilterSchema(Schema):
    year = Year(strict=False)
    tier = Key()
    stage = _stage(metadata={"enum": EVERY_STAGE})
    district = DistrictCode(metadata={"description": "A bureau: within its own districts"})
    q = Text(
        min_length=1,
        max_length=200,
        metadata={"description": "Part of the firm's name, or the start of its credit code"},
    )
    open = fields.Boolean(metadata={"description": "Only open ones (true) or closed (false)"})


class ApplicationQueryArgsSchema(PageArgsSchema, ApplicationFilterSchema):
    pass


class OpenApplicationSchema(Schema):
    """An open application as the firm's status shows it."""

    id = fields.Integer()
    tier = fields.String(attribute="tier_id", metadata={"example": "specialized_sme"})
    year = fields.Integer(metadata={"example": 2026})
    batch = fields.String(allow_none=True)
    stage = fields.String(metadata={"enum": list(STAGES), "example": "reviewed"})
    since = fields.Date(metadata={"description": "The day of its last move"})
