"""The bureau's working year: titles expiring and who must renew, the renewal season
in statistics and progress, a firm's history and the firm as it stood, tokens over the API."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from registry.models import Event, Token
from registry.services.clock import today
from tests.support.apps import make_app
from tests.support.codes import DISTRICT, OTHER_DISTRICT
from tests.support.http import assert_problem, bearer

API = "/api/v1"
AS_OF = "2025-06-30"  # the renewal season of the 2023 lists (they end on 2025-12-31)
PLAN = "xinxiang-2023-2025"


@pytest.fixture
def season(client, auth, register, certify):
    """Four firms in the renewal season of 2025, as of 2025-06-30:
    a: innovative of 2023 (ends 2025-12-31), outranked by its 专精特新 of 2024;
    b: innovative and 专精特新 of 2023 (both end 2025-12-31), the latter renewed (复核) in 2025;
    c (another district): innovative of 2023, nothing since: it must renew;
    d: innovative of 2023, revoked in January 2024."""
    firms = {
        "a": register("ws-a", name="新乡市甲机械有限公司"),
        "b": register("ws-b", name="新乡市乙电子有限公司"),
        "c": register("ws-c", district=OTHER_DISTRICT, name="新乡市丙化工有限公司"),
        "d": register("ws-d", name="新乡市丁食品有限公司"),
    }
    ids = {}
    for key, tier, on, extra in (
        ("a", "innovative_sme", "2023-03-20", {"year": 2022}),
        ("a", "specialized_sme", "2024-05-30", {}),
        ("b", "innovative_sme", "2023-03-20", {"year": 2022}),
        ("b", "specialized_sme", "2023-05-30", {}),
        ("b", "specialized_sme", "2025-05-30", {"renewal": True}),
        ("c", "innovative_sme", "2023-03-20", {"year": 2022}),
        ("d", "innovative_sme", "2023-03-20", {"year": 2022}),
    ):
        response = certify(firms[key], tier, on, **extra)
        assert response.status_code == 201, response.json
        ids[(key, tier, on)] = response.json["id"]
    revoked = client.post(
        f"{API}/certifications/{ids[('d', 'innovative_sme', '2023-03-20')]}/revoke",
        json={"reason": "数据造假", "revoked_on": "2024-01-10"},
        headers=auth["admin"],
    )
    assert revoked.status_code == 200, revoked.json
    return {"firms": firms, "ids": ids}


def listed(client, headers, **query) -> dict:
    response = client.get(f"{API}/certifications", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


# --- certifications across the registry ---------------------------------------------------


def test_who_must_renew_by_a_day_and_who_is_taken_over(client, auth, season):
    firms, ids = season["firms"], season["ids"]

    page = listed(client, auth["admin"], as_of=AS_OF, expires_by="2025-12-31")

    rows = {(r["credit_code"], r["tier"], r["certified_on"]): r for r in page["items"]}
    assert set(rows) == {
        (firms["a"], "innovative_sme", "2023-03-20"),
        (firms["b"], "innovative_sme", "2023-03-20"),
        (firms["b"], "specialized_sme", "2023-05-30"),
        (firms["c"], "innovative_sme", "2023-03-20"),
    }  # d's title is revoked; a's 专精特新 and b's renewal run longer
    assert page["pagination"]["total"] == 4
    a = rows[(firms["a"], "innovative_sme", "2023-03-20")]
    assert a["superseded_by"]["id"] == ids[("a", "specialized_sme", "2024-05-30")]
    assert (a["superseded_by"]["tier"], a["expiring"]) == ("specialized_sme", False)
    b = rows[(firms["b"], "specialized_sme", "2023-05-30")]
    assert b["superseded_by"] == {
        "id": ids[("b", "specialized_sme", "2025-05-30")],
        "tier": "specialized_sme",
        "year": 2025,
        "renewal": True,
        "valid_until": "2027-12-31",
    }
    c = rows[(firms["c"], "innovative_sme", "2023-03-20")]
    assert c["superseded_by"] is None
    assert (c["days_to_expiry"], c["expiring"], c["status"]) == (184, False, "active")
    assert (c["name"], c["district"]) == ("新乡市丙化工有限公司", OTHER_DISTRICT)
    # Ordered by the end, then the credit code: the season reads down the page.
    assert [r["valid_until"] for r in page["items"]] == ["2025-12-31"] * 4
    codes = [r["credit_code"] for r in page["items"]]
    assert codes == sorted(codes)

    must = listed(client, auth["admin"], as_of=AS_OF, expires_by="2025-12-31", superseded="false")
    assert [(r["credit_code"], r["tier"]) for r in must["items"]] == [
        (firms["c"], "innovative_sme")
    ]
    done = listed(client, auth["admin"], as_of=AS_OF, expires_by="2025-12-31", superseded="true")
    assert done["pagination"]["total"] == 3
    county = listed(
        client, auth["admin"], as_of=AS_OF, expires_by="2025-12-31", district=OTHER_DISTRICT
    )
    assert [r["credit_code"] for r in county["items"]] == [firms["c"]]
    # A bureau naming no district is answered its own; naming another, that one.
    own = listed(client, auth["bureau"], as_of=AS_OF, expires_by="2025-12-31")
    assert {r["credit_code"] for r in own["items"]} == {firms["a"], firms["b"]}
    other = listed(
        client, auth["bureau"], as_of=AS_OF, expires_by="2025-12-31", district=OTHER_DISTRICT
    )
    assert [r["credit_code"] for r in other["items"]] == [firms["c"]]


def test_the_list_filters_by_tier_year_renewal_and_status(client, auth, season):
    firms = season["firms"]
    renewals = listed(client, auth["admin"], as_of=AS_OF, renewal="true")
    assert [(r["credit_code"], r["year"]) for r in renewals["items"]] == [(firms["b"], 2025)]
    revoked = listed(client, auth["admin"], as_of=AS_OF, status="revoked")
    assert [(r["credit_code"], r["barred_until"]) for r in revoked["items"]] == [
        (firms["d"], "2027-01-10")
    ]
    of_2022 = listed(client, auth["admin"], as_of=AS_OF, year=2022, tier="innovative_sme")
    assert of_2022["pagination"]["total"] == 4
    # Before the renewal was announced, b's 2023 title was nobody's to take over.
    earlier = listed(
        client, auth["admin"], as_of="2025-05-01", expires_by="2025-12-31", superseded="false"
    )
    assert {(r["credit_code"], r["tier"]) for r in earlier["items"]} == {
        (firms["b"], "specialized_sme"),
        (firms["c"], "innovative_sme"),
    }
    paged = listed(client, auth["admin"], as_of=AS_OF, page=2, page_size=2)
    assert paged["pagination"] == {"total": 7, "page": 2, "page_size": 2, "total_pages": 4}
    assert len(paged["items"]) == 2


@pytest.mark.parametrize(
    "query",
    [{"status": "lost"}, {"expires_by": "soon"}, {"superseded": "maybe"}, {"district": "4107"}],
)
def test_bad_filters_are_422(client, auth, query):
    response = client.get(f"{API}/certifications", query_string=query, headers=auth["admin"])
    assert_problem(response, 422)


def test_the_exports_take_the_same_filters(client, auth, season):
    query = {"as_of": AS_OF, "expires_by": "2025-12-31", "district": DISTRICT}
    expected = {r["id"] for r in listed(client, auth["admin"], **query)["items"]}
    assert len(expected) == 3

    response = client.get(
        f"{API}/exports/certifications.xlsx", query_string=query, headers=auth["admin"]
    )

    assert response.status_code == 200
    header, *rows = (
        load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(values_only=True)
    )
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert {r["记录编号"] for r in records} == expected
    taken_over = {r["企业名称"]: r["复核或晋级"] for r in records}
    assert taken_over["新乡市乙电子有限公司"] in {
        "专精特新中小企业 2025年度（复核）",
        "专精特新中小企业 2023年度",
    }
    english = client.get(
        f"{API}/exports/certifications.csv", query_string=query, headers=auth["admin"]
    )
    table = list(csv.DictReader(io.StringIO(english.data.decode("utf-8-sig"))))
    assert {int(r["id"]) for r in table} == expected
    assert "specialized_sme/2025/renewal" in {r["superseded_by"] for r in table}


# --- the renewal season in statistics and progress ----------------------------------------


def test_statistics_group_and_filter_by_the_year_titles_end(client, auth, season):
    response = client.get(
        f"{API}/stats/certifications",
        query_string={"group_by": "expiry_year,tier", "as_of": AS_OF},
        headers=auth["dashboard"],
    )
    assert response.status_code == 200, response.json
    counts = {(r["expiry_year"], r["tier"]): r["count"] for r in response.json["rows"]}
    assert counts == {
        (2025, "innovative_sme"): 4,
        (2025, "specialized_sme"): 1,
        (2026, "specialized_sme"): 1,
        (2027, "specialized_sme"): 1,
    }
    only = client.get(
        f"{API}/stats/certifications",
        query_string={"group_by": "tier", "expiry_year": 2027, "as_of": AS_OF},
        headers=auth["dashboard"],
    )
    assert only.json["rows"] == [{"tier": "specialized_sme", "count": 1}]


def test_progress_carries_the_season_per_tier(client, auth, season):
    response = client.get(
        f"{API}/plans/{PLAN}/progress",
        query_string={"year": 2025, "as_of": AS_OF},
        headers=auth["dashboard"],
    )
    assert response.status_code == 200, response.json
    season_rows = {r["tier"]: r for r in response.json["renewals"]}
    # d's title was revoked before its end: not in the season.
    assert season_rows["innovative_sme"] == {
        "tier": "innovative_sme",
        "expiring": 3,
        "renewed_or_superseded": 2,
        "open": 1,
        "ends_on": "2025-12-31",
        "days_left": 184,  # from 30 June
    }
    assert season_rows["specialized_sme"] == {
        "tier": "specialized_sme",
        "expiring": 1,
        "renewed_or_superseded": 1,
        "open": 0,
        "ends_on": "2025-12-31",
        "days_left": 184,
    }
    county = client.get(
        f"{API}/plans/{PLAN}/progress",
        query_string={"year": 2025, "as_of": AS_OF, "district": OTHER_DISTRICT},
        headers=auth["dashboard"],
    ).json
    assert county["renewals"] == [
        {
            "tier": "innovative_sme",
            "expiring": 1,
            "renewed_or_superseded": 0,
            "open": 1,
            "ends_on": "2025-12-31",
            "days_left": 184,
        }
    ]


# --- an enterprise's status: expiring, superseded, barred ----------------------------------


def _status(client, auth, code) -> dict:
    response = client.get(f"{API}/enterprises/{code}/status", headers=auth["admin"])
    assert response.status_code == 200, response.json
    return {(c["tier"], c["certified_on"]): c for c in response.json["certifications"]}


def test_the_status_says_expiring_superseded_and_barred(app, client, auth, register, certify):
    day = today()
    ends_soon = (day + dt.timedelta(days=100)).isoformat()
    earlier = (day - dt.timedelta(days=400)).isoformat()
    lone, climber, revoked = register("st-lone"), register("st-climber"), register("st-revoked")
    certify(lone, "innovative_sme", earlier, valid_until=ends_soon)
    certify(climber, "innovative_sme", earlier, valid_until=ends_soon)
    certify(climber, "specialized_sme", day.isoformat())
    cert = certify(revoked, "innovative_sme", earlier).json
    revoked_on = day - dt.timedelta(days=10)
    client.post(
        f"{API}/certifications/{cert['id']}/revoke",
        json={"reason": "重大安全事故", "revoked_on": revoked_on.isoformat()},
        headers=auth["admin"],
    )

    line = _status(client, auth, lone)[("innovative_sme", earlier)]
    assert (line["expiring"], line["days_to_expiry"], line["superseded_by"]) == (True, 100, None)
    outgrown = _status(client, auth, climber)[("innovative_sme", earlier)]
    assert (outgrown["expiring"], outgrown["superseded_by"]["tier"]) == (False, "specialized_sme")
    barred = _status(client, auth, revoked)[("innovative_sme", earlier)]
    assert barred["status"] == "revoked"
    assert barred["barred_until"] == revoked_on.replace(year=revoked_on.year + 3).isoformat()
    assert line["barred_until"] is None

    # The window is a setting: an app made with another judges the same title otherwise.
    narrow = make_app(app.config["DATABASE_URL"], init=False, EXPIRING_WINDOW_DAYS=60)
    assert (
        _status(narrow.test_client(), auth, lone)[("innovative_sme", earlier)]["expiring"] is False
    )


# --- a firm's history, and the firm as it stood -------------------------------------------


def test_a_firms_history_has_every_event_with_old_and_new_values(
    app, client, auth, register, certify
):
    code = register("hist-a", name="新乡市历史机械有限公司")
    cert = certify(code, "innovative_sme", "2023-06-28").json
    etag = client.get(f"{API}/enterprises/{code}", headers=auth["bureau"]).headers["ETag"]
    corrected = client.patch(
        f"{API}/enterprises/{code}",
        json={"name": "新乡市历史智能装备有限公司", "industry_chain": "装备制造"},
        headers={**auth["bureau"], "If-Match": etag, "X-Request-ID": "clerk-fix-1"},
    )
    assert corrected.status_code == 200, corrected.json
    client.post(
        f"{API}/certifications/{cert['id']}/revoke",
        json={"reason": "数据造假", "revoked_on": "2024-05-10"},
        headers=auth["admin"],
    )
    register("hist-other")  # another firm's events are not in this history

    response = client.get(f"{API}/enterprises/{code}/history", headers=auth["other_bureau"])

    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert [e["action"] for e in items] == [
        "enterprise.registered",
        "certification.recorded",
        "enterprise.updated",
        "certification.revoked",
    ]
    assert [e["id"] for e in items] == sorted(e["id"] for e in items)
    fix = items[2]
    assert (fix["actor_name"], fix["actor_role"], fix["request_id"]) == (
        "红旗区工信局",
        "bureau",
        "clerk-fix-1",
    )
    assert fix["changes"] == [
        {"field": "name", "old": "新乡市历史机械有限公司", "new": "新乡市历史智能装备有限公司"},
        {"field": "industry_chain", "old": None, "new": "装备制造"},
    ]
    assert all(e["changes"] == [] for e in items if e["action"] != "enterprise.updated")
    feed = client.get(
        f"{API}/events", query_string={"credit_code": code.lower()}, headers=auth["admin"]
    )
    assert [e["id"] for e in feed.json["items"]] == [e["id"] for e in items]


def test_the_firm_as_it_stood_on_a_day(app, client, auth, register, certify):
    code = register("asof-a", name="新乡市旧名有限公司")
    certify(code, "innovative_sme", "2023-06-28")
    later = certify(code, "specialized_sme", "2024-06-30").json
    etag = client.get(f"{API}/enterprises/{code}", headers=auth["admin"]).headers["ETag"]
    client.patch(
        f"{API}/enterprises/{code}",
        json={"name": "新乡市新名有限公司", "district": OTHER_DISTRICT},
        headers={**auth["admin"], "If-Match": etag},
    )
    client.post(
        f"{API}/certifications/{later['id']}/revoke",
        json={"reason": "重大质量事故", "revoked_on": "2024-09-01"},
        headers=auth["admin"],
    )

    then = client.get(
        f"{API}/enterprises/{code}", query_string={"as_of": "2024-07-31"}, headers=auth["admin"]
    )
    before = client.get(
        f"{API}/enterprises/{code}", query_string={"as_of": "2024-01-31"}, headers=auth["admin"]
    )
    now = client.get(f"{API}/enterprises/{code}", headers=auth["admin"])

    assert then.status_code == 200, then.json
    assert (then.json["name"], then.json["district"]) == ("新乡市旧名有限公司", DISTRICT)
    assert then.json["current_tier"] == "specialized_sme"  # not revoked yet that day
    titles = {c["tier"]: c for c in then.json["certifications"]}
    assert (titles["specialized_sme"]["status"], titles["specialized_sme"]["revoked_on"]) == (
        "active",
        None,
    )
    assert [c["tier"] for c in before.json["certifications"]] == ["innovative_sme"]
    assert (now.json["name"], now.json["district"]) == ("新乡市新名有限公司", OTHER_DISTRICT)
    assert then.headers["ETag"] != now.headers["ETag"]


def test_a_firm_moved_away_stays_visible_to_the_bureau_it_left(client, auth, register):
    code = register("moved-a")
    etag = client.get(f"{API}/enterprises/{code}", headers=auth["admin"]).headers["ETag"]
    client.patch(
        f"{API}/enterprises/{code}",
        json={"district": OTHER_DISTRICT},
        headers={**auth["admin"], "If-Match": etag},
    )
    for bureau in ("bureau", "other_bureau"):
        feed = client.get(
            f"{API}/events", query_string={"credit_code": code}, headers=auth[bureau]
        ).json["items"]
        assert "enterprise.updated" in [e["action"] for e in feed], bureau


# --- tokens over the API; who a token is ---------------------------------------------------


def _issue(client, headers, **body):
    return client.post(f"{API}/tokens", json=body, headers=headers)


def test_a_bureau_gives_its_firms_access_and_nobody_elses(
    app, client, auth, register, enterprise_code
):
    mine, theirs = register("tok-mine"), register("tok-theirs", district=OTHER_DISTRICT)

    issued = _issue(client, auth["bureau"], role="enterprise", name="甲企业", credit_code=mine)
    assert issued.status_code == 201, issued.json
    assert issued.headers["Cache-Control"] == "no-store"
    secret = issued.json["secret"]
    assert secret.startswith("ecr_") and issued.json["credit_code"] == mine
    me = client.get(f"{API}/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.json["token"]["role"] == "enterprise"
    assert me.json["status"]["credit_code"] == mine  # the status page needs no code

    for body in (
        {"role": "enterprise", "name": "乙企业", "credit_code": theirs},
        {"role": "bureau", "name": "自封", "districts": [DISTRICT]},
        {"role": "dashboard", "name": "大屏"},
    ):
        assert _issue(client, auth["bureau"], **body).status_code == 403, body
    assert _issue(client, auth["admin"], role="dashboard", name="大屏").status_code == 201

    listed = client.get(f"{API}/tokens", headers=auth["bureau"]).json["items"]
    # The bureau's districts' enterprise tokens only: the fixture firm's, and the one it issued.
    assert [t["credit_code"] for t in listed] == [enterprise_code, mine]
    assert all("secret" not in t for t in listed)
    every = client.get(f"{API}/tokens", query_string={"page_size": 500}, headers=auth["admin"])
    assert len(every.json["items"]) == every.json["pagination"]["total"] >= 7

    token_id = issued.json["id"]
    assert (
        client.post(f"{API}/tokens/{token_id}/revoke", headers=auth["other_bureau"]).status_code
        == 404
    )
    revoked = client.post(f"{API}/tokens/{token_id}/revoke", headers=auth["bureau"])
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    assert client.get(f"{API}/me", headers=bearer(secret)).status_code == 401
    again = client.post(f"{API}/tokens/{token_id}/revoke", headers=auth["bureau"])
    assert again.json["revoked_at"] == revoked.json["revoked_at"]  # nothing changes
    with app.app_context():
        actions = [
            (e.action, e.actor_name, e.district)
            for e in Event.select().where(Event.subject == f"token/{token_id}").order_by(Event.id)
        ]
    assert actions == [
        ("token.created", "红旗区工信局", DISTRICT),
        ("token.revoked", "红旗区工信局", DISTRICT),
    ]


def test_every_firm_of_a_district_gets_a_token_in_one_call(app, client, auth, register):
    codes = sorted([register("bulk-1"), register("bulk-2"), register("bulk-3")])
    _issue(client, auth["admin"], role="enterprise", name="已有", credit_code=codes[0])
    before = {c for c in codes}  # the fixture's own firm is in DISTRICT too

    response = client.post(
        f"{API}/tokens/enterprises", json={"district": DISTRICT}, headers=auth["bureau"]
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    header, *rows = (
        load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(values_only=True)
    )
    assert header == ("统一社会信用代码", "企业名称", "县（市、区）", "令牌", "令牌编号")
    handed_out = {row[0]: row[3] for row in rows}
    assert codes[0] not in handed_out and set(codes[1:]) <= set(handed_out)
    assert int(response.headers["X-Tokens-Issued"]) == len(rows)
    for code, secret in handed_out.items():
        me = client.get(f"{API}/me", headers=bearer(secret)).json
        assert me["status"]["credit_code"] == code
    with app.app_context():
        stored = {t.credit_code for t in Token.select().where(Token.role == "enterprise")}
    assert before <= stored

    repeat = client.post(
        f"{API}/tokens/enterprises",
        query_string={"format": "csv"},
        json={"district": DISTRICT},
        headers=auth["bureau"],
    )
    assert repeat.status_code == 201 and repeat.headers["X-Tokens-Issued"] == "0"
    assert repeat.data.decode("utf-8-sig").splitlines() == [
        "统一社会信用代码,企业名称,县（市、区）,令牌,令牌编号"
    ]
    elsewhere = client.post(
        f"{API}/tokens/enterprises", json={"district": OTHER_DISTRICT}, headers=auth["bureau"]
    )
    assert elsewhere.status_code == 403
    listed = client.post(
        f"{API}/tokens/enterprises",
        query_string={"format": "csv"},
        json={"credit_codes": [register("bulk-listed")]},
        headers=auth["admin"],
    )
    assert listed.headers["X-Tokens-Issued"] == "1"
    neither = client.post(f"{API}/tokens/enterprises", json={}, headers=auth["admin"])
    assert neither.status_code == 422


@pytest.mark.parametrize("role", ["admin", "bureau", "dashboard", "enterprise"])
def test_every_token_learns_who_it_is(client, auth, enterprise_code, role):
    response = client.get(f"{API}/me", headers=auth[role])
    assert response.status_code == 200, response.json
    assert response.json["token"]["role"] == role
    assert "secret" not in response.json["token"]
    if role == "enterprise":
        assert response.json["status"]["credit_code"] == enterprise_code
    else:
        assert response.json["status"] is None
    assert client.get(f"{API}/me").status_code == 401


@pytest.mark.parametrize("export", ["certifications.csv", "certifications.xlsx"])
def test_an_export_with_a_bad_filter_is_a_problem_before_any_row(client, auth, export):
    """An unknown district is a 422 before the (streamed) answer begins, not a cut stream."""
    response = client.get(
        f"{API}/exports/{export}", query_string={"district": "027315"}, headers=auth["admin"]
    )
    assert_problem(response, 422, code="district.unknown")
    assert set(response.json["errors"]["query"]) == {"district"}
