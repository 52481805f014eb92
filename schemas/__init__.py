"""Marshmallow schemas: one module per resource, one class per use. They depend on nothing of
the registry's but its messages (registry.messages, Flask-free: every refusal is a Message with
a code; importing registry.messages.fields first gives marshmallow's own messages codes too)."""

import datetime as dt
import re
import unicodedata

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

import registry.messages.fields  # noqa: F401  (marshmallow's messages from the catalog, first)
from registry.messages import Message


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


# Characters that print as nothing or change how the rest prints: C0 and C1 controls and DEL
# (U+0085 among them), the soft hyphen, zero-width spaces and joiners, direction marks,
# embeddings, overrides and isolates (U+202E), the line and paragraph separators (U+2028,
# U+2029), invisible operators, the BOM (U+FEFF), interlinear annotations. Written as a regular
# expression both Python and the OpenAPI document's readers (ECMA-262) understand.
INVISIBLE = (
    r"\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    r"\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


class Printable(validate.Regexp):
    """Text without invisible or control characters; a refusal names the first and where it is.
    (A Regexp, so that the OpenAPI document states the rule as the field's `pattern`.)"""

    def __init__(self):
        super().__init__(f"^[^{INVISIBLE}]*$")

    def __call__(self, value: str) -> str:
        for position, char in enumerate(value, start=1):
            if _INVISIBLE.match(char) or unicodedata.category(char) == "Cs":  # or half a pair
                name = unicodedata.name(char, "a control character")
                raise ValidationError(
                    Message(
                        "field.invisible_character",
                        codepoint=f"{ord(char):04X}",
                        name=name,
                        position=position,
                    )
                )
        return value


def Text(*, min_length: int = 0, max_length: int, **kwargs) -> fields.String:
    """A string of printable text, between the given lengths."""
    return fields.String(
        validate=[validate.Length(min=min_length, max=max_length), Printable()], **kwargs
    )
