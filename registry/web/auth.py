"""Who is calling, and may their role call this operation: the request hook, run before any
body is parsed or ETag checked, so an anonymous caller gets 401, never a 422 or 428.

Each operation declares its roles (`@blp.access(...)` or `@blp.public`). How far a token
reaches (its firm, its districts) is decided by the services, with the objects they load, by
the rules of registry.services.scope.
"""

import hmac
from dataclasses import replace

from flask import g, request

from registry.services import tokens
from registry.services.audit import Actor
from registry.web.caching import TOKENS, cached
from registry.web.problems import UNAUTHORIZED_HEADERS, problem
from registry.web.views import view_method

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# flask-smorest's OpenAPI document and interactive docs; the HTML pages (their data calls carry
# the token)
PUBLIC_BLUEPRINTS = {"api-docs", "pages"}


def current_actor() -> Actor:
    return g.actor


def bearer_secret() -> str | None:
    """The secret of the request's `Authorization: Bearer …` header, if it has one."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if not hmac.compare_digest(scheme.lower().encode(), b"bearer") or not secret.strip():
        return None
    return secret.strip()


def authorize_request():
    """before_request hook: 401 or 403 before the view, or None to go on."""
    method = view_method()
    if method is None:
        return None  # 404, 405 and automatic OPTIONS: nothing is served
    roles = getattr(method, "_access", None)
    if roles == () or request.blueprint in PUBLIC_BLUEPRINTS:
        return None
    secret = bearer_secret()
    actor = authenticated()
    if actor is None:
        detail = "A bearer token is required." if secret is None else "The token is not valid."
        return problem(401, detail, headers=UNAUTHORIZED_HEADERS)
    g.actor = replace(actor, request_id=g.get("request_id"))
    # An operation that declared nothing is closed to all but the admin.
    if actor.role not in (roles or ("admin",)):
        return problem(403, f"A {actor.role} token may not {request.method} {request.path}.")
    if actor.role == "dashboard" and request.method in WRITE_METHODS:
        return problem(403, "A dashboard token never writes.")
    return None


def authenticated() -> Actor | None:
    """The actor of the request's token, or None (no token, an unknown or a revoked one): looked
    up once a request, whoever asks first (the rate limits ask before this hook)."""
    if "authenticated" not in g:
        secret = bearer_secret()
        g.authenticated = _authenticate(secret) if secret else None
    return g.authenticated


def _authenticate(secret: str) -> Actor | None:
    """The token's actor, kept per registry version: revoking a token is a write, so a revoked
    token is refused from the next request on, in every process. An unknown token is not kept
    (it is looked up again; failed attempts count against the caller's address)."""
    return cached(TOKENS, tokens.hash_secret(secret), lambda: tokens.authenticate(secret))
