"""Renewal lists (通过复核): renewals of the year the announcement names, counted in the stocks
and not in the year's new titles; a renewal column says which rows renew; a validity printed as
a span is read.
"""

import datetime as dt

from registry.models import Tier
from registry.services import progress as progress_service
from tests.support import published as pub
from tests.support.codes import make_code
from tests.support.imports import (
    PLAN,
    certs,
    fact,
    facts,
    innovative_2022,
    known_facts,
    load,
    register,
    run_cli,
    setup_national,
    setup_renewed,
)

# --- shape 4: renewals --------------------------------------------------------------------------


def test_a_renewal_list_records_renewals_of_the_announcements_year(app, client, auth):
    setup_renewed(client, auth)
    # In the same notice, a new 专精特新 firm (附件1) beside the renewed ones (附件2).
    newcomer = pub.Firm(make_code("new-sp"), "新乡市新晋科技有限公司", "410702")
    register(client, auth, newcomer)
    innovative_2022(client, auth, newcomer)
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

    # A renewal is no new cultivation: it counts in stocks, not in annual flows.
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
    innovative_2022(client, auth, pub.HONGQI)

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
