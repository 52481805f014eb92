"""Written once for every view: the problem+json error format, auth docs, strict query
parsing, and the peewee pager."""

import hashlib
import http
import itertools
import logging
import math
import os
import re
import time
import uuid
from typing import ClassVar

import peewee as pw
from flask import Response, current_app, g, json, request
from flask_limiter import Limiter
from flask_smorest import Api as BaseApi
from flask_smorest import Blueprint as BaseBlueprint
from flask_smorest.utils import prepare_response
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from registry.db import database
from registry.services import aggregates
from registry.services import errors as domain
from schemas.common import ProblemSchema

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

DOMAIN_STATUS = {
    domain.NotFound: 404,
    domain.Conflict: 409,
    domain.Invalid: 422,
    domain.Forbidden: 403,
    domain.Stale: 412,
    domain.Malformed: 400,
}


def problem(
    status: int, detail: str | None = None, *, errors=None, headers=None, extra=None
) -> Response:
    """An RFC 9457 problem+json response (`extra`: members added to the problem)."""
    body = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or http.HTTPStatus(status).description,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class StrictParser(FlaskParser):
    """Unknown query parameters are a 422, like unknown JSON fields."""

    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }


class Api(BaseApi):
    """flask-smorest's Api, answering every error as problem+json and documenting it so."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            content_type = PROBLEM_JSON if status >= 400 else self.DEFAULT_RESPONSE_CONTENT_TYPE
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, self.handle_http_exception)
        self._app.register_error_handler(domain.DomainError, self.handle_domain_error)
        self._app.register_error_handler(pw.OperationalError, self.handle_database_error)
        self._app.register_error_handler(pw.InterfaceError, self.handle_database_error)
        self._app.register_error_handler(pw.IntegrityError, self.handle_integrity_error)

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        headers = dict(data.get("headers") or {})
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="registry"')
        if error.code == 429:
            headers.setdefault("Retry-After", str(_retry_after()))
        detail = data.get("message") or error.description
        if isinstance(error, InternalServerError):
            detail = "The server met an unexpected condition; the error has been logged."
        elif error.code == 400 and errors and errors.get("json") == ["Invalid JSON body."]:
            detail = "The request body is not valid JSON."
        elif error.code == 422 and errors:
            detail = _summary(errors)
        return problem(error.code or 500, detail, errors=errors, headers=headers)

    def handle_domain_error(self, error: domain.DomainError):
        if isinstance(error, domain.ImportRejected):  # the import's counts and every bad row
            return problem(422, error.detail, extra=error.result)
        status = next((DOMAIN_STATUS[c] for c in type(error).__mro__ if c in DOMAIN_STATUS), 400)
        return problem(status, error.detail, errors=error.errors)

    def handle_integrity_error(self, error: pw.IntegrityError):
        """A constraint the services did not foresee (a concurrent write won the race): 409."""
        log.warning("integrity error: %s", error)
        return problem(409, "The request conflicts with a concurrent change; read and retry.")

    def handle_database_error(self, error: pw.OperationalError | pw.InterfaceError):
        """503: the database is down, restarting or locked. The connection is dropped, so the
        next request opens a new one: the service recovers by itself when the database does."""
        log.error("database unavailable: %s", error)
        drop_connection()
        return problem(
            503, "The database is not available; try again shortly.", headers={"Retry-After": "5"}
        )


def _retry_after() -> int:
    """Seconds until the breached rate-limit window resets (at least 1)."""
    current = limiter.current_limit
    reset_at = current.reset_at if current is not None else time.time() + 1
    return max(1, math.ceil(reset_at - time.time()))


def drop_connection() -> None:
    """Close this worker's connection (it may be broken); the next request reconnects."""
    try:
        if not database.is_closed():
            database.close()
    except Exception:  # a broken connection may fail to close: forget it all the same
        database.obj._state.reset()


def _summary(errors: dict) -> str:
    """One line naming the first bad field, e.g. `json.credit_code: must be 18 characters`."""
    for location, fields in errors.items():
        if isinstance(fields, dict):
            for name, messages in fields.items():
                first = messages[0] if isinstance(messages, list) and messages else messages
                return f"{location}.{name}: {first}"
        return f"{location}: {fields}"
    return "Validation failed"


BEARER = [{"bearerAuth": []}]


