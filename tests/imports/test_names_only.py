"""The provincial list prints names only: each name is matched to one registered firm (brackets
and spaces folded either way, a former name, within the row's district); names in the city
matching none refuse the list with candidates until they are resolved (JSON text, a CSV part,
the command line) or skipped; a preview lists what becomes of every firm's row.
"""

import io
import json

import pytest

from tests.support import published as pub
from tests.support.codes import make_code
from tests.support.http import assert_problem
from tests.support.imports import (
    URL,
    certs,
    counts,
    events_after,
    expected_counts,
    fact,
    facts,
    firm,
    known_facts,
    load,
    load_form,
    outside,
    register,
    repeated_counts,
    run_cli,
    setup_registered,
    skip,
    summary,
    written,
)

# --- shape 1: the provincial list, names only ----------------------------------------------------


def test_provincial_list_facts_from_the_title_and_names_matched(app, client, auth):
    setup_registered(client, auth)
    published = pub.provincial_names_only()
    before = written(app)

    response = load(
        client,
        auth["admin"],
        published,
        certified_on="2023-03-20",
        document_no="豫工信企业〔2023〕28号",
    )

    assert response.status_code == 200, response.json
    result = response.json
    listed = result["list"]
    assert (listed["title"], listed["header_row"], listed["renews_year"]) == (
        "2022年度河南省创新型中小企业名单",  # the 附件 row above it is not the title
        3,
        None,
    )
    assert listed["columns"] == {"serial": "序号", "region": "所属地市", "name": "企业名称"}
    assert known_facts(result) == facts(
        tier=fact("innovative_sme", "title"),
        year=fact(2022, "title"),
        certified_on=fact("2023-03-20", "parameter"),
        document_no=fact("豫工信企业〔2023〕28号", "parameter"),
    )
    assert result["warnings"] == [] and result["conflicts"] == []
    # Other cities' rows, 济源示范区's too, are skipped; the city's and 长垣市's are matched.
    assert result["skipped"] == [
        outside(published, pub.ZHENGZHOU[0], "郑州市"),
        outside(published, pub.ZHENGZHOU[1], "郑州市"),
        outside(published, pub.JIYUAN[0], "济源示范区"),
    ]
    assert result["matched_by_name"] == 4
    expected = [("innovative_sme", 2022, "2023-03-20", "2025-12-31", False, None)]
    # 瑞德（长垣） printed full-width, registered half-width; 凤泉 华星 registered with a space.
    for f in (pub.HONGQI, pub.HIGHTECH, pub.SPACED, pub.RUIDE):
        assert certs(client, auth, f.code) == expected, f.name
        stored = firm(client, auth, f.code)
        assert stored["certifications"][0]["document_no"] == "豫工信企业〔2023〕28号"
        assert stored["name"] == f.name  # the list's spelling does not rename the firm
    events = events_after(app, before["last_event"])
    assert [(e.data["row"], e.data["found_by"], e.data["registered"]) for e in events] == [
        (published.row_of[pub.HONGQI.name], "name", False),
        (published.row_of[pub.HIGHTECH.name], "name", False),
        (published.row_of[pub.SPACED_PRINTED], "name", False),
        (published.row_of[pub.RUIDE_PRINTED], "name", False),
    ]


def test_names_fold_brackets_and_spaces_both_ways(app, client, auth):
    firms = [
        pub.Firm(make_code("fold-1", "410781"), "新乡市（中原）华科仪表有限公司", "410781"),
        pub.Firm(make_code("fold-2", "410781"), "卫辉市昌达纸业有限公司", "410781"),
        pub.Firm(make_code("fold-3", "410781"), "卫辉市 Ruida 化工有限公司", "410781"),
    ]
    register(client, auth, *firms)
    printed = [
        "新乡市(中原)华科 仪表有限公司",
        "卫辉市　昌达纸业有限公司",
        "卫辉市ＲＵＩＤＡ化工有限公司",
    ]
    published = pub.provincial_names_only(groups=[("卫辉市", printed)])

    response = load(client, auth["admin"], published, certified_on="2023-03-20")

    assert response.status_code == 200, response.json
    assert response.json["matched_by_name"] == 3
    assert response.json["unresolved"] == [] and response.json["conflicts"] == []
    for f in firms:
        assert [c[0] for c in certs(client, auth, f.code)] == ["innovative_sme"], f.name


