"""Rate limits: requests per token (per address without one), and requests without a valid token
per address, so that a new made-up token on every request is limited all the same.

The counts live in Redis (RATE_LIMIT_STORAGE), one count for every worker and host. If Redis
cannot be reached, the limits fail open: flask-limiter counts in each worker's memory instead
(a worker's count is never more than the shared one would be, so nothing is refused that Redis
would have let through), logs the outage once, asks Redis again now and then (after 1, 2, 4 …
32 s) and counts there again once it answers; /health says so meanwhile.

The budget of an address for requests without a valid token refuses only those: offices reach
the registry through one egress address, and a stale script sending a revoked token must not
lock out every valid token behind the same address (each keeps its own limit).
"""

import math
import time

from flask import Flask, Response, current_app, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from registry import metrics
from registry.messages import Message
from registry.web import credentials
from registry.web.auth import authenticated
from registry.web.problems import problem
from registry.web.views import view_method

LIMITER = "registry.limiter"
# Redis answers in well under a millisecond: one that does not answer in this time is away.
STORAGE_TIMEOUT_S = 0.25


def client_address() -> str:
    return "address:" + (request.remote_addr or "unknown")


def rate_limit_key() -> str:
    """Who the request limit counts: the credential (by its digest, never the secret), else the
    address. A request without a valid credential also counts against its address (below)."""
    credential = credentials.presented(request.environ)
    return credential.rate_key if credential is not None else client_address()


def _polled() -> bool:
    """Polled aggregates come from the versioned cache (one primary-key read, or a 304):
    counting one costs as much as serving it, so the request limit leaves them alone."""
    return getattr(view_method(), "_polled", False)


def _outside_the_api() -> bool:
    """The pages and their assets: no limits (the docs and health are exempted by blueprint)."""
    return not request.path.startswith(current_app.config["API_PREFIX"] + "/")


def _failed_authentication(response: Response) -> bool:
    return response.status_code == 401


def _valid_token() -> bool:
    return authenticated() is not None


def retry_after() -> int:
    """Seconds until the breached rate-limit window resets (at least 1)."""
    current = current_app.extensions[LIMITER].current_limit
    try:
        reset_at = current.reset_at if current is not None else time.time() + 1
    except Exception:  # the storage went away since the count: the client may try at once
        reset_at = time.time() + 1
    return max(1, math.ceil(reset_at - time.time()))


def rate_limited(error: RateLimitExceeded) -> Response:
    failed = getattr(error.limit, "scope", None) == "failed-authentication"
    metrics.rate_limited("failed_authentication" if failed else "requests")
    wait = retry_after()
    return problem(
        429, Message("http.too_many_requests", retry_after=wait), headers={"Retry-After": str(wait)}
    )


def shared_counts(app: Flask) -> str:
    """How the limits are counted now: `shared` (Redis answers), `unreachable` (each worker
    counts for itself), or `off`."""
    if not app.config["RATELIMIT_ENABLED"]:
        return "off"
    try:
        return "shared" if app.extensions[LIMITER].storage.check() else "unreachable"
    except Exception:
        return "unreachable"


def init_app(app: Flask, *exempt_blueprints) -> None:
    """A limiter of the app's own (it reads its limits from the app's settings), hooked before
    the database and auth hooks: a flood of requests over their limit costs no query."""
    redis = app.config["RATELIMIT_STORAGE_URI"].startswith(("redis:", "redis+", "rediss:"))
    limiter = Limiter(
        key_func=rate_limit_key,
        default_limits_exempt_when=_polled,
        application_limits=[
            ApplicationLimit(
                lambda: current_app.config["AUTH_FAILURE_LIMIT"],
                key_function=client_address,
                scope="failed-authentication",
                deduct_when=_failed_authentication,
                exempt_when=_valid_token,
            )
        ],
        storage_options=(
            {"socket_timeout": STORAGE_TIMEOUT_S, "socket_connect_timeout": STORAGE_TIMEOUT_S}
            if redis
            else {}
        ),
        in_memory_fallback_enabled=True,  # fail open, to each worker's own count
        swallow_errors=True,  # never a 500 for the limits' sake
    )
    limiter.request_filter(_outside_the_api)  # checked first: an exempt request costs nothing
    limiter.init_app(app)
    app.extensions[LIMITER] = limiter
    for blueprint in exempt_blueprints:
        limiter.exempt(blueprint)
    app.register_error_handler(RateLimitExceeded, rate_limited)
