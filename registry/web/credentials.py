"""Who is calling: the one place that reads a request's credential, looks up its holder and
says whether the holder's role may call an operation.

A credential is what a request presents: today a bearer token (`Authorization: Bearer
<secret>`), known by the SHA-256 digest of its secret, which is all the registry stores. Another
kind (a person's session) is one more entry in HOLDERS and one more way `presented` reads a
request. Everything asks here: the Flask hook (registry.web.auth), the rate limiter's key
(registry.web.limits) and the poll middleware in front of Flask (registry.web.polls), which
holds only the WSGI environ; no other module reads the Authorization header.

Holders are kept per registry version (revoking a token is a write, so a revoked token is
refused from the next request on, in every process); an unknown credential is never kept.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from registry.services import tokens
from registry.services.scope import Actor
from registry.services.versioned_cache import VersionedCache

HOLDERS_CACHE = "registry.credentials"
PRESENTED = "registry.credential"  # the request's credential, kept in its WSGI environ
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# How each kind of credential finds its holder, by the digest of its secret.
HOLDERS: dict[str, Callable[[str], Actor | None]] = {"token": tokens.holder}


@dataclass(frozen=True)
class Credential:
    kind: str  # a key of HOLDERS
    digest: str  # of the secret: its key in the store, the caches and the rate limits

    @property
    def rate_key(self) -> str:
        """What the rate limits count it by (never the secret)."""
        return f"{self.kind}:{self.digest[:32]}"


def presented(environ: dict) -> Credential | None:
    """The credential a request presents (from its WSGI environ, where it is kept: read and
    hashed once a request), or None."""
    if PRESENTED not in environ:
        scheme, _, secret = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        secret = secret.strip()
        environ[PRESENTED] = (
            Credential("token", tokens.hash_secret(secret))
            if scheme.lower() == "bearer" and secret
            else None
        )
    return environ[PRESENTED]


def holder(app: Flask, credential: Credential, version: int) -> Actor | None:
    """Who holds `credential` under the registry's `version`, or None (unknown, revoked)."""
    cache: VersionedCache = app.extensions[HOLDERS_CACHE]
    find = HOLDERS[credential.kind]
    found = cache.get(credential.digest, version, lambda: find(credential.digest))
    if found is None:
        cache.forget(credential.digest)  # revoked since it was kept: looked up again next time
    return found


def known(app: Flask, credential: Credential) -> bool:
    """Whether this process has found a holder of `credential` before (under any version)."""
    return app.extensions[HOLDERS_CACHE].latest(credential.digest) is not None


def refusal(actor: Actor, roles: tuple[str, ...] | None, method: str, path: str) -> str | None:
    """Why `actor` may not call an operation open to `roles` (None or empty: the admin's
    alone) with `method`; None when it may."""
    if actor.role not in (roles or ("admin",)):
        return f"A {actor.role} token may not {method} {path}."
    if actor.role == "dashboard" and method in WRITE_METHODS:
        return "A dashboard token never writes."
    return None


def init_app(app: Flask) -> None:
    app.extensions[HOLDERS_CACHE] = VersionedCache(size=1024)
