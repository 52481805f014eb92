"""A person's writes: carried by the session's CSRF token from the registry's own pages (a
token's requests need neither), recorded under the person; their sign-ins recorded with the
address and the request id, read by the auditor, who writes nothing; and no password or
session id anywhere in the database, the events or the server's log."""

import json

import pytest

from registry.models import Event
from tests.people.support import API, PASSWORD, Browser, person
from tests.support.codes import make_code
from tests.support.databases import ON_POSTGRES, query
from tests.support.servers import call, gunicorn_server, run_registry

FIRM = {"name": "新乡市红旗机械制造有限公司", "district": "410702"}


def firm(seed: str) -> dict:
    return {**FIRM, "credit_code": make_code(seed)}


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"X-CSRF-Token": ""}, "auth.csrf_missing"),
        ({"X-CSRF-Token": "not-the-sessions"}, "auth.csrf_missing"),
        ({"Origin": "https://evil.example"}, "auth.origin_refused"),
        ({"Referer": "https://evil.example/page"}, "auth.origin_refused"),
    ],
    ids=["missing", "wrong", "foreign origin", "foreign referer"],
)
def test_a_signed_in_write_without_its_csrf_token_or_from_elsewhere_is_refused(
    app, browser, headers, reason
):
    person(app, "li", "bureau", ["410702"])
    browser.sign_in("li")
    refused = browser.write("POST", "/enterprises", json=firm("csrf"), headers=headers)
    assert refused.status_code == 403 and refused.json["code"] == reason
    assert refused.mimetype == "application/problem+json"
    same_site = {"Origin": "http://localhost"}
    done = browser.write("POST", "/enterprises", json=firm("csrf"), headers=same_site)
    assert done.status_code == 201, done.json


def test_a_tokens_writes_need_no_csrf_token(client, auth):
    answer = client.post(f"{API}/enterprises", json=firm("token"), headers=auth["bureau"])
    assert answer.status_code == 201


def test_a_persons_writes_and_sign_ins_are_in_the_trail_which_the_auditor_reads(app, browser):
    person(app, "li", "bureau", ["410702"])
    person(app, "shen", "auditor")
    browser.sign_in("li")
    Browser(app.test_client()).sign_in("li", "Wrong-pass-123")
    written = browser.write(
        "POST", "/enterprises", json=firm("trail"), headers={"X-Request-ID": "clerk-1"}
    )
    assert written.status_code == 201
    browser.write("DELETE", "/session")
    auditor = Browser(app.test_client())
    auditor.sign_in("shen")
    trail = auditor.get("/events?limit=1000").json["items"]
    registered = next(e for e in trail if e["action"] == "enterprise.registered")
    assert (registered["actor_login"], registered["actor_name"]) == ("li", "li 某")
    assert registered["actor_role"] == "bureau" and registered["request_id"] == "clerk-1"
    sign_ins = auditor.get("/events?action=user.sign").json["items"]
    assert [e["action"] for e in sign_ins] == [
        "user.signed_in",
        "user.sign_in_failed",
        "user.signed_out",
        "user.signed_in",  # the auditor's own
    ]
    assert all(e["data"]["address"] == "127.0.0.1" and e["request_id"] for e in sign_ins)
    assert [e["action"] for e in auditor.get("/events?action=user.signed_out").json["items"]] == [
        "user.signed_out"
    ]
    # The auditor writes nothing, and nothing alters the trail.
    assert auditor.write("POST", "/enterprises", json=firm("auditor")).status_code == 403
    assert auditor.write("DELETE", "/events").status_code == 405


def test_no_password_or_session_id_is_stored_logged_or_recorded(tmp_path):
    with gunicorn_server(tmp_path, workers=2, name="secrets") as server:
        once = run_registry(
            server.database_url, "create-user", "li", "--name", "李", "--role", "viewer"
        ).stdout.splitlines()[-1]
        signed = call("POST", server.url("/session"), json_body={"login": "li", "password": once})
        session_id = signed.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        cookie = {"Cookie": f"registry_session={session_id}"}
        csrf = {"X-CSRF-Token": signed.json["csrf_token"], **cookie}
        changed = call(
            "POST",
            server.url("/session/password"),
            json_body={"current_password": once, "new_password": PASSWORD},
            headers=csrf,
        )
        assert changed.status == 200, changed.body
        call("POST", server.url("/session"), json_body={"login": "li", "password": "Bad-pass-12"})
        log = server.log()
        events = json.dumps(query(server.database_url, "SELECT data FROM event"))
        users = json.dumps(query(server.database_url, 'SELECT * FROM "user"'), default=str)
        sessions = json.dumps(query(server.database_url, "SELECT * FROM session"), default=str)
    stored = server.database_path.read_bytes() if not ON_POSTGRES else b""
    for secret in (once, PASSWORD, "Bad-pass-12", session_id):
        assert secret not in log
        assert secret not in events and secret not in users and secret not in sessions
        assert secret.encode() not in stored
    assert "$argon2id$" in users


def test_the_trail_model_offers_no_update_or_delete_over_the_api(app):
    person(app, "boss", "admin")
    admin = Browser(app.test_client())
    admin.sign_in("boss")
    with app.app_context():
        last = Event.select().order_by(Event.id.desc()).first()
    for method in ("PATCH", "PUT", "DELETE"):
        assert admin.write(method, f"/events/{last.id}").status_code in (404, 405)
