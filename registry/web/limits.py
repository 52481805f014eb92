"""Rate limits: requests per token (per address without one), and failed authentications per
address, so that a new made-up token on every request is limited all the same."""

import hashlib
import math
import time

from flask import Flask, Response, current_app, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from registry.web.problems import problem
from registry.web.views import view_method

LIMITER = "registry.limiter"


def client_address() -> str:
    return "address:" + (request.remote_addr or "unknown")


def rate_limit_key() -> str:
    """Who the request limit counts: the token (by a digest, never the secret), else the
    address. A token that fails to authenticate also counts against its address (below)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return client_address()


def _polled() -> bool:
    """Polled aggregates come from the versioned cache (one primary-key read, or a 304):
    counting one costs as much as serving it, so the request limit leaves them alone."""
    return getattr(view_method(), "_polled", False)


def _outside_the_api() -> bool:
    """The pages and their assets: no limits (the docs and health are exempted by blueprint)."""
    return not request.path.startswith(current_app.config["API_PREFIX"] + "/")


def _failed_authentication(response: Response) -> bool:
    return response.status_code == 401


def retry_after() -> int:
    """Seconds until the breached rate-limit window resets (at least 1)."""
    current = current_app.extensions[LIMITER].current_limit
    reset_at = current.reset_at if current is not None else time.time() + 1
    return max(1, math.ceil(reset_at - time.time()))


def rate_limited(error: RateLimitExceeded) -> Response:
    return problem(429, error.description, headers={"Retry-After": str(retry_after())})


def init_app(app: Flask, *exempt_blueprints) -> None:
    """A limiter of the app's own (it reads its limits from the app's settings), hooked before
    the database and auth hooks: a flood costs no query."""
    limiter = Limiter(
        key_func=rate_limit_key,
        default_limits_exempt_when=_polled,
        application_limits=[
            ApplicationLimit(
                lambda: current_app.config["AUTH_FAILURE_LIMIT"],
                key_function=client_address,
                scope="failed-authentication",
                deduct_when=_failed_authentication,
            )
        ],
    )
    limiter.request_filter(_outside_the_api)  # checked first: an exempt request costs nothing
    limiter.init_app(app)
    app.extensions[LIMITER] = limiter
    for blueprint in exempt_blueprints:
        limiter.exempt(blueprint)
    app.register_error_handler(RateLimitExceeded, rate_limited)
