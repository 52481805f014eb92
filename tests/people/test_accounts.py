"""Accounts: the admin makes and manages them (the API and the command line); a one-time
password is only good for choosing one, for 72 hours; passwords follow the rules (length, kinds,
not the login, none of the last five) and grow old after 90 days."""

import itertools

import pytest

from registry.services.errors import Invalid
from registry.services.people import accounts
from registry.services.scope import CLI_ACTOR
from tests.people.support import PASSWORD, Browser, person
from tests.support.databases import fresh_url
from tests.support.servers import run_registry


def change(browser, current, new, **headers):
    answer = browser.write(
        "POST",
        "/session/password",
        json={"current_password": current, "new_password": new},
        headers=headers,
    )
    if answer.status_code == 200:
        browser.csrf = answer.json["csrf_token"]  # the new session's
    return answer


def test_the_command_line_makes_lists_resets_and_disables_accounts(tmp_path):
    url = fresh_url(tmp_path, "people")
    run_registry(url, "init-db")
    made = run_registry(
        url, "create-user", "li", "--name", "李红旗", "--role", "bureau", "--district", "410702"
    )
    once = made.stdout.splitlines()[-1]
    assert len(once) >= 10 and " " not in once
    listed = run_registry(url, "list-users").stdout
    assert "li\tbureau\t410702\t李红旗\tactive, must change password" in listed
    reset = run_registry(url, "reset-password", "li").stdout.splitlines()[-1]
    assert reset != once
    run_registry(url, "disable-user", "li")
    assert "\tdisabled" in run_registry(url, "list-users").stdout
    refused = run_registry(url, "create-user", "li", "--name", "x", "--role", "viewer", check=False)
    assert refused.returncode == 1 and "exists" in refused.stdout
    assert "Traceback" not in refused.stdout


def test_an_admin_manages_accounts_over_the_api(app):
    person(app, "boss", "admin")
    admin = Browser(app.test_client())
    admin.sign_in("boss")
    made = admin.write(
        "POST",
        "/users",
        json={"login": "zhang", "name": "张卫滨", "role": "bureau", "districts": ["410703"]},
    )
    assert made.status_code == 201, made.json
    assert made.headers["Location"].endswith("/api/v1/users/zhang")
    assert made.headers["Cache-Control"] == "no-store"
    once = made.json["one_time_password"]
    assert made.json["user"]["must_change_password"] is True
    assert admin.write("POST", "/users", json={**made.json["user"], "login": "zhang"}).status_code
    listed = admin.get("/users").json
    assert [u["login"] for u in listed["items"]] == ["boss", "zhang"]
    assert "one_time_password" not in str(listed) and once not in str(listed)
    patched = admin.write("PATCH", "/users/zhang", json={"name": "张三", "role": "viewer"})
    assert (patched.json["name"], patched.json["role"]) == ("张三", "viewer")
    assert patched.json["districts"] == []  # a viewer reads city-wide: no districts
    assert admin.write("PATCH", "/users/zhang", json={"role": "bureau"}).status_code == 422
    reset = admin.write("POST", "/users/zhang/password-reset")
    assert reset.status_code == 200 and reset.json["one_time_password"] != once
    assert Browser(app.test_client()).sign_in("zhang", once).status_code == 401
    own = admin.write("PATCH", "/users/boss", json={"disabled": True})
    assert own.status_code == 409  # an admin does not lock themselves out


def test_a_one_time_password_only_chooses_a_new_one(app, browser):
    once = person(app, "li", "bureau", ["410702"], password=None)
    signed = browser.sign_in("li", once)
    assert signed.status_code == 200
    assert "one-time password" in signed.json["must_change_password"]
    refused = browser.get("/enterprises", headers={"Accept-Language": "zh-CN"})
    assert refused.status_code == 403 and "一次性密码" in refused.json["detail"]
    assert refused.json["code"] == "auth.one_time_password"
    assert browser.get("/me").json["user"]["must_change_password"] is True
    assert change(browser, once, PASSWORD).status_code == 200
    assert browser.get("/enterprises").status_code == 200


def test_a_one_time_password_expires_after_72_hours(app, browser, moment):
    once = person(app, "li", "bureau", ["410702"], password=None)
    moment.forward(hours=72, seconds=1)
    assert browser.sign_in("li", once).status_code == 401


def test_a_password_older_than_90_days_must_be_changed_first(app, browser, moment):
    person(app, "li", "bureau", ["410702"])
    moment.forward(days=91)
    signed = browser.sign_in("li")
    assert "90" in signed.json["must_change_password"]
    assert browser.get("/certifications").status_code == 403
    assert change(browser, PASSWORD, "Fengquan-2027!").status_code == 200
    assert browser.get("/certifications").status_code == 200


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("Short-1a", "at least 10 characters"),
        ("alllowercaseletters", "3 of: lower case"),
        ("Li-is-the-login-1", "must not contain the login"),
        (PASSWORD, "none of the last 5"),
    ],
    ids=["length", "kinds", "login", "reused"],
)
def test_a_new_password_that_breaks_a_rule_is_a_422_naming_it_in_both_languages(
    app, browser, new, reason
):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    answer = change(browser, PASSWORD, new)
    assert answer.status_code == 422
    messages = answer.json["errors"]["json"]["new_password"]
    assert any(reason in m for m in messages), messages
    chinese = change(browser, PASSWORD, new, **{"Accept-Language": "zh-CN"})
    messages = chinese.json["errors"]["json"]["new_password"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)  # and Chinese


def test_none_of_the_last_five_passwords_comes_back(app, browser):
    person(app, "li", "bureau", ["410702"])
    used = [PASSWORD, *[f"Rotation-{n}-pass" for n in range(5)]]
    browser.sign_in("li")
    for current, new in itertools.pairwise(used):
        assert change(browser, current, new).status_code == 200
    assert change(browser, used[-1], used[1]).status_code == 422  # among the last five
    assert change(browser, used[-1], used[0]).status_code == 200  # six changes ago


def test_the_current_password_must_be_given(app, browser):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    answer = change(browser, "Not-the-current-1", "Another-good-pass1")
    assert answer.status_code == 422 and "current_password" in answer.json["errors"]["json"]


@pytest.mark.parametrize(
    ("role", "districts"), [("bureau", []), ("viewer", ["410702"]), ("bureau", ["999999"])]
)
def test_a_clerk_has_known_districts_and_no_one_else_has_any(app, role, districts):
    with app.app_context(), pytest.raises(Invalid) as refused:
        accounts.create(CLI_ACTOR, "someone", "某人", role, districts)
    assert "districts" in refused.value.fields
