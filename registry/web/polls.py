"""Polls answered before the app: a screen asking again for an aggregate it was given before.

A poll of a `@blp.polled` operation is answered 200 (or 304 on If-None-Match) here, in front of
Flask, when this process answered the same path and query string today, for a credential it
already knows whose holder's role the operation allows (registry.web.credentials decides both,
as for every request). Under the registry's current version that costs the version read, a hash
of the token and two dictionary lookups. After a write, the answer is computed again here, with
the function the app computed it with, and the holder looked up again (the token may have been
revoked): no request context, no hooks (request id, rate limits, query check), no query
parsing. bench/RESULTS.md has the profile that showed
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

from registry import metrics
from registry.db import database
from registry.services.clock import today
from registry.services.version import current as current_version
from registry.services.versioned_cache import VersionedCache
from registry.web import credentials
from registry.web.metrics import name_route, template
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
    route: str  # the operation's route template (what the metrics count it by)


def remember(
    version: int, key: Hashable, body: bytes, roles: tuple[str, ...], render: Callable[[], bytes]
) -> None:
    """Keep the app's answer to this request, for repeats of it."""
    etag = f'"{etag_of(key, version)}"'
    answer = Answer(today(), roles, key, render, etag, body, template(request.url_rule.rule))
    asked = (request.environ.get("PATH_INFO", ""), request.environ.get("QUERY_STRING", ""))
    current_app.extensions[POLLS].get(asked, version, lambda: answer)


class PolledAnswers:
    """WSGI middleware in front of the app (with its own ProxyFix and hooks behind it)."""

    def __init__(self, app: Flask):
        self.flask, self.app = app, app.wsgi_app
        self.answers = VersionedCache(size=1024)
        app.extensions[POLLS] = self.answers

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET":
            answered = self._answer(environ, start_response)
            if answered is not None:
                return answered
        return self.app(environ, start_response)

    def _answer(self, environ: dict, start_response: Callable) -> Iterable[bytes] | None:
        asked = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        if asked not in self.answers:
            return None
        credential = credentials.presented(environ)
        # A credential never found here goes to the app (and its limits): it may be a guess.
        if credential is None or not credentials.known(self.flask, credential):
            return None
        try:
            database.connect(reuse_if_open=True)
            version = current_version()
            environ[VERSION] = version  # the app reads it once per request: this is that read
            answer = self._current(asked, credential, version)
        except Exception:  # the database is away, the answer cannot be computed: the app says
            return None
        if answer is None:
            return None
        name_route(environ, answer.route)
        headers = [
            ("ETag", answer.etag),
            ("X-Request-ID", sane_request_id(environ.get("HTTP_X_REQUEST_ID", ""))),
        ]
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(answer.etag[1:-1]):
            metrics.poll_answered(304, "front")
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(answer.body)))]
        metrics.poll_answered(200, "front")
        start_response("200 OK", headers)
        return [answer.body]

    def _current(
        self, asked: tuple[str, str], credential: credentials.Credential, version: int
    ) -> Answer | None:
        """The answer under `version` for this credential, computed again after a write; None
        when the app must answer."""
        answer = self.answers.get(asked, version, _unknown)
        stale = answer is None
        if stale:
            answer = self.answers.latest(asked)
        if answer is None or answer.day != today():
            return None
        caller = credentials.holder(self.flask, credential, version)
        # Revoked, or not for this role: the app says so (from now on, at once, if revoked).
        if caller is None or credentials.refusal(caller, answer.roles, "GET", asked[0]):
            return None
        if stale:  # kept from before a write: computed again, as the app computed it
            etag = f'"{etag_of(answer.key, version)}"'
            fresh = dataclasses.replace(answer, etag=etag, body=answer.render())
            answer = self.answers.get(asked, version, lambda: fresh)
        return answer


def _unknown():
    return None  # looked up, never computed here


def init_app(app: Flask) -> None:
    """Answer repeated polls in front of everything else the app does (unless the settings
    say not to: ANSWER_POLLS_IN_FRONT); the app remembers its answers either way."""
    front = PolledAnswers(app)
    if app.config["ANSWER_POLLS_IN_FRONT"]:
        app.wsgi_app = front
