"""The audit trail."""

from marshmallow import fields, validate

from registry.messages import Message
from schemas import Schema, UtcDateTime
from schemas import credit_code as credit_codes


class EventQueryArgsSchema(Schema):
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=2**63 - 1),
        metadata={"description": "Only events with a larger id (the last id you saw)"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    credit_code = fields.String(
        validate=[
            validate.Regexp(r"^[0-9A-Za-z]{18}$", error=Message("field.credit_code_form")),
            credit_codes.checked,
        ],
        metadata={"description": "Only the events of this firm", "example": "91410702MA9F3K2L2U"},
    )
    action = fields.String(
        validate=validate.Regexp(r"^[a-z_.]{1,64}$"),
        metadata={
            "description": "Only actions beginning so: `user.` for sign-ins and accounts, "
            "`user.sign` for signing in and out",
            "example": "user.",
        },
    )
    request_id = fields.String(
        validate=validate.Regexp(r"^[A-Za-z0-9._-]{1,64}$"),
        metadata={
            "description": "Only the events one request wrote (its X-Request-ID): what an "
            "import just did"
        },
    )


class EventSchema(Schema):
    id = fields.Integer(metadata={"example": 42})
    at = UtcDateTime()
    actor_name = fields.String(metadata={"example": "红旗区工信局"})
    actor_role = fields.String(metadata={"example": "bureau"})
    actor_login = fields.String(
        allow_none=True, metadata={"description": "A person's login (a token has none)"}
    )
    action = fields.String(metadata={"example": "certification.recorded"})
    subject = fields.String(metadata={"example": "enterprise/91410702MA9F3K2L2U/certification/7"})
    district = fields.String(allow_none=True, metadata={"example": "410702"})
    data = fields.Dict(metadata={"description": "What was written"})
    request_id = fields.String(
        allow_none=True, metadata={"description": "X-Request-ID of the request that wrote it"}
    )


class EventPageSchema(Schema):
    items = fields.List(fields.Nested(EventSchema))
    next_after = fields.Integer(
        metadata={"description": "Pass as `after` for the next events (the last id here)"}
    )
