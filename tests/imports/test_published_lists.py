"""Published lists loaded as they are.

Every list is a file of a published shape (tests/support/published.py) loaded unedited: through
POST /api/v1/imports with the test client and through `registry import` with the CLI runner,
dry run and for real, and again to see that a repeat changes nothing. What was written is read
back through the API and the models.
"""

import datetime as dt
import io
import json

import pytest

from registry.models import Tier
from registry.services import progress as progress_service
from tests.support import published as pub
from tests.support.codes import make_code
from tests.support.http import assert_problem
from tests.support.imports import (
    PLAN,
    URL,
    certify,
    certs,
    counts,
    events_after,
    fact,
    facts,
    firm,
    known_facts,
    load,
    load_form,
    outside,
    register,
    run_cli,
    skip,
    summary,
    written,
)

# --- each shape, unedited, by HTTP and by CLI: dry run, for real, and again ----------------------


def _innovative_2022(client, auth, *firms):
    """The firms hold the 2022年度 innovative title (announced 2023-03-20)."""
    for f in firms:
        certify(client, auth, f.code, "innovative_sme", "2023-03-20", year=2022)


def setup_registered(client, auth):
    register(client, auth, *pub.REGISTERED)


def setup_renewed(client, auth):
    register(client, auth, *pub.REGISTERED)
    for f in (pub.HUIXIAN, pub.MUYE):
        certify(client, auth, f.code, "specialized_sme", "2020-12-28", year=2020)
    _innovative_2022(client, auth, pub.HUIXIAN, pub.MUYE)


def setup_national(client, auth):
    register(client, auth, *pub.REGISTERED)
    _innovative_2022(client, auth, pub.HONGQI)
    certify(client, auth, pub.HONGQI.code, "specialized_sme", "2023-05-30", year=2023)


def setup_nothing(client, auth):
    pass


SHAPES = {
    # shape: (file, setup, query, expected counts of the first load)
    "provincial-names-only": (
        pub.provincial_names_only,
        setup_registered,
        {"certified_on": "2023-03-20", "document_no": "豫工信企业〔2023〕28号"},
        (7, 0, 4, 4, 0, 3, 0),
    ),
    "city-xlsx-with-codes": (
        pub.city_list,
        setup_nothing,
        {"certified_on": "2023-05-30"},
        (5, 5, 5, 0, 0, 0, 5),  # five new firms, each 专精特新 without an innovative title
    ),
    "city-gbk-csv": (
        pub.city_list_csv,
        setup_nothing,
        {"certified_on": "2023-05-30"},
        (5, 5, 5, 0, 0, 0, 5),
    ),
    "renewal": (
        pub.renewal_list,
        setup_renewed,
        {"certified_on": "2023-05-30"},
        (2, 0, 2, 0, 0, 0, 0),
    ),
    "national-little-giant": (
        pub.national_batch,
        setup_national,
        {"certified_on": "2023-07-14"},
        (6, 0, 2, 2, 0, 4, 1),  # 瑞德 holds no 专精特新 title: a warning
    ),
    "head-goose-two-tiers": (
        pub.head_goose_list,
        setup_registered,
        {"certified_on": "2023-04-12"},
        (4, 0, 4, 4, 0, 0, 0),
    ),
    "head-goose-single-tier": (
        pub.single_tier_list,
        setup_registered,
        {"certified_on": "2024-04-16"},
        (2, 0, 2, 2, 0, 0, 0),
    ),
}


def _expected(numbers: tuple, *, dry_run: bool) -> dict:
    rows, enterprises, certifications, matched, resolved, skipped, warnings = numbers
    return {
        "dry_run": dry_run,
        "rows": rows,
        "created_enterprises": enterprises,
        "created_certifications": certifications,
        "unchanged": 0,
        "matched_by_name": matched,
        "resolved": resolved,
        "skipped": skipped,
        "conflicts": 0,
        "warnings": warnings,
    }


