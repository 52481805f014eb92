"""Polls answered before the app: a screen asking again for an aggregate it was just given.

A poll of a `@blp.polled` operation is answered 200 (or 304 on If-None-Match) here, in front of
Flask, when this process answered the same path and query string under the registry's current
version today, and the token is one it already knows at this version with a role the operation
allows. That costs the version read, a hash of the token and two dictionary lookups: no request
context, no hooks (request id, rate limits, authentication, query check), no query parsing, no
JSON (bench/RESULTS.md has the profile that showed where the time went). Everything else —
another token, a write since, a new day, a first poll — goes to the app, which answers it and
leaves the answer here (`remember`).

A polled answer depends only on its path, query string, the version and the day, never on who
asks (any token of an allowed role sees the same aggregate): that is what makes it shareable.
A caller's address over its limit of failed authentications is not refused here: a token this
process has authenticated is not a guess.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app, request
from werkzeug.http import parse_etags

from registry.db import database
from registry.services import aggregates, tokens
from registry.services.aggregates import VersionedCache
from registry.services.clock import today
from registry.web.request_ids import sane_request_id

POLLS = "registry.polls"
VERSION = "registry.version"  # the request's registry version, read once (registry.web.caching)


@dataclass(frozen=True)
class Answer:
    """A polled answer as the app gave it: what a repeat of the request may be told."""

    day: dt.date  # the calendar day it was computed on (a default as_of is today)
    roles: tuple[str, ...]
    etag: str  # quoted, as sent
    body: bytes


def remember(version: int, etag: str, body: bytes, roles: tuple[str, ...]) -> None:
    """Keep the app's answer to this request, for repeats of it under the same version."""
    answer = Answer(today(), roles, f'"{etag}"', body)
    key = (request.environ.get("PATH_INFO", ""), request.environ.get("QUERY_STRING", ""))
    current_app.extensions[POLLS].get(key, version, lambda: answer)


class PolledAnswers:
    """WSGI middleware in front of the app (with its own ProxyFix and hooks behind it)."""

    def __init__(self, app: Flask, tokens_cache: VersionedCache):
        self.app = app.wsgi_app
        self.answers, self.tokens = VersionedCache(size=1024), tokens_cache
        app.extensions[POLLS] = self.answers

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("HTTP_AUTHORIZATION"):
            answered = self._answer(environ, start_response)
            if answered is not None:
                return answered
        return self.app(environ, start_response)

    def _answer(self, environ: dict, start_response: Callable) -> Iterable[bytes] | None:
        scheme, _, secret = environ["HTTP_AUTHORIZATION"].partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        key = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        if key not in self.answers:
            return None
        try:
            database.connect(reuse_if_open=True)
            version = aggregates.current()
        except Exception:  # the database is away: the app answers 503 as it does
            return None
        environ[VERSION] = version  # the app reads it once per request: this is that read
        answer = self.answers.get(key, version, _unknown)
        if answer is None or answer.day != today():
            return None
        actor = self.tokens.get(tokens.hash_secret(secret.strip()), version, _unknown)
        if actor is None or actor.role not in answer.roles:
            return None
        headers = [
            ("ETag", answer.etag),
            ("X-Request-ID", sane_request_id(environ.get("HTTP_X_REQUEST_ID", ""))),
        ]
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(answer.etag[1:-1]):
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(answer.body)))]
        start_response("200 OK", headers)
        return [answer.body]


def _unknown():
    return None  # looked up, never computed here


def init_app(app: Flask, tokens_cache: VersionedCache) -> None:
    """Answer repeated polls in front of everything else the app does (unless the settings
    say not to: ANSWER_POLLS_IN_FRONT); the app remembers its answers either way."""
    front = PolledAnswers(app, tokens_cache)
    if app.config["ANSWER_POLLS_IN_FRONT"]:
        app.wsgi_app = front
