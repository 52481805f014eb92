"""People in tests: accounts made as the admin makes them, sessions opened as a browser opens
them (a cookie, and the CSRF token its writes carry), and a clock the tests move."""

import datetime as dt
from dataclasses import dataclass

from registry.services import clock
from registry.services.people import accounts
from registry.services.scope import CLI_ACTOR

API = "/api/v1"
PASSWORD = "Hongqi-2026-pass"


@dataclass
class Browser:
    """A person's browser: its own cookie jar, and the CSRF token of its session."""

    client: object
    csrf: str | None = None

    def sign_in(self, login: str, password: str = PASSWORD):
        answer = self.client.post(f"{API}/session", json={"login": login, "password": password})
        if answer.status_code == 200:
            self.csrf = answer.json["csrf_token"]
        return answer

    def write(self, method: str, path: str, **kwargs):
        headers = {"X-CSRF-Token": self.csrf or "", **kwargs.pop("headers", {})}
        return self.client.open(API + path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(API + path, **kwargs)

    def cookie(self) -> str | None:
        found = self.client.get_cookie("registry_session") or self.client.get_cookie(
            "__Host-registry_session"
        )
        return found.value if found else None


def person(app, login: str, role: str, districts=(), *, password: str | None = PASSWORD):
    """An account; with `password`, already chosen by the person (else: one-time, returned)."""
    with app.app_context():
        user, once = accounts.create(CLI_ACTOR, login, f"{login} 某", role, list(districts))
        if password is None:
            return once
        accounts.change_password(CLI_ACTOR, user, once, password)
    return password


class Clock:
    """The registry's clock, standing still until a test moves it."""

    def __init__(self):
        self.now = dt.datetime(2026, 12, 6, 2, 0, 0)
        clock.use_clock(lambda: self.now)

    def forward(self, **delta) -> None:
        self.now += dt.timedelta(**delta)