def test_a_former_name_matches_after_a_correction(app, client, auth):
    old = pub.Firm(make_code("renamed"), "新乡市红旗老厂机械有限公司", "410702")
    register(client, auth, old)
    url = f"/api/v1/enterprises/{old.code}"
    etag = client.get(url, headers=auth["admin"]).headers["ETag"]
    renamed = client.patch(
        url,
        json={"name": "新乡市红旗智能装备有限公司"},
        headers={**auth["admin"], "If-Match": etag},
    )
    assert renamed.status_code == 200, renamed.json
    # A list published before the correction prints the old name (in half-width brackets).
    published = pub.provincial_names_only(groups=[("新乡市", ["新乡市红旗老厂机械有限公司"])])

    response = load(client, auth["admin"], published, certified_on="2023-03-20")

    assert response.status_code == 200, response.json
    assert (response.json["matched_by_name"], response.json["created_certifications"]) == (1, 1)
    assert response.json["conflicts"] == []
    stored = firm(client, auth, old.code)
    assert stored["name"] == "新乡市红旗智能装备有限公司"
    assert [c["tier"] for c in stored["certifications"]] == ["innovative_sme"]


def test_a_name_is_matched_within_the_rows_district(app, client, auth):
    name = "新乡市同名机械有限公司"
    hongqi = pub.Firm(make_code("same-name-1"), name, "410702")
    weibin = pub.Firm(make_code("same-name-2", "410703"), name, "410703")
    register(client, auth, hongqi, weibin)
    by_district = pub.provincial_names_only(
        groups=[("红旗区", [name])], region_header="所属县（市、区）"
    )

    response = load(client, auth["admin"], by_district, certified_on="2023-03-20")

    assert response.status_code == 200, response.json
    assert response.json["matched_by_name"] == 1
    assert [c[0] for c in certs(client, auth, hongqi.code)] == ["innovative_sme"]
    assert certs(client, auth, weibin.code) == []

    # The same name under 新乡市 (no district) is two firms: unresolved, both as candidates.
    city_wide = pub.provincial_names_only(groups=[("新乡市", [name])])
    before = written(app)
    ambiguous = load(client, auth["admin"], city_wide, certified_on="2023-03-20")
    assert ambiguous.status_code == 422, ambiguous.json
    [entry] = ambiguous.json["unresolved"]
    assert {k: v for k, v in entry.items() if k != "candidates"} == skip(
        city_wide,
        name,
        "新乡市",
        "2 registered firms in 新乡市 have this name",
        "import.same_name_firms",
    )
    assert sorted((c["credit_code"], c["district"], c["score"]) for c in entry["candidates"]) == [
        tuple(x) for x in sorted([(hongqi.code, "410702", 100), (weibin.code, "410703", 100)])
    ]
    assert written(app) == before


NEAR_MISS = pub.Firm(make_code("near-miss"), "新乡市华瑞机械制造有限公司", "410702")
LOOKALIKES = [
    pub.Firm(make_code("look-1"), "新乡市华瑞机械有限公司", "410702"),
    pub.Firm(make_code("look-2"), "新乡市华瑞机械配件有限公司", "410702"),
    pub.Firm(make_code("look-3"), "新乡市华瑞制造有限公司", "410702"),
    pub.Firm(make_code("look-4"), "新乡市瑞华机械制造有限公司", "410702"),
]
TYPO = "新乡市华锐机械制造有限公司"  # 华锐 for 华瑞: the province's typo, or another firm
NEW_IN_CHANGYUAN = "长垣市鑫达起重设备有限公司"


def unresolved_list() -> pub.Published:
    """A provincial list whose 新乡市 and 长垣市 rows name two firms not registered."""
    return pub.provincial_names_only(
        groups=[
            ("郑州市", [pub.ZHENGZHOU[0]]),
            ("新乡市", [pub.HONGQI.name, TYPO]),
            ("长垣市", [pub.RUIDE_PRINTED, NEW_IN_CHANGYUAN]),
        ]
    )


