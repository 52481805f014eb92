"""Answers computed once per registry version: the tokens' actors, and the polled aggregates
with their ETag and 304.

The version is read from the database once per request (one primary-key read), so a write in
any process is seen by the next request in every other.
"""

import hashlib
from collections.abc import Callable, Hashable

from flask import Flask, Response, current_app, json, request

from registry.services import aggregates
from registry.services.aggregates import VersionedCache

TOKENS = "registry.tokens"
AGGREGATES = "registry.aggregates"


def init_app(app: Flask) -> None:
    # Two caches: a flood of requests for one can never evict the other's entries.
    app.extensions[TOKENS] = VersionedCache(size=1024)
    app.extensions[AGGREGATES] = VersionedCache(size=4096)


def registry_version() -> int:
    """The registry's version, read once per request and kept with it."""
    environ = request.environ
    if "registry.version" not in environ:
        environ["registry.version"] = aggregates.current()
    return environ["registry.version"]


def cached(cache: str, key: Hashable, compute: Callable):
    """`compute()` once per registry version and key (a None result is not kept)."""
    return current_app.extensions[cache].get(key, registry_version(), compute)


def not_modified(etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x", as does `*`."""
    return request.if_none_match.contains_weak(etag)


def cached_json(key: tuple, schema, compute: Callable) -> Response:
    """An aggregate answer computed once per registry version and key, with ETag and 304;
    between writes, a poll costs one primary-key read and no query of the certifications."""
    version = registry_version()
    etag = hashlib.sha1(repr((key, version)).encode()).hexdigest()
    if not_modified(etag):
        response = Response(status=304)
    else:
        body = cached(AGGREGATES, key, lambda: json.dumps(schema().dump(compute())))
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    return response
