"""Enterprises: registering, correcting, listing, and the enterprise's own status."""

import marshmallow as ma
from marshmallow import fields

from schemas import Schema, Text, UtcDateTime
from schemas import credit_code as credit_codes
from schemas.applications import OpenApplicationSchema
from schemas.certifications import CertificationSchema, CertificationValiditySchema
from schemas.common import DistrictCode, Key, PageArgsSchema, PaginationSchema, Year
from schemas.events import EventSchema

EXAMPLE_CODE = "91410702MA9F3K2L2U"


class CreditCode(fields.String):
    """A credit code, trimmed and upper-cased, refused with the reason if its check fails."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return credit_codes.normalize(raw)
        except credit_codes.CreditCodeError as exc:
            raise ma.ValidationError(exc.args[0]) from exc


def _name(**kwargs):
    return Text(
        min_length=1,
        max_length=200,
        metadata={"example": "新乡市红旗机械制造有限公司"},
        **kwargs,
    )


class _Trimmed(Schema):
    @ma.pre_load
    def _strip(self, data, **kwargs):
        if isinstance(data, dict):
            return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return data


class EnterpriseCreateSchema(_Trimmed):
    credit_code = CreditCode(
        required=True,
        metadata={
            "example": EXAMPLE_CODE,
            "description": "18 characters of GB 32100-2015, the last a mod-31 check "
            "character; trimmed and upper-cased first",
            "pattern": r"^\s*[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}\s*$",
        },
    )
    name = _name(required=True)
    district = DistrictCode(required=True)
    industry_chain = Text(
        max_length=100,
        load_default=None,
        allow_none=True,
        metadata={"example": "装备制造"},
    )


class EnterprisePatchSchema(_Trimmed):
    name = _name()
    district = DistrictCode(metadata={"example": "410703"})
    industry_chain = Text(max_length=100, allow_none=True)


class KnownNameSchema(_Trimmed):
    name = Text(
        min_length=1,
        max_length=200,
        required=True,
        metadata={
            "description": "A name lists print for the firm (as a list printed it)",
            "example": "新乡市红旗机械制造有限责任公司",
        },
    )


class KnownNamesSchema(Schema):
    credit_code = fields.String(metadata={"example": EXAMPLE_CODE})
    name = fields.String(metadata={"description": "The registered name"})
    other_names = fields.List(
        fields.String(),
        metadata={
            "description": "Every other name lists are matched by: names it had before a "
            "correction, names a clerk kept",
            "example": ["新乡市红旗机械制造有限责任公司"],
        },
    )
    added = fields.Boolean(
        metadata={"description": "This request added the name (false: the firm had it already)"}
    )


class EnterpriseQueryArgsSchema(PageArgsSchema):
    district = DistrictCode()
    tier = Key(metadata={"description": "Has a certification of this tier"})
    year = Year(
        strict=False,
        metadata={"description": "Has a certification of this year (with `tier`: the same one)"},
    )
    q = Text(
        min_length=1,
        max_length=200,
        metadata={"description": "Part of the name, or the start of the credit code"},
    )


class EnterpriseSummarySchema(Schema):
    credit_code = fields.String(metadata={"example": EXAMPLE_CODE})
    name = fields.String(metadata={"example": "新乡市红旗机械制造有限公司"})
    district = fields.String(attribute="district_id", metadata={"example": "410702"})
    industry_chain = fields.String(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class EnterprisePageSchema(Schema):
    items = fields.List(fields.Nested(EnterpriseSummarySchema))
    pagination = fields.Nested(PaginationSchema)


class EnterpriseSchema(EnterpriseSummarySchema):
    current_tier = fields.String(allow_none=True, metadata={"example": "innovative_sme"})
    next_tier = fields.String(allow_none=True, metadata={"example": "specialized_sme"})
    designations = fields.List(
        fields.String(), metadata={"description": "Active titles off the SME ladder"}
    )
    certifications = fields.List(fields.Nested(CertificationSchema))


NEXT_STEPS = ["apply_next_tier", "renew", "barred", "reapply", "top_tier"]


class BureauSchema(Schema):
    """Where the firm applies: its district's industry and information technology bureau."""

    district = fields.String(allow_none=True, metadata={"example": "410702"})
    district_name_zh = fields.String(allow_none=True, metadata={"example": "红旗区"})
    district_name_en = fields.String(allow_none=True, metadata={"example": "Hongqi District"})
    name_zh = fields.String(metadata={"example": "红旗区工业和信息化局"})
    name_en = fields.String(
        metadata={"example": "the Hongqi District Bureau of Industry and Information Technology"}
    )


