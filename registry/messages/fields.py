"""Marshmallow's own refusals as Messages: its fields' and validators' default messages are
replaced, once, by templates of the catalog (a Message fills its parameters when marshmallow
formats it), so a schema's 422 has a code and a Chinese text for every field. Imported by
schemas/ before any field is made."""

import marshmallow as ma
from marshmallow import fields, validate

from registry.messages import Message

_FIELDS = {
    fields.Field: {
        "required": "field.required",
        "null": "field.null",
        "validator_failed": "field.invalid",
    },
    fields.Nested: {"type": "field.invalid_type"},
    fields.List: {"invalid": "field.not_list"},
    fields.Tuple: {"invalid": "field.not_list"},
    fields.String: {"invalid": "field.not_string", "invalid_utf8": "field.not_string"},
    fields.Number: {"invalid": "field.not_number", "too_large": "field.number_too_large"},
    fields.Integer: {"invalid": "field.not_integer"},
    fields.Float: {"special": "field.not_finite"},
    fields.Decimal: {"special": "field.not_finite"},
    fields.Boolean: {"invalid": "field.not_boolean"},
    fields.DateTime: {
        "invalid": "field.not_datetime",
        "invalid_awareness": "field.not_datetime",
        "format": "field.not_datetime",
    },
    fields.Date: {"invalid": "field.not_date", "format": "field.not_date"},
    fields.Mapping: {"invalid": "field.not_mapping"},
    fields.Enum: {"unknown": "field.one_of"},
}
_VALIDATORS = {
    validate.Length: {
        "message_min": "field.length_min",
        "message_max": "field.length_max",
        "message_all": "field.length_between",
        "message_equal": "field.length_equal",
    },
    validate.Range: {
        "message_min": "field.range_min",
        "message_max": "field.range_max",
        "message_all": "field.range_between",
    },
    validate.OneOf: {"default_message": "field.one_of"},
    validate.Regexp: {"default_message": "field.pattern"},
    validate.Equal: {"default_message": "field.equal"},
    validate.NoneOf: {"default_message": "field.invalid"},
    validate.ContainsOnly: {"default_message": "field.one_of"},
}
_SCHEMA = {"type": "field.invalid_type", "unknown": "field.unknown"}


def use_catalog() -> None:
    """Replace marshmallow's default messages with the catalog's (idempotent)."""
    for field, messages in _FIELDS.items():
        for key, code in messages.items():
            field.default_error_messages = {
                **field.__dict__.get("default_error_messages", {}),
                key: Message(code),
            }
    for validator, messages in _VALIDATORS.items():
        for attribute, code in messages.items():
            setattr(validator, attribute, Message(code))
    ma.Schema._default_error_messages = {
        **ma.Schema._default_error_messages,
        **{key: Message(code) for key, code in _SCHEMA.items()},
    }


use_catalog()
