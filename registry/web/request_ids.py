"""Every answer names its request (`X-Request-ID`), as do the access log and the audit trail."""

import itertools
import os
import re
import uuid

from flask import Flask, Response, g, request

_ids = {"pid": None, "prefix": "", "counter": itertools.count(1)}
_SANE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def new_request_id() -> str:
    """32 hex characters, unique across processes and hosts: a random prefix drawn once per
    process (again after a fork), then a counter — no random draw per request, unlike uuid4."""
    if _ids["pid"] != os.getpid():
        _ids.update(pid=os.getpid(), prefix=uuid.uuid4().hex[:16], counter=itertools.count(1))
    return f"{_ids['prefix']}{next(_ids['counter']):016x}"


def sane_request_id(given: str) -> str:
    """The caller's X-Request-ID if it is sane, else a new one."""
    return given if _SANE.match(given) else new_request_id()


def assign_request_id() -> None:
    """before_request: the caller's X-Request-ID if it is sane, else a new one."""
    g.request_id = sane_request_id(request.headers.get("X-Request-ID", ""))


def echo_request_id(response: Response) -> Response:
    """after_request: the id goes back with the answer."""
    response.headers["X-Request-ID"] = g.get("request_id") or new_request_id()
    return response


def init_app(app: Flask) -> None:
    app.before_request(assign_request_id)
    app.after_request(echo_request_id)
