"""Polls answered before the app: a screen asking again for an aggregate it was given before.

A poll of a `@blp.polled` operation is answered 200 (or 304 on If-None-Match) here, in front of
Flask, when this process answered the same path and query string today, for a token it already
knows with a role the operation allows. Under the registry's current version that costs the
version read, a hash of the token and two dictionary lookups. After a write, the answer is
computed again here, with the function the app computed it with, and the token looked up again
(it may have been revoked): no request context, no hooks (request id, rate limits,
authentication, query check), no query parsing. bench/RESULTS.md has the profile that showed
where the time went. Everything else — a token never seen, a new day, a first poll, an answer
that cannot be computed — goes to the app, which answers it and leaves its answer here
(`remember`).

A polled answer depends only on its path, query string, the version and the day, never on who
asks (any token of an allowed role sees the same aggregate): that is what makes it shareable.
A caller's address over its limit of failed authentications is not refused here: a token this
process has authenticated is not a guess, and an unknown one always goes to the app.
"""

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Hashable, Iterable

from flask import Flask, current_app, request
from werkzeug.http import parse_etags

from registry.db import database
from registry.services import aggregates, tokens
from registry.services.aggregates import VersionedCache
from registry.services.clock import today
from registry.web.request_ids import sane_request_id

POLLS = "registry.polls"
VERSION = "registry.version"  # the request's registry version, read once (registry.web.caching)


def etag_of(key: Hashable, version: int) -> str:
    """The ETag of the answer `key` under `version` (unquoted)."""
    return hashlib.sha1(repr((key, version)).encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Answer:
    """A polled answer as the app gave it: what a repeat of the request may be told, and how
    to compute it again after a write."""

    day: dt.date  # the calendar day it was computed on (a default as_of is today)
    roles: tuple[str, ...]
    key: Hashable  # the answer's own key (registry.web.caching), for its ETag
    render: Callable[[], bytes]  # its body, computed again
    etag: str  # quoted, as sent
    body: bytes


def remember(
    version: int, key: Hashable, body: bytes, roles: tuple[str, ...], render: Callable[[], bytes]
) -> None:
    """Keep the app's answer to this request, for repeats of it."""
    answer = Answer(today(), roles, key, render, f'"{etag_of(key, version)}"', body)
    asked = (request.environ.get("PATH_INFO", ""), request.environ.get("QUERY_STRING", ""))
    current_app.extensions[POLLS].get(asked, version, lambda: answer)


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
        asked = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        if scheme.lower() != "bearer" or not secret.strip() or asked not in self.answers:
            return None
        try:
            database.connect(reuse_if_open=True)
            version = aggregates.current()
            environ[VERSION] = version  # the app reads it once per request: this is that read
            answer = self._current(asked, secret.strip(), version)
        except Exception:  # the database is away, the answer cannot be computed: the app says
            return None
        if answer is None:
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

    def _current(self, asked: tuple[str, str], secret: str, version: int) -> Answer | None:
        """The answer under `version` for this token, computed again after a write; None when
        the app must answer."""
        hashed = tokens.hash_secret(secret)
        if self.tokens.latest(hashed) is None:
            return None  # a token never authenticated here goes to the app (and its limits)
        answer = self.answers.get(asked, version, _unknown)
        stale = answer is None
        if stale:
            answer = self.answers.latest(asked)
        if answer is None or answer.day != today():
            return None
        actor = self.tokens.get(hashed, version, lambda: tokens.authenticate(secret))
        if actor is None:
            self.tokens.forget(hashed)  # revoked: from now on the app says so, at once
            return None
        if actor.role not in answer.roles:
            return None
        if stale:  # kept from before a write: computed again, as the app computed it
            etag = f'"{etag_of(answer.key, version)}"'
            fresh = dataclasses.replace(answer, etag=etag, body=answer.render())
            answer = self.answers.get(asked, version, lambda: fresh)
        return answer


def _unknown():
    return None  # looked up, never computed here


def init_app(app: Flask, tokens_cache: VersionedCache) -> None:
    """Answer repeated polls in front of everything else the app does (unless the settings
    say not to: ANSWER_POLLS_IN_FRONT); the app remembers its answers either way."""
    front = PolledAnswers(app, tokens_cache)
    if app.config["ANSWER_POLLS_IN_FRONT"]:
        app.wsgi_app = front