def test_unmatched_names_in_the_city_refuse_the_list_with_candidates(app, client, auth, tmp_path):
    register(client, auth, *pub.REGISTERED, NEAR_MISS, *LOOKALIKES)
    published = unresolved_list()
    before = written(app)

    response = load(client, auth["admin"], published, certified_on="2023-03-20")

    problem = assert_problem(response, 422)
    assert problem["code"] == "import.unresolved"
    assert problem["detail"].startswith("2 row(s) name a firm that matches no single registered")
    assert "nothing was written" in problem["detail"]
    assert problem["errors"] == []
    typo, new = problem["unresolved"]
    assert {k: v for k, v in typo.items() if k != "candidates"} == skip(
        published,
        TYPO,
        "新乡市",
        "no registered firm in 新乡市 has this name",
        "import.no_firm_named",
    )
    assert {k: v for k, v in new.items() if k != "candidates"} == skip(
        published,
        NEW_IN_CHANGYUAN,
        "长垣市",
        "no registered firm in 长垣市 has this name",
        "import.no_firm_named",
    )
    # Up to three candidates, the likeliest first; the near miss among them.
    assert len(typo["candidates"]) == 3
    assert NEAR_MISS.code in [c["credit_code"] for c in typo["candidates"]]
    scores = [c["score"] for c in typo["candidates"]]
    assert scores == sorted(scores, reverse=True) and all(60 <= s < 100 for s in scores)
    near = next(c for c in typo["candidates"] if c["credit_code"] == NEAR_MISS.code)
    assert near == {**near, "name": NEAR_MISS.name, "district": "410702"}
    # A 长垣市 row's candidates are firms of 长垣市.
    assert {c["district"] for c in new["candidates"]} <= {"410783"}
    assert written(app) == before

    cli = run_cli(app, published.write(tmp_path), "--certified-on=2023-03-20")
    assert cli.exit_code != 0
    assert f"unresolved, row {published.row_of[TYPO]}: {TYPO}" in cli.output
    assert NEAR_MISS.code in cli.output
    assert written(app) == before


@pytest.fixture
def unresolved_setup(client, auth):
    register(client, auth, *pub.REGISTERED, NEAR_MISS)
    return unresolved_list()


def test_names_resolved_by_json_text_register_new_firms(app, client, auth, unresolved_setup):
    published = unresolved_setup
    typo_code, new_code = make_code("typo-firm"), make_code("new-changyuan", "410783")
    resolve = json.dumps(
        {
            # The row has only 新乡市: the resolution gives the district.
            TYPO: {"credit_code": typo_code, "district": "红旗区"},
            NEW_IN_CHANGYUAN: new_code,  # the row's 长垣市 is a district already
        },
        ensure_ascii=False,
    )
    before = written(app)

    response = load_form(
        client, auth["admin"], published, resolve=resolve, certified_on="2023-03-20"
    )

    assert response.status_code == 200, response.json
    result = response.json
    assert counts(result) == {
        **expected_counts((5, 2, 4, 2, 2, 1, 0), dry_run=False),
    }
    assert result["unresolved"] == [] and result["errors"] == []
    typo = firm(client, auth, typo_code)
    assert (typo["name"], typo["district"]) == (TYPO, "410702")
    new = firm(client, auth, new_code)
    assert (new["name"], new["district"]) == (NEW_IN_CHANGYUAN, "410783")
    events = events_after(app, before["last_event"])
    by_code = {e.data["credit_code"]: e.data for e in events}
    assert (by_code[typo_code]["found_by"], by_code[typo_code]["registered"]) == (
        "resolution",
        True,
    )
    assert by_code[pub.HONGQI.code]["found_by"] == "name"

    again = load_form(client, auth["admin"], published, resolve=resolve, certified_on="2023-03-20")
    assert counts(again.json) == {**repeated_counts((5, 2, 4, 2, 2, 1, 0), dry_run=False)}
    assert written(app)["events"] == before["events"] + 4


