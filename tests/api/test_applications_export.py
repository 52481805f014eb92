"""The 推荐汇总表 through HTTP: its columns and Chinese labels, its filters and scope, and a
firm's name that looks like a formula written as text."""

import io

from openpyxl import load_workbook

from tests.support.codes import OTHER_DISTRICT
from tests.support.http import XLSX, assert_problem

URL = "/api/v1/exports/applications.xlsx"
HEADER = [
    "序号",
    "县（市、区）",
    "企业名称",
    "统一社会信用代码",
    "申报类别",
    "联系人",
    "联系电话",
    "阶段",
]


def _apply(client, auth, code, tier="innovative_sme", **extra):
    response = client.post(
        f"/api/v1/enterprises/{code}/applications",
        json={"tier": tier, "year": 2026, **extra},
        headers=auth["admin"],
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def _sheet(response):
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == XLSX
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "推荐汇总表"
    return book.worksheets[0]


def test_the_sheet_has_the_columns_bureaus_send_up(client, auth, register):
    red = register("export-red", name="新乡市红旗测试有限公司")
    hostile = register("export-formula", name='=HYPERLINK("http://x","点我")')
    blue = register("export-blue", district=OTHER_DISTRICT)
    first = _apply(
        client, auth, red, "specialized_sme", contact_name="王丽", contact_phone="0373-3051234"
    )
    _apply(client, auth, hostile, stage="candidate")
    _apply(client, auth, blue)
    moved = client.patch(
        f"/api/v1/applications/{first}", json={"stage": "reviewed"}, headers=auth["admin"]
    )
    assert moved.status_code == 200

    sheet = _sheet(client.get(URL, headers=auth["admin"]))
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == [1, 2, 3]
    by_code = {r[3]: r for r in rows[1:]}
    assert by_code[red] == [
        by_code[red][0],
        "红旗区",
        "新乡市红旗测试有限公司",
        red,
        "专精特新中小企业",
        "王丽",
        "0373-3051234",
        "市级审核",
    ]
    assert by_code[hostile][7] == "培育库"
    assert by_code[blue][1] == "卫滨区"
    formula = next(row for row in sheet.iter_rows(min_row=2) if row[3].value == hostile)
    assert formula[2].value.startswith("=HYPERLINK")
    assert formula[2].data_type == "s" and formula[2].quotePrefix
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_filters_and_a_bureau_s_reach(client, auth, register):
    red = register("export-red-2")
    blue = register("export-blue-2", district=OTHER_DISTRICT)
    _apply(client, auth, red, stage="candidate")
    _apply(client, auth, blue)

    def codes(headers="admin", **query):
        sheet = _sheet(client.get(URL, query_string=query, headers=auth[headers]))
        return [row[3].value for row in sheet.iter_rows(min_row=2)]

    assert set(codes()) == {red, blue}
    assert codes(stage="candidate") == [red]
    assert codes(district=OTHER_DISTRICT) == [blue]
    assert codes(year=2025) == []
    assert codes("bureau") == [red]
    assert_problem(client.get(URL, headers=auth["dashboard"]), 403)
    assert_problem(client.get(URL, headers=auth["enterprise"]), 403)
    assert_problem(client.get(URL, query_string={"tier": "Bad"}, headers=auth["admin"]), 422)
