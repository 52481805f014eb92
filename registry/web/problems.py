"""Every error as RFC 9457 problem details (`application/problem+json`), each with a stable
`code` and its `detail` (and the messages of its `errors`) in the request's language
(registry.messages: Chinese for `Accept-Language: zh…`, else English)."""

import http
import logging
import zipfile
from xml.etree import ElementTree
from xml.parsers.expat import ExpatError

import peewee as pw
from defusedxml import DefusedXmlException
from flask import Flask, Response, current_app, json, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from registry.db import drop_connection
from registry.messages import Message, code_of, language_of, localized
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


# The message of a status when nothing more precise is known.
STATUS_CODES = {
    400: "http.bad_request",
    401: "http.unauthorized",
    403: "http.forbidden",
    404: "http.not_found",
    405: "http.method_not_allowed",
    406: "http.not_acceptable",
    409: "http.conflict",
    412: "http.precondition_failed",
    413: "http.payload_too_large",
    415: "http.unsupported_media_type",
    422: "http.unprocessable",
    423: "http.locked",
    428: "http.precondition_required",
    429: "http.too_many_requests",
    500: "http.internal",
    503: "http.unavailable",
}
# The tags Accept-Language is matched against (a `zh-Hans;q=0.9` beats an `en;q=0.5`).
# Messages that wrap another (a field's, an item's of a batch): the problem's code is the inner's.
WRAPPERS = frozenset({"field.problem", "application.in_batch"})
OFFERED = ("en", "zh", "zh-CN", "zh-Hans", "zh-TW", "zh-Hant", "zh-HK")
CONTENT_LANGUAGE = {"en": "en", "zh": "zh-CN"}


def language() -> str:
    """The catalog's language the request asks for: "zh" or "en" (the default)."""
    return language_of(request.accept_languages.best_match(OFFERED))


def spoken_in() -> dict[str, str]:
    """The headers of an answer said in the request's language (a problem's, an import's)."""
    return {"Content-Language": CONTENT_LANGUAGE[language()], "Vary": "Accept-Language"}


def status_message(status: int, **params) -> Message:
    """A status's own message, when nothing more precise is known."""
    code = STATUS_CODES.get(status)
    return Message(code, **params) if code else Message("http.error", status=status)


def problem(
    status: int, message: Message | None = None, *, errors=None, headers=None, extra=None
) -> Response:
    """An RFC 9457 problem+json response, in the request's language: `code` names the
    problem, `detail` says it (`extra`: members added to the problem, said in it too)."""
    message = message if message is not None else status_message(status)
    spoken = language()
    body = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "code": code_in(message, status),
        "detail": localized(message, spoken),
        "instance": request.path,
    }
    if errors:
        body["errors"] = localized(errors, spoken)
    body.update(localized(extra or {}, spoken))
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Content-Language"] = CONTENT_LANGUAGE[spoken]
    response.vary.add("Accept-Language")
    return response


def first_message(errors) -> Message | str | None:
    """The first message of a (nested) errors member: the one a problem's detail repeats."""
    if isinstance(errors, dict):
        for value in errors.values():
            if (found := first_message(value)) is not None:
                return found
        return None
    if isinstance(errors, list):
        return next((m for m in map(first_message, errors) if m is not None), None)
    return errors


def summary(errors: dict) -> Message:
    """The first bad field's message, as the problem's detail, naming the field by its label
    (`errors` keeps every field's own message)."""
    found = first_message(errors)
    if not isinstance(found, Message):
        found = Message("value.invalid", reason=str(found))
    field = _first_field(errors)
    if field is None or "field" in found.params:
        return found
    return Message("field.problem", field=field, message=found)


def code_in(message: Message | str, status: int) -> str:
    """A problem's code: its message's, or the field's message's that it repeats (a detail
    written as plain text, not from the catalog: its status's)."""
    if not isinstance(message, Message):
        return STATUS_CODES.get(status, "http.error")
    inner = message.params.get("message") if message.code in WRAPPERS else None
    return code_of(inner or message, "value.invalid")


