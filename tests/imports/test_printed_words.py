"""Lists read as they print things: the header variants for the region and the district, the
districts' spellings, the tiers' wordings; and every error reported as the file prints it (file
order, the column as printed, a credit code Excel turned into a number, an unknown region).
"""

from tests.support import published as pub
from tests.support.codes import make_code
from tests.support.imports import (
    certs,
    fact,
    firm,
    load,
    register,
    written,
)

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
