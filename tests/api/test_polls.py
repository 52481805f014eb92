"""Repeated polls answered in front of the app: the same answer, headers
and 304s as the app gives, for a token the process knows; everything else goes to the app."""

import datetime as dt
import json

import pytest

from registry.services import catalog, tokens
from registry.services.scope import CLI_ACTOR
from registry.web import polls
from tests.support.apps import make_app
from tests.support.http import bearer
from tests.support.paths import ROOT
from tests.support.statements import logged_statements

SEEDS = ROOT / "seeds"

PROGRESS = "/api/v1/plans/xinxiang-2023-2025/progress?year=2025"
STATS = "/api/v1/stats/certifications?group_by=tier,district"


@pytest.fixture
def hooks(app):
    """The requests that reached the app's hooks (request id, rate limits, auth, query)."""
    seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(1) and None)
    return seen


@pytest.mark.parametrize("url", [PROGRESS, STATS])
def test_a_repeated_poll_is_answered_before_the_app_as_the_app_answers(client, auth, hooks, url):
    first = client.get(url, headers=auth["dashboard"])
    assert first.status_code == 200 and len(hooks) == 1
    again = client.get(url, headers={**auth["dashboard"], "X-Request-ID": "screen-7"})
    assert len(hooks) == 1  # no hook ran: answered in front of the app
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == "application/json"
    assert int(again.headers["Content-Length"]) == len(first.data)
    assert again.headers["X-Request-ID"] == "screen-7"
    assert sorted(again.headers.keys()) == sorted(first.headers.keys())

    etag = first.headers["ETag"]
    for given in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        conditional = client.get(url, headers={**auth["dashboard"], "If-None-Match": given})
        assert conditional.status_code == 304, given
        assert conditional.data == b""
        assert conditional.headers["ETag"] == etag
        assert len(conditional.headers["X-Request-ID"]) == 32  # none given: a new one
    assert client.get(url, headers={**auth["dashboard"], "If-None-Match": '"x"'}).status_code == 200
    assert len(hooks) == 1
    # Another token of an allowed role, once the app has authenticated it, shares the answer.
    assert client.get(url, headers=auth["bureau"]).data == first.data
    assert len(hooks) == 2
    assert client.get(url, headers=auth["bureau"]).data == first.data
    assert len(hooks) == 2


def test_a_conditional_poller_is_remembered_too(app, client, auth, hooks):
    etag = client.get(PROGRESS, headers=auth["dashboard"]).headers["ETag"]
    app.extensions[polls.POLLS].__init__(size=16)  # this process forgets (a new worker, say)
    conditional = {**auth["dashboard"], "If-None-Match": etag}
    assert client.get(PROGRESS, headers=conditional).status_code == 304  # by the app
    assert client.get(PROGRESS, headers=conditional).status_code == 304
    assert len(hooks) == 2


def test_what_the_front_does_not_know_goes_to_the_app(client, auth, hooks):
    assert client.get(PROGRESS, headers=auth["dashboard"]).status_code == 200
    # not a role of the operation; no token; an unknown token; another query; HEAD
    assert client.get(PROGRESS, headers=auth["enterprise"]).status_code == 403
    assert client.get(PROGRESS).status_code == 401
    assert client.get(PROGRESS, headers=bearer("made-up")).status_code == 401
    assert client.get(PROGRESS, headers={"Authorization": "Basic x"}).status_code == 401
    assert client.get(PROGRESS + "&district=410702", headers=auth["dashboard"]).status_code == 200
    assert client.head(PROGRESS, headers=auth["dashboard"]).status_code == 200
    assert len(hooks) == 7


def test_after_a_write_the_front_computes_the_answer_again(
    app, client, auth, hooks, register, certify
):
    before = client.get(PROGRESS, headers=auth["dashboard"])
    achieved = {r["tier"]: r["achieved"] for r in before.json["targets"]}["innovative_sme"]
    assert (
        certify(register("counted"), "innovative_sme", "2025-06-28", year=2025).status_code == 201
    )
    hooks.clear()
    after = client.get(PROGRESS, headers=auth["dashboard"])
    assert len(hooks) == 0  # computed in front of the app, with the function the app used
    assert after.headers["ETag"] != before.headers["ETag"]
    assert {r["tier"]: r["achieved"] for r in after.json["targets"]}["innovative_sme"] == (
        achieved + 1
    )
    # … exactly what the app answers (another app on the database, its front turned off)
    front_off = make_app(app.config["DATABASE_URL"], init=False, ANSWER_POLLS_IN_FRONT=False)
    through_the_app = front_off.test_client().get(PROGRESS, headers=auth["dashboard"])
    assert (through_the_app.data, through_the_app.headers["ETag"]) == (
        after.data,
        after.headers["ETag"],
    )
    conditional = {**auth["dashboard"], "If-None-Match": after.headers["ETag"]}
    assert client.get(PROGRESS, headers=conditional).status_code == 304
    assert len(hooks) == 0


def test_a_revoked_token_is_refused_at_once(app, client, auth):
    with app.app_context():
        screen, secret = tokens.create_token("dashboard", "screen to revoke")
    assert client.get(PROGRESS, headers=bearer(secret)).status_code == 200
    assert client.get(PROGRESS, headers=bearer(secret)).status_code == 200
    with app.app_context():
        tokens.revoke_token(screen.id)
    assert client.get(PROGRESS, headers=bearer(secret)).status_code == 401


def test_a_new_day_is_answered_by_the_app(client, auth, hooks, monkeypatch):
    assert client.get(PROGRESS, headers=auth["dashboard"]).status_code == 200
    tomorrow = polls.today() + dt.timedelta(days=1)
    monkeypatch.setattr(polls, "today", lambda: tomorrow)
    assert client.get(PROGRESS, headers=auth["dashboard"]).status_code == 200
    assert len(hooks) == 2  # as_of defaults to today: yesterday's answer is not today's


def test_the_front_can_be_turned_off(tmp_path):
    """REGISTRY_ANSWER_POLLS_IN_FRONT=0: every poll goes through the app (the bench compares)."""
    app = make_app(tmp_path, ANSWER_POLLS_IN_FRONT=False)
    with app.app_context():
        _, screen = tokens.create_token("dashboard", "screen")
    seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(1) and None)
    client = app.test_client()
    first = client.get(PROGRESS, headers=bearer(screen))
    again = client.get(PROGRESS, headers=bearer(screen))
    assert (again.data, len(seen)) == (first.data, 2)


def test_a_write_outside_the_catalog_reads_no_target_again(app, client, auth, register):
    """A plan year's targets are kept until the catalog changes: after a registration, the
    answer is computed again without reading them (recomputing is cheap)."""
    client.get(PROGRESS, headers=auth["dashboard"])
    register("not-a-catalog-write")
    with logged_statements() as log:
        assert client.get(PROGRESS, headers=auth["dashboard"]).status_code == 200
    assert log.sql and not [sql for sql in log.sql if '"target"' in sql], log.sql


def test_a_catalog_change_is_seen_by_the_next_poll(app, client, auth, tmp_path):
    before = client.get(PROGRESS, headers=auth["dashboard"]).json["targets"][0]
    plan = json.loads((SEEDS / "plans" / "xinxiang-2023-2025.json").read_text("utf-8"))
    for target in plan["targets"]:
        if target["key"] == before["key"] and target.get("year") == 2025:
            target["value"] = before["target"] + 7
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    with app.app_context():
        catalog.load_plan(CLI_ACTOR, path)
    after = client.get(PROGRESS, headers=auth["dashboard"]).json["targets"][0]
    assert after["target"] == before["target"] + 7
