"""May this caller call this operation: the request hook, run before any body is parsed or ETag
checked, so an anonymous caller gets 401, never a 422 or 428.

Each operation declares its roles (`@blp.access(...)` or `@blp.public`); who is calling and
whether that role may is decided by registry.web.credentials. How far a caller reaches (its
firm, its districts) is decided by the services, with the objects they load, by the rules of
registry.services.scope.
"""

import ipaddress
from dataclasses import replace

from flask import current_app, g, request

from registry.messages import Message
from registry.services.scope import Actor
from registry.web import credentials
from registry.web.caching import registry_version
from registry.web.problems import UNAUTHORIZED_HEADERS, problem
from registry.web.views import view_method

# flask-smorest's OpenAPI document and interactive docs; the HTML pages (their data calls carry
# the token or the session's cookie)
PUBLIC_BLUEPRINTS = {"api-docs", "pages"}


def current_actor() -> Actor:
    return g.actor


def current_caller() -> credentials.Caller:
    return g.caller


def authenticated() -> credentials.Caller | None:
    """The holder of the request's credential, or None (none presented, unknown, revoked,
    ended): looked up once a request, by whoever asks first (the rate limits ask before this
    hook)."""
    if "caller" not in g:
        credential = credentials.presented(request.environ)
        g.caller = (
            credentials.holder(current_app, credential, registry_version())
            if credential is not None
            else None
        )
    return g.caller


def on_loopback(address: str | None) -> bool:
    """Whether the client's address (behind nginx, the one nginx names) is this machine's."""
    try:
        found = ipaddress.ip_address(address or "")
    except ValueError:  # none (a unix socket), or not an address
        return False
    mapped = getattr(found, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return found.is_loopback or (mapped is not None and mapped.is_loopback)


def authorize_request():
    """before_request hook: 401 or 403 before the view, or None to go on."""
    method = view_method()
    if method is None:
        return None  # 404, 405 and automatic OPTIONS: nothing is served
    roles = getattr(method, "_access", None)
    if roles == () or request.blueprint in PUBLIC_BLUEPRINTS:
        return None
    if getattr(method, "_loopback", False) and on_loopback(request.remote_addr):
        return None
    caller = authenticated()
    if caller is None:
        presented = credentials.presented(request.environ)
        if presented is None:
            message = Message("auth.credentials_required")
        elif presented.kind == "session":
            message = Message("auth.session_ended")
        else:
            message = Message("auth.invalid_token")
        return problem(401, message, headers=UNAUTHORIZED_HEADERS)
    g.actor = replace(caller.actor, request_id=g.get("request_id"))
    refused = credentials.refusal(
        caller,
        roles,
        request.method,
        request.path,
        own_account=getattr(method, "_own_account", False),
        who_am_i=getattr(method, "_who_am_i", False),
    ) or credentials.forged(caller, request.environ, request.method, request.host_url)
    return problem(403, refused) if refused else None
