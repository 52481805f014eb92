"""A list's facts (tier, year, announcement date, validity, renewal, document number, batch)
from its title, a query parameter or option, or a column: a column beats a parameter, which
beats the title with a warning; a missing announcement date is one error for the whole list; a
title naming two tiers leaves the tier to a column.
"""

from tests.support import published as pub
from tests.support.http import assert_problem
from tests.support.imports import (
    certs,
    fact,
    facts,
    firm,
    known_facts,
    load,
    register,
    run_cli,
    setup_registered,
    unmet_prerequisite,
    written,
)

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
        unmet_prerequisite(
            published.row_of[pub.HONGQI.name], "specialized_sme", "innovative_sme", "2023-05-30"
        )
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
            "code": "import.title_differs",
            "message": "the title says tier specialized_sme; "
            "the parameter's innovative_sme is used",
        },
        {
            "row": None,
            "code": "import.title_differs",
            "message": "the title says batch 第一批; the parameter's 第二批 is used",
        },
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
        {
            "row": None,
            "code": "import.title_differs",
            "message": "the title says year 2022; the parameter's 2023 is used",
        }
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
        unmet_prerequisite(
            published.row_of[pub.WEIBIN.name], "specialized_sme", "innovative_sme", "2023-05-30"
        )
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
    missing = "The list does not state its announcement date: fill in the announcement date"
    assert response.json["errors"] == [
        {
            "row": None,
            "field": "certified_on",
            "column": "公告日期",
            "code": "import.fact_missing",
            "message": f"{missing} (for the whole list).",
        }
    ]
    assert response.json["code"] == "import.facts_missing"
    assert "announcement date" in response.json["detail"]
    assert written(app) == before

    cli = run_cli(app, published.write(tmp_path))
    assert cli.exit_code != 0
    assert f"list: {missing} (for the whole list)." in cli.output
    assert cli.output.count("does not state") == 2  # the error and the detail: not one per row
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
    assert refused.json["errors"][0]["code"] == "import.fact_missing"

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
