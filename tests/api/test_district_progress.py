"""Every district's progress in one answer (GET /plans/{id}/progress/districts): counts and
shares of the city, a district's own target only where the plan allocates one; and stocks the
plan sets for a later year (头雁 10 by 2025) shown in every year with their pace toward it."""

import pytest

from tests.support.apps import invoke
from tests.support.codes import DISTRICT, OTHER_DISTRICT
from tests.support.http import assert_problem
from tests.support.paths import SAMPLE_PLAN

PLAN = "/api/v1/plans/xinxiang-2023-2025"
DISTRICTS = f"{PLAN}/progress/districts"


def rows(client, headers, url=f"{PLAN}/progress", **query) -> dict[str, dict]:
    reply = client.get(url, query_string=query, headers=headers)
    assert reply.status_code == 200, reply.json
    return {row["key"]: row for row in reply.json["targets"]}


def by_district(body) -> dict[str, dict[str, dict]]:
    return {d["district"]: {r["key"]: r for r in d["targets"]} for d in body["districts"]}


# A stock set for a later year, in every year before it --------------------------------------


def test_head_goose_by_2025_is_in_every_year_with_its_pace_toward_2025(
    client, auth, register, certify
):
    certify(register("goose-2023"), "head_goose", "2023-04-12", year=2023)  # to 2023-12-31
    certify(register("goose-2024a"), "head_goose", "2024-04-12", year=2024)
    certify(register("goose-2024b"), "head_goose", "2024-04-12", year=2024)
    plan_days = 365 + 366 + 365  # 2023-01-01 to 2025-12-31
    for year, as_of, achieved, elapsed in [
        (2023, "2023-12-31", 1, 365),
        (2023, "2026-01-10", 1, 365),  # the 2023 view: at the end of 2023, always
        (2024, "2024-12-31", 2, 365 + 366),
        (2024, "2024-07-01", 2, 365 + 183),
        (2025, "2025-07-01", 0, 365 + 366 + 182),  # the 2025 view: paced from the plan's start
    ]:
        goose = rows(client, auth["dashboard"], year=year, as_of=as_of)["toupyan_total_2025"]
        assert (goose["kind"], goose["year"], goose["target"]) == ("cumulative", 2025, 10)
        assert goose["achieved"] == achieved, (year, as_of)
        assert goose["expected"] == round(10 * elapsed / plan_days, 2), (year, as_of)
    behind = rows(client, auth["dashboard"], year=2024, as_of="2024-12-31")["toupyan_total_2025"]
    assert behind["pace"] == "behind"  # 2 of 6.67 expected by the end of 2024


def test_a_yearly_stock_is_paced_over_its_own_year(app, client, auth, tmp_path):
    """A key with a stock in each year: each year shows its own, paced from 1 January."""
    plan = tmp_path / "stocks.json"
    plan.write_text(
        """{"id": "stocks", "title_zh": "存量", "title_en": "Stocks", "years": [2026, 2027],
            "targets": [
              {"key": "high_tech", "tier": "high_tech", "kind": "cumulative", "year": 2026,
               "value": 100},
              {"key": "high_tech", "tier": "high_tech", "kind": "cumulative", "year": 2027,
               "value": 200}]}""",
        "utf-8",
    )
    assert invoke(app, "load-plan", str(plan)).exit_code == 0
    url = "/api/v1/plans/stocks/progress"
    first = rows(client, auth["dashboard"], url, year=2026, as_of="2026-07-02")["high_tech"]
    assert (first["year"], first["expected"]) == (2026, round(100 * 183 / 365, 2))
    second = rows(client, auth["dashboard"], url, year=2027, as_of="2027-07-02")["high_tech"]
    assert (second["year"], second["expected"]) == (2027, round(200 * 183 / 365, 2))


# Every district in one answer ---------------------------------------------------------------


def test_every_district_counts_with_its_share_of_the_city_and_no_city_target(
    client, auth, register, certify
):
    for i in range(3):
        certify(register(f"hq-{i}"), "innovative_sme", "2024-06-28", year=2024)
    certify(register("wb", district=OTHER_DISTRICT), "innovative_sme", "2024-06-28", year=2024)
    goose = register("goose", district=OTHER_DISTRICT)
    certify(goose, "head_goose", "2024-04-12", year=2024)
    reply = client.get(
        DISTRICTS, query_string={"year": 2024, "as_of": "2024-12-31"}, headers=auth["dashboard"]
    )
    assert reply.status_code == 200, reply.json
    body = reply.json
    assert (body["plan_id"], body["year"], body["as_of"]) == (
        "xinxiang-2023-2025",
        2024,
        "2024-12-31",
    )
    # the city's rows are the progress answer's own
    city = client.get(f"{PLAN}/progress?year=2024&as_of=2024-12-31", headers=auth["dashboard"])
    assert body["targets"] == city.json["targets"]
    districts = by_district(body)
    assert len(districts) == 15 and list(districts) == sorted(districts)
    here = districts[DISTRICT]["innovative_sme_new"]
    assert here == {
        "key": "innovative_sme_new",
        "achieved": 3,
        "share": 0.75,
        "allocated": False,
        # the plan sets no district target: nothing to be behind of
        "target": None,
        "remaining": None,
        "completion": None,
        "expected": None,
        "pace": None,
        "met": None,
    }
    assert districts[OTHER_DISTRICT]["innovative_sme_new"]["share"] == 0.25
    assert districts[OTHER_DISTRICT]["toupyan_total_2025"]["achieved"] == 1  # a stock, by 2025
    assert districts["410724"]["innovative_sme_new"]["achieved"] == 0
    assert districts[DISTRICT]["little_giant_new"]["share"] is None  # the city has none yet
    for row in body["targets"]:
        if row["tier"]:  # designations: a firm is in one district, the counts add up
            total = sum(d[row["key"]]["achieved"] for d in districts.values())
            assert total == row["achieved"], row["key"]


