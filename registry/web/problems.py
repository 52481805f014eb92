"""Every error as RFC 9457 problem details (`application/problem+json`)."""

import http
import logging
import zipfile
from xml.etree import ElementTree
from xml.parsers.expat import ExpatError

import peewee as pw
from defusedxml import DefusedXmlException
from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from registry.db import drop_connection
from registry.services import errors as domain

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="registry"'}

# A subclass answers with its nearest listed ancestor's status.
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


def summary(errors: dict) -> str:
    """One line naming the first bad field, e.g. `json.credit_code: must be 18 characters`."""
    for location, fields in errors.items():
        if isinstance(fields, dict):
            for name, messages in fields.items():
                first = messages[0] if isinstance(messages, list) and messages else messages
                return f"{location}.{name}: {first}"
        return f"{location}: {fields}"
    return "Validation failed"


def http_problem(error: HTTPException) -> Response:
    """Werkzeug's and flask-smorest's HTTP errors, with their headers (Allow on a 405)."""
    if error.code is not None and error.code < 400:  # 304 Not Modified: no body
        return error.get_response()
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    headers = dict(data.get("headers") or {})
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 401:
        headers.update(UNAUTHORIZED_HEADERS)
    detail = data.get("message") or error.description
    if isinstance(error, InternalServerError):
        detail = "The server met an unexpected condition; the error has been logged."
    elif error.code == 400 and errors and errors.get("json") == ["Invalid JSON body."]:
        detail = "The request body is not valid JSON."
    elif error.code == 422 and errors:
        detail = summary(errors)
    return problem(error.code or 500, detail, errors=errors, headers=headers)


def domain_problem(error: domain.DomainError) -> Response:
    """A rule of the registry refused the request: the status its class maps to."""
    if isinstance(error, domain.ImportRejected):  # the import's counts and every bad row
        return problem(422, error.detail, extra=error.result)
    status = next((DOMAIN_STATUS[c] for c in type(error).__mro__ if c in DOMAIN_STATUS), 400)
    fields = getattr(error, "fields", None)
    return problem(status, error.detail, errors=located(fields) if fields else error.errors)


def located(fields: dict[str, list]) -> dict:
    """The fields a service refused, keyed by where the client sent each (as the schemas'
    validation errors are): its query string, else its body."""
    body = "form" if request.form else "json"
    errors: dict = {}
    for name, messages in fields.items():
        errors.setdefault("query" if name in request.args else body, {})[name] = messages
    return errors


def integrity_problem(error: pw.IntegrityError) -> Response:
    """A constraint the services did not foresee (a concurrent write won the race): 409."""
    log.warning("integrity error: %s", error)
    return problem(409, "The request conflicts with a concurrent change; read and retry.")


def database_problem(error: pw.OperationalError | pw.InterfaceError) -> Response:
    """503: the database is down, restarting or locked. The connection is dropped, so the next
    request opens a new one: the service recovers by itself when the database does."""
    log.error("database unavailable: %s", error)
    drop_connection()
    return problem(
        503, "The database is not available; try again shortly.", headers={"Retry-After": "5"}
    )


def unreadable_file(error: Exception) -> Response:
    """An upload whose container or XML cannot be read (a broken or hostile XLSX): 422."""
    log.warning("unreadable upload: %r", error)
    return problem(422, f"The uploaded file cannot be read: {error}")


def too_deep(error: RecursionError) -> Response:
    """Input nested deeper than a parser's own limit (JSON 100,000 brackets deep, say): the
    body cannot be read, 400, whichever reader met it."""
    log.warning("input nested too deeply: %s", request.path)
    return problem(400, "The request body is nested too deeply to be read.")


UNREADABLE_FILE_ERRORS = (
    zipfile.BadZipFile,
    ElementTree.ParseError,
    ExpatError,
    DefusedXmlException,
)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_problem)
    app.register_error_handler(domain.DomainError, domain_problem)
    app.register_error_handler(pw.OperationalError, database_problem)
    app.register_error_handler(pw.InterfaceError, database_problem)
    app.register_error_handler(pw.IntegrityError, integrity_problem)
    app.register_error_handler(RecursionError, too_deep)
    for error in UNREADABLE_FILE_ERRORS:
        app.register_error_handler(error, unreadable_file)
