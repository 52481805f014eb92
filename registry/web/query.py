"""Strict query strings: a query parameter is declared, and given once unless it takes a
list."""

from typing import ClassVar

import marshmallow as ma
from flask import request
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser

from registry.messages import Message
from registry.web.problems import problem, summary
from registry.web.views import view_method

REPEATED = Message("field.repeated")


class StrictParser(FlaskParser):
    """Unknown query parameters are a 422, like unknown JSON fields; so is a repeated one that
    takes a single value (rather than silently the first)."""

    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }

    def load_querystring(self, req, schema):
        proxy = super().load_querystring(req, schema)
        repeated = {
            name: [REPEATED]
            for name, values in req.args.lists()
            if len(values) > 1 and name not in proxy.multiple_keys
        }
        if repeated:
            raise ma.ValidationError(repeated)
        return proxy


def reject_unexpected_query():
    """before_request: an operation that declares no query parameters takes none (422)."""
    method = view_method()
    if method is None or not request.args:
        return None
    declared = getattr(method, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if any(p.get("in") == "query" for p in declared):
        return None  # the strict parser checks those
    unknown = {name: [Message("field.unknown")] for name in request.args}
    return problem(422, summary({"query": unknown}), errors={"query": unknown})