def _repeated(numbers: tuple, *, dry_run: bool) -> dict:
    """The second load: every certification unchanged, nothing created, no warning."""
    rows, _, certifications, matched, resolved, skipped, _ = numbers
    return {
        **_expected((rows, 0, 0, matched, resolved, skipped, 0), dry_run=dry_run),
        "unchanged": certifications,
    }


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_loads_unedited_by_http(app, client, auth, shape):
    build, setup, query, numbers = SHAPES[shape]
    setup(client, auth)
    published = build()
    before = written(app)

    dry = load(client, auth["admin"], published, dry_run=True, **query)
    assert dry.status_code == 200, dry.json
    assert counts(dry.json) == _expected(numbers, dry_run=True)
    assert dry.json["errors"] == [] and dry.json["unresolved"] == []
    assert dry.json["list"]["title"] == published.title
    assert dry.json["list"]["header_row"] == published.header_row
    assert dry.json["ignored_columns"] == ["序号"]
    assert written(app) == before

    real = load(client, auth["admin"], published, **query)
    assert real.status_code == 200, real.json
    assert {k: v for k, v in real.json.items() if k != "dry_run"} == {
        k: v for k, v in dry.json.items() if k != "dry_run"
    }
    after = written(app)
    created = numbers[2]
    assert after["certifications"] - before["certifications"] == created
    assert after["enterprises"] - before["enterprises"] == numbers[1]
    events = events_after(app, before["last_event"])
    assert [e.action for e in events] == ["import.row"] * created
    assert [e.data["row"] for e in events] == sorted(e.data["row"] for e in events)  # file order

    for dry_run in (True, False):
        again = load(client, auth["admin"], published, dry_run=dry_run, **query)
        assert again.status_code == 200, again.json
        assert counts(again.json) == _repeated(numbers, dry_run=dry_run)
        assert again.json["skipped"] == real.json["skipped"]
    assert written(app) == after  # no new firm, certification or event


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_loads_unedited_by_cli(app, client, auth, tmp_path, shape):
    build, setup, query, numbers = SHAPES[shape]
    setup(client, auth)
    path = build().write(tmp_path)
    options = [f"--{name.replace('_', '-')}={value}" for name, value in query.items()]
    before = written(app)

    dry = run_cli(app, path, "--dry-run", *options)
    assert dry.exit_code == 0, dry.output
    assert summary(dry.output) == _expected(numbers, dry_run=True)
    assert written(app) == before

    real = run_cli(app, path, *options)
    assert real.exit_code == 0, real.output
    assert summary(real.output) == _expected(numbers, dry_run=False)
    after = written(app)
    assert after["certifications"] - before["certifications"] == numbers[2]
    events = events_after(app, before["last_event"])
    assert {(e.action, e.actor_role) for e in events} == {("import.row", "admin")}

    again = run_cli(app, path, *options)
    assert again.exit_code == 0, again.output
    assert summary(again.output) == _repeated(numbers, dry_run=False)
    assert written(app) == after
    # The CLI wrote what the API would have: the same file by HTTP changes nothing either.
    by_http = load(client, auth["admin"], build(), **query)
    assert counts(by_http.json) == _repeated(numbers, dry_run=False)


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
        city_wide, name, "新乡市", "2 registered firms in 新乡市 have this name"
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
    assert problem["detail"].startswith("2 names-only row(s) match no single registered firm")
    assert "nothing was written" in problem["detail"]
    assert problem["errors"] == []
    typo, new = problem["unresolved"]
    assert {k: v for k, v in typo.items() if k != "candidates"} == skip(
        published, TYPO, "新乡市", "no registered firm in 新乡市 has this name"
    )
    assert {k: v for k, v in new.items() if k != "candidates"} == skip(
        published, NEW_IN_CHANGYUAN, "长垣市", "no registered firm in 长垣市 has this name"
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
        **_expected((5, 2, 4, 2, 2, 1, 0), dry_run=False),
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
    assert counts(again.json) == {**_repeated((5, 2, 4, 2, 2, 1, 0), dry_run=False)}
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
    assert summary(dry.output) == _expected((5, 2, 4, 2, 2, 1, 0), dry_run=True)

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
    assert counts(result) == _expected((3, 1, 2, 1, 1, 1, 0), dry_run=False)
    assert result["skipped"] == [
        {
            "row": 3,
            "name": pub.ZHENGZHOU[0],
            "region": "郑州市",
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
        skip(published, TYPO, "新乡市", "no registered firm in 新乡市 has this name"),
        skip(published, NEW_IN_CHANGYUAN, "长垣市", "no registered firm in 长垣市 has this name"),
    ]
    assert (result["created_certifications"], result["matched_by_name"]) == (2, 2)
    assert [c[0] for c in certs(client, auth, pub.HONGQI.code)] == ["innovative_sme"]
    assert [c[0] for c in certs(client, auth, pub.RUIDE.code)] == ["innovative_sme"]

    cli = run_cli(app, published.write(tmp_path), "--certified-on=2023-03-20", "--skip-unresolved")
    assert cli.exit_code == 0, cli.output
    assert summary(cli.output) == {
        **_repeated((5, 0, 2, 2, 0, 3, 0), dry_run=False),
    }


# --- shapes 2 and 3: the city's own list, with codes ---------------------------------------------


def test_city_xlsx_registers_firms_in_their_printed_districts(app, client, auth):
    published = pub.city_list()

    response = load(client, auth["admin"], published, certified_on="2023-05-30")

    assert response.status_code == 200, response.json
    result = response.json
    assert known_facts(result) == facts(
        tier=fact("specialized_sme", "title"),
        year=fact(2023, "title"),
        certified_on=fact("2023-05-30", "parameter"),
        batch=fact("第一批", "title"),
    )
    stored = {
        code: (f["name"], f["district"])
        for code in (pub.HONGQI.code, pub.WEIBIN.code, pub.HIGHTECH.code, pub.RUIDE.code)
        for f in [firm(client, auth, code)]
    }
    assert stored == {
        pub.HONGQI.code: (pub.HONGQI.name, "410702"),
        pub.WEIBIN.code: (pub.WEIBIN.name, "410703"),
        pub.HIGHTECH.code: (pub.HIGHTECH.name, "410771"),  # 高新区
        pub.RUIDE.code: (pub.RUIDE_PRINTED, "410783"),
    }
    # 长垣市金龙 sits under the merged 长垣市 cell (blank in the file): filled down.
    assert firm(client, auth, pub.CHANGYUAN.code)["district"] == "410783"
    # The 2023年度第一批 专精特新 title runs to 2025-12-31 (DOMAIN.md §1), not 2026-12-31.
    assert certs(client, auth, pub.HONGQI.code) == [
        ("specialized_sme", 2023, "2023-05-30", "2025-12-31", False, "第一批")
    ]
    # No firm held an innovative title: each row recorded, each with a warning.
    message = (
        "recorded as the list publishes it: specialized_sme needs an active innovative_sme "
        "(创新型中小企业) on 2023-05-30"
    )
    assert result["warnings"] == [
        {"row": published.row_of[name], "message": message}
        for name in published.row_of  # in file order
    ]
    # A single POST keeps its 409 for the same missing prerequisite.
    register(client, auth, pub.MUYE)
    single = client.post(
        f"/api/v1/enterprises/{pub.MUYE.code}/certifications",
        json={"tier": "specialized_sme", "certified_on": "2023-05-30"},
        headers=auth["admin"],
    )
    assert single.status_code == 409, single.json
    assert "innovative_sme" in single.json["detail"]


def test_gbk_csv_as_excel_saves_it(app, client, auth):
    published = pub.city_list_csv()
    text = published.data.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        published.data.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[1] == f"{pub.CITY_TITLE},,,"  # the title padded with commas
    assert ",,,\r\n注：" in text and text.endswith("\r\n")
    assert "\n5,,长垣市金龙起重机械有限公司," in text  # blank under the merged district

    response = load(client, auth["admin"], published, certified_on="2023/5/30")

    assert response.status_code == 200, response.json
    assert response.json["rows"] == 5  # not the blank row, not the footnote
    assert response.json["list"]["title"] == pub.CITY_TITLE
    assert response.json["list"]["header_row"] == 3
    # The wrapped header (统一社会\n信用代码, quoted over two lines) is one column, as printed.
    assert response.json["list"]["columns"] == {
        "serial": "序号",
        "district": "县（市、区）",
        "name": "企业名称",
        "credit_code": "统一社会信用代码",
    }
    districts = {
        code: firm(client, auth, code)["district"]
        for code in (pub.HONGQI.code, pub.WEIBIN.code, pub.HIGHTECH.code, pub.CHANGYUAN.code)
    }
    assert districts == {
        pub.HONGQI.code: "410702",  # 新乡市红旗区
        pub.WEIBIN.code: "410703",  # 新乡市卫滨区
        pub.HIGHTECH.code: "410771",  # 新乡高新区
        pub.CHANGYUAN.code: "410783",  # blank: 长垣市 filled down
    }


def test_names_differing_in_bracket_width_or_spacing_are_no_conflict(app, client, auth):
    register(client, auth, pub.RUIDE, pub.SPACED)
    published = pub.city_list(
        groups=[
            ("长垣市", [(pub.RUIDE_PRINTED, pub.RUIDE.code)]),
            ("凤泉区", [(pub.SPACED_PRINTED, pub.SPACED.code)]),
            ("红旗区", [("新乡市红旗 机械制造有限公司", pub.HONGQI.code)]),
        ]
    )
    register(client, auth, pub.HONGQI)

    response = load(
        client, auth["admin"], published, certified_on="2023-05-30", tier="创新型中小企业"
    )

    assert response.status_code == 200, response.json
    assert response.json["conflicts"] == []
    assert response.json["created_certifications"] == 3
    assert firm(client, auth, pub.RUIDE.code)["name"] == pub.RUIDE.name  # not renamed

    # A name that really differs is a conflict, reported and never written over.
    other = pub.city_list(groups=[("长垣市", [("瑞德（长垣）重工有限公司", pub.RUIDE.code)])])
    clash = load(client, auth["admin"], other, certified_on="2023-05-30", tier="innovative_sme")
    assert clash.status_code == 200, clash.json
    assert clash.json["conflicts"] == [
        {
            "row": other.row_of["瑞德（长垣）重工有限公司"],
            "field": "name",
            "stored": pub.RUIDE.name,
            "given": "瑞德（长垣）重工有限公司",
        }
    ]


# --- facts: parameter, title, column -------------------------------------------------------------


TITLES = [
    # title, announced on, the facts it states, the year a renewal list renews
    (
        pub.CITY_TITLE,
        "2023-05-30",
        {"tier": "specialized_sme", "year": 2023, "batch": "第一批"},
        None,
    ),
    (pub.RENEWED_2020, "2023-05-30", {"tier": "specialized_sme", "renewal": True}, 2020),
    (pub.LITTLE_GIANT_5, "2023-07-14", {"tier": "little_giant", "batch": "第五批"}, None),
    (pub.INNOVATIVE_2022, "2023-03-20", {"tier": "innovative_sme", "year": 2022}, None),
    (
        pub.HEAD_GOOSE_CANDIDATES_2024,
        "2024-04-16",
        {"tier": "head_goose_candidate", "year": 2024},
        None,
    ),
    ("2024年河南省制造业头雁企业名单", "2024-04-16", {"tier": "head_goose", "year": 2024}, None),
    (
        "2023年度第二批河南省创新型中小企业名单",
        "2023-12-20",
        {"tier": "innovative_sme", "year": 2023, "batch": "第二批"},
        None,
    ),
]


def test_the_title_states_the_facts(client, auth):
    for title, certified_on, expected, renews_year in TITLES:
        published = pub.city_list(title, groups=[("红旗区", [(pub.HONGQI.name, pub.HONGQI.code)])])

        response = load(client, auth["admin"], published, certified_on=certified_on, dry_run=True)

        assert response.status_code == 200, (title, response.json)
        assert response.json["list"]["title"] == title
        assert response.json["list"]["renews_year"] == renews_year, title
        assert known_facts(response.json) == facts(
            certified_on=fact(certified_on, "parameter"),
            **{name: fact(value, "title") for name, value in expected.items()},
        ), title

    # A renewal given as a parameter, for a title that does not say it.
    published = pub.city_list(groups=[("红旗区", [(pub.HONGQI.name, pub.HONGQI.code)])])
    response = load(
        client, auth["admin"], published, certified_on="2023-05-30", renewal=True, dry_run=True
    )
    assert response.status_code == 200, response.json
    assert response.json["list"]["facts"]["renewal"] == fact(True, "parameter")
    assert response.json["warnings"] == [
        {
            "row": published.row_of[pub.HONGQI.name],
            "message": "recorded as the list publishes it: specialized_sme needs an active "
            "innovative_sme (创新型中小企业) on 2023-05-30",
        }
    ]


def test_a_parameter_beats_the_title_with_a_warning(app, client, auth):
    published = pub.city_list(groups=[("红旗区", [(pub.HONGQI.name, pub.HONGQI.code)])])

    response = load(
        client,
        auth["admin"],
        published,
        certified_on="2023-05-30",
        tier="创新型中小企业",
        batch="第二批",
    )

    assert response.status_code == 200, response.json
    result = response.json
    assert known_facts(result) == facts(
        tier=fact("innovative_sme", "parameter"),
        year=fact(2023, "title"),
        certified_on=fact("2023-05-30", "parameter"),
        batch=fact("第二批", "parameter"),
    )
    assert result["warnings"] == [
        {
            "row": None,
            "message": "the title says tier specialized_sme; "
            "the parameter's innovative_sme is used",
        },
        {"row": None, "message": "the title says batch 第一批; the parameter's 第二批 is used"},
    ]
    assert certs(client, auth, pub.HONGQI.code) == [
        ("innovative_sme", 2023, "2023-05-30", "2025-12-31", False, "第二批")
    ]


def test_a_year_parameter_beats_the_title(client, auth):
    published = pub.provincial_names_only(groups=[("新乡市", [pub.HONGQI.name])])
    register(client, auth, pub.HONGQI)

    response = load(client, auth["admin"], published, certified_on="2023-03-20", year=2023)

    assert response.status_code == 200, response.json
    assert response.json["list"]["facts"]["year"] == fact(2023, "parameter")
    assert response.json["warnings"] == [
        {"row": None, "message": "the title says year 2022; the parameter's 2023 is used"}
    ]


def test_options_beat_the_title_at_the_command_line(app, client, auth, tmp_path):
    register(client, auth, pub.HONGQI)
    path = pub.provincial_names_only(groups=[("新乡市", [pub.HONGQI.name])]).write(tmp_path)

    result = run_cli(app, path, "--certified-on", "2023-03-20", "--year", "2023")

    assert result.exit_code == 0, result.output
    assert "warning, list: the title says year 2022; the parameter's 2023 is used" in result.output
    assert certs(client, auth, pub.HONGQI.code) == [
        ("innovative_sme", 2023, "2023-03-20", "2025-12-31", False, None)
    ]

    # The options name the facts as the query does: a renewal title overridden, a tier given.
    renewal = pub.renewal_list(groups=[("辉县市", [(pub.HUIXIAN.name, pub.HUIXIAN.code)])])
    result = run_cli(
        app,
        renewal.write(tmp_path),
        "--certified-on=2023-05-30",
        "--no-renewal",
        "--tier",
        "创新型中小企业",
        "--document-no",
        "豫工信企业〔2023〕45号",
        "--batch",
        "第一批",
    )
    assert result.exit_code == 0, result.output
    assert "warning, list: the title says renewal True; the parameter's False is used" in (
        result.output
    )
    assert "warning, list: the title says tier specialized_sme; the parameter's innovative_sme" in (
        result.output
    )
    [stored] = firm(client, auth, pub.HUIXIAN.code)["certifications"]
    assert (stored["tier"], stored["renewal"], stored["document_no"], stored["batch"]) == (
        "innovative_sme",
        False,
        "豫工信企业〔2023〕45号",
        "第一批",
    )


def test_a_column_beats_the_parameter_and_the_title(app, client, auth):
    published = pub.city_list(
        groups=[
            ("红旗区", [(pub.HONGQI.name, pub.HONGQI.code)]),
            ("卫滨区", [(pub.WEIBIN.name, pub.WEIBIN.code)]),
        ],
        extra=[
            ("类别", ["创新型中小企业", "专精特新中小企业"]),
            ("年度", ["2022年度", None]),
            ("公告日期", ["2023/3/20", None]),
        ],
    )

    # The year given both by the title and by the parameter: the column still wins.
    response = load(client, auth["admin"], published, certified_on="2023-05-30", year=2023)

    assert response.status_code == 200, response.json
    # The parameter agrees with the title: no warning but the new 专精特新 firm's.
    assert response.json["warnings"] == [
        {
            "row": published.row_of[pub.WEIBIN.name],
            "message": "recorded as the list publishes it: specialized_sme needs an active "
            "innovative_sme (创新型中小企业) on 2023-05-30",
        }
    ]
    assert known_facts(response.json) == facts(
        tier=fact("specialized_sme", "title", "类别"),
        year=fact(2023, "parameter", "年度"),
        certified_on=fact("2023-05-30", "parameter", "公告日期"),
        batch=fact("第一批", "title"),
    )
    assert certs(client, auth, pub.HONGQI.code) == [
        ("innovative_sme", 2022, "2023-03-20", "2025-12-31", False, "第一批")
    ]
    assert certs(client, auth, pub.WEIBIN.code) == [
        ("specialized_sme", 2023, "2023-05-30", "2025-12-31", False, "第一批")
    ]


def test_a_missing_announcement_date_is_one_error_for_the_list(app, client, auth, tmp_path):
    setup_registered(client, auth)
    published = pub.provincial_names_only()
    before = written(app)

    response = load(client, auth["admin"], published)

    assert_problem(response, 422)
    assert response.json["errors"] == [
        {
            "row": None,
            "field": "certified_on",
            "column": "公告日期",
            "message": "公告日期 (certified_on): the list does not state it; "
            "add ?certified_on=YYYY-MM-DD for the whole list",
        }
    ]
    assert "公告日期 (certified_on)" in response.json["detail"]
    assert written(app) == before

    cli = run_cli(app, published.write(tmp_path))
    assert cli.exit_code != 0
    assert (
        "list: 公告日期 (certified_on): the list does not state it; "
        "add --certified-on YYYY-MM-DD for the whole list" in cli.output
    )
    assert cli.output.count("certified_on") == 2  # the error and the detail: not one per row
    assert written(app) == before


def test_a_title_naming_two_tiers_leaves_the_tier_to_a_column(app, client, auth):
    setup_registered(client, auth)
    # Without a category column, the tier is missing: one error, naming how to give it.
    plain = pub.provincial_names_only(pub.HEAD_GOOSE_BOTH, [("新乡市", [pub.HONGQI.name])])
    refused = load(client, auth["admin"], plain, certified_on="2023-04-12")
    assert refused.status_code == 422, refused.json
    assert [(e["row"], e["field"], e["column"]) for e in refused.json["errors"]] == [
        (None, "tier", "类别")
    ]
    assert "add ?tier=" in refused.json["errors"][0]["message"]

    published = pub.head_goose_list()
    response = load(client, auth["admin"], published, certified_on="2023-04-12")
    assert response.status_code == 200, response.json
    assert response.json["list"]["facts"]["tier"] == fact(None, None, "类别")
    assert response.json["list"]["facts"]["year"] == fact(2023, "title")
    tiers = {f.code: [c[0] for c in certs(client, auth, f.code)] for f in pub.REGISTERED}
    assert tiers[pub.HONGQI.code] == ["head_goose"]
    assert tiers[pub.RUIDE.code] == ["head_goose"]  # 长垣市 under the merged category
    assert tiers[pub.HIGHTECH.code] == ["head_goose_candidate"]
    assert tiers[pub.ECON.code] == ["head_goose_candidate"]  # category and city filled down
    # A 头雁 title runs to the end of its list's year.
    assert certs(client, auth, pub.ECON.code)[0][3] == "2023-12-31"


# --- shape 4: renewals --------------------------------------------------------------------------


def test_a_renewal_list_records_renewals_of_the_announcements_year(app, client, auth):
    setup_renewed(client, auth)
    # In the same notice, a new 专精特新 firm (附件1) beside the renewed ones (附件2).
    newcomer = pub.Firm(make_code("new-sp"), "新乡市新晋科技有限公司", "410702")
    register(client, auth, newcomer)
    _innovative_2022(client, auth, newcomer)
    first = pub.city_list(groups=[("红旗区", [(newcomer.name, newcomer.code)])])
    assert load(client, auth["admin"], first, certified_on="2023-05-30").status_code == 200

    response = load(client, auth["admin"], pub.renewal_list(), certified_on="2023-05-30")

    assert response.status_code == 200, response.json
    result = response.json
    assert result["list"]["renews_year"] == 2020
    assert known_facts(result) == facts(
        tier=fact("specialized_sme", "title"),
        certified_on=fact("2023-05-30", "parameter"),
        renewal=fact(True, "title"),
    )
    assert result["warnings"] == [] and result["conflicts"] == []
    for f in (pub.HUIXIAN, pub.MUYE):
        assert certs(client, auth, f.code) == [
            ("innovative_sme", 2022, "2023-03-20", "2025-12-31", False, None),
            ("specialized_sme", 2020, "2020-12-28", "2022-12-31", False, None),  # untouched
            ("specialized_sme", 2023, "2023-05-30", "2025-12-31", True, None),
        ], f.name

    # Renewals count in stocks, not in annual flows (DOMAIN.md §3.2).
    rows = client.get(
        f"{PLAN}/progress",
        query_string={"year": 2023, "as_of": "2023-12-31"},
        headers=auth["dashboard"],
    )
    assert rows.status_code == 200, rows.json
    by_tier = {row["tier"]: row for row in rows.json["targets"]}
    assert by_tier["specialized_sme"]["achieved"] == 1  # the new firm only
    assert by_tier["innovative_sme"]["achieved"] == 0  # the 2022年度 titles count for 2022
    with app.app_context():
        stock = progress_service.stock_count(Tier["specialized_sme"], dt.date(2023, 12, 31), None)
    assert stock == 3  # the new firm and the two renewed ones


def test_a_renewal_column_says_which_rows_are_renewals(app, client, auth):
    setup_renewed(client, auth)
    published = pub.city_list(
        pub.CITY_TITLE,
        groups=[
            ("辉县市", [(pub.HUIXIAN.name, pub.HUIXIAN.code)]),
            ("红旗区", [(pub.HONGQI.name, pub.HONGQI.code)]),
        ],
        extra=[("认定类型", ["复核通过", "新认定"])],
    )
    _innovative_2022(client, auth, pub.HONGQI)

    response = load(client, auth["admin"], published, certified_on="2023-05-30")

    assert response.status_code == 200, response.json
    assert response.json["list"]["facts"]["renewal"] == fact(None, None, "认定类型")
    assert certs(client, auth, pub.HUIXIAN.code)[-1] == (
        "specialized_sme",
        2023,
        "2023-05-30",
        "2025-12-31",
        True,
        "第一批",
    )
    assert certs(client, auth, pub.HONGQI.code)[-1][4] is False


def test_a_validity_printed_as_a_span_is_read(app, client, auth, tmp_path):
    setup_national(client, auth)
    published = pub.national_batch()

    response = load(
        client,
        auth["admin"],
        published,
        certified_on="2023-07-14",
        valid_until="2023年7月1日至2026年6月30日",
    )

    assert response.status_code == 200, response.json
    assert response.json["list"]["facts"]["valid_until"] == fact("2026-06-30", "parameter")
    assert [c for c in certs(client, auth, pub.HONGQI.code) if c[0] == "little_giant"] == [
        (
            "little_giant",
            2023,
            "2023-07-14",
            "2026-06-30",
            False,
            "第五批",
        )
    ]

    # In a column, and at the command line.
    column = pub.city_list(
        pub.CITY_TITLE,
        groups=[("红旗区", [(pub.YUANYANG.name, pub.YUANYANG.code)])],
        extra=[("有效期", ["2023年1月1日至2025年12月31日"])],
    )
    assert load(client, auth["admin"], column, certified_on="2023-05-30").status_code == 200
    assert certs(client, auth, pub.YUANYANG.code)[0][3] == "2025-12-31"
    cli = run_cli(
        app,
        pub.single_tier_list().write(tmp_path),
        "--certified-on=2024-04-16",
        "--valid-until=2024年1月1日至2024年12月31日",
    )
    assert cli.exit_code == 0, cli.output
    assert certs(client, auth, pub.ECON.code)[0][3] == "2024-12-31"


# --- shape 5: the national batch ----------------------------------------------------------------


def test_national_batch_places_rows_by_province(app, client, auth):
    setup_national(client, auth)
    published = pub.national_batch()

    response = load(client, auth["admin"], published, certified_on="2023-07-14")

    assert response.status_code == 200, response.json
    result = response.json
    assert known_facts(result) == facts(
        tier=fact("little_giant", "title"),
        certified_on=fact("2023-07-14", "parameter"),
        batch=fact("第五批", "title"),
    )
    assert result["skipped"] == [
        outside(published, pub.BEIJING[0], "北京"),
        outside(published, pub.BEIJING[1], "北京"),
        skip(
            published,
            pub.HENAN_ELSEWHERE,
            "河南",
            "not a registered firm, and 河南 is wider than the city",
        ),
        outside(published, pub.NINGBO[0], "宁波"),
    ]
    # A list that states no 年度 counts toward its announcement's year.
    assert [c for c in certs(client, auth, pub.HONGQI.code) if c[0] == "little_giant"] == [
        (
            "little_giant",
            2023,
            "2023-07-14",
            "2025-12-31",
            False,
            "第五批",
        )
    ]
    # 瑞德 (河南, registered) is matched; it holds no 专精特新 title: recorded, with a warning.
    assert [c[0] for c in certs(client, auth, pub.RUIDE.code)] == ["little_giant"]
    assert result["warnings"] == [
        {
            "row": published.row_of[pub.RUIDE_PRINTED],
            "message": "recorded as the list publishes it: little_giant needs an active "
            "specialized_sme (专精特新中小企业) on 2023-07-14",
        }
    ]


def test_a_title_announced_before_the_ladder_began_needs_no_prerequisite(app, client, auth):
    register(client, auth, pub.HONGQI, pub.WEIBIN)
    national = pub.national_batch("第三批专精特新“小巨人”企业名单", [("河南", [pub.HONGQI.name])])
    provincial = pub.city_list(
        "2021年度河南省专精特新中小企业名单",
        groups=[("卫滨区", [(pub.WEIBIN.name, pub.WEIBIN.code)])],
    )

    for published, on in ((national, "2021-07-19"), (provincial, "2022-07-29")):
        response = load(client, auth["admin"], published, certified_on=on)
        assert response.status_code == 200, response.json
        assert response.json["warnings"] == [], published.title
    assert certs(client, auth, pub.HONGQI.code) == [
        ("little_giant", 2021, "2021-07-19", "2023-12-31", False, "第三批")
    ]
    assert certs(client, auth, pub.WEIBIN.code) == [
        ("specialized_sme", 2021, "2022-07-29", "2024-12-31", False, None)
    ]


# --- scope: a county bureau and a city-wide list ------------------------------------------------


def test_a_bureau_loads_its_own_rows_of_a_city_wide_list(app, client, auth, tmp_path):
    published = pub.city_list()
    before = written(app)

    refused = load(client, auth["bureau"], published, certified_on="2023-05-30")

    assert_problem(refused, 403)
    elsewhere = [published.row_of[f] for f in list(published.row_of)[1:]]
    assert f"rows {', '.join(map(str, elsewhere))} are elsewhere" in refused.json["detail"]
    assert written(app) == before

    response = load(
        client, auth["bureau"], published, certified_on="2023-05-30", own_districts_only=True
    )

    assert response.status_code == 200, response.json
    result = response.json
    assert (result["created_enterprises"], result["created_certifications"]) == (1, 1)
    codes = {
        pub.WEIBIN.name: "410703",
        pub.HIGHTECH.name: "410771",
        pub.RUIDE_PRINTED: "410783",
        pub.CHANGYUAN.name: "410783",
    }
    assert result["skipped"] == [
        {
            "row": published.row_of[name],
            "name": name,
            "region": region,
            "reason": f"in {codes[name]}, not a district loaded",
        }
        for name, region in (
            (pub.WEIBIN.name, "卫滨区"),
            (pub.HIGHTECH.name, "高新区"),
            (pub.RUIDE_PRINTED, "长垣市"),
            (pub.CHANGYUAN.name, "长垣市"),
        )
    ]
    events = events_after(app, before["last_event"])
    assert [(e.actor_role, e.district, e.data["credit_code"]) for e in events] == [
        ("bureau", "410702", pub.HONGQI.code)
    ]
    assert (
        client.get(f"/api/v1/enterprises/{pub.WEIBIN.code}", headers=auth["admin"]).status_code
        == 404
    )

    # The command line asks for districts by code.
    cli = run_cli(
        app, published.write(tmp_path), "--certified-on=2023-05-30", "--district", "410703"
    )
    assert cli.exit_code == 0, cli.output
    assert summary(cli.output)["created_certifications"] == 1
    assert summary(cli.output)["skipped"] == 4
    assert firm(client, auth, pub.WEIBIN.code)["district"] == "410703"

    # A names-only row under 新乡市 is placed by the firm it names.
    provincial = pub.provincial_names_only(groups=[("新乡市", [pub.HONGQI.name, pub.WEIBIN.name])])
    names_only = load(
        client, auth["bureau"], provincial, certified_on="2023-03-20", own_districts_only=True
    )
    assert names_only.status_code == 200, names_only.json
    assert (names_only.json["matched_by_name"], names_only.json["created_certifications"]) == (2, 1)
    assert names_only.json["skipped"] == [
        skip(provincial, pub.WEIBIN.name, "新乡市", "in 410703, not a district loaded")
    ]
    assert [c[0] for c in certs(client, auth, pub.HONGQI.code)] == [
        "innovative_sme",
        "specialized_sme",
    ]


# --- errors: as the file prints them ------------------------------------------------------------


def test_a_code_excel_turned_into_a_number_is_said_so(app, client, auth):
    before = written(app)
    as_text = pub.city_list_csv(
        groups=[
            ("新乡市红旗区", [(pub.HONGQI.name, pub.HONGQI.code)]),
            ("卫辉市", [("卫辉市老字号酿造有限公司", pub.EXCEL_NUMBER_TEXT)]),
        ]
    )

    response = load(client, auth["admin"], as_text, certified_on="2023-05-30")

    assert response.status_code == 422, response.json
    [error] = response.json["errors"]
    assert (error["row"], error["field"], error["column"]) == (
        as_text.row_of["卫辉市老字号酿造有限公司"],
        "credit_code",
        "统一社会信用代码",
    )
    assert error["message"].startswith("'9.14107E+17' is a credit code Excel turned into a number")
    assert "文本" in error["message"]

    # In a workbook the cell is a number: Excel keeps 15 digits of it.
    as_number = pub.city_list(groups=[("卫辉市", [("卫辉市老字号酿造有限公司", pub.EXCEL_NUMBER)])])
    response = load(client, auth["admin"], as_number, certified_on="2023-05-30")
    assert response.status_code == 422, response.json
    [error] = response.json["errors"]
    assert (error["row"], error["field"], error["column"]) == (4, "credit_code", "统一社会信用代码")
    assert error["message"].startswith("the cell holds the number 9.14107287501992e+17, not text")
    assert written(app) == before

    # The same code kept as text loads.
    good = pub.city_list(groups=[("卫辉市", [("卫辉市老字号酿造有限公司", pub.ALL_DIGIT_CODE)])])
    response = load(client, auth["admin"], good, certified_on="2023-05-30")
    assert response.status_code == 200, response.json
    assert firm(client, auth, pub.ALL_DIGIT_CODE)["district"] == "410781"


def test_every_row_error_in_file_order_with_the_column_as_printed(app, client, auth):
    bad_check = pub.HONGQI.code[:-1] + ("0" if pub.HONGQI.code[-1] != "0" else "1")
    published = pub.city_list(
        groups=[
            (
                "红旗区",
                [("新乡市好企业有限公司", make_code("ok-1")), ("新乡市坏码有限公司", bad_check)],
            ),
            ("火星区", [("新乡市火星有限公司", make_code("mars"))]),
            (
                "卫滨区",
                [
                    ("新乡市双错有限公司", "91410702MAOF3K2L2U"),
                    ("新乡市好企业二有限公司", make_code("ok-2", "410703")),
                ],
            ),
        ],
        district_header="所属县（市、区）",
        extra=[("公告日期", [None, None, None, "2023年13月40日", "2023/6/1"])],
    )
    rows = published.row_of
    before = written(app)

    response = load(
        client, auth["admin"], published, certified_on="2023-05-30", tier="创新型中小企业"
    )

    assert response.status_code == 422, response.json
    assert response.json["rows"] == 5
    errors = [(e["row"], e["field"], e["column"]) for e in response.json["errors"]]
    assert errors == [
        (rows["新乡市坏码有限公司"], "credit_code", "统一社会信用代码"),
        (rows["新乡市火星有限公司"], "district", "所属县（市、区）"),
        (rows["新乡市双错有限公司"], "credit_code", "统一社会信用代码"),
        (rows["新乡市双错有限公司"], "certified_on", "公告日期"),
    ]
    messages = [e["message"] for e in response.json["errors"]]
    assert "check character" in messages[0]
    assert "火星区" in messages[1]
    assert "'O'" in messages[2]
    assert "2023年13月40日" in messages[3]
    assert written(app) == before


def test_an_unknown_region_is_reported_under_its_printed_column(client, auth):
    published = pub.provincial_names_only(groups=[("火星市", [pub.HONGQI.name])])

    response = load(client, auth["admin"], published, certified_on="2023-03-20")

    assert response.status_code == 422, response.json
    [error] = response.json["errors"]
    assert (error["row"], error["column"]) == (4, "所属地市")
    assert "火星市" in error["message"]


def test_a_revocation_title_grants_no_title(app, client, auth):
    # A 撤销 list is read as a revocation list and never records the titles it names; without
    # its revocation date it is one 422.
    register(client, auth, pub.HONGQI)
    _innovative_2022(client, auth, pub.HONGQI)
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
            "message": "撤销日期 (revoked_on): the list does not state it; "
            "add ?revoked_on=YYYY-MM-DD for the whole list",
        }
    ]
    assert response.json["created_certifications"] == 0
    assert written(app) == before
    assert [c[0] for c in certs(client, auth, pub.HONGQI.code)] == ["innovative_sme"]


