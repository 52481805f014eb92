"""Progress against the plan and statistics: each counting rule (docs/rules.md §4), the ETag
after each kind of write, and freshness across app instances on one database file."""

import datetime as dt
import json

import pytest

from registry.models import Tier
from registry.services import catalog
from registry.services import progress as progress_service
from tests.support.apps import make_app
from tests.support.codes import DISTRICT, OTHER_DISTRICT
from tests.support.http import assert_problem

PLAN = "/api/v1/plans/xinxiang-2023-2025"
STATS = "/api/v1/stats/certifications"


@pytest.fixture
def progress(client, auth):
    def _progress(headers=None, **query):
        response = client.get(
            f"{PLAN}/progress", query_string=query, headers=headers or auth["dashboard"]
        )
        assert response.status_code == 200, response.json
        return {row["tier"]: row for row in response.json["targets"]}

    return _progress


def test_annual_targets_count_new_certifications_of_the_year(register, certify, progress):
    for i in range(3):
        certify(register(f"a{i}"), "innovative_sme", "2024-06-28", year=2024)
    certify(register("other-year"), "innovative_sme", "2023-06-28", year=2023)
    # a 2023 list announced in 2024 counts for 2023, its cultivation year
    certify(register("late-list"), "innovative_sme", "2024-02-10", year=2023)
    rows = progress(year=2024, as_of="2024-12-31")
    assert rows["innovative_sme"]["achieved"] == 3
    assert rows["innovative_sme"]["target"] == 500
    assert rows["innovative_sme"]["remaining"] == 497
    assert rows["innovative_sme"]["kind"] == "annual"
    assert progress(year=2023, as_of="2024-12-31")["innovative_sme"]["achieved"] == 2


def test_a_renewal_is_not_a_new_cultivation(register, certify, progress):
    code = register("renewer")
    certify(code, "innovative_sme", "2021-06-28", year=2021)
    certify(code, "specialized_sme", "2021-12-05", year=2021)
    certify(code, "specialized_sme", "2024-07-10", year=2024, renewal=True)
    assert progress(year=2024, as_of="2024-12-31")["specialized_sme"]["achieved"] == 0


def test_a_revoked_certification_counts_nowhere_from_its_revocation(
    client, auth, register, certify, progress
):
    cert = certify(register("revoked"), "innovative_sme", "2024-03-15", year=2024).json
    client.post(
        f"/api/v1/certifications/{cert['id']}/revoke",
        json={"reason": "偷税漏税", "revoked_on": "2024-09-01"},
        headers=auth["admin"],
    )
    assert progress(year=2024, as_of="2024-08-31")["innovative_sme"]["achieved"] == 1
    assert progress(year=2024, as_of="2024-09-01")["innovative_sme"]["achieved"] == 0
    assert progress(year=2024, as_of="2024-12-31")["innovative_sme"]["achieved"] == 0


def test_as_of_in_the_past_answers_what_was_true_then(register, certify, progress):
    certify(register("march"), "innovative_sme", "2024-03-15", year=2024)
    certify(register("october"), "innovative_sme", "2024-10-20", year=2024)
    assert progress(year=2024, as_of="2024-03-14")["innovative_sme"]["achieved"] == 0
    assert progress(year=2024, as_of="2024-06-30")["innovative_sme"]["achieved"] == 1
    assert progress(year=2024, as_of="2024-12-31")["innovative_sme"]["achieved"] == 2


def test_by_district(register, certify, progress):
    certify(register("here"), "innovative_sme", "2024-03-15", year=2024)
    certify(register("there", district=OTHER_DISTRICT), "innovative_sme", "2024-03-15", year=2024)
    assert (
        progress(year=2024, as_of="2024-12-31", district=DISTRICT)["innovative_sme"]["achieved"]
        == 1
    )
    assert (
        progress(year=2024, as_of="2024-12-31", district=OTHER_DISTRICT)["innovative_sme"][
            "achieved"
        ]
        == 1
    )
    assert progress(year=2024, as_of="2024-12-31")["innovative_sme"]["achieved"] == 2


