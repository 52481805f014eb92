"""A bad row's errors name the firm as the row prints it, beside the row's number: the clerk
finds it in the list by either."""

from tests.support.imports import csv_text, post_list


def test_a_bad_rows_errors_carry_the_printed_name(client, auth):
    body = csv_text(
        ["序号", "县（市、区）", "企业名称", "统一社会信用代码", "类别", "公告日期"],
        [
            [
                "1",
                "红旗区",
                " 新乡市红旗区错码机械有限公司 ",
                "91410702MA9F3K2L2X",
                "创新型中小企业",
                "2025-06-01",
            ],
            ["2", "红旗区", "", "91410702MA9F3K2L2X", "创新型中小企业", "2025-06-01"],
        ],
    )
    response = post_list(client, auth["bureau"], body.encode(), dry_run=True)
    assert response.status_code == 422, response.json
    errors = {e["row"]: e for e in response.json["errors"]}
    assert errors[2]["field"] == "credit_code"
    assert errors[2]["name"] == "新乡市红旗区错码机械有限公司"
    assert "name" not in errors[3]  # the row prints no name