class NextStepSchema(Schema):
    """What the firm should do next in the primary ladder, derived on the day asked: the first
    that applies of `barred` (a title revoked less than three years ago), `renew` (a title
    expiring: its 复核 before `renew_by`), `reapply` (a higher title has ended: apply again as
    new, for `apply_for`), `top_tier` (holding the ladder's top: until `valid_until`) and
    `apply_next_tier` (`apply_for`, the tier above the one held)."""

    kind = fields.String(metadata={"enum": NEXT_STEPS, "example": "renew"})
    tier = fields.String(
        allow_none=True,
        metadata={"description": "The title the step is about", "example": "specialized_sme"},
    )
    apply_for = fields.String(
        allow_none=True,
        metadata={
            "description": "The tier the firm may apply for now (none while barred or at the top)",
            "example": "specialized_sme",
        },
    )
    revoked_on = fields.Date(allow_none=True, metadata={"description": "barred: the revocation"})
    reason = fields.String(allow_none=True, metadata={"description": "barred: its reason"})
    barred_until = fields.Date(
        allow_none=True,
        metadata={
            "description": "barred: the first day the firm may apply again (three years after "
            "the revocation)"
        },
    )
    renew_by = fields.Date(
        allow_none=True,
        metadata={"description": "renew: the title's end, before which to apply for 复核"},
    )
    expired_on = fields.Date(allow_none=True, metadata={"description": "reapply: the title's end"})
    valid_until = fields.Date(
        allow_none=True, metadata={"description": "renew, top_tier: the title's end"}
    )
    days_left = fields.Integer(
        allow_none=True, metadata={"description": "renew, top_tier: days until valid_until"}
    )
    bureau = fields.Nested(BureauSchema)


class EnterpriseStatusSchema(Schema):
    credit_code = fields.String(metadata={"example": EXAMPLE_CODE})
    name = fields.String()
    district = fields.String(attribute="district_id", metadata={"example": "410702"})
    current_tier = fields.String(allow_none=True, metadata={"example": "specialized_sme"})
    next_tier = fields.String(allow_none=True, metadata={"example": "little_giant"})
    designations = fields.List(fields.String(), metadata={"example": ["head_goose"]})
    certifications = fields.List(
        fields.Nested(CertificationValiditySchema),
        metadata={"description": "Newest first (by announcement)"},
    )
    next_step = fields.Nested(NextStepSchema)
    applications = fields.List(
        fields.Nested(OpenApplicationSchema),
        metadata={"description": "The firm's open applications, by year and tier"},
    )


class EnterpriseReadArgsSchema(Schema):
    as_of = fields.Date(
        metadata={
            "description": "The firm as it stood that day: later corrections undone, its "
            "titles then and their status that day",
            "example": "2024-06-30",
        }
    )


class FieldChangeSchema(Schema):
    field = fields.String(metadata={"example": "name"})
    old = fields.Raw(allow_none=True, metadata={"example": "新乡市红旗机械有限公司"})
    new = fields.Raw(allow_none=True, metadata={"example": "新乡市红旗机械制造有限公司"})


class HistoryEventSchema(EventSchema):
    changes = fields.List(
        fields.Nested(FieldChangeSchema),
        metadata={"description": "A correction's fields, old and new; empty otherwise"},
    )


class EnterpriseHistorySchema(Schema):
    credit_code = fields.String(metadata={"example": EXAMPLE_CODE})
    time_zone = fields.String(
        metadata={
            "description": "The registry's time zone (IANA): the events' `at` are UTC, and a "
            "page shows them in this zone",
            "example": "Asia/Shanghai",
        }
    )
    items = fields.List(fields.Nested(HistoryEventSchema))
