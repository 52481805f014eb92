"""Who is calling: the one place that reads a request's credential, finds its holder and says
whether the holder may call an operation.

A credential is what a request presents: a machine's bearer token (`Authorization: Bearer
<secret>`), or a person's session cookie; each is known by the SHA-256 digest of its secret,
which is all the registry stores. Everything asks here: the Flask hook (registry.web.auth),
the rate limiter's key (registry.web.limits) and the poll middleware in front of Flask
(registry.web.polls), which holds only the WSGI environ; no other module reads the
Authorization header or the session cookie.

A token's holder is kept per registry version (revoking a token is a write, so a revoked token
is refused from the next request on, in every process); an unknown credential is never kept. A
session is looked up on every request (it ends with time, too), so its end holds at once on
every worker.
"""

import hmac
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from flask import Flask

from registry.messages import Message
from registry.services import tokens
from registry.services.people import sessions
from registry.services.scope import Actor
from registry.services.versioned_cache import VersionedCache

HOLDERS_CACHE = "registry.credentials"
PRESENTED = "registry.credential"  # the request's credential, kept in its WSGI environ
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READ_ONLY_ROLES = frozenset({"dashboard", "viewer", "auditor", "metrics"})
# The session cookie: `__Host-` (Secure, this host only, Path=/) over HTTPS; plain over HTTP,
# where a browser refuses the prefix (a server on the bureau's network without TLS yet).
COOKIES = ("__Host-registry_session", "registry_session")


@dataclass(frozen=True)
class Credential:
    kind: str  # "token" or "session"
    digest: str  # of the secret: its key in the store, the caches and the rate limits

    @property
    def rate_key(self) -> str:
        """What the rate limits count it by (never the secret)."""
        return f"{self.kind}:{self.digest[:32]}"


@dataclass(frozen=True)
class Caller:
    """A credential's holder: who, and what else their credential asks of a request."""

    actor: Actor
    csrf_token: str | None = None  # a session's: its writes carry it back
    password_change_only: Message | None = None  # why a person must choose a password first


def cookie_name(secure: bool) -> str:
    return COOKIES[0] if secure else COOKIES[1]


def presented(environ: dict) -> Credential | None:
    """The credential a request presents (from its WSGI environ, where it is kept: read and
    hashed once a request), or None. A bearer token wins over a cookie."""
    if PRESENTED not in environ:
        scheme, _, secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        secret = secret.strip()
        if scheme.lower() == "bearer" and secret:
            environ[PRESENTED] = Credential("token", tokens.hash_secret(secret))
        else:
            environ[PRESENTED] = _session_cookie(environ.get("HTTP_COOKIE", ""))
    return environ[PRESENTED]


def _session_cookie(header: str) -> Credential | None:
    if not header or "registry_session" not in header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header presents nothing
        return None
    for name in COOKIES:
        if name in jar and jar[name].value:
            return Credential("session", sessions.digest(jar[name].value))
    return None


def holder(app: Flask, credential: Credential, version: int) -> Caller | None:
    """Who holds `credential` now (a token: under the registry's `version`), or None."""
    if credential.kind == "session":
        found = sessions.holder(credential.digest)
        if found is None:
            return None
        return Caller(found.actor, found.csrf_token, found.password_change_only)
    cache: VersionedCache = app.extensions[HOLDERS_CACHE]
    caller = cache.get(credential.digest, version, lambda: _token_holder(credential.digest))
    if caller is None:
        cache.forget(credential.digest)  # revoked since it was kept: looked up again next time
    return caller


def _token_holder(digest: str) -> Caller | None:
    actor = tokens.holder(digest)
    return Caller(actor) if actor is not None else None


def known(app: Flask, credential: Credential) -> bool:
    """Whether this process has found a holder of `credential` before and keeps it (tokens)."""
    return app.extensions[HOLDERS_CACHE].latest(credential.digest) is not None


def refusal(
    caller: Caller,
    roles: tuple[str, ...] | None,
    method: str,
    path: str,
    *,
    own_account: bool = False,
    who_am_i: bool = False,
) -> Message | None:
    """Why `caller` may not call an operation open to `roles` (None or empty: the admin's
    alone) with `method`; None when it may. `own_account`: a person's own business (their
    password, signing out), for people only, whatever else holds them back; `who_am_i`: open
    to a person who must first choose a password as well."""
    actor = caller.actor
    role = Message(f"role.{actor.role}")
    if actor.role not in (roles or ("admin",)):
        return Message("auth.role_refused", role=role, method=method, path=path)
    if own_account:
        return None if actor.login else Message("auth.own_account_only")
    if caller.password_change_only and not who_am_i:
        return caller.password_change_only
    if actor.role in READ_ONLY_ROLES and method in WRITE_METHODS:
        return Message("auth.read_only", role=role)
    return None


def forged(caller: Caller, environ: dict, method: str, host_url: str) -> Message | None:
    """Why a write by a session (a browser) may have been forged by another site (None: it
    was not): the session's CSRF token must come back in X-CSRF-Token, and the Origin (or
    Referer) the browser sends must be the registry's own. A token's requests need neither."""
    if caller.csrf_token is None or method not in WRITE_METHODS:
        return None
    sent = environ.get("HTTP_X_CSRF_TOKEN", "")
    if not hmac.compare_digest(sent.encode(), caller.csrf_token.encode()):
        return Message("auth.csrf_missing")
    origin = environ.get("HTTP_ORIGIN") or environ.get("HTTP_REFERER")
    if origin and _origin(origin) != _origin(host_url):
        return Message("auth.origin_refused")
    return None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def init_app(app: Flask) -> None:
    app.extensions[HOLDERS_CACHE] = VersionedCache(size=1024)
