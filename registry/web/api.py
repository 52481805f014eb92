"""The project's flask-smorest Api and Blueprint: every error answered and documented as
problem+json, each operation's access rule declared beside it."""

import functools
import http

from flask import Response, request
from flask_smorest import Api as BaseApi
from flask_smorest import Blueprint as BaseBlueprint
from flask_smorest.exceptions import NotModified
from flask_smorest.utils import prepare_response

from registry.web.auth import current_actor
from registry.web.caching import not_modified
from registry.web.problems import PROBLEM_JSON, register_error_handlers
from registry.web.query import StrictParser
from schemas.common import ProblemSchema

# A machine's token, or a person's session (its cookie; writes carry X-CSRF-Token too).
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]
# Ids are 32-bit on PostgreSQL: a larger one names nothing (404), it is not a database error.
ID_CONVERTER = "int(min=1, max=2147483647)"


class Api(BaseApi):
    """flask-smorest's Api, answering every error as problem+json and documenting it so.

    No catch-all `default` response: each operation lists the statuses it answers, so a
    generated client parses each answer into its model and each error into Problem.
    """

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            content_type = PROBLEM_JSON if status >= 400 else self.DEFAULT_RESPONSE_CONTENT_TYPE
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)

    def _register_error_handlers(self):
        register_error_handlers(self._app)


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

    def access(self, *roles: str, own_account: bool = False, who_am_i: bool = False):
        """Only callers of these roles (tokens' or people's) may call this operation (checked in
        registry.web.auth). `own_account`: a person's own business (their password, signing
        out), for people only, open to them even while they must first choose a new password;
        `who_am_i`: open to such a person too (the pages ask who is signed in)."""

        def decorator(func):
            func._access = roles
            func._own_account = own_account
            func._who_am_i = who_am_i
            func = self.problem_response(422, "Invalid or unknown field or parameter")(func)
            func = self.problem_response(
                401, "No token or session, or an unknown, revoked or ended one"
            )(func)
            func = self.problem_response(
                403,
                f"Not for this caller (allowed: {', '.join(roles)}); a signed-in write without "
                "its CSRF token; a person who must first change the password",
            )(func)
            func = self._operational(func)
            return self.doc(security=SECURITY)(func)

        return decorator

    def loads(self, **loader):
        """The view gets, as `name=loader(actor, **path)`, the object its path names: loaded
        once, and judged by the service's scope rules before any body is parsed or ETag
        precondition checked (403, a 422 for the path's own value, or 404 first, never a 422
        for the body or a 428)."""
        ((name, load),) = loader.items()

        def decorator(func):
            @functools.wraps(func)
            def wrapper(*args, **path):
                return func(*args, **{name: load(current_actor(), **path)})

            return wrapper

        return decorator

    def polled(self, func):
        """Document what `caching.cached_json` does: an ETag on 200, If-None-Match, and 304."""
        # flask-smorest's own ETag documentation: `doc(parameters=…)` would replace, not extend,
        # the query parameters that `@arguments` documents.
        func._apidoc = {**getattr(func, "_apidoc", {}), "etag": True}
        func._polled = True  # served from the cache: not counted by the request limit
        return func

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

    def _check_not_modified(self, etag):
        # flask-smorest compares If-None-Match strongly; RFC 9110 asks for the weak comparison
        # (pinned by tests/api/test_contract.py::test_if_none_match_compares_weakly).
        if request.method in self.METHODS_CHECKING_NOT_MODIFIED and not_modified(etag):
            response = Response(status=304)
            response.set_etag(etag)
            raise NotModified(response=response)
