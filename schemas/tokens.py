"""Tokens: issued, listed and revoked over the API; who a token is."""

from marshmallow import fields, validate

from schemas import Schema, Text, UtcDateTime
from schemas.common import DistrictCode, PageArgsSchema, PaginationSchema
from schemas.enterprises import EnterpriseStatusSchema
from schemas.people import UserSchema

ROLES = ("admin", "bureau", "dashboard", "enterprise", "metrics")
SHEET_FORMATS = ("xlsx", "csv")


class TokenCreateSchema(Schema):
    role = fields.String(
        required=True, validate=validate.OneOf(ROLES), metadata={"example": "enterprise"}
    )
    name = Text(
        min_length=1,
        max_length=200,
        required=True,
        metadata={"description": "Who holds it (shown in the audit trail)", "example": "红旗机械"},
    )
    districts = fields.List(
        DistrictCode(), load_default=list, metadata={"description": "A bureau token's districts"}
    )
    credit_code = fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The firm an enterprise token reads",
            "example": "91410702MA9F3K2L2U",
        },
    )


class TokenSchema(Schema):
    id = fields.Integer(metadata={"example": 12})
    name = fields.String(metadata={"example": "红旗机械"})
    role = fields.String(metadata={"enum": list(ROLES), "example": "enterprise"})
    districts = fields.List(fields.String(), metadata={"example": []})
    credit_code = fields.String(allow_none=True, metadata={"example": "91410702MA9F3K2L2U"})
    created_at = UtcDateTime()
    revoked_at = UtcDateTime(allow_none=True)


class TokenCreatedSchema(TokenSchema):
    secret = fields.String(
        metadata={
            "description": "The bearer secret: shown in this answer only, never stored",
            "example": "ecr_…",
        }
    )


class TokenPageSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))
    pagination = fields.Nested(PaginationSchema)


class TokenPageArgsSchema(PageArgsSchema):
    pass


class EnterpriseTokensSchema(Schema):
    """Enterprise tokens for many firms at once: every firm of a district, or the codes given,
    that has no active token yet."""

    district = DistrictCode(metadata={"description": "Every firm of this district"})
    credit_codes = fields.List(
        fields.String(),
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "These firms", "example": ["91410702MA9F3K2L2U"]},
    )


class SheetArgsSchema(Schema):
    format = fields.String(
        load_default="xlsx",
        validate=validate.OneOf(SHEET_FORMATS),
        metadata={"description": "xlsx (for people, default) or csv"},
    )


class MeSchema(Schema):
    """Who is calling: a token (an enterprise token also gets its firm's status) or a person."""

    token = fields.Nested(TokenSchema, allow_none=True)
    user = fields.Nested(UserSchema, allow_none=True, metadata={"description": "A person's"})
    csrf_token = fields.String(
        metadata={"description": "A signed-in person's: their pages' writes carry it back"}
    )
    status = fields.Nested(
        EnterpriseStatusSchema,
        allow_none=True,
        metadata={"description": "An enterprise token's firm, as its status page shows it"},
    )
