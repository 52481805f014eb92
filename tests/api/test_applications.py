"""Applications through HTTP: opening one (its warnings, its refusals), every stage rule of a
move, several at once (all or none), the list with its filters and paging, who may see and
move what, and the audit events."""

import datetime as dt

import pytest

from registry.services.clock import today
from tests.support.codes import OTHER_DISTRICT
from tests.support.http import assert_problem

URL = "/api/v1/applications"
EARLIER = (today() - dt.timedelta(days=30)).isoformat()  # a day gone by


@pytest.fixture
def apply(client, auth):
    """Open an application as the admin (or `headers`); returns the response."""

    def _apply(code, tier="innovative_sme", year=2026, *, headers=None, **extra):
        return client.post(
            f"/api/v1/enterprises/{code}/applications",
            json={"tier": tier, "year": year, **extra},
            headers=headers or auth["admin"],
        )

    return _apply


@pytest.fixture
def moved(client, auth):
    def _move(app_id, stage, *, headers=None, **extra):
        return client.patch(
            f"{URL}/{app_id}", json={"stage": stage, **extra}, headers=headers or auth["admin"]
        )

    return _move


def test_open_an_application_with_its_contact_and_history(apply, enterprise_code, auth):
    response = apply(
        enterprise_code,
        batch="第一批",
        contact_name="王丽",
        contact_phone=" +86 373-305 1234 ",
        note="首次申报",
        headers=auth["bureau"],
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"].endswith(f"{URL}/{body['id']}")
    assert body["credit_code"] == enterprise_code
    assert body["name"] == "新乡市红旗精密机械有限公司"
    assert (body["tier"], body["year"], body["batch"]) == ("innovative_sme", 2026, "第一批")
    assert (body["stage"], body["highest"], body["open"]) == ("applied", "applied", True)
    assert body["contact_phone"] == "+86 373-305 1234"
    assert body["warnings"] == []
    [first] = body["history"]
    assert (first["stage"], first["on"], first["actor"]) == (
        "applied",
        today().isoformat(),
        "红旗区工信局",
    )


def test_a_missing_lower_title_is_a_warning_not_a_refusal(apply, auth, enterprise_code):
    zh = {**auth["admin"], "Accept-Language": "zh"}
    response = apply(enterprise_code, "specialized_sme", stage="candidate", headers=zh)
    assert response.status_code == 201, response.json
    assert response.json["stage"] == "candidate"
    [warning] = response.json["warnings"]
    assert warning["code"] == "application.prerequisite_missing"
    assert "专精特新中小企业" in warning["detail"] and "创新型中小企业" in warning["detail"]


def test_no_warning_when_the_lower_title_is_held(apply, certify, enterprise_code):
    assert certify(enterprise_code, "innovative_sme", today().isoformat()).status_code == 201
    response = apply(enterprise_code, "specialized_sme")
    assert response.status_code == 201 and response.json["warnings"] == []


def test_a_second_open_application_or_a_held_title_is_409(apply, certify, enterprise_code):
    assert apply(enterprise_code).status_code == 201
    assert_problem(apply(enterprise_code), 409, code="application.open_already")
    assert apply(enterprise_code, year=2025).status_code == 201  # another year
    assert certify(enterprise_code, "innovative_sme", "2024-05-01").status_code == 201
    assert_problem(apply(enterprise_code, year=2024), 409, code="application.title_held")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tier": "no_such_tier"}, "tier"),
        ({"year": 1999}, "year"),
        ({"year": 2101}, "year"),
        ({"year": "2026"}, "year"),
        ({"stage": "certified"}, "stage"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"contact_phone": "1" * 41}, "contact_phone"),
        ({"contact_name": "x" * 101}, "contact_name"),
        ({"batch": "x" * 101}, "batch"),
        ({"status": "open"}, "status"),
    ],
)
def test_bad_fields_are_422_naming_them(client, auth, enterprise_code, body, field):
    response = client.post(
        f"/api/v1/enterprises/{enterprise_code}/applications",
        json={"tier": "innovative_sme", "year": 2026, **body},
        headers=auth["admin"],
    )
    problem = assert_problem(response, 422)
    assert field in problem["errors"]["json"], problem


def test_every_stage_rule(apply, moved, enterprise_code):
    app_id = apply(enterprise_code, stage="candidate").json["id"]
    assert moved(app_id, "applied").json["stage"] == "applied"
    skipped = moved(app_id, "reviewed", on=EARLIER)
    assert (skipped.json["stage"], skipped.json["highest"]) == ("reviewed", "reviewed")
    assert_problem(moved(app_id, "recommended"), 409, code="application.backward")
    assert_problem(moved(app_id, "reviewed"), 409, code="application.backward")
    refused = assert_problem(moved(app_id, "rejected"), 422, code="application.reason_blank")
    assert "reason" in refused["errors"]["json"]
    assert_problem(moved(app_id, "rejected", reason="   "), 422)
    closed = moved(app_id, "rejected", reason="研发投入不足")
    assert closed.status_code == 200
    assert (closed.json["stage"], closed.json["highest"], closed.json["open"]) == (
        "rejected",
        "reviewed",
        False,
    )
    assert [(m["stage"], m["reason"]) for m in closed.json["history"]] == [
        ("candidate", None),
        ("applied", None),
        ("reviewed", None),
        ("rejected", "研发投入不足"),
    ]
    assert closed.json["history"][2]["on"] == EARLIER
    assert_problem(moved(app_id, "withdrawn"), 409, code="application.closed")
    assert_problem(moved(app_id, "publicized"), 409, code="application.closed")
    assert_problem(moved(app_id, "nowhere"), 422)


