"""The plan's end as the dashboards' answers say it: `period` running or ended (after the plan's
last year the figures are final, each target met or not), the renewal season of the calendar
year whatever plan year is shown, and every figure counted one way on every panel."""

PLAN = "/api/v1/plans/xinxiang-2023-2025"
ENDED = "2026-12-06"  # the plan runs 2023–2025


def answer(client, auth, url=f"{PLAN}/progress", **query) -> dict:
    reply = client.get(url, query_string=query, headers=auth["dashboard"])
    assert reply.status_code == 200, reply.json
    return reply.json


def test_the_period_runs_through_the_plans_last_day_and_then_has_ended(client, auth):
    for as_of, period in [
        ("2022-06-30", "running"),  # before the plan: its first year by default
        ("2024-09-30", "running"),
        ("2025-12-31", "running"),
        ("2026-01-01", "ended"),
        (ENDED, "ended"),
    ]:
        for url in (f"{PLAN}/progress", f"{PLAN}/progress/districts"):
            body = answer(client, auth, url, as_of=as_of)
            assert body["period"] == period, (url, as_of)
    body = answer(client, auth, as_of=ENDED)
    assert body["year"] == 2025  # the last year shows by default: the final results


def test_after_the_plan_each_target_is_met_or_not(client, auth, register, certify):
    for i in range(6):  # up the ladder to 小巨人
        code = register(f"lg-{i}")
        certify(code, "innovative_sme", "2023-05-10", year=2023)
        certify(code, "specialized_sme", "2024-07-10", year=2024)
        assert certify(code, "little_giant", "2025-07-18", year=2025).status_code == 201
    rows = {row["key"]: row for row in answer(client, auth, year=2025, as_of=ENDED)["targets"]}
    assert all(isinstance(row["met"], bool) for row in rows.values())
    giant = rows["little_giant_new"]
    assert (giant["achieved"], giant["target"], giant["met"]) == (6, 5, True)
    assert rows["innovative_sme_new"]["met"] is False  # none of 500
    # a district's row of an unallocated target has no target to meet
    districts = answer(client, auth, f"{PLAN}/progress/districts", year=2025, as_of=ENDED)
    cells = {cell["key"]: cell for cell in districts["districts"][0]["targets"]}
    assert cells["innovative_sme_new"]["met"] is None


def test_the_renewal_season_is_the_calendar_years_whatever_plan_year_is_shown(
    client, auth, register, certify
):
    title = certify(register("ending"), "innovative_sme", "2024-04-10", year=2024).json
    assert title["valid_until"] == "2026-12-31"
    certify(register("ending-later"), "innovative_sme", "2025-04-10", year=2025)
    for year in (2023, 2025):
        body = answer(client, auth, year=year, as_of=ENDED)
        assert body["renewal_year"] == 2026
        assert body["renewals"] == [
            {
                "tier": "innovative_sme",
                "expiring": 1,
                "renewed_or_superseded": 0,
                "open": 1,
                "ends_on": "2026-12-31",
                "days_left": 25,
            }
        ]
    during = answer(client, auth, year=2024, as_of="2024-09-30")
    assert (during["period"], during["renewal_year"], during["renewals"]) == ("running", 2024, [])


def test_the_card_and_the_trend_count_new_titles_alike(client, auth, register, certify):
    """The card's count (progress) and the trend's (statistics by month, as the screen asks
    them: revoked titles left out, renewals too) are one figure."""
    kept = [certify(register(f"new-{i}"), "innovative_sme", f"2024-0{i + 3}-10") for i in range(4)]
    revoked = kept.pop().json
    reply = client.post(
        f"/api/v1/certifications/{revoked['id']}/revoke",
        json={"reason": "提供虚假材料", "revoked_on": "2024-08-01"},
        headers=auth["admin"],
    )
    assert reply.status_code == 200, reply.json
    renewed = register("renewed")
    certify(renewed, "innovative_sme", "2021-05-10", year=2021)
    certify(renewed, "innovative_sme", "2024-05-10", year=2024, renewal=True)
    for as_of in ("2024-07-31", "2024-09-30", ENDED):
        year = min(int(as_of[:4]), 2025) if as_of != ENDED else 2024
        card = {r["key"]: r for r in answer(client, auth, year=year, as_of=as_of)["targets"]}
        stats = answer(
            client,
            auth,
            "/api/v1/stats/certifications",
            group_by="year,tier,month,renewal,status",
            as_of=as_of,
        )
        trend = sum(
            row["count"]
            for row in stats["rows"]
            if (row["year"], row["tier"]) == (year, "innovative_sme")
            and not row["renewal"]
            and row["status"] != "revoked"
        )
        assert card["innovative_sme_new"]["achieved"] == trend, as_of
    assert trend == 3  # four new, one revoked; the renewal is no new title