def test_head_goose_stock_counts_holders_at_the_year_end_and_not_candidates(
    register, certify, progress
):
    # A 头雁 title is valid one year: it runs to the end of its list's year.
    certify(register("goose-2024"), "head_goose", "2024-04-12", year=2024)  # to 2024-12-31
    certify(register("goose-2025"), "head_goose", "2025-04-12", year=2025)
    certify(register("goose-old"), "head_goose", "2023-04-12", year=2023)  # to 2023-12-31
    certify(register("candidate"), "head_goose_candidate", "2025-04-12", year=2025)
    rows = progress(year=2025, as_of="2026-03-01")
    assert rows["head_goose"]["kind"] == "cumulative"
    assert rows["head_goose"]["target"] == 10
    assert rows["head_goose"]["achieved"] == 1
    assert progress(year=2025, as_of="2025-02-01")["head_goose"]["achieved"] == 0  # no list yet


def test_a_higher_tier_counts_in_the_stock_of_a_lower_one(app, register, certify):
    little = register("little")
    certify(little, "innovative_sme", "2021-06-28", year=2021)
    certify(little, "specialized_sme", "2022-07-10", year=2022)
    certify(little, "little_giant", "2023-07-18", year=2023)
    specialized_only = register("specialized")
    certify(specialized_only, "innovative_sme", "2022-06-28", year=2022)
    certify(specialized_only, "specialized_sme", "2023-07-10", year=2023)
    with app.app_context():
        day = dt.date(2024, 12, 31)
        assert progress_service.stock_count(Tier["specialized_sme"], day, None) == 2
        assert progress_service.stock_count(Tier["little_giant"], day, None) == 1
        # one firm holding two tiers is one enterprise in the innovative stock
        assert progress_service.stock_count(Tier["innovative_sme"], day, None) == 2


def test_a_cumulative_target_of_a_lower_tier_counts_higher_tiers(
    app, tmp_path, register, certify, client, auth
):
    seeds = tmp_path / "seeds"
    (seeds / "plans").mkdir(parents=True)
    for name in ("districts.json", "tiers.json"):
        (seeds / name).write_bytes((catalog.DEFAULT_SEEDS_DIR / name).read_bytes())
    (seeds / "plans" / "stock.json").write_text(
        json.dumps(
            {
                "id": "stock-2024",
                "title_zh": "存量测试",
                "title_en": "Stock test",
                "years": [2024],
                "targets": [
                    {"tier": "specialized_sme", "kind": "cumulative", "year": 2024, "value": 4}
                ],
            }
        ),
        "utf-8",
    )
    with app.app_context():
        catalog.load_seeds(seeds)
    code = register("climber")
    certify(code, "innovative_sme", "2022-06-28", year=2022)
    certify(code, "specialized_sme", "2023-07-10", year=2023)
    certify(code, "little_giant", "2024-07-18", year=2024)
    rows = client.get(
        "/api/v1/plans/stock-2024/progress?year=2024&as_of=2024-12-31", headers=auth["dashboard"]
    ).json["targets"]
    assert rows == [
        {
            "key": "specialized_sme_cumulative",  # a plan file without keys: tier and kind
            "tier": "specialized_sme",
            "measure": None,
            "kind": "cumulative",
            "comparator": "at_least",
            "year": 2024,
            "label_zh": "专精特新中小企业",
            "label_en": "Specialized, refined, distinctive and novel SME (provincial)",
            "unit_zh": "家",
            "city_target": 4,
            "allocated": False,
            "target": 4,
            "achieved": 1,
            "remaining": 3,
            "completion": 0.25,
            "expected": 4.0,
            "pace": "behind",
            "met": False,
        }
    ]


@pytest.mark.parametrize(
    ("achieved", "target", "expected", "pace"),
    [
        (10, 10, 5.0, "achieved"),
        (0, 10, 0.0, "on_track"),
        (5, 10, 5.0, "on_track"),
        (4, 100, 4.4, "on_track"),
        (6, 100, 5.0, "ahead"),
        (3, 100, 5.0, "behind"),
    ],
)
def test_pace(achieved, target, expected, pace):
    assert progress_service.pace(achieved, target, expected) == pace


def test_expected_is_the_pro_rata_share_of_the_year(progress):
    rows = progress(year=2024, as_of="2024-07-01")  # day 183 of 366
    assert rows["innovative_sme"]["expected"] == round(500 * 183 / 366, 2)
    assert rows["innovative_sme"]["pace"] == "behind"
    assert progress(year=2024, as_of="2025-03-01")["innovative_sme"]["expected"] == 500


