"""People: accounts (the admin's), signing in and out, changing one's password."""

from marshmallow import fields, validate

from registry.messages import Message
from schemas import Schema, Text, UtcDateTime
from schemas.common import DistrictCode, PageArgsSchema, PaginationSchema

ROLES = ("admin", "bureau", "viewer", "auditor")


class SignInSchema(Schema):
    login = Text(min_length=1, max_length=64, required=True, metadata={"example": "hongqi.li"})
    password = fields.String(
        required=True, validate=validate.Length(max=1024), load_only=True, metadata={"example": "…"}
    )


class PasswordChangeSchema(Schema):
    current_password = fields.String(
        required=True, validate=validate.Length(max=1024), load_only=True
    )
    new_password = fields.String(
        required=True,
        validate=validate.Length(max=1024),
        load_only=True,
        metadata={
            "description": "At least 10 characters, 3 of 4 kinds (lower, upper, digits, "
            "symbols), not containing the login, none of the last 5"
        },
    )


class UserSchema(Schema):
    login = fields.String(metadata={"example": "hongqi.li"})
    name = fields.String(metadata={"example": "李红旗"})
    role = fields.String(metadata={"enum": list(ROLES), "example": "bureau"})
    districts = fields.List(fields.String(), metadata={"example": ["410702"]})
    disabled = fields.Boolean()
    locked_until = UtcDateTime(
        allow_none=True, metadata={"description": "Locked after failed sign-ins until then"}
    )
    password_set_at = UtcDateTime()
    must_change_password = fields.Boolean(
        metadata={"description": "A one-time or outdated password: nothing else until changed"}
    )
    created_at = UtcDateTime()


class UserPageSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))
    pagination = fields.Nested(PaginationSchema)


class UserPageArgsSchema(PageArgsSchema):
    pass


class UserCreateSchema(Schema):
    login = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$",
            error=Message("field.login_form"),
        ),
        metadata={"example": "hongqi.li"},
    )
    name = Text(min_length=1, max_length=100, required=True, metadata={"example": "李红旗"})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    districts = fields.List(
        DistrictCode(), load_default=list, metadata={"description": "A bureau clerk's districts"}
    )


class UserUpdateSchema(Schema):
    name = Text(min_length=1, max_length=100)
    role = fields.String(validate=validate.OneOf(ROLES))
    districts = fields.List(DistrictCode())
    disabled = fields.Boolean()


class OneTimePasswordSchema(Schema):
    user = fields.Nested(UserSchema)
    one_time_password = fields.String(
        metadata={
            "description": "Shown in this answer only; good for choosing a new password within "
            "72 hours (REGISTRY_ONE_TIME_PASSWORD_HOURS)"
        }
    )


class SessionSchema(Schema):
    """A person signed in: who, and the token their pages' writes carry back."""

    user = fields.Nested(UserSchema)
    csrf_token = fields.String(
        metadata={"description": "Send it back as X-CSRF-Token with every write"}
    )
    must_change_password = fields.String(
        allow_none=True,
        metadata={"description": "Why the person must choose a new password first, if so"},
    )
