"""Signing in and out: the cookie's flags, a new session id at every sign-in and password change,
and every way a session ends (sign-out, idle time, its longest life, the person disabled,
their reach changed, their password changed or reset)."""

import pytest

from registry.services.people import accounts
from registry.services.scope import CLI_ACTOR
from tests.people.support import API, PASSWORD, Browser, person
from tests.support.servers import call, gunicorn_server, run_registry


def test_signing_in_sets_an_http_only_same_site_cookie_and_answers_a_csrf_token(app, browser):
    person(app, "li", "bureau", ["410702"])
    answer = browser.sign_in("li")
    assert answer.status_code == 200, answer.json
    cookie = answer.headers["Set-Cookie"]
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert cookie.startswith("registry_session=")
    assert {"httponly", "path", "samesite"} <= flags and "secure" not in flags  # plain HTTP
    assert "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Max-Age" not in cookie and "Expires" not in cookie  # ends with the browser
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json["user"]["login"] == "li" and answer.json["must_change_password"] is None
    assert len(answer.json["csrf_token"]) >= 32


def test_over_https_the_cookie_is_secure_and_host_prefixed(app):
    person(app, "li", "bureau", ["410702"])
    client = app.test_client()
    answer = client.post(
        f"{API}/session",
        json={"login": "li", "password": PASSWORD},
        base_url="https://registry.example",
    )
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-registry_session=") and "Secure" in cookie
    me = client.get(f"{API}/me", base_url="https://registry.example")
    assert me.status_code == 200 and me.json["user"]["login"] == "li"


def test_each_sign_in_is_a_new_session_and_a_planted_id_is_never_adopted(app):
    person(app, "li", "bureau", ["410702"])
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.sign_in("li")
    planted = first.cookie()
    second.client.set_cookie("registry_session", planted)  # another's id, planted
    second.sign_in("li")
    assert second.cookie() != planted  # signing in never keeps an id it was handed
    assert first.get("/me").status_code == 200  # both sessions stand on their own
    assert second.get("/me").status_code == 200


def test_signing_out_ends_the_session_and_the_browser_forgets_its_cookie(app, browser):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    kept = browser.cookie()
    out = browser.write("DELETE", "/session")
    assert out.status_code == 204
    assert "Max-Age=0" in out.headers["Set-Cookie"]
    replay = Browser(app.test_client())
    replay.client.set_cookie("registry_session", kept)  # the old cookie, kept by someone
    answer = replay.get("/enterprises")
    assert answer.status_code == 401 and "sign in again" in answer.json["detail"]


@pytest.mark.parametrize(
    ("minutes", "alive"), [(29, True), (31, False)], ids=["29 idle minutes", "31 idle minutes"]
)
def test_a_session_ends_after_30_idle_minutes(app, browser, moment, minutes, alive):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    moment.forward(minutes=minutes)
    assert (browser.get("/me").status_code == 200) is alive


def test_requests_keep_a_session_alive_until_its_12_hours_are_up(app, browser, moment):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    for _ in range(11 * 3):  # a request every 20 minutes, for 11 hours
        moment.forward(minutes=20)
        assert browser.get("/me").status_code == 200
    moment.forward(minutes=61)  # 12 hours and more since the sign-in
    assert browser.get("/me").status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"disabled": True},
        {"role": "viewer", "districts": []},
        {"districts": ["410703"]},
    ],
    ids=["disabled", "role", "districts"],
)
def test_a_change_of_reach_ends_the_persons_sessions_at_once(app, browser, change):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    with app.app_context():
        accounts.update(CLI_ACTOR, accounts.get("li"), change)
    assert browser.get("/me").status_code == 401


def test_a_new_name_ends_nothing(app, browser):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    with app.app_context():
        accounts.update(CLI_ACTOR, accounts.get("li"), {"name": "李红旗"})
    assert browser.get("/me").json["user"]["name"] == "李红旗"


def test_a_password_change_ends_every_session_and_opens_a_new_one(app):
    person(app, "li", "bureau", ["410702"])
    desk, phone = Browser(app.test_client()), Browser(app.test_client())
    desk.sign_in("li")
    phone.sign_in("li")
    before = desk.cookie()
    changed = desk.write(
        "POST",
        "/session/password",
        json={"current_password": PASSWORD, "new_password": "Weibin-2027-pass"},
    )
    assert changed.status_code == 200, changed.json
    assert desk.cookie() != before  # a new session id, answered in a new cookie
    assert changed.json["csrf_token"] != desk.csrf
    assert desk.get("/me").status_code == 200
    assert phone.get("/me").status_code == 401  # every other session ended
    assert Browser(app.test_client()).sign_in("li", "Weibin-2027-pass").status_code == 200


def test_a_reset_ends_the_persons_sessions(app, browser):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    with app.app_context():
        accounts.reset_password(CLI_ACTOR, accounts.get("li"))
    assert browser.get("/me").status_code == 401
    assert Browser(app.test_client()).sign_in("li").status_code == 401  # the old password


def test_a_disabled_person_cannot_sign_in(app, browser):
    person(app, "li", "bureau", ["410702"])
    with app.app_context():
        accounts.update(CLI_ACTOR, accounts.get("li"), {"disabled": True})
    answer = browser.sign_in("li")
    assert answer.status_code == 401
    assert answer.json["detail"] == Browser(app.test_client()).sign_in("nobody").json["detail"]


@pytest.mark.parametrize("end", ["disable-user", "sign-out"])
def test_a_session_ends_on_every_worker_at_once(tmp_path, end):
    with gunicorn_server(tmp_path, workers=3, name="sessions") as server:
        once = run_registry(
            server.database_url, "create-user", "li", "--name", "李", "--role", "viewer"
        ).stdout.splitlines()[-1]
        signed = call("POST", server.url("/session"), json_body={"login": "li", "password": once})
        headers = {
            "Cookie": signed.headers["set-cookie"].split(";")[0],
            "X-CSRF-Token": signed.json["csrf_token"],
        }
        before = [call("GET", server.url("/me"), headers=headers).status for _ in range(12)]
        if end == "disable-user":
            run_registry(server.database_url, "disable-user", "li")
        else:
            assert call("DELETE", server.url("/session"), headers=headers).status == 204
        after = [call("GET", server.url("/me"), headers=headers).status for _ in range(12)]
    assert before == [200] * 12
    assert after == [401] * 12  # whichever worker answers: a session is never kept in one