def test_a_move_is_dated_today_or_before(client, auth, apply, moved, enterprise_code):
    app_id = apply(enterprise_code).json["id"]
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    refused = assert_problem(moved(app_id, "reviewed", on=tomorrow), 422, code="field.in_future")
    assert "on" in refused["errors"]["json"]
    both = client.post(
        f"{URL}/moves",
        json={"ids": [app_id], "stage": "reviewed", "on": tomorrow},
        headers=auth["admin"],
    )
    assert_problem(both, 422, code="field.in_future")
    assert moved(app_id, "reviewed", on=today().isoformat()).status_code == 200


def test_withdrawn_closes_and_another_may_open(apply, moved, enterprise_code):
    app_id = apply(enterprise_code).json["id"]
    assert moved(app_id, "withdrawn").json["open"] is False
    assert_problem(moved(app_id, "applied"), 409, code="application.closed")
    assert apply(enterprise_code).status_code == 201


def test_an_unknown_application_is_404(client, auth, moved):
    assert_problem(client.get(f"{URL}/999999", headers=auth["admin"]), 404)
    assert_problem(moved(999999, "applied"), 404, code="application.not_found")


def test_several_move_at_once_or_none(client, auth, apply, moved, register):
    ids = [apply(register(f"bulk-{i}")).json["id"] for i in range(3)]
    response = client.post(
        f"{URL}/moves", json={"ids": ids, "stage": "recommended"}, headers=auth["bureau"]
    )
    assert response.status_code == 200, response.json
    assert [a["id"] for a in response.json["applications"]] == ids
    assert {a["stage"] for a in response.json["applications"]} == {"recommended"}
    assert moved(ids[1], "reviewed").status_code == 200
    refused = client.post(
        f"{URL}/moves", json={"ids": ids, "stage": "reviewed"}, headers=auth["admin"]
    )
    problem = assert_problem(refused, 409, code="application.backward", application_id=ids[1])
    assert str(ids[1]) in problem["detail"]
    stages = [client.get(f"{URL}/{i}", headers=auth["admin"]).json["stage"] for i in ids]
    assert stages == ["recommended", "reviewed", "recommended"]  # none moved
    missing = client.post(
        f"{URL}/moves", json={"ids": [ids[0], 999999], "stage": "reviewed"}, headers=auth["admin"]
    )
    assert_problem(missing, 404, code="application.not_found", application_id=999999)
    no_reason = client.post(
        f"{URL}/moves", json={"ids": ids, "stage": "rejected"}, headers=auth["admin"]
    )
    assert_problem(no_reason, 422, code="application.reason_blank")
    assert_problem(
        client.post(f"{URL}/moves", json={"ids": [], "stage": "reviewed"}, headers=auth["admin"]),
        422,
    )


def test_a_bureau_moves_only_its_districts(client, auth, apply, moved, register):
    ours = apply(register("ours")).json["id"]
    theirs = apply(register("theirs", district=OTHER_DISTRICT)).json["id"]
    assert_problem(
        client.get(f"{URL}/{theirs}", headers=auth["bureau"]), 403, code="scope.not_your_district"
    )
    assert_problem(moved(theirs, "recommended", headers=auth["bureau"]), 403)
    both = client.post(
        f"{URL}/moves", json={"ids": [ours, theirs], "stage": "recommended"}, headers=auth["bureau"]
    )
    assert_problem(both, 403, code="scope.not_your_district", application_id=theirs)
    assert client.get(f"{URL}/{ours}", headers=auth["admin"]).json["stage"] == "applied"
    assert moved(theirs, "recommended", headers=auth["other_bureau"]).status_code == 200
    other_firm = register("other-firm", district=OTHER_DISTRICT)
    assert_problem(apply(other_firm, headers=auth["bureau"]), 403)


@pytest.mark.parametrize("role", ["dashboard", "enterprise"])
def test_dashboards_and_firms_read_no_applications(client, auth, apply, enterprise_code, role):
    app_id = apply(enterprise_code).json["id"]
    assert_problem(client.get(URL, headers=auth[role]), 403)
    assert_problem(client.get(f"{URL}/{app_id}", headers=auth[role]), 403)
    assert_problem(
        client.patch(f"{URL}/{app_id}", json={"stage": "reviewed"}, headers=auth[role]), 403
    )
    assert_problem(apply(enterprise_code, year=2025, headers=auth[role]), 403)


