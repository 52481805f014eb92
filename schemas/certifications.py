"""Certifications: recording one, revoking one, showing them."""

from marshmallow import ValidationError, fields, validate

from registry.messages import Message
from schemas import Schema, Text
from schemas.common import (
    DistrictCode,
    Key,
    ListParameter,
    PageArgsSchema,
    PaginationSchema,
    Year,
)

STATUSES = ["active", "expired", "revoked"]


class CertificationCreateSchema(Schema):
    tier = Key(required=True, metadata={"example": "innovative_sme"})
    year = Year(
        load_default=None,
        metadata={
            "description": "年度 of the published list; default: year of certified_on",
            "example": 2023,
        },
    )
    certified_on = fields.Date(
        required=True, metadata={"description": "Announcement date", "example": "2023-06-30"}
    )
    valid_until = fields.Date(
        load_default=None,
        metadata={
            "description": "Default: 31 December of the announcement's year + the tier's "
            "validity − 1 (the 2023 lists run to 2025-12-31)"
        },
    )
    renewal = fields.Boolean(load_default=False, metadata={"description": "A 复核 renewal"})
    document_no = Text(
        max_length=100,
        load_default=None,
        allow_none=True,
        metadata={"example": "豫工信企业〔2023〕45号"},
    )
    batch = Text(max_length=100, load_default=None, allow_none=True)


def _not_blank(value: str) -> None:
    if value and not value.strip():  # empty: the length says so
        raise ValidationError(Message("certification.reason_blank"))


class RevocationSchema(Schema):
    reason = fields.String(
        required=True,
        validate=[*Text(min_length=1, max_length=2000).validators, _not_blank],
        metadata={
            "description": "Why the title is revoked (not blank; kept without the spaces "
            "around it): it stands in the firm's record and its history",
            "example": "重大安全事故 (major safety accident)",
        },
    )
    revoked_on = fields.Date(
        load_default=None, metadata={"description": "Default: today", "example": "2024-05-10"}
    )


class CertificationSchema(Schema):
    id = fields.Integer(metadata={"example": 1})
    credit_code = fields.Function(
        lambda c: c.enterprise.credit_code, metadata={"example": "91410702MA9F3K2L2U"}
    )
    tier = fields.String(attribute="tier_id", metadata={"example": "innovative_sme"})
    year = fields.Integer(metadata={"example": 2023})
    certified_on = fields.Date(metadata={"example": "2023-06-30"})
    valid_until = fields.Date(metadata={"example": "2026-12-31"})
    renewal = fields.Boolean()
    document_no = fields.String(allow_none=True)
    batch = fields.String(allow_none=True)
    revoked_on = fields.Date(allow_none=True)
    revocation_reason = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": STATUSES, "description": "Derived at today's date"})


class CertificationListSchema(Schema):
    items = fields.List(fields.Nested(CertificationSchema))


class SupersedingSchema(Schema):
    """The title that takes over from another: its renewal, or a higher tier of the ladder."""

    id = fields.Integer(metadata={"example": 9})
    tier = fields.String(attribute="tier_id", metadata={"example": "specialized_sme"})
    year = fields.Integer(metadata={"example": 2025})
    renewal = fields.Boolean()
    valid_until = fields.Date(metadata={"example": "2027-12-31"})


class _WorkingYear(Schema):
    """What the working year derives for a title on a day (services.titles)."""

    days_to_expiry = fields.Integer(
        allow_none=True,
        metadata={"description": "Days until valid_until, for an active certification"},
    )
    expiring = fields.Boolean(
        metadata={
            "description": "Active, ending within the window (default 180 days), and not "
            "superseded: due for renewal"
        }
    )
    superseded_by = fields.Nested(
        SupersedingSchema,
        allow_none=True,
        metadata={"description": "A later title of the tier, or an active higher one"},
    )
    barred_until = fields.Date(
        allow_none=True,
        metadata={
            "description": "A revoked title: the first day its ladder may be granted again "
            "(three years after the revocation)"
        },
    )


class CertificationValiditySchema(_WorkingYear):
    """One line of an enterprise's status page."""

    id = fields.Integer()
    tier = fields.String(attribute="tier_id", metadata={"example": "innovative_sme"})
    year = fields.Integer()
    certified_on = fields.Date()
    valid_until = fields.Date()
    renewal = fields.Boolean()
    revoked_on = fields.Date(allow_none=True)
    revocation_reason = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": STATUSES, "description": "Derived at the day asked"})


class CertificationSearchArgsSchema(PageArgsSchema):
    """Certifications across the registry: the renewal season's questions."""

    tier = ListParameter(
        Key(),
        validate=validate.Length(min=1, max=50),
        metadata={
            "description": "One tier, or several (comma-separated or repeated): their titles",
            "example": "innovative_sme,specialized_sme",
        },
    )
    year = Year(strict=False, metadata={"description": "年度"})
    district = DistrictCode(
        metadata={
            "description": "One county's titles. Without it a bureau is answered its own "
            "districts' titles, the admin and a viewer every district's"
        }
    )
    renewal = fields.Boolean(metadata={"description": "复核 renewals only, or none of them"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "On as_of"})
    as_of = fields.Date(metadata={"description": "Default: today"})
    expires_by = fields.Date(
        metadata={
            "description": "Titles active on as_of that end on or before this day",
            "example": "2026-12-31",
        }
    )
    superseded = fields.Boolean(
        metadata={
            "description": "false: only titles nothing takes over yet (who must renew); true: "
            "only those renewed or outranked already"
        }
    )
    primary = fields.Boolean(
        metadata={
            "description": "true: the primary ladder's titles only (创新型中小企业, "
            "专精特新中小企业, 专精特新“小巨人”: the titles renewed by 复核); false: only the "
            "other designations"
        }
    )
    q = Text(
        min_length=1,
        max_length=200,
        metadata={"description": "Part of the firm's name, or the start of its credit code"},
    )


class CertificationEntrySchema(CertificationSchema, _WorkingYear):
    """A certification with its firm, as the registry-wide list shows it."""

    name = fields.Function(
        lambda c: c.enterprise.name, metadata={"example": "新乡市红旗机械制造有限公司"}
    )
    district = fields.Function(lambda c: c.enterprise.district_id, metadata={"example": "410702"})


class CertificationPageSchema(Schema):
    items = fields.List(fields.Nested(CertificationEntrySchema))
    pagination = fields.Nested(PaginationSchema)
    as_of = fields.Date(
        metadata={
            "description": "The day the statuses and days_to_expiry are derived for: as_of if "
            "given, else the registry's today",
            "example": "2026-12-06",
        }
    )
