"""The renewal season as a county sees it: the titles ending this year, its own districts' when it
names none (the list, its count and its exports), the primary ladder's titles (renewed by 复核)
apart from the other designations; a revocation that must say why; a firm's history with the
registry's time zone."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.support.codes import DISTRICT, OTHER_DISTRICT
from tests.support.http import assert_problem

API = "/api/v1"
AS_OF = "2025-06-30"
END = "2025-12-31"  # the 2023 lists' titles end then


@pytest.fixture
def titles(register, certify):
    """Titles ending on 2025-12-31, as of 2025-06-30: in 红旗区 an innovative SME and a
    high-tech designation; in 卫滨区 an innovative SME and a cloud designation."""
    firms = {
        "mine": register("rn-mine", name="新乡市红旗区甲科技有限公司"),
        "mine_ht": register("rn-mine-ht", name="新乡市红旗区乙高新有限公司"),
        "theirs": register("rn-theirs", district=OTHER_DISTRICT, name="新乡市卫滨区丙机械有限公司"),
        "theirs_cloud": register(
            "rn-theirs-cloud", district=OTHER_DISTRICT, name="新乡市卫滨区丁云有限公司"
        ),
    }
    ids = {}
    for key, tier in (
        ("mine", "innovative_sme"),
        ("mine_ht", "high_tech"),
        ("theirs", "innovative_sme"),
        ("theirs_cloud", "cloud_enterprise"),
    ):
        response = certify(firms[key], tier, "2023-03-20")
        assert response.status_code == 201, response.json
        assert response.json["valid_until"] == END
        ids[key] = response.json["id"]
    return {"firms": firms, "ids": ids}


def listed(client, headers, **query) -> dict:
    query = {"as_of": AS_OF, "expires_by": END, "superseded": "false", **query}
    response = client.get(f"{API}/certifications", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def keys(page: dict, titles: dict) -> set[str]:
    by_id = {i: k for k, i in titles["ids"].items()}
    return {by_id[item["id"]] for item in page["items"] if item["id"] in by_id}


# --- the list: its scope and its filter ------------------------------------------------------


def test_a_bureau_naming_no_district_is_answered_its_own(client, auth, titles):
    page = listed(client, auth["bureau"])
    assert keys(page, titles) == {"mine", "mine_ht"}
    assert {item["district"] for item in page["items"]} == {DISTRICT}
    assert page["pagination"]["total"] == len(page["items"]) == 2
    assert page["as_of"] == AS_OF  # the day the days left count from

    other = listed(client, auth["other_bureau"])
    assert keys(other, titles) == {"theirs", "theirs_cloud"}
    assert {item["district"] for item in other["items"]} == {OTHER_DISTRICT}


def test_a_bureau_naming_a_district_reads_it_and_the_admin_reads_every_district(
    client, auth, titles
):
    named = listed(client, auth["bureau"], district=OTHER_DISTRICT)
    assert keys(named, titles) == {"theirs", "theirs_cloud"}
    everything = listed(client, auth["admin"])
    assert keys(everything, titles) == {"mine", "mine_ht", "theirs", "theirs_cloud"}
    county = listed(client, auth["admin"], district=DISTRICT)
    assert keys(county, titles) == {"mine", "mine_ht"}


def test_the_primary_ladder_apart_from_the_other_designations(client, auth, titles):
    primary = listed(client, auth["admin"], primary="true")
    assert keys(primary, titles) == {"mine", "theirs"}
    assert {item["tier"] for item in primary["items"]} <= {
        "innovative_sme",
        "specialized_sme",
        "little_giant",
    }
    others = listed(client, auth["admin"], primary="false")
    assert keys(others, titles) == {"mine_ht", "theirs_cloud"}
    assert keys(listed(client, auth["bureau"], primary="true"), titles) == {"mine"}
    assert keys(listed(client, auth["bureau"], primary="false"), titles) == {"mine_ht"}


def test_the_count_and_the_pages_are_the_scoped_list(client, auth, titles):
    first = listed(client, auth["admin"], page_size=3)
    assert first["pagination"] == {"total": 4, "page": 1, "page_size": 3, "total_pages": 2}
    second = listed(client, auth["admin"], page_size=3, page=2)
    assert len(first["items"]) + len(second["items"]) == 4
    mine = listed(client, auth["bureau"], page_size=1)
    assert mine["pagination"]["total"] == 2 and mine["pagination"]["total_pages"] == 2


def test_several_tiers_at_once(client, auth, titles):
    """The list's `tier` takes several, comma-separated or repeated; the export the same."""
    both = listed(client, auth["admin"], tier="innovative_sme,cloud_enterprise")
    assert keys(both, titles) == {"mine", "theirs", "theirs_cloud"}
    repeated = client.get(
        f"{API}/certifications",
        query_string=[
            ("as_of", AS_OF),
            ("expires_by", END),
            ("superseded", "false"),
            ("tier", "innovative_sme"),
            ("tier", "cloud_enterprise"),
        ],
        headers=auth["admin"],
    )
    assert repeated.status_code == 200, repeated.json
    assert keys(repeated.json, titles) == keys(both, titles)
    assert keys(listed(client, auth["admin"], tier="cloud_enterprise"), titles) == {"theirs_cloud"}
    exported = xlsx_ids(client, auth["admin"], tier="innovative_sme,cloud_enterprise")
    assert exported == {item["id"] for item in both["items"]}
    bad = client.get(f"{API}/certifications", query_string={"tier": "a,B"}, headers=auth["admin"])
    assert "tier" in assert_problem(bad, 422)["errors"]["query"]


