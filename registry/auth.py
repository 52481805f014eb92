"""Who may do what: decided here, once, before any body is parsed or ETag checked.

Each operation declares its roles (`@blp.access(...)` or `@blp.public`); this module
authenticates the bearer token and applies the roles and the scopes:
- an enterprise token reaches only its own firm (403 on any other, whether it exists or not);
- a bureau writes only in its districts (reads are city-wide);
- a dashboard token never writes; an admin token may do everything.
"""

import hmac
from dataclasses import replace

from flask import current_app, g, request

from registry.extensions import problem, view_method
from registry.models import Certification, Enterprise
from registry.services import aggregates, tokens
from registry.services.audit import Actor
from registry.services.errors import Forbidden

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# flask-smorest's OpenAPI document and interactive docs; the HTML pages (their data calls carry
# the token)
PUBLIC_BLUEPRINTS = {"api-docs", "pages"}
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="registry"'}


def current_actor() -> Actor:
    return g.actor


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if not hmac.compare_digest(scheme.lower().encode(), b"bearer") or not secret.strip():
        return None
    return secret.strip()


def authorize_request():
    """before_request hook: 401, 403 or 404 before the view, or None to go on."""
    method = view_method()
    if method is None:
        return None  # 404, 405 and automatic OPTIONS: nothing is served
    roles = getattr(method, "_access", None)
    if roles == () or request.blueprint in PUBLIC_BLUEPRINTS:
        return None
    secret = _bearer()
    actor = _authenticate(secret) if secret else None
    if actor is None:
        detail = "A bearer token is required." if secret is None else "The token is not valid."
        return problem(401, detail, headers=UNAUTHORIZED_HEADERS)
    g.actor = replace(actor, request_id=g.get("request_id"))
    # An operation that declared nothing is closed to all but the admin.
    if actor.role not in (roles or ("admin",)):
        return problem(403, f"A {actor.role} token may not {request.method} {request.path}.")
    if actor.role == "dashboard" and request.method in WRITE_METHODS:
        return problem(403, "A dashboard token never writes.")
    return _check_scope(actor, request.view_args or {})


def _authenticate(secret: str) -> Actor | None:
    """The token's actor, cached per registry version: revoking a token is a write, so a
    revoked token is refused from the next request on, in every process."""
    # Kept with the request for the cached answers that read it next (registry.extensions).
    version = request.environ["registry.version"] = aggregates.current()
    cache = current_app.extensions["registry.cache"]
    return cache.get(
        ("token", tokens.hash_secret(secret)), version, lambda: tokens.authenticate(secret)
    )


def _check_scope(actor: Actor, view_args: dict):
    """Scope rules for the resource named in the path."""
    if "credit_code" in view_args:
        code = view_args["credit_code"].strip().upper()
        if actor.role == "enterprise":
            if code != actor.credit_code:
                return problem(403, "An enterprise token reads only its own enterprise.")
            return None
        enterprise = Enterprise.get_or_none(Enterprise.credit_code == code)
        if enterprise is None:
            return problem(404, f"No enterprise with credit code {code}.")
        if request.method in WRITE_METHODS:
            return _district_problem(actor, enterprise.district_id)
    if "cert_id" in view_args:
        cert = Certification.get_or_none(Certification.id == view_args["cert_id"])
        if cert is None:
            return problem(404, f"No certification with id {view_args['cert_id']}.")
        if actor.role == "enterprise":
            if cert.enterprise.credit_code != actor.credit_code:
                return problem(403, "An enterprise token reads only its own enterprise.")
        elif request.method in WRITE_METHODS:
            return _district_problem(actor, cert.enterprise.district_id)
    return None


def _district_problem(actor: Actor, district: str):
    if actor.role == "bureau" and district not in actor.districts:
        return problem(403, f"This bureau token does not write in district {district}.")
    return None


def ensure_writes_in(actor: Actor, district: str) -> None:
    """For a district named in the body (a new enterprise, a move): the same bureau rule."""
    if actor.role == "bureau" and district not in actor.districts:
        raise Forbidden(f"This bureau token does not write in district {district}.")