def _first_field(errors) -> str | None:
    for fields in errors.values() if isinstance(errors, dict) else ():
        if isinstance(fields, dict):
            return next(iter(fields), None)
    return None


def http_problem(error: HTTPException) -> Response:
    """Werkzeug's and flask-smorest's HTTP errors, with their headers (Allow on a 405)."""
    if error.code is not None and error.code < 400:  # 304 Not Modified: no body
        return error.get_response()
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    if error.code == 400 and errors and errors.get("json") == ["Invalid JSON body."]:
        errors = {"json": [Message("body.invalid_json")]}  # webargs' words, said as ours
    headers = dict(data.get("headers") or {})
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 401:
        headers.update(UNAUTHORIZED_HEADERS)
    return problem(error.code or 500, _said(error, errors), errors=errors, headers=headers)


def _said(error: HTTPException, errors) -> Message:
    """What an HTTP error says: its field's message, else its status's."""
    data = getattr(error, "data", None) or {}
    if isinstance(data.get("message"), Message):
        return data["message"]
    if error.code == 400 and errors and errors.get("json") == [Message("body.invalid_json")]:
        return Message("body.invalid_json")
    if error.code == 422 and errors:
        return summary(errors)
    if isinstance(error, MethodNotAllowed):
        return Message("http.method_not_allowed", method=request.method)
    if error.code == 413:
        return Message("http.payload_too_large", limit=current_app.config["MAX_CONTENT_LENGTH"])
    if error.code == 415:
        return Message("http.unsupported_media_type", content_type=request.mimetype or "-")
    return status_message(error.code or 500)


def domain_problem(error: domain.DomainError) -> Response:
    """A rule of the registry refused the request: the status its class maps to."""
    if isinstance(error, domain.ImportRejected):  # the import's counts and every bad row
        return problem(422, error.message, extra=error.result)
    status = next((DOMAIN_STATUS[c] for c in type(error).__mro__ if c in DOMAIN_STATUS), 400)
    fields = getattr(error, "fields", None)
    return problem(
        status,
        error.message,
        errors=located(fields) if fields else error.errors,
        extra=getattr(error, "extra", None),
    )


def located(fields: dict[str, list]) -> dict:
    """The fields a service refused, keyed by where the client sent each (as the schemas'
    validation errors are): its path, its query string, else its body."""
    body = "form" if request.form else "json"
    errors: dict = {}
    for name, messages in fields.items():
        if name in (request.view_args or {}):
            where = "path"
        else:
            where = "query" if name in request.args else body
        errors.setdefault(where, {})[name] = messages
    return errors


def integrity_problem(error: pw.IntegrityError) -> Response:
    """A constraint the services did not foresee (a concurrent write won the race): 409."""
    log.warning("integrity error: %s", error)
    return problem(409, Message("conflict.concurrent"))


def database_problem(error: pw.OperationalError | pw.InterfaceError) -> Response:
    """503: the database is down, restarting or locked. The connection is dropped, so the next
    request opens a new one: the service recovers by itself when the database does."""
    log.error("database unavailable: %s", error)
    drop_connection()
    return problem(503, Message("database.unavailable"), headers={"Retry-After": "5"})


def unreadable_file(error: Exception) -> Response:
    """An upload whose container or XML cannot be read (a broken or hostile XLSX): 422."""
    log.warning("unreadable upload: %r", error)
    return problem(422, Message("body.unreadable_file", reason=str(error)))


def too_deep(error: RecursionError) -> Response:
    """Input nested deeper than a parser's own limit (JSON 100,000 brackets deep, say): the
    body cannot be read, 400, whichever reader met it."""
    log.warning("input nested too deeply: %s", request.path)
    return problem(400, Message("body.too_deep"))


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
