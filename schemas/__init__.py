"""Marshmallow schemas: one module per resource, one class per use."""

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate


class Schema(ma.Schema):
    """Project base: unknown fields are an error (422), never silently dropped."""

    class Meta:
        unknown = ma.RAISE


class UtcDateTime(fields.DateTime):
    """A moment stored naive in UTC, shown with its offset (RFC 3339: `…+00:00`)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


# No control characters in text people type: they print as nothing and break Excel exports.
NO_CONTROL_CHARACTERS = validate.Regexp(
    r"^[^\x00-\x1f\x7f]*$", error="must not contain control characters"
)


def Text(*, min_length: int = 0, max_length: int, **kwargs) -> fields.String:
    """A string of printable text, between the given lengths."""
    return fields.String(
        validate=[validate.Length(min=min_length, max=max_length), NO_CONTROL_CHARACTERS],
        **kwargs,
    )
