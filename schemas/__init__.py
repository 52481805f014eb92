"""Marshmallow schemas: one module per resource, one class per use."""

import marshmallow as ma


class Schema(ma.Schema):
    """Project base: unknown fields are an error (422), never silently dropped."""

    class Meta:
        unknown = ma.RAISE