def test_only_the_targets_of_the_year_and_those_of_the_plan_end(client, auth):
    def keys(year):
        reply = client.get(
            f"{PLAN}/progress", query_string={"year": year}, headers=auth["dashboard"]
        )
        return {row["key"] for row in reply.json["targets"]}

    annual = {
        "innovative_sme_new",
        "zjtx_sme_new",
        "little_giant_new",
        "listed_companies_new",
        "service_mfg_demo",
        "entrepreneur_training",
        "three_transformation_projects",
        "signed_projects_value",
    }
    by_plan_end = {
        "hundred_billion_mfg_2025",
        "above_scale_industrial",
        "high_tech_enterprises",
        "green_parks_factories",
        "green_supply_chain",
        "digital_navigator",
        "sme_digital_benchmark",
        "smart_factories",
        "cloud_enterprises",
        "industrial_design_centres",
        "national_innovation_platforms",
        "digital_demo_zone",
        "digital_enablement_centres",
        "provincial_innovation_platforms",
        "county_clusters",
        "hundred_billion_chains",
        "clusters_100bn",
        "clusters_50bn",
        "basic_reengineering_projects",
        "five_basics_technologies",
        "base_stations_5g",
        "high_end_equipment_output",
    }
    # 头雁 10 by 2025 (a stock of the plan's last year): in every year, paced toward 2025
    assert keys(2023) == keys(2024) == keys(2025) == annual | by_plan_end | {"toupyan_total_2025"}


def test_the_default_year_is_this_one_within_the_plan(client, auth):
    body = client.get(f"{PLAN}/progress", headers=auth["dashboard"]).json
    assert body["year"] == 2025  # today is after the plan: its last year
    assert body["plan_id"] == "xinxiang-2023-2025"


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("year=2022", 422, "year"),
        ("year=2026", 422, "year"),
        ("district=410799", 422, "district"),
        ("as_of=yesterday", 422, "as_of"),
        ("colour=red", 422, "colour"),
    ],
)
def test_bad_progress_queries(client, auth, query, status, field):
    response = client.get(f"{PLAN}/progress?{query}", headers=auth["dashboard"])
    assert response.status_code == status
    assert field in response.json["errors"]["query"]


def test_unknown_plan_progress_is_404(client, auth):
    response = client.get("/api/v1/plans/nowhere/progress", headers=auth["dashboard"])
    assert_problem(response, 404)


def test_stats_grouped_and_filtered(client, auth, register, certify):
    certify(register("s1"), "innovative_sme", "2024-03-15", year=2024)
    certify(register("s2"), "innovative_sme", "2024-03-15", year=2024)
    old = register("s3", district=OTHER_DISTRICT)
    certify(old, "innovative_sme", "2019-03-15", year=2019)  # expired 2022-12-31

    def stats(query):
        response = client.get(f"{STATS}?{query}", headers=auth["dashboard"])
        assert response.status_code == 200, response.json
        return response.json

    body = stats("group_by=year,tier,status")
    assert body["group_by"] == ["year", "tier", "status"]
    assert body["rows"] == [
        {"year": 2019, "tier": "innovative_sme", "status": "expired", "count": 1},
        {"year": 2024, "tier": "innovative_sme", "status": "active", "count": 2},
    ]
    assert stats("group_by=district")["rows"] == [
        {"district": DISTRICT, "count": 2},
        {"district": OTHER_DISTRICT, "count": 1},
    ]
    assert stats("")["rows"] == [{"count": 3}]
    assert stats("group_by=tier&status=active&district=410702")["rows"] == [
        {"tier": "innovative_sme", "count": 2}
    ]
    assert stats("group_by=status&as_of=2020-01-01")["rows"] == [{"status": "active", "count": 1}]
    assert client.get(f"{STATS}?group_by=colour", headers=auth["dashboard"]).status_code == 422