def test_a_bad_primary_is_refused(client, auth):
    response = client.get(
        f"{API}/certifications", query_string={"primary": "maybe"}, headers=auth["admin"]
    )
    body = assert_problem(response, 422)
    assert "primary" in body["errors"]["query"]


# --- the exports: the same scope and filter -------------------------------------------------


def csv_ids(client, headers, **query) -> set[int]:
    query = {"as_of": AS_OF, "expires_by": END, "superseded": "false", **query}
    response = client.get(f"{API}/exports/certifications.csv", query_string=query, headers=headers)
    assert response.status_code == 200, response.data[:300]
    text = response.data.decode("utf-8-sig")
    return {int(row["id"]) for row in csv.DictReader(io.StringIO(text, newline=""))}


def xlsx_ids(client, headers, **query) -> set[int]:
    query = {"as_of": AS_OF, "expires_by": END, "superseded": "false", "lang": "en", **query}
    response = client.get(f"{API}/exports/certifications.xlsx", query_string=query, headers=headers)
    assert response.status_code == 200, response.data[:300]
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    return {int(row[header.index("id")]) for row in rows}


def test_the_exports_carry_the_lists_scope_and_filter(client, auth, titles):
    ids = titles["ids"]
    assert csv_ids(client, auth["bureau"]) == {ids["mine"], ids["mine_ht"]}
    assert xlsx_ids(client, auth["bureau"]) == {ids["mine"], ids["mine_ht"]}
    assert csv_ids(client, auth["bureau"], primary="true") == {ids["mine"]}
    assert xlsx_ids(client, auth["bureau"], primary="true") == {ids["mine"]}
    assert xlsx_ids(client, auth["other_bureau"], primary="false") == {ids["theirs_cloud"]}
    assert csv_ids(client, auth["bureau"], district=OTHER_DISTRICT) == {
        ids["theirs"],
        ids["theirs_cloud"],
    }
    assert csv_ids(client, auth["admin"]) == set(ids.values())
    assert xlsx_ids(client, auth["admin"], district=DISTRICT, primary="true") == {ids["mine"]}


# --- a revocation says why ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": ""}, {"reason": "   "}, {"reason": "\u3000\u3000"}, {"reason": " \t "}],
    ids=["missing", "empty", "spaces", "ideographic-spaces", "tab"],
)
def test_a_revocation_without_a_reason_is_refused_and_writes_nothing(client, auth, titles, body):
    cert_id = titles["ids"]["mine"]
    response = client.post(
        f"{API}/certifications/{cert_id}/revoke", json=body, headers=auth["bureau"]
    )
    problem = assert_problem(response, 422)
    assert "reason" in problem["errors"]["json"]
    code = titles["firms"]["mine"]
    [cert] = client.get(f"{API}/enterprises/{code}/certifications", headers=auth["admin"]).json[
        "items"
    ]
    assert (cert["revoked_on"], cert["revocation_reason"]) == (None, None)
    assert cert["status"] != "revoked"


def test_a_revocation_with_a_reason_keeps_it_without_the_spaces_around_it(client, auth, titles):
    cert_id = titles["ids"]["mine"]
    response = client.post(
        f"{API}/certifications/{cert_id}/revoke",
        json={"reason": "  数据造假，经核查属实 ", "revoked_on": "2025-06-01"},
        headers=auth["bureau"],
    )
    assert response.status_code == 200, response.json
    assert response.json["revocation_reason"] == "数据造假，经核查属实"
    assert response.json["status"] == "revoked"


# --- a firm's history: in the registry's time zone -------------------------------------------


def test_a_firms_history_names_the_registrys_time_zone(client, auth, titles):
    code = titles["firms"]["mine"]
    history = client.get(f"{API}/enterprises/{code}/history", headers=auth["bureau"])
    assert history.status_code == 200, history.json
    assert history.json["time_zone"] == "Asia/Shanghai"
    actions = [event["action"] for event in history.json["items"]]
    assert actions == ["enterprise.registered", "certification.recorded"]
    assert all(event["at"].endswith("+00:00") for event in history.json["items"])