# --- the words lists print ----------------------------------------------------------------------


def test_header_variants_for_the_region_and_the_district(app, client, auth):
    register(client, auth, pub.HONGQI)
    variants = [
        ("所属地市", "新乡市"),
        ("地市", "新乡市"),
        ("所属地区", "河南"),
        ("县（市、区）", "红旗区"),
        ("县(市、区)", "红旗区"),
        ("所属县（市、区）", "红旗区"),
        ("县区", "新乡市红旗区"),
        ("所在县区", "红旗区"),
    ]
    for header, region in variants:
        published = pub.provincial_names_only(
            groups=[(region, [pub.HONGQI.name])], region_header=header
        )
        response = load(client, auth["admin"], published, certified_on="2023-03-20", dry_run=True)
        assert response.status_code == 200, (header, response.json)
        result = response.json
        assert (result["matched_by_name"], result["created_certifications"]) == (1, 1), header
        assert result["ignored_columns"] == ["序号"], header


def test_district_spellings(app, client, auth):
    spellings = {
        "新乡高新区": "410771",
        "新乡高新技术产业开发区": "410771",
        "高新区": "410771",
        "新乡经开区": "410772",
        "经开区": "410772",
        "平原城乡一体化示范区": "410773",
        "平原示范区": "410773",
        "新乡市平原城乡一体化示范区": "410773",
        "新乡市红旗区": "410702",
        "红旗区": "410702",
        "长垣市": "410783",
        "长垣县": "410783",
    }
    firms = {
        spelling: pub.Firm(make_code(f"spell-{i}", code), f"新乡市拼写{i}号企业有限公司", code)
        for i, (spelling, code) in enumerate(spellings.items())
    }
    published = pub.city_list(
        groups=[(spelling, [(f.name, f.code)]) for spelling, f in firms.items()]
    )

    response = load(
        client, auth["admin"], published, certified_on="2023-05-30", tier="innovative_sme"
    )

    assert response.status_code == 200, response.json
    assert response.json["created_enterprises"] == len(spellings)
    stored = {s: firm(client, auth, f.code)["district"] for s, f in firms.items()}
    assert stored == spellings