def test_etag_and_304_change_after_each_kind_of_write(
    client, auth, register, certify, enterprise_code
):
    url = f"{PLAN}/progress?year=2024"

    def etag():
        response = client.get(url, headers=auth["dashboard"])
        assert response.status_code == 200
        tag = response.headers["ETag"]
        again = client.get(url, headers={**auth["dashboard"], "If-None-Match": tag})
        assert again.status_code == 304
        assert again.data == b""
        return tag

    seen = [etag()]
    code = register("etag")
    seen.append(etag())
    cert = certify(code, "innovative_sme", "2024-03-15", year=2024).json
    seen.append(etag())
    client.post(
        f"/api/v1/certifications/{cert['id']}/revoke", json={"reason": "x"}, headers=auth["admin"]
    )
    seen.append(etag())
    tag = client.get(f"/api/v1/enterprises/{code}", headers=auth["admin"]).headers["ETag"]
    client.patch(
        f"/api/v1/enterprises/{code}",
        json={"district": OTHER_DISTRICT},
        headers={**auth["admin"], "If-Match": tag},
    )
    seen.append(etag())
    assert len(set(seen)) == len(seen)
    stats_tag = client.get(STATS, headers=auth["dashboard"]).headers["ETag"]
    register("etag-2")
    assert (
        client.get(STATS, headers={**auth["dashboard"], "If-None-Match": stats_tag}).status_code
        == 200
    )


def test_a_write_through_one_app_is_seen_by_the_next_poll_of_another(
    app, client, auth, register, certify
):
    """Two app instances (two caches) on one database file, as in two gunicorn workers."""
    other = make_app(app.config["DATABASE_URL"], init=False)
    reader = other.test_client()
    url = f"{PLAN}/progress?year=2024&as_of=2024-12-31"
    first = reader.get(url, headers=auth["dashboard"])
    assert {r["tier"]: r for r in first.json["targets"]}["innovative_sme"]["achieved"] == 0
    certify(register("fresh"), "innovative_sme", "2024-03-15", year=2024)  # through `app`
    second = reader.get(url, headers={**auth["dashboard"], "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert {r["tier"]: r for r in second.json["targets"]}["innovative_sme"]["achieved"] == 1


def test_progress_is_not_for_enterprises(client, auth):
    response = client.get(f"{PLAN}/progress", headers=auth["enterprise"])
    assert response.status_code == 403


def test_stats_by_month_of_certified_on(client, auth, register, certify):
    certify(register("m1"), "innovative_sme", "2024-03-15", year=2024)
    certify(register("m2"), "innovative_sme", "2024-03-28", year=2024)
    certify(register("m3", district=OTHER_DISTRICT), "innovative_sme", "2024-10-20", year=2024)
    certify(register("m4"), "innovative_sme", "2025-02-10", year=2024)  # a 2024 list, in 2025
    certify(register("m5"), "innovative_sme", "2023-06-28", year=2023)

    def stats(query):
        response = client.get(f"{STATS}?{query}", headers=auth["dashboard"])
        assert response.status_code == 200, response.json
        return response.json["rows"]

    assert stats("group_by=month&year=2024") == [
        {"month": "2024-03", "count": 2},
        {"month": "2024-10", "count": 1},
        {"month": "2025-02", "count": 1},
    ]
    assert stats("group_by=month,district&year=2024&as_of=2024-12-31") == [
        {"month": "2024-03", "district": DISTRICT, "count": 2},
        {"month": "2024-10", "district": OTHER_DISTRICT, "count": 1},
    ]
    assert stats("group_by=year,month") == [
        {"year": 2023, "month": "2023-06", "count": 1},
        {"year": 2024, "month": "2024-03", "count": 2},
        {"year": 2024, "month": "2024-10", "count": 1},
        {"year": 2024, "month": "2025-02", "count": 1},
    ]


def test_monthly_counts_add_up_to_the_total(app, register, certify):
    for i, day in enumerate(["2024-01-01", "2024-01-31", "2024-02-29", "2024-12-31"]):
        certify(register(f"edge{i}"), "innovative_sme", day, year=2024)
    with app.app_context():
        by_month = progress_service.certification_stats(
            group_by=["month"], as_of=dt.date(2025, 1, 1), filters={}
        )["rows"]
        total = progress_service.certification_stats(
            group_by=[], as_of=dt.date(2025, 1, 1), filters={}
        )["rows"]
    assert by_month == [
        {"month": "2024-01", "count": 2},
        {"month": "2024-02", "count": 1},
        {"month": "2024-12", "count": 1},
    ]
    assert sum(row["count"] for row in by_month) == total[0]["count"] == 4
