"""Exports (CSV with BOM, XLSX, `registry export`) and the audit trail (GET /events).

The last test is the contract between them: an export carries the id of the last event it
includes, and that export plus the events after the id rebuild the live state.
"""

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from registry.models import Certification, Event, Tier
from registry.services import tokens
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.exports import ZH_HEADERS
from tests.support.http import XLSX, assert_problem

CSV_URL = "/api/v1/exports/certifications.csv"
XLSX_URL = "/api/v1/exports/certifications.xlsx"
EVENTS = "/api/v1/events"
COMPARED = (
    "credit_code",
    "name",
    "district",
    "tier",
    "year",
    "certified_on",
    "valid_until",
    "renewal",
    "document_no",
    "revoked_on",
)
BOM = b"\xef\xbb\xbf"


def parse_csv(data: bytes) -> list[dict]:
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export_csv(client, headers, **filters) -> tuple[int, list[dict]]:
    """The export's X-Last-Event-Id and its rows."""
    response = client.get(CSV_URL, query_string=filters, headers=headers)
    assert response.status_code == 200, response.data[:500]
    return int(response.headers["X-Last-Event-Id"]), parse_csv(response.data)


def by_id(rows: list[dict]) -> dict[int, dict]:
    return {int(r["id"]): {c: r[c] for c in COMPARED} for r in rows}


def all_events(client, headers, after=0, limit=1000) -> list[dict]:
    items = []
    while True:
        page = client.get(EVENTS, query_string={"after": after, "limit": limit}, headers=headers)
        assert page.status_code == 200, page.json
        if not page.json["items"]:
            return items
        items += page.json["items"]
        after = page.json["next_after"]


def last_event_id(app) -> int:
    with app.app_context():
        return Event.select(Event.id).order_by(Event.id.desc()).scalar()


def etag_of(client, auth, code) -> str:
    return client.get(f"/api/v1/enterprises/{code}", headers=auth["admin"]).headers["ETag"]


def patch(client, auth, code, changes):
    response = client.patch(
        f"/api/v1/enterprises/{code}",
        json=changes,
        headers={**auth["admin"], "If-Match": etag_of(client, auth, code)},
    )
    assert response.status_code == 200, response.json
    return response


def revoke(client, auth, cert_id, revoked_on="2025-01-15"):
    response = client.post(
        f"/api/v1/certifications/{cert_id}/revoke",
        json={"reason": "不再符合条件", "revoked_on": revoked_on},
        headers=auth["admin"],
    )
    assert response.status_code == 200, response.json
    return response


@pytest.fixture
def data(client, auth, register, certify):
    """Three firms in three districts, four certifications; returns the codes."""
    a = register("exp-a", name="新乡市华瑞机械制造有限公司")
    b = register("exp-b", district=OTHER_DISTRICT, name="新乡市恒通电子科技有限公司")
    c = register("exp-c", district="410771", name="新乡市豫新生物医药有限公司")
    for code, tier, on, extra in (
        (a, "innovative_sme", "2023-06-28", {"document_no": "豫工信企业〔2023〕45号"}),
        (a, "specialized_sme", "2023-12-05", {"batch": "第二批"}),
        (b, "innovative_sme", "2024-06-20", {}),
        (c, "innovative_sme", "2022-06-30", {}),
    ):
        response = certify(code, tier, on, **extra)
        assert response.status_code == 201, response.json
    return {"a": a, "b": b, "c": c}


# --- exports ------------------------------------------------------------------------------


def test_csv_export_has_a_bom_a_header_and_one_row_per_certification(app, client, auth, data):
    response = client.get(CSV_URL, headers=auth["admin"])

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(BOM)
    header = response.data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "id" and set(COMPARED) <= set(header)
    rows = parse_csv(response.data)
    with app.app_context():
        stored = {c.id: c for c in Certification.select()}
    assert sorted(int(r["id"]) for r in rows) == sorted(stored)  # one row each, no more
    a = [r for r in rows if r["credit_code"] == data["a"]]
    assert [(r["tier"], r["certified_on"], r["name"]) for r in a] == [
        ("innovative_sme", "2023-06-28", "新乡市华瑞机械制造有限公司"),
        ("specialized_sme", "2023-12-05", "新乡市华瑞机械制造有限公司"),
    ]
    assert a[0]["document_no"] == "豫工信企业〔2023〕45号" and a[0]["district"] == DISTRICT
    assert (a[0]["year"], a[0]["valid_until"], a[0]["renewal"]) == ("2023", "2025-12-31", "false")
    assert int(response.headers["X-Last-Event-Id"]) == last_event_id(app)
    assert all_events(client, auth["admin"])[-1]["id"] == last_event_id(app)