TIER_WORDINGS = {
    "河南省制造业头雁企业": "head_goose",
    "制造业头雁企业": "head_goose",
    "制造业重点培育头雁企业": "head_goose_candidate",
    "重点培育头雁企业": "head_goose_candidate",
}


def test_tier_wordings_as_a_parameter_and_in_a_column(app, client, auth):
    firms = [
        pub.Firm(make_code(f"goose-{i}"), f"新乡市头雁{i}号企业有限公司", "410702")
        for i in range(len(TIER_WORDINGS))
    ]
    register(client, auth, *firms)
    title = "2023年新乡市企业名单"  # names no tier
    for wording, key in TIER_WORDINGS.items():
        published = pub.city_list(title, groups=[("红旗区", [(firms[0].name, firms[0].code)])])
        response = load(
            client, auth["admin"], published, certified_on="2023-04-12", tier=wording, dry_run=True
        )
        assert response.status_code == 200, (wording, response.json)
        assert response.json["list"]["facts"]["tier"] == fact(key, "parameter"), wording

    published = pub.city_list(
        title,
        groups=[("红旗区", [(f.name, f.code) for f in firms])],
        extra=[("类别", list(TIER_WORDINGS))],
    )
    response = load(client, auth["admin"], published, certified_on="2023-04-12")
    assert response.status_code == 200, response.json
    assert [certs(client, auth, f.code)[0][0] for f in firms] == list(TIER_WORDINGS.values())


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
