"""Published lists loaded as they are, in each layout the Henan bureau and MIIT publish: every
shape unedited, through POST /api/v1/imports and through `registry import`, dry run, for real
and again (a repeat changes nothing); the city's own list with codes, as XLSX and as the GBK CSV
Excel saves; MIIT's national batch, its rows placed by province.

Every list is a file built by tests/support/published.py and loaded unedited; what was written
is read back through the API and the models.
"""

import pytest

from tests.support import published as pub
from tests.support.imports import (
    certs,
    counts,
    events_after,
    expected_counts,
    fact,
    facts,
    firm,
    known_facts,
    load,
    outside,
    register,
    repeated_counts,
    run_cli,
    setup_national,
    setup_registered,
    setup_renewed,
    skip,
    summary,
    unmet_prerequisite,
    written,
)

# --- each shape, unedited, by HTTP and by CLI: dry run, for real, and again ----------------------


def setup_nothing(client, auth):
    """A registry holding no firm yet."""


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


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_loads_unedited_by_http(app, client, auth, shape):
    build, setup, query, numbers = SHAPES[shape]
    setup(client, auth)
    published = build()
    before = written(app)

    dry = load(client, auth["admin"], published, dry_run=True, **query)
    assert dry.status_code == 200, dry.json
    assert counts(dry.json) == expected_counts(numbers, dry_run=True)
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
        assert counts(again.json) == repeated_counts(numbers, dry_run=dry_run)
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
    assert summary(dry.output) == expected_counts(numbers, dry_run=True)
    assert written(app) == before

    real = run_cli(app, path, *options)
    assert real.exit_code == 0, real.output
    assert summary(real.output) == expected_counts(numbers, dry_run=False)
    after = written(app)
    assert after["certifications"] - before["certifications"] == numbers[2]
    events = events_after(app, before["last_event"])
    assert {(e.action, e.actor_role) for e in events} == {("import.row", "admin")}

    again = run_cli(app, path, *options)
    assert again.exit_code == 0, again.output
    assert summary(again.output) == repeated_counts(numbers, dry_run=False)
    assert written(app) == after
    # The CLI wrote what the API would have: the same file by HTTP changes nothing either.
    by_http = load(client, auth["admin"], build(), **query)
    assert counts(by_http.json) == repeated_counts(numbers, dry_run=False)


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
    # The 2023年度第一批 专精特新 title, announced in 2023, runs to 2025-12-31, not 2026-12-31.
    assert certs(client, auth, pub.HONGQI.code) == [
        ("specialized_sme", 2023, "2023-05-30", "2025-12-31", False, "第一批")
    ]
    # No firm held an innovative title: each row recorded, each with a warning.
    assert result["warnings"] == [
        unmet_prerequisite(row, "specialized_sme", "innovative_sme", "2023-05-30")
        for row in published.row_of.values()  # in file order
    ]
    # A single POST keeps its 409 for the same missing prerequisite.
    register(client, auth, pub.MUYE)
    single = client.post(
        f"/api/v1/enterprises/{pub.MUYE.code}/certifications",
        json={"tier": "specialized_sme", "certified_on": "2023-05-30"},
        headers=auth["admin"],
    )
    assert single.status_code == 409, single.json
    assert single.json["code"] == "certification.prerequisite_missing"


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
            "import.wider_than_city",
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
        unmet_prerequisite(
            published.row_of[pub.RUIDE_PRINTED], "little_giant", "specialized_sme", "2023-07-14"
        )
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