def test_bureaus_and_the_admin_export_and_nobody_else(client, auth, data):
    for role in ("admin", "bureau", "other_bureau"):
        assert client.get(CSV_URL, headers=auth[role]).status_code == 200
    for role in ("dashboard", "enterprise"):
        assert client.get(CSV_URL, headers=auth[role]).status_code == 403
        assert client.get(XLSX_URL, headers=auth[role]).status_code == 403
    assert client.get(CSV_URL).status_code == 401
    assert (
        client.get(CSV_URL, query_string={"colour": "red"}, headers=auth["admin"]).status_code
        == 422
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"district": OTHER_DISTRICT}, {"b"}),
        ({"district": "410771"}, {"c"}),
        ({"tier": "specialized_sme"}, {"a"}),
        ({"year": 2024}, {"b"}),
        ({"year": 2022, "tier": "innovative_sme"}, {"c"}),
        ({"q": "豫新生物"}, {"c"}),
        ({"q": make_code("exp-b")[:12]}, {"b"}),
        ({"district": DISTRICT, "year": 2024}, set()),
    ],
)
def test_export_filters_narrow_it_like_the_list(client, auth, data, filters, expected):
    _, everything = export_csv(client, auth["admin"])
    _, rows = export_csv(client, auth["admin"], **filters)

    codes = {r["credit_code"] for r in rows}
    assert codes == {data[k] for k in expected}
    listed = client.get("/api/v1/enterprises", query_string=filters, headers=auth["admin"])
    assert codes == {e["credit_code"] for e in listed.json["items"]}  # the list's filters
    # The registry-wide list's certifications for the same filters, as in the full export.
    certifications = client.get(
        "/api/v1/certifications", query_string={**filters, "page_size": 500}, headers=auth["admin"]
    )
    ids = {c["id"] for c in certifications.json["items"]}
    assert by_id(rows) == {i: r for i, r in by_id(everything).items() if i in ids}
    xlsx = client.get(XLSX_URL, query_string={**filters, "lang": "en"}, headers=auth["admin"])
    assert {int(r["id"]) for r in xlsx_rows(xlsx.data)} == set(by_id(rows))


