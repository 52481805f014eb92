"""Revocation lists (撤销/取消…称号): loaded through the same reader as published lists, each
named title revoked, all or nothing; a repeat changes nothing; a list of revocations never grants
the titles it names."""

import io

from openpyxl import Workbook

from tests.support import published as pub
from tests.support.http import XLSX, assert_problem
from tests.support.imports import (
    certs,
    csv_text,
    events_after,
    innovative_2022,
    load,
    register,
    written,
)

URL = "/api/v1/imports"
TITLE = "关于撤销新乡市甲机械有限公司等2家企业河南省专精特新中小企业称号的通知"


def notice(rows: list[list], *, title: str = TITLE) -> bytes:
    """A revocation notice's attachment: 附件, the title, names and districts, a reason each."""
    book = Workbook()
    sheet = book.active
    sheet.append(["附件"])
    sheet.append([title])
    sheet.merge_cells("A2:D2")
    sheet.append(["序号", "县（市、区）", "企业名称", "撤销原因"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, headers, body, query="", content_type=XLSX):
    return client.post(f"{URL}?{query}", data=body, content_type=content_type, headers=headers)


def titled(register, certify, seed, name):
    code = register(seed, name=name)
    assert certify(code, "innovative_sme", "2023-03-20", year=2022).status_code == 201
    assert certify(code, "specialized_sme", "2023-05-30", year=2023).status_code == 201
    return code


def status_of(client, auth, code) -> dict:
    certs = client.get(f"/api/v1/enterprises/{code}/certifications", headers=auth["admin"]).json
    return {c["tier"]: c for c in certs["items"]}


def test_a_names_only_revocation_list_revokes_each_title_once(app, client, auth, register, certify):
    first = titled(register, certify, "rv-1", "新乡市甲机械有限公司")
    second = titled(register, certify, "rv-2", "新乡市乙（化工）有限公司")
    body = notice(
        [
            ["红旗区", "新乡市甲机械有限公司", "重大安全事故"],
            ["新乡市红旗区", "新乡市乙(化工)有限公司", "数据造假"],
        ]
    )
    before = written(app)

    dry = post(client, auth["admin"], body, "revoked_on=2024-05-10&dry_run=true")
    assert dry.status_code == 200, dry.json
    assert (dry.json["revoked"], dry.json["matched_by_name"]) == (2, 2)
    assert written(app) == before

    response = post(client, auth["admin"], body, "revoked_on=2024-05-10")

    assert response.status_code == 200, response.json
    result = response.json
    assert result["list"]["action"] == {"value": "revoke", "source": "title", "column": None}
    assert result["list"]["facts"]["tier"]["value"] == "specialized_sme"
    assert (result["revoked"], result["created_certifications"], result["unchanged"]) == (2, 0, 0)
    for code in (first, second):
        titles = status_of(client, auth, code)
        assert titles["specialized_sme"]["revoked_on"] == "2024-05-10"
        assert titles["specialized_sme"]["status"] == "revoked"
        assert titles["innovative_sme"]["revoked_on"] is None  # only the list's tier
    events = events_after(app, before["last_event"])
    assert [e.action for e in events] == ["certification.revoked"] * 2
    assert [e.data["reason"] for e in events] == ["重大安全事故", "数据造假"]
    assert {e.district for e in events} == {"410702"}

    again = post(client, auth["admin"], body, "revoked_on=2024-05-10")
    assert again.status_code == 200, again.json
    assert (again.json["revoked"], again.json["unchanged"]) == (0, 2)
    assert len(events_after(app, before["last_event"])) == 2  # nothing more written

    # The three-year bar runs from the list's day, as for a single revocation.
    barred = certify(first, "little_giant", "2025-07-18", year=2025)
    assert barred.status_code == 409
    assert "revoked on 2024-05-10" in barred.json["detail"]


def test_a_revocation_the_registry_cannot_apply_revokes_nothing(
    app, client, auth, register, certify
):
    holder = titled(register, certify, "rv-holder", "新乡市丙电子有限公司")
    innovative_only = register("rv-innovative", name="新乡市丁食品有限公司")
    certify(innovative_only, "innovative_sme", "2023-03-20", year=2022)
    body = notice(
        [
            ["红旗区", "新乡市丙电子有限公司", "偷税漏税"],
            ["红旗区", "新乡市丁食品有限公司", "偷税漏税"],  # holds no 专精特新 title
        ]
    )
    before = written(app)

    response = post(client, auth["admin"], body, "revoked_on=2024-05-10")

    assert_problem(response, 422)
    assert [(e["row"], e["field"]) for e in response.json["errors"]] == [(5, "tier")]
    assert response.json["errors"][0]["code"] == "row.title_not_held"
    assert written(app) == before
    assert status_of(client, auth, holder)["specialized_sme"]["revoked_on"] is None


def test_a_revocation_list_needs_its_date(app, client, auth, register, certify):
    titled(register, certify, "rv-date", "新乡市甲机械有限公司")
    response = post(client, auth["admin"], notice([["红旗区", "新乡市甲机械有限公司", "x"]]))
    assert response.status_code == 422, response.json
    assert [e["field"] for e in response.json["errors"]] == ["revoked_on"]
    assert response.json["code"] == "import.facts_missing"
    assert "revocation date" in response.json["detail"]
    assert response.json["errors"][0]["code"] == "import.fact_missing"


def test_action_revoke_with_codes_and_a_reason_for_the_whole_list(
    app, client, auth, register, certify
):
    code = titled(register, certify, "rv-param", "新乡市戊材料有限公司")
    body = csv_text(["统一社会信用代码", "企业名称"], [[code, "新乡市戊材料有限公司"]]).encode()

    response = post(
        client,
        auth["admin"],
        body,
        "action=revoke&tier=innovative_sme&year=2022&revoked_on=2024年5月10日&reason=严重失信",
        "text/csv",
    )

    assert response.status_code == 200, response.json
    assert response.json["list"]["action"]["source"] == "parameter"
    titles = status_of(client, auth, code)
    assert titles["innovative_sme"]["revoked_on"] == "2024-05-10"
    assert titles["specialized_sme"]["revoked_on"] is None


def test_a_title_revoked_on_another_day_is_a_conflict(app, client, auth, register, certify):
    code = titled(register, certify, "rv-conflict", "新乡市己装备有限公司")
    cert = status_of(client, auth, code)["specialized_sme"]
    client.post(
        f"/api/v1/certifications/{cert['id']}/revoke",
        json={"reason": "重大质量事故", "revoked_on": "2024-03-01"},
        headers=auth["admin"],
    )
    body = notice([["红旗区", "新乡市己装备有限公司", "重大质量事故"]])

    response = post(client, auth["admin"], body, "revoked_on=2024-05-10")

    assert response.status_code == 200, response.json
    assert response.json["conflicts"] == [
        {"row": 4, "field": "revoked_on", "stored": "2024-03-01", "given": "2024-05-10"}
    ]
    assert status_of(client, auth, code)["specialized_sme"]["revoked_on"] == "2024-03-01"


def test_a_bureau_revokes_only_in_its_districts(app, client, auth, register, certify):
    titled(register, certify, "rv-mine", "新乡市庚机械有限公司")
    elsewhere = register("rv-else", district="410703", name="新乡市辛机械有限公司")
    certify(elsewhere, "innovative_sme", "2023-03-20", year=2022)
    certify(elsewhere, "specialized_sme", "2023-05-30", year=2023)
    body = notice(
        [["红旗区", "新乡市庚机械有限公司", "x"], ["卫滨区", "新乡市辛机械有限公司", "x"]]
    )

    refused = post(client, auth["bureau"], body, "revoked_on=2024-05-10")
    assert refused.status_code == 403, refused.json

    mine = post(client, auth["bureau"], body, "revoked_on=2024-05-10&own_districts_only=true")
    assert mine.status_code == 200, mine.json
    assert mine.json["revoked"] == 1
    assert [s["row"] for s in mine.json["skipped"]] == [5]
    assert status_of(client, auth, elsewhere)["specialized_sme"]["revoked_on"] is None


def test_a_json_revocation_list_gives_each_row_its_day_and_reason(
    app, client, auth, register, certify
):
    first = titled(register, certify, "rv-json-1", "新乡市甲阀门有限公司")
    second = titled(register, certify, "rv-json-2", "新乡市乙阀门有限公司")
    rows = [
        {"credit_code": first, "revoked_on": "2024年5月10日", "reason": "重大安全事故"},
        {"credit_code": second, "revoked_on": "2024-06-01", "reason": "数据造假"},
    ]

    response = client.post(
        f"{URL}?action=revoke&tier=specialized_sme",
        json={"rows": rows},
        headers=auth["admin"],
    )

    assert response.status_code == 200, response.json
    assert status_of(client, auth, first)["specialized_sme"]["revoked_on"] == "2024-05-10"
    assert status_of(client, auth, second)["specialized_sme"]["revoked_on"] == "2024-06-01"
    bad = client.post(
        f"{URL}?action=revoke&tier=specialized_sme",
        json={"rows": [{"credit_code": first, "revoked_on": "soon", "reason": "x"}]},
        headers=auth["admin"],
    )
    assert bad.status_code == 422
    assert [(e["row"], e["field"]) for e in bad.json["errors"]] == [(1, "revoked_on")]


# --- a list of revocations grants nothing --------------------------------------------------------


def test_a_revocation_title_grants_no_title(app, client, auth):
    # A 撤销 list is read as a revocation list and never records the titles it names; without
    # its revocation date it is one 422.
    register(client, auth, pub.HONGQI)
    innovative_2022(client, auth, pub.HONGQI)
    published = pub.city_list(
        "关于撤销部分企业河南省专精特新中小企业称号的名单",
        groups=[("红旗区", [(pub.HONGQI.name, pub.HONGQI.code)])],
    )
    before = written(app)

    response = load(client, auth["admin"], published, certified_on="2023-05-30")

    assert_problem(response, 422)
    assert response.json["list"]["action"] == {"value": "revoke", "source": "title", "column": None}
    assert response.json["errors"] == [
        {
            "row": None,
            "field": "revoked_on",
            "column": "撤销日期",
            "code": "import.fact_missing",
            "message": "The list does not state its revocation date: fill in the revocation date "
            "(for the whole list).",
        }
    ]
    assert response.json["created_certifications"] == 0
    assert written(app) == before
    assert [c[0] for c in certs(client, auth, pub.HONGQI.code)] == ["innovative_sme"]
