"""Marshmallow schemas: one module per resource, one class per use."""

import datetime as dt

import marshmallow as ma
from marshmallow import fields


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
