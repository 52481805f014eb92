"""Certifications: recording one, revoking one, showing them."""

from marshmallow import fields

from schemas import Schema, Text
from schemas.common import Key, Year

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
        metadata={"description": "Default: 31 December of year + the tier's validity"},
    )
    renewal = fields.Boolean(load_default=False, metadata={"description": "A 复核 renewal"})
    document_no = Text(
        max_length=100,
        load_default=None,
        allow_none=True,
        metadata={"example": "豫工信企业〔2023〕45号"},
    )
    batch = Text(max_length=100, load_default=None, allow_none=True)


class RevocationSchema(Schema):
    reason = Text(
        min_length=1,
        max_length=2000,
        required=True,
        metadata={"example": "重大安全事故 (major safety accident)"},
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


class CertificationValiditySchema(Schema):
    """One line of an enterprise's status page."""

    id = fields.Integer()
    tier = fields.String(attribute="tier_id", metadata={"example": "innovative_sme"})
    year = fields.Integer()
    certified_on = fields.Date()
    valid_until = fields.Date()
    renewal = fields.Boolean()
    revoked_on = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": STATUSES, "description": "Derived at today's date"})
    days_to_expiry = fields.Integer(
        allow_none=True,
        metadata={"description": "Days until valid_until, for an active certification"},
    )
