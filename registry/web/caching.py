"""Answers computed once per registry version: the polled aggregates, with their ETag and 304.

The version is read from the database once per request (one primary-key read), so a write in
any process is seen by the next request in every other.
"""

import functools
from collections.abc import Callable, Hashable

from flask import Flask, Response, current_app, request
from marshmallow import Schema

from registry import metrics
from registry.services import version
from registry.services.versioned_cache import VersionedCache
from registry.web import polls
from registry.web.views import view_method

AGGREGATES = "registry.aggregates"


def init_app(app: Flask) -> None:
    # A cache of its own (not the credentials'): a flood of one can never evict the other's.
    app.extensions[AGGREGATES] = VersionedCache(size=4096)
    polls.init_app(app)


def registry_version() -> int:
    """The registry's version, read once per request and kept with it."""
    environ = request.environ
    if polls.VERSION not in environ:
        environ[polls.VERSION] = version.current()
    return environ[polls.VERSION]


def cached(cache: str, key: Hashable, compute: Callable):
    """`compute()` once per registry version and key (a None result is not kept)."""
    return current_app.extensions[cache].get(key, registry_version(), compute)


def not_modified(etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x", as does `*`."""
    return request.if_none_match.contains_weak(etag)


def cached_json(key: tuple, schema, compute: Callable) -> Response:
    """An aggregate answer computed once per registry version and key, with ETag and 304;
    kept for the polls that repeat this request (registry.web.polls), which are then answered
    in front of the app, and computed again there after a write."""
    version = registry_version()
    dumps = current_app.json.dumps

    def render() -> bytes:
        metrics.answer_computed()  # here, or in front of the app after a write
        return dumps(_dumper(schema).dump(compute())).encode()

    body = cached(AGGREGATES, key, render)
    method = view_method()
    polled = getattr(method, "_polled", False)
    if polled:
        polls.remember(version, key, body, method._access, render)
    etag = polls.etag_of(key, version)
    if not_modified(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    if polled:
        metrics.poll_answered(response.status_code, "app")
    response.set_etag(etag)
    return response


@functools.cache
def _dumper(schema: type[Schema]) -> Schema:
    """One instance of an answer's schema for every dump: making one copies its fields and, on
    its first dump, makes its nested schemas (a fifth of computing an answer again, measured)."""
    return schema()