def test_the_list_filters_pages_and_scope(client, auth, apply, moved, register):
    red = [register(f"red-{i}", name=f"红旗测试{i}有限公司") for i in range(3)]
    blue = register("blue", district=OTHER_DISTRICT, name="卫滨蓝天有限公司")
    first = apply(red[0], "innovative_sme", 2026).json["id"]
    apply(red[1], "innovative_sme", 2025)
    apply(red[2], "specialized_sme", 2026, stage="candidate")
    apply(blue, "innovative_sme", 2026)
    moved(first, "withdrawn")

    def listed(headers="admin", **query):
        response = client.get(URL, query_string=query, headers=auth[headers])
        assert response.status_code == 200, response.json
        return response.json

    everything = listed()
    assert everything["pagination"]["total"] == 4
    assert [a["year"] for a in everything["items"]][-1] == 2025  # newest year first
    assert {a["credit_code"] for a in listed(year=2026)["items"]} == {red[0], red[2], blue}
    assert [a["credit_code"] for a in listed(tier="specialized_sme")["items"]] == [red[2]]
    assert [a["credit_code"] for a in listed(stage="candidate")["items"]] == [red[2]]
    assert [a["credit_code"] for a in listed(open="false")["items"]] == [red[0]]
    assert len(listed(open="true")["items"]) == 3
    assert [a["credit_code"] for a in listed(district=OTHER_DISTRICT)["items"]] == [blue]
    assert [a["credit_code"] for a in listed(q="蓝天")["items"]] == [blue]
    assert [a["credit_code"] for a in listed(q=blue[:10])["items"]] == [blue]
    paged = listed(page=2, page_size=3)
    assert paged["pagination"] == {"total": 4, "page": 2, "page_size": 3, "total_pages": 2}
    assert len(paged["items"]) == 1
    withdrawn = next(a for a in everything["items"] if a["id"] == first)
    assert [m["stage"] for m in withdrawn["history"]] == ["applied", "withdrawn"]
    # A bureau: its own districts' only, whatever it asks.
    assert {a["district"] for a in listed("bureau")["items"]} == {"410702"}
    assert listed("bureau", district=OTHER_DISTRICT)["items"] == []
    assert_problem(client.get(URL, query_string={"stage": "x"}, headers=auth["admin"]), 422)
    assert_problem(client.get(URL, query_string={"district": "999999"}, headers=auth["admin"]), 422)


def test_each_write_is_an_audit_event(client, auth, apply, moved, enterprise_code):
    app_id = apply(enterprise_code, headers=auth["bureau"]).json["id"]
    moved(app_id, "rejected", reason="材料不全", headers=auth["bureau"])
    events = client.get("/api/v1/events", headers=auth["admin"]).json["items"]
    ours = [e for e in events if e["action"].startswith("application.")]
    assert [e["action"] for e in ours] == ["application.created", "application.moved"]
    assert {e["subject"] for e in ours} == {f"enterprise/{enterprise_code}/application/{app_id}"}
    assert ours[1]["data"]["reason"] == "材料不全"
    assert ours[1]["data"]["to"] == "rejected"


def test_the_firm_s_status_shows_its_open_applications(client, auth, apply, moved, enterprise_code):
    url = f"/api/v1/enterprises/{enterprise_code}/status"
    before = client.get(url, headers=auth["enterprise"])
    assert before.json["applications"] == []
    first = apply(enterprise_code, "innovative_sme", 2026, batch="第一批").json["id"]
    closed = apply(enterprise_code, "specialized_sme", 2026).json["id"]
    moved(first, "reviewed", on=EARLIER)
    moved(closed, "withdrawn")
    after = client.get(url, headers={**auth["enterprise"], "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200  # its applications changed: not the answer it had
    assert after.json["applications"] == [
        {
            "id": first,
            "tier": "innovative_sme",
            "year": 2026,
            "batch": "第一批",
            "stage": "reviewed",
            "since": EARLIER,
        }
    ]
    again = client.get(url, headers={**auth["enterprise"], "If-None-Match": after.headers["ETag"]})
    assert again.status_code == 304


def test_the_schemas_know_the_model_s_stages():
    from registry import models
    from schemas import applications

    assert (applications.STAGES, applications.OUTCOMES) == (models.STAGES, models.OUTCOMES)


def test_the_stages_and_their_labels_are_public(client):
    response = client.get("/api/v1/stages")
    assert response.status_code == 200
    stages = {s["key"]: s for s in response.json}
    assert list(stages) == [
        "candidate",
        "applied",
        "recommended",
        "reviewed",
        "publicized",
        "certified",
        "rejected",
        "withdrawn",
    ]
    assert (stages["reviewed"]["label_zh"], stages["reviewed"]["open"]) == ("市级审核", True)
    assert (stages["rejected"]["label_zh"], stages["rejected"]["open"]) == ("未通过", False)