def test_a_resolution_without_a_district_cannot_register_a_city_row(
    app, client, auth, unresolved_setup
):
    published = unresolved_setup
    resolve = json.dumps(
        {TYPO: make_code("typo-firm"), NEW_IN_CHANGYUAN: make_code("nc", "410783")},
        ensure_ascii=False,
    )
    before = written(app)

    response = load_form(
        client, auth["admin"], published, resolve=resolve, certified_on="2023-03-20"
    )

    assert response.status_code == 422, response.json
    [error] = response.json["errors"]
    assert (error["row"], error["field"]) == (published.row_of[TYPO], "district")
    assert "not registered" in error["message"] and "新乡市" in error["message"]
    assert written(app) == before


def test_names_resolved_by_a_csv_file_part(app, client, auth, unresolved_setup):
    published = unresolved_setup
    typo_code, new_code = make_code("typo-csv"), make_code("new-csv", "410783")
    resolution = pub.resolution_csv(
        [
            (NEW_IN_CHANGYUAN, new_code, None),
            (TYPO, typo_code, "新乡市红旗区"),
            ("新乡市不在名单上有限公司", make_code("not-listed"), "红旗区"),
        ]
    )

    response = load_form(
        client,
        auth["admin"],
        published,
        resolve=(io.BytesIO(resolution), "对照表.csv", "text/csv"),
        certified_on="2023-03-20",
    )

    assert response.status_code == 200, response.json
    assert (response.json["resolved"], response.json["created_enterprises"]) == (2, 2)
    assert response.json["warnings"] == [
        {
            "row": None,
            "code": "import.resolution_unused",
            "message": "the resolution for '新乡市不在名单上有限公司' matches no names-only row",
        }
    ]
    assert firm(client, auth, typo_code)["district"] == "410702"
    assert firm(client, auth, new_code)["district"] == "410783"


def test_a_blank_district_in_a_resolution_file_is_no_district(app, client, auth, unresolved_setup):
    published = unresolved_setup
    typo_code, new_code = make_code("typo-csv"), make_code("new-csv", "410783")
    resolution = pub.resolution_csv(
        [(TYPO, typo_code, "新乡市红旗区"), (NEW_IN_CHANGYUAN, new_code, None)]
    )

    response = load_form(
        client,
        auth["admin"],
        published,
        resolve=(io.BytesIO(resolution), "对照表.csv", "text/csv"),
        certified_on="2023-03-20",
    )

    assert response.status_code == 200, response.json
    assert firm(client, auth, new_code)["district"] == "410783"  # the row's 长垣市


