"""GET /metrics (Prometheus' text format, outside the API's prefix and its OpenAPI document),
and what the web layer measures for it: every request by its route template (never the raw
path), method and status, with its latency, polls answered in front of the app included.

The scrape is served to a client on loopback (its address as the app learns it: behind nginx,
the one nginx names, REGISTRY_TRUSTED_PROXIES) without a credential, and to any other client
holding a `metrics` token (or the admin's); otherwise 401 or 403 (registry.web.auth).
"""

import functools
import re
import time
from collections.abc import Callable, Iterable

from flask import Blueprint, Flask, Response, request

from registry import metrics
from registry.services.errors import DomainError, ImportRejected

ROUTE = "registry.route"  # the request's route template, in its WSGI environ (as in OpenAPI)
UNMATCHED = "unmatched"  # no route: a 404, a 405
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
ROLES = ("metrics", "admin")

blp = Blueprint("metrics", __name__)


@blp.get("/metrics")
def scrape() -> Response:
    """Every worker's counts, and what the database says now."""
    body, no_store = metrics.exposition(), {"Cache-Control": "no-store"}
    return Response(body, content_type=metrics.CONTENT_TYPE, headers=no_store)


scrape._access = ROLES  # registry.web.auth: a metrics token, or the admin
scrape._loopback = True  # … or anyone on loopback, with no credential
scrape._without_database = True  # answers, saying so, while the database does not


def name_route(environ: dict, route: str) -> None:
    """Say which route template served the request (the polls answered in front say theirs)."""
    environ[ROUTE] = route


@functools.lru_cache(maxsize=512)
def template(rule: str) -> str:
    """A Flask rule as the OpenAPI document names its path: /enterprises/{credit_code}."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


def _named_route() -> None:
    """before_request, first of all: the route template, before any hook may answer."""
    rule = request.url_rule
    name_route(request.environ, template(rule.rule) if rule is not None else UNMATCHED)


class Measured:
    """WSGI middleware outside everything else: each request's status and time, by route."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["500"]  # unless an answer starts

        def start(line: str, headers, exc_info=None):
            status[0] = line[:3]
            return start_response(line, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            method = environ.get("REQUEST_METHOD", "")
            metrics.request_served(
                environ.get(ROUTE, UNMATCHED),
                method if method in METHODS else "other",
                status[0],
                time.perf_counter() - started,
            )


def observes_import(view: Callable) -> Callable:
    """An import's outcome, rows and time (the view's answer: the import's counts)."""

    @functools.wraps(view)
    def observed(*args, **kwargs):
        started, outcome, rows = time.perf_counter(), "error", 0
        try:
            answer = view(*args, **kwargs)
            body = answer[0]
            outcome, rows = "dry_run" if body["dry_run"] else "loaded", body["rows"]
            return answer
        except ImportRejected as exc:
            outcome, rows = "rejected", exc.result.get("rows", 0)
            raise
        except DomainError:
            outcome = "rejected"
            raise
        finally:
            metrics.import_finished(outcome, rows, time.perf_counter() - started)

    return observed


def init_app(app: Flask) -> None:
    """Measure every request (wrapping what is in front of the app, the polls' answers too)
    and serve the scrape; call before any other hook is added."""
    app.before_request(_named_route)
    app.register_blueprint(blp)
    app.wsgi_app = Measured(app.wsgi_app)