def test_district_figures_are_theirs_and_city_wide_ones_no_districts(client, auth):
    for district, value in [(DISTRICT, 30), (OTHER_DISTRICT, 10), (None, 60)]:
        reply = client.post(
            "/api/v1/figures",
            json={
                "measure": "entrepreneur_training",
                "year": 2024,
                "district": district,
                "value": value,
            },
            headers=auth["admin"],
        )
        assert reply.status_code in (200, 201), reply.json
    body = client.get(f"{DISTRICTS}?year=2024", headers=auth["dashboard"]).json
    training = {k: v["entrepreneur_training"] for k, v in by_district(body).items()}
    assert (training[DISTRICT]["achieved"], training[DISTRICT]["share"]) == (30, 0.3)
    assert training[OTHER_DISTRICT]["achieved"] == 10
    assert {r["key"]: r for r in body["targets"]}["entrepreneur_training"]["achieved"] == 100


def test_allocated_targets_are_set_against_each_districts_allocation(
    app, client, auth, register, certify
):
    assert invoke(app, "load-plan", str(SAMPLE_PLAN)).exit_code == 0
    for i in range(3):
        certify(register(f"hq-{i}"), "innovative_sme", "2026-05-20", year=2026)
    url = "/api/v1/plans/xinxiang-2026-2028-sample/progress/districts"
    body = client.get(
        url, query_string={"year": 2026, "as_of": "2026-12-31"}, headers=auth["bureau"]
    ).json
    districts = by_district(body)
    here = districts[DISTRICT]["innovative_sme_new"]
    assert (here["allocated"], here["target"], here["achieved"], here["remaining"]) == (
        True,
        60,
        3,
        57,
    )
    assert (here["completion"], here["expected"], here["pace"], here["share"]) == (
        0.05,
        60,
        "behind",
        1.0,
    )
    # the same as the one district's own progress
    own = rows(
        client,
        auth["bureau"],
        "/api/v1/plans/xinxiang-2026-2028-sample/progress",
        year=2026,
        as_of="2026-12-31",
        district=DISTRICT,
    )["innovative_sme_new"]
    assert {k: own[k] for k in ("target", "achieved", "completion", "expected", "pace")} == {
        k: here[k] for k in ("target", "achieved", "completion", "expected", "pace")
    }
    # a district the plan leaves out of an allocated target: a target of 0, met
    assert districts["410724"]["zjtx_sme_new"]["target"] == 0
    assert districts["410724"]["zjtx_sme_new"]["pace"] == "achieved"
    # a target the plan does not allocate: counts only
    assert districts[DISTRICT]["high_tech_enterprises"]["target"] is None


def test_one_cached_answer_with_an_etag_that_follows_writes(client, auth, register, certify):
    first = client.get(f"{DISTRICTS}?year=2024", headers=auth["dashboard"])
    tag = first.headers["ETag"]
    again = client.get(
        f"{DISTRICTS}?year=2024", headers={**auth["dashboard"], "If-None-Match": tag}
    )
    assert again.status_code == 304 and again.data == b""
    certify(register("new"), "innovative_sme", "2024-06-28", year=2024)
    after = client.get(
        f"{DISTRICTS}?year=2024", headers={**auth["dashboard"], "If-None-Match": tag}
    )
    assert after.status_code == 200 and after.headers["ETag"] != tag
    assert by_district(after.json)[DISTRICT]["innovative_sme_new"]["achieved"] == 1
    # not the city progress's tag: each answer has its own
    city = client.get(f"{PLAN}/progress?year=2024", headers=auth["dashboard"])
    assert city.headers["ETag"] != after.headers["ETag"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 401), ("enterprise", 403), ("dashboard", 200), ("bureau", 200), ("admin", 200)],
)
def test_who_may_read_every_districts_progress(client, auth, role, status):
    reply = client.get(DISTRICTS, headers=auth[role] if role else {})
    assert reply.status_code == status


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        (f"{DISTRICTS}?year=2026", 422, "year"),
        (f"{DISTRICTS}?district={DISTRICT}", 422, "district"),  # all of them, always
        (f"{DISTRICTS}?as_of=soon", 422, "as_of"),
        ("/api/v1/plans/nowhere/progress/districts", 404, None),
    ],
)
def test_bad_districts_progress_queries(client, auth, url, status, field):
    reply = client.get(url, headers=auth["dashboard"])
    assert_problem(reply, status)
    if field:
        assert field in reply.json["errors"]["query"]


def test_stats_group_and_filter_by_renewal(client, auth, register, certify):
    """The screen's trend counts new titles only; its renewal panel, the 复核 of the year."""
    code = register("renewer")
    certify(code, "innovative_sme", "2022-06-20", year=2022)
    certify(code, "innovative_sme", "2024-06-20", year=2024, renewal=True)
    certify(register("new"), "innovative_sme", "2024-09-25", year=2024)
    url = "/api/v1/stats/certifications"
    body = client.get(f"{url}?group_by=month,renewal&year=2024", headers=auth["dashboard"]).json
    assert body["rows"] == [
        {"month": "2024-06", "renewal": True, "count": 1},
        {"month": "2024-09", "renewal": False, "count": 1},
    ]
    new = client.get(f"{url}?group_by=year&renewal=false", headers=auth["dashboard"]).json
    assert new["rows"] == [{"year": 2022, "count": 1}, {"year": 2024, "count": 1}]
