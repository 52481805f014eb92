"""Failed sign-ins: one answer for a wrong password, an unknown login and a disabled account,
with the same work done for each; five failures of a login within 15 minutes lock it for 15
minutes (even the right password is refused, a known login or not), an admin sees and lifts
the lock; and each failure counts against the address's failed-authentication budget."""

import pytest

from registry.services.people import passwords
from tests.people.support import PASSWORD, Browser, person
from tests.support.apps import make_app


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer_and_the_same_work(
    app, browser, monkeypatch
):
    person(app, "li", "bureau", ["410702"])
    checks = []
    real = passwords.matches
    monkeypatch.setattr(passwords, "matches", lambda *a: checks.append(1) or real(*a))
    wrong = browser.sign_in("li", "Wrong-password-1")
    wrong_checks, checks[:] = len(checks), []
    unknown = browser.sign_in("nobody", "Wrong-password-1")
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert wrong.json == {**unknown.json, "instance": wrong.json["instance"]}
    assert wrong.headers["WWW-Authenticate"] == unknown.headers["WWW-Authenticate"]
    assert wrong_checks == len(checks) == 1  # a dummy hash checked for the unknown login


@pytest.mark.parametrize("login", ["li", "nobody"], ids=["known login", "unknown login"])
def test_five_failures_lock_a_login_for_15_minutes_even_with_the_right_password(
    app, browser, moment, login
):
    person(app, "li", "bureau", ["410702"])
    statuses = [browser.sign_in(login, f"Wrong-pass-{i}").status_code for i in range(5)]
    assert statuses == [401] * 5
    locked = browser.sign_in(login, PASSWORD)
    assert locked.status_code == 423
    assert int(locked.headers["Retry-After"]) == 15 * 60
    assert "locked" in locked.json["detail"] and locked.json["code"] == "auth.sign_in_locked"
    chinese = browser.client.post(
        "/api/v1/session",
        json={"login": login, "password": PASSWORD},
        headers={"Accept-Language": "zh-CN"},
    )
    assert "锁定" in chinese.json["detail"]
    moment.forward(minutes=10)
    assert browser.sign_in(login, PASSWORD).status_code == 423  # attempts do not prolong it
    moment.forward(minutes=5, seconds=1)
    assert browser.sign_in(login, PASSWORD).status_code == (200 if login == "li" else 401)


def test_failures_spread_over_more_than_15_minutes_lock_nothing(app, browser, moment):
    person(app, "li", "bureau", ["410702"])
    for i in range(8):
        assert browser.sign_in("li", f"Wrong-pass-{i}").status_code == 401
        moment.forward(minutes=4)
    assert browser.sign_in("li").status_code == 200


def test_an_admin_sees_the_lock_and_lifts_it(app, browser, moment):
    person(app, "li", "bureau", ["410702"])
    person(app, "boss", "admin")
    admin = Browser(app.test_client())
    admin.sign_in("boss")
    for i in range(5):
        browser.sign_in("li", f"Wrong-pass-{i}")
    shown = admin.get("/users/li").json
    assert shown["locked_until"].startswith("2026-12-06T02:15:00")
    lifted = admin.write("POST", "/users/li/unlock")
    assert lifted.status_code == 200 and lifted.json["locked_until"] is None
    assert browser.sign_in("li").status_code == 200


def test_failed_sign_ins_count_against_the_address_budget(tmp_path, rate_limit_storage):
    app = make_app(
        tmp_path,
        name="sign-in-limits",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=rate_limit_storage,
        AUTH_FAILURE_LIMIT="3 per minute",
        SIGN_IN_MAX_FAILURES=100,
    )
    browser = Browser(app.test_client())
    statuses = [browser.sign_in(f"guess{i}", "Wrong-pass-1").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