def xlsx_rows(data: bytes) -> list[dict]:
    """The first sheet's rows as text (dates as ISO text, blanks as "")."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    sheet = book.worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))

    def text(value):
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        return str(value)

    # A read-only sheet leaves out a row's trailing blank cells.
    rows = [(*r, *[None] * (len(header) - len(r))) for r in rows]
    return [dict(zip(header, map(text, r), strict=True)) for r in rows]


ZH_WORDS = {"是": "true", "否": "false", "有效": "active", "已过期": "expired", "已撤销": "revoked"}


def as_english(row: dict) -> dict:
    """A row of the Chinese export (as text) with the English export's keys and values
    (inside an app context: the tier from its Chinese label)."""
    english = {ZH_HEADERS[header]: ZH_WORDS.get(value, value) for header, value in row.items()}
    tier = Tier.get(Tier.label_zh == english["tier_label"])
    return {**english, "tier": tier.key}


def test_xlsx_export_has_the_same_rows(app, client, auth, data):
    last_csv, rows = export_csv(client, auth["admin"])

    response = client.get(XLSX_URL, query_string={"lang": "en"}, headers=auth["admin"])

    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert int(response.headers["X-Last-Event-Id"]) == last_csv == last_event_id(app)
    from_xlsx = xlsx_rows(response.data)
    assert len(from_xlsx) == len(rows)
    assert by_id(from_xlsx) == by_id(rows)
    about = load_workbook(io.BytesIO(response.data), read_only=True)["export"]
    assert ["last_event_id", last_csv] in [list(r) for r in about.iter_rows(values_only=True)]


def test_csv_export_is_streamed_in_chunks(app, client, auth):
    rows = [
        {
            "credit_code": make_code(f"stream-{i}"),
            "name": f"新乡市流式导出{i}有限公司",
            "district": DISTRICT,
            "tier": "innovative_sme",
            "certified_on": "2023-06-28",
        }
        for i in range(1200)
    ]
    imported = client.post("/api/v1/imports", json={"rows": rows}, headers=auth["admin"])
    assert imported.status_code == 200, imported.json

    response = client.get(CSV_URL, headers=auth["admin"], buffered=False)
    chunks = list(response.response)
    response.close()

    assert response.headers.get("Content-Length") is None
    assert len(chunks) > 2  # header, then a few hundred rows a chunk: never the whole file
    assert len(parse_csv(b"".join(chunks))) == 1200


def test_cli_export_csv_and_xlsx(app, client, auth, data, tmp_path):
    last, rows = export_csv(client, auth["admin"])
    runner = app.test_cli_runner()

    with app.app_context():
        to_stdout = runner.invoke(args=["export"])
    assert to_stdout.exit_code == 0, to_stdout.output
    assert by_id(parse_csv(to_stdout.stdout_bytes)) == by_id(rows)
    assert f"Exported through audit event {last}." in to_stdout.stderr

    with app.app_context():
        to_file = runner.invoke(args=["export", "--format", "csv", "-o", str(tmp_path / "e.csv")])
        workbook = runner.invoke(
            args=["export", "--format", "xlsx", "-o", str(tmp_path / "e.xlsx")]
        )
        no_file = runner.invoke(args=["export", "--format", "xlsx"])
    assert to_file.exit_code == 0, to_file.output
    assert by_id(parse_csv((tmp_path / "e.csv").read_bytes())) == by_id(rows)
    assert workbook.exit_code == 0, workbook.output
    with app.app_context():  # XLSX is for people: in Chinese
        from_xlsx = [as_english(row) for row in xlsx_rows((tmp_path / "e.xlsx").read_bytes())]
    assert by_id(from_xlsx) == by_id(rows)
    assert no_file.exit_code == 2  # a usage error: XLSX needs -o


# --- the audit trail ----------------------------------------------------------------------


def test_one_event_per_write_with_the_actor(app, client, auth, certify):
    start = last_event_id(app)
    code = make_code("events-bureau")
    registered = client.post(
        "/api/v1/enterprises",
        json={"credit_code": code, "name": "新乡市审计企业有限公司", "district": DISTRICT},
        headers=auth["bureau"],
    )
    assert registered.status_code == 201
    cert = certify(code, "innovative_sme", "2024-03-01", headers=auth["bureau"]).json
    refused = certify(code, "innovative_sme", "2024-03-02", headers=auth["bureau"])
    assert refused.status_code == 409  # a refused write leaves no event
    revoke(client, auth, cert["id"])
    patch(client, auth, code, {"name": "新乡市审计企业股份有限公司"})

    events = all_events(client, auth["admin"], after=start)

    assert [(e["action"], e["actor_name"], e["actor_role"]) for e in events] == [
        ("enterprise.registered", "红旗区工信局", "bureau"),
        ("certification.recorded", "红旗区工信局", "bureau"),
        ("certification.revoked", "city admin", "admin"),
        ("enterprise.updated", "city admin", "admin"),
    ]
    assert [e["subject"] for e in events] == [
        f"enterprise/{code}",
        f"enterprise/{code}/certification/{cert['id']}",
        f"enterprise/{code}/certification/{cert['id']}",
        f"enterprise/{code}",
    ]
    assert {e["district"] for e in events} == {DISTRICT}
    assert events[0]["data"]["name"] == "新乡市审计企业有限公司"
    assert events[1]["data"]["tier"] == "innovative_sme"
    assert events[2]["data"]["revoked_on"] == "2025-01-15"
    assert events[3]["data"]["changes"] == {"name": "新乡市审计企业股份有限公司"}
    for event in events:  # the time of the write, in UTC
        at = dt.datetime.fromisoformat(event["at"]).replace(tzinfo=dt.UTC)
        assert abs(dt.datetime.now(dt.UTC) - at) < dt.timedelta(minutes=5)


def test_event_times_carry_their_offset(client, auth):
    event = all_events(client, auth["admin"])[-1]
    at = dt.datetime.fromisoformat(event["at"])
    assert at.utcoffset() == dt.timedelta(0)


def test_events_are_oldest_first_and_resume_with_next_after(client, auth, data):
    everything = all_events(client, auth["admin"])
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) > 10
    assert everything[0]["action"] in ("catalog.loaded", "token.created")

    resumed, after = [], 0
    while True:
        page = client.get(EVENTS, query_string={"after": after, "limit": 3}, headers=auth["admin"])
        assert page.status_code == 200
        assert len(page.json["items"]) <= 3
        if not page.json["items"]:
            assert page.json["next_after"] == after
            break
        assert page.json["next_after"] == page.json["items"][-1]["id"]
        resumed += page.json["items"]
        after = page.json["next_after"]
    assert resumed == everything
    middle = ids[len(ids) // 2]
    assert all_events(client, auth["admin"], after=middle) == everything[len(ids) // 2 + 1 :]


def test_a_bureau_sees_only_its_districts_events(app, client, auth, data):
    with app.app_context():
        tokens.create_token("dashboard", "another screen")  # a token event: city-wide
    everything = all_events(client, auth["admin"])
    assert {e["district"] for e in everything} >= {None, DISTRICT, OTHER_DISTRICT, "410771"}

    mine = all_events(client, auth["bureau"])
    theirs = all_events(client, auth["other_bureau"])

    assert mine == [e for e in everything if e["district"] == DISTRICT]
    assert theirs == [e for e in everything if e["district"] == OTHER_DISTRICT]
    assert not any(e["action"].startswith("catalog.") for e in mine + theirs)
    # Tokens: a bureau sees its firms' enterprise tokens issued, never a city-wide token's.
    assert [e["data"]["role"] for e in mine if e["action"] == "token.created"] == ["enterprise"]
    assert not any(e["action"].startswith("token.") for e in theirs)
    assert any(e["subject"] == f"enterprise/{data['a']}" for e in mine)
    assert not any(data["b"] in e["subject"] for e in mine)


def test_events_are_not_for_dashboards_or_enterprises(client, auth):
    for role in ("dashboard", "enterprise"):
        response = client.get(EVENTS, headers=auth[role])
        assert_problem(response, 403)
    assert client.get(EVENTS).status_code == 401
    for bad in ({"limit": 0}, {"limit": 1001}, {"after": -1}, {"since": 1}):
        assert client.get(EVENTS, query_string=bad, headers=auth["admin"]).status_code == 422


def test_the_audit_trail_cannot_be_changed_through_the_api(client, auth):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(EVENTS, json={}, headers=auth["admin"])
        assert_problem(response, 405)


# --- export + events = live state ---------------------------------------------------------


def replay(export: dict[int, dict], events: list[dict]) -> dict[int, dict]:
    """Apply the audit events, in order, to the certifications of an export."""
    state = {cert_id: dict(row) for cert_id, row in export.items()}
    firms = {
        r["credit_code"]: {"name": r["name"], "district": r["district"]} for r in state.values()
    }

    def put(cert_id: int, code: str, cert: dict) -> None:
        firm = firms.get(code, {})  # a firm this replay cannot know stays without name
        state[cert_id] = {
            "credit_code": code,
            "name": firm.get("name"),
            "district": firm.get("district"),
            "tier": cert["tier"],
            "year": str(cert["year"]),
            "certified_on": cert["certified_on"],
            "valid_until": cert["valid_until"],
            "renewal": "true" if cert["renewal"] else "false",
            "document_no": cert.get("document_no") or "",
            "revoked_on": cert.get("revoked_on") or "",
        }

    for event in events:
        action, data = event["action"], event["data"]
        if action == "enterprise.registered":
            firms[data["credit_code"]] = {"name": data["name"], "district": data["district"]}
        elif action == "enterprise.updated":
            code = event["subject"].split("/")[1]
            changes = {k: v for k, v in data["changes"].items() if k in ("name", "district")}
            firms.setdefault(code, {}).update(changes)
            for row in state.values():
                if row["credit_code"] == code:
                    row.update(changes)
        elif action == "certification.recorded":
            firm = data["enterprise"]  # the firm as it stood, in every certification event
            firms[data["credit_code"]] = {"name": firm["name"], "district": firm["district"]}
            put(data["id"], data["credit_code"], data)
        elif action == "certification.revoked":
            state[data["id"]]["revoked_on"] = data["revoked_on"]
        elif action == "import.row":
            if "enterprise" in data:
                firm = data["enterprise"]
                firms[data["credit_code"]] = {"name": firm["name"], "district": firm["district"]}
            put(data["certification"]["id"], data["credit_code"], data["certification"])
    return state


def test_export_plus_later_events_reproduce_the_live_state(
    app, client, auth, data, register, certify
):
    first = certify(data["b"], "specialized_sme", "2024-12-01").json
    last_id, rows = export_csv(client, auth["admin"])
    exported = by_id(rows)
    assert len(exported) == 5

    # Writes of every kind after the export.
    new = register("replay-new", name="新乡市重放新企业有限公司")  # enterprise.registered
    assert certify(new, "innovative_sme", "2024-04-01").status_code == 201  # recorded
    climb = certify(data["a"], "little_giant", "2024-08-01", year=2024).json
    assert "id" in climb, climb
    revoke(client, auth, first["id"])  # a certification in the export
    later = certify(data["c"], "innovative_sme", "2025-06-30", year=2025, renewal=True).json
    revoke(client, auth, later["id"], revoked_on="2025-07-01")  # one made after it
    patch(client, auth, data["a"], {"name": "新乡市华瑞智能装备股份有限公司"})
    patch(client, auth, data["c"], {"district": "410772"})
    bureau_made = make_code("replay-bureau")
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": bureau_made, "name": "新乡市红旗重放有限公司", "district": DISTRICT},
        headers=auth["bureau"],
    )
    assert response.status_code == 201
    assert (
        certify(bureau_made, "innovative_sme", "2024-05-05", headers=auth["bureau"]).status_code
        == 201
    )
    imported = client.post(
        "/api/v1/imports",
        json={
            "rows": [
                {  # a new firm climbing in one list
                    "credit_code": make_code("replay-import"),
                    "name": "新乡市导入重放有限公司",
                    "district": "牧野区",
                    "tier": "创新型中小企业",
                    "certified_on": "2023-06-28",
                },
                {
                    "credit_code": make_code("replay-import"),
                    "name": "新乡市导入重放有限公司",
                    "district": "410711",
                    "tier": "专精特新中小企业",
                    "certified_on": "2024-01-10",
                    "document_no": "豫工信企业〔2024〕3号",
                },
                {  # a known firm, a new certification
                    "credit_code": new,
                    "name": "新乡市重放新企业有限公司",
                    "district": DISTRICT,
                    "tier": "head_goose",
                    "year": 2025,
                    "certified_on": "2025-03-01",
                },
                {  # already stored: unchanged, no event
                    "credit_code": data["b"],
                    "name": "新乡市恒通电子科技有限公司",
                    "district": OTHER_DISTRICT,
                    "tier": "innovative_sme",
                    "certified_on": "2024-06-20",
                },
            ]
        },
        headers=auth["admin"],
    )
    assert imported.status_code == 200, imported.json
    assert (imported.json["created_certifications"], imported.json["unchanged"]) == (3, 1)
    with app.app_context():
        tokens.create_token("dashboard", "late screen")  # not about certifications

    events = all_events(client, auth["admin"], after=last_id)
    assert {e["action"] for e in events} >= {
        "enterprise.registered",
        "enterprise.updated",
        "certification.recorded",
        "certification.revoked",
        "import.row",
    }
    rebuilt = replay(exported, events)

    live_id, live_rows = export_csv(client, auth["admin"])
    live = by_id(live_rows)
    assert live_id == events[-1]["id"]
    assert len(live) == 5 + 7
    assert rebuilt == live
    assert live[first["id"]]["revoked_on"] == "2025-01-15"
    assert {r["name"] for r in live.values() if r["credit_code"] == data["a"]} == {
        "新乡市华瑞智能装备股份有限公司"
    }
    assert {r["district"] for r in live.values() if r["credit_code"] == data["c"]} == {"410772"}
    assert replay(exported, []) != live  # the events matter: the export alone is out of date


def test_replay_places_a_firm_registered_before_the_export_and_certified_after(
    client, auth, data, certify, enterprise_code
):
    last_id, rows = export_csv(client, auth["admin"])
    assert enterprise_code not in {r["credit_code"] for r in rows}  # no certification yet
    assert certify(enterprise_code, "innovative_sme", "2024-02-02").status_code == 201

    rebuilt = replay(by_id(rows), all_events(client, auth["admin"], after=last_id))

    assert rebuilt == by_id(export_csv(client, auth["admin"])[1])


def test_a_bureau_sees_a_firm_leave_its_district(client, auth, data):
    before = all_events(client, auth["bureau"])
    patch(client, auth, data["a"], {"district": OTHER_DISTRICT})

    seen = all_events(client, auth["bureau"], after=before[-1]["id"])

    assert [e["action"] for e in seen] == ["enterprise.updated"]
    assert json.dumps(seen[0]["data"], ensure_ascii=False).count(OTHER_DISTRICT) >= 1


def test_events_of_one_request_by_its_request_id(client, auth, register):
    """A page that sent a write with its own X-Request-ID reads back what that write recorded."""
    register("before")
    code = make_code("by-request")
    reply = client.post(
        "/api/v1/enterprises",
        json={"credit_code": code, "name": "新乡市请求编号有限公司", "district": DISTRICT},
        headers={**auth["bureau"], "X-Request-ID": "wb-import-42"},
    )
    assert reply.status_code == 201
    register("after")
    body = client.get("/api/v1/events?request_id=wb-import-42", headers=auth["bureau"]).json
    assert [(e["action"], e["subject"], e["request_id"]) for e in body["items"]] == [
        ("enterprise.registered", f"enterprise/{code}", "wb-import-42")
    ]
    bad = client.get("/api/v1/events?request_id=no%20spaces", headers=auth["bureau"])
    assert bad.status_code == 422