class Blueprint(BaseBlueprint):
    """flask-smorest's Blueprint with the project's access rules declared per operation, and
    every error an operation can answer documented as problem+json."""

    ARGUMENTS_PARSER = StrictParser()

    def problem_response(self, status: int, description: str | None = None):
        """Document one problem+json answer of an operation."""
        return self.alt_response(
            status,
            schema=ProblemSchema,
            content_type=PROBLEM_JSON,
            description=description or http.HTTPStatus(status).phrase,
        )

    def _operational(self, func):
        """What any operation may answer when the service is busy or its database is away."""
        func = self.problem_response(429, "Over the rate limit (see Retry-After)")(func)
        return self.problem_response(503, "The database is not available (see Retry-After)")(func)

    def public(self, func):
        """Anyone may call this operation, without a token."""
        func._access = ()
        func = self.problem_response(422, "Unknown query parameter")(func)
        func = self._operational(func)
        return self.doc(security=[])(func)

    def access(self, *roles: str):
        """Only tokens of these roles may call this operation (checked in registry.auth)."""

        def decorator(func):
            func._access = roles
            func = self.problem_response(422, "Invalid or unknown field or parameter")(func)
            func = self.problem_response(401, "No token, or an unknown or revoked one")(func)
            func = self.problem_response(403, f"Not for this token (allowed: {', '.join(roles)})")(
                func
            )
            func = self._operational(func)
            return self.doc(security=BEARER)(func)

        return decorator

    def polled(self, func):
        """Document what `cached_json` does: an ETag on 200, If-None-Match, and 304."""
        # flask-smorest's own ETag documentation: `doc(parameters=…)` would replace, not extend,
        # the query parameters that `@arguments` documents.
        func._apidoc = {**getattr(func, "_apidoc", {}), "etag": True}
        func._polled = True  # served from the cache: not rate-limited (see _not_limited)
        return func

    def cached_json(self, key: tuple, schema, compute) -> Response:
        """An aggregate answer computed once per registry version and key, with ETag and 304.

        The version is read from the database on every request (by authentication), so a write
        in any process is seen by the next poll in every other; between writes, a poll costs
        one primary-key read and no query of the certifications.
        """
        version = request.environ.get("registry.version")
        if version is None:
            version = aggregates.current()
        etag = hashlib.sha1(repr((key, version)).encode()).hexdigest()
        if etag in request.if_none_match:
            response = Response(status=304)
        else:
            cache = current_app.extensions["registry.cache"]
            body = cache.get(key, version, lambda: json.dumps(schema().dump(compute())))
            response = Response(body, mimetype="application/json")
        response.set_etag(etag)
        return response

    def arguments(self, schema, *, location="json", **kwargs):
        """As flask-smorest's, and a JSON body also documents 400 (broken JSON) and 413."""
        decorator = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return decorator

        def with_body_errors(func):
            func = decorator(func)
            func = self.problem_response(400, "The body is not valid JSON")(func)
            return self.problem_response(413, "The body is over the upload limit")(func)

        return with_body_errors


def paginate(query: pw.ModelSelect, page: int, page_size: int) -> dict:
    """One page of `query` (which must have a stable order) with its pagination metadata."""
    total = query.count()
    return {
        "items": list(query.paginate(page, page_size)),
        "pagination": {
            "total": total,
            "page": page,
            "page_size": page_size,
            "total_pages": math.ceil(total / page_size) if total else 0,
        },
    }


def view_method():
    """The function serving this request (the MethodView's method), or None off the routes.

    Asked by the auth, query and rate-limit hooks of every request: found once, kept with the
    request (not in `g`, which an app context held open by a caller may carry across requests)."""
    environ = request.environ
    if "registry.view_method" not in environ:
        environ["registry.view_method"] = _find_view_method()
    return environ["registry.view_method"]


def _find_view_method():
    if request.url_rule is None or request.routing_exception is not None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    name = request.method.lower()
    if name == "head" and not hasattr(view_class, "head"):
        name = "get"  # Flask serves HEAD with the GET method: same rules, same answer
    return getattr(view_class, name, None)


def reject_unexpected_query():
    """An operation that declares no query parameters takes none: anything else is a 422."""
    method = view_method()
    if method is None or not request.args:
        return None
    declared = getattr(method, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if any(p.get("in") == "query" for p in declared):
        return None  # the strict parser checks those
    unknown = {name: ["Unknown field."] for name in request.args}
    return problem(422, _summary({"query": unknown}), errors={"query": unknown})


_ids = {"pid": None, "prefix": "", "counter": itertools.count(1)}


def new_request_id() -> str:
    """32 hex characters, unique across processes and hosts: a random prefix drawn once per
    process (again after a fork), then a counter — no random draw per request, unlike uuid4."""
    if _ids["pid"] != os.getpid():
        _ids.update(pid=os.getpid(), prefix=uuid.uuid4().hex[:16], counter=itertools.count(1))
    return f"{_ids['prefix']}{next(_ids['counter']):016x}"


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def assign_request_id() -> None:
    """before_request: the caller's X-Request-ID if it is sane, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else new_request_id()


def echo_request_id(response: Response) -> Response:
    """after_request: every answer names its request (the access log and the audit trail too)."""
    response.headers["X-Request-ID"] = g.get("request_id") or new_request_id()
    return response


def rate_limit_key() -> str:
    """Who a rate limit counts: the token (by a digest, never the secret), else the address."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return "address:" + (request.remote_addr or "unknown")


def _not_limited() -> bool:
    """Not rate-limited: the health check, the docs, the pages, and the polled aggregates.

    A polled answer comes from the versioned cache (one primary-key read, or a 304): counting
    it against a limit costs as much as serving it, so dashboards poll freely."""
    return (
        request.path == "/api/v1/health"
        or not request.path.startswith("/api/v1/")
        or request.blueprint == "api-docs"
        or getattr(view_method(), "_polled", False)
    )


limiter = Limiter(key_func=rate_limit_key)
limiter.request_filter(_not_limited)  # checked first: an exempt request costs no counting