def test_names_resolved_by_the_cli(app, client, auth, unresolved_setup, tmp_path):
    published = unresolved_setup
    typo_code, new_code = make_code("typo-cli"), make_code("new-cli", "410783")
    mapping = tmp_path / "对照表.xlsx"
    mapping.write_bytes(
        pub.resolution_xlsx([(TYPO, typo_code, "红旗区"), (NEW_IN_CHANGYUAN, new_code, None)])
    )
    path = published.write(tmp_path)

    dry = run_cli(app, path, "--certified-on=2023-03-20", "--resolve", mapping, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert summary(dry.output) == expected_counts((5, 2, 4, 2, 2, 1, 0), dry_run=True)

    real = run_cli(app, path, "--certified-on=2023-03-20", "--resolve", mapping)
    assert real.exit_code == 0, real.output
    assert firm(client, auth, typo_code)["district"] == "410702"
    assert firm(client, auth, new_code)["name"] == NEW_IN_CHANGYUAN


def test_a_json_list_carries_its_title_and_resolutions(app, client, auth):
    register(client, auth, pub.HONGQI)
    code = make_code("json-resolved")
    body = {
        "title": pub.INNOVATIVE_2022,
        "rows": [
            {"name": pub.HONGQI.name, "region": "新乡市"},
            {"name": TYPO, "region": "新乡市"},
            {"name": pub.ZHENGZHOU[0], "region": "郑州市"},
        ],
        "resolve": {TYPO: {"credit_code": code, "district": "410702"}},
    }

    response = client.post(
        URL, query_string={"certified_on": "2023-03-20"}, json=body, headers=auth["admin"]
    )

    assert response.status_code == 200, response.json
    result = response.json
    assert result["list"]["title"] == pub.INNOVATIVE_2022
    assert result["list"]["facts"]["tier"] == fact("innovative_sme", "title")
    assert counts(result) == expected_counts((3, 1, 2, 1, 1, 1, 0), dry_run=False)
    assert result["skipped"] == [
        {
            "row": 3,
            "name": pub.ZHENGZHOU[0],
            "region": "郑州市",
            "code": "import.outside_city",
            "reason": "outside the city: 郑州市",
        }
    ]
    assert certs(client, auth, code) == [
        ("innovative_sme", 2022, "2023-03-20", "2025-12-31", False, None)
    ]


def test_skip_unresolved_applies_the_rest_and_lists_the_skipped(
    app, client, auth, unresolved_setup, tmp_path
):
    published = unresolved_setup

    response = load(
        client, auth["admin"], published, certified_on="2023-03-20", skip_unresolved=True
    )

    assert response.status_code == 200, response.json
    result = response.json
    assert result["unresolved"] == []
    assert result["skipped"] == [
        outside(published, pub.ZHENGZHOU[0], "郑州市"),
        skip(
            published,
            TYPO,
            "新乡市",
            "no registered firm in 新乡市 has this name",
            "import.no_firm_named",
        ),
        skip(
            published,
            NEW_IN_CHANGYUAN,
            "长垣市",
            "no registered firm in 长垣市 has this name",
            "import.no_firm_named",
        ),
    ]
    assert (result["created_certifications"], result["matched_by_name"]) == (2, 2)
    assert [c[0] for c in certs(client, auth, pub.HONGQI.code)] == ["innovative_sme"]
    assert [c[0] for c in certs(client, auth, pub.RUIDE.code)] == ["innovative_sme"]

    cli = run_cli(app, published.write(tmp_path), "--certified-on=2023-03-20", "--skip-unresolved")
    assert cli.exit_code == 0, cli.output
    assert summary(cli.output) == {
        **repeated_counts((5, 0, 2, 2, 0, 3, 0), dry_run=False),
    }


def test_outcomes_list_every_firms_row_for_a_preview(app, client, auth, unresolved_setup):
    """`outcomes=true`: each row that names a firm, with what becomes of it; the rest are in
    skipped, unresolved and errors. Without it the answer has no `outcomes`."""
    published = unresolved_setup
    typo_code = make_code("typo-firm")
    resolve = json.dumps(
        {TYPO: {"credit_code": typo_code, "district": "红旗区"}}, ensure_ascii=False
    )
    query = {"certified_on": "2023-03-20", "skip_unresolved": "true", "dry_run": "true"}

    preview = load_form(client, auth["admin"], published, resolve=resolve, outcomes="true", **query)

    assert preview.status_code == 200, preview.json
    by_row = {o["row"]: o for o in preview.json["outcomes"]}
    assert list(by_row) == sorted(by_row)
    hongqi = by_row[published.row_of[pub.HONGQI.name]]
    assert hongqi == {
        "row": published.row_of[pub.HONGQI.name],
        "credit_code": pub.HONGQI.code,
        "name": pub.HONGQI.name,
        "district": "410702",
        "found_by": "name",
        "registers": False,
        "outcome": "created",
    }
    typo = by_row[published.row_of[TYPO]]
    assert (typo["found_by"], typo["registers"], typo["outcome"]) == ("resolution", True, "created")
    skipped = {s["row"] for s in preview.json["skipped"]}
    assert not skipped & set(by_row)  # a row is in one place: outcomes, or skipped
    assert (
        "outcomes" not in load_form(client, auth["admin"], published, resolve=resolve, **query).json
    )

    query["dry_run"] = "false"
    assert load_form(client, auth["admin"], published, resolve=resolve, **query).status_code == 200
    query["dry_run"] = "true"
    again = load_form(client, auth["admin"], published, resolve=resolve, outcomes="true", **query)
    assert {o["outcome"] for o in again.json["outcomes"]} == {"unchanged"}
    assert not any(o["registers"] for o in again.json["outcomes"])
