"""The funnel and its forecast: a known history's rates, expected count and 90 % interval
(computed by hand below), the clipping, no forecast without history, at risk, a district's
allocation, as_of, polled as progress is (ETag, 304, computed again after a write), and who
may read it."""

import datetime as dt
from collections import Counter

import pytest

from registry.models import Application, Enterprise, Target, TargetAllocation, Tier
from registry.services import applications, pipeline, version
from registry.services.scope import CLI_ACTOR
from tests.support.codes import DISTRICT, OTHER_DISTRICT

API = "/api/v1"
PLAN = "xinxiang-2023-2025"
URL = f"{API}/plans/{PLAN}/pipeline"
TIER = "innovative_sme"
NONE_OPEN = {s: 0 for s in applications.STAGES}


# The arithmetic on its own ------------------------------------------------------------------


def test_rates_expected_and_interval_of_a_known_history():
    # 10 closed at publicized (9 certified), 20 closed at applied (6 certified)
    history = pipeline.History(
        closed=_counter(publicized=10, applied=20), certified=_counter(publicized=9, applied=6)
    )
    rates = {s: history.rate(s) for s in applications.STAGES}
    # reached publicized (and so reviewed, recommended): 9 of 10; applied: 15 of 30
    assert rates == {
        "candidate": 0.5,
        "applied": 0.5,
        "recommended": 0.9,
        "reviewed": 0.9,
        "publicized": 0.9,
    }
    # open: 4 publicized, 10 applied; 2 certified so far
    # expected = 2 + 4 × 0.9 + 10 × 0.5 = 10.6
    # sd = sqrt(4 × 0.9 × 0.1 + 10 × 0.5 × 0.5) = sqrt(2.86) = 1.69115; × 1.645 = 2.78195
    told = pipeline.forecast(2, {**NONE_OPEN, "publicized": 4, "applied": 10}, rates)
    assert told == {"forecast": {"expected": 10.6, "low": 7.8, "high": 13.4}, "reason": None}


def test_the_interval_is_clipped_to_what_can_happen():
    rates = dict.fromkeys(applications.STAGES, 0.9)
    # one open at 0.9: 2.9 ∓ 1.645 × 0.3 = [2.4065, 3.3935]; no more than 2 + 1 can be certified
    told = pipeline.forecast(2, {**NONE_OPEN, "publicized": 1}, rates)
    assert told["forecast"] == {"expected": 2.9, "low": 2.4, "high": 3.0}
    # nothing open: certified is all there will be
    assert pipeline.forecast(7, NONE_OPEN, rates)["forecast"] == {
        "expected": 7,
        "low": 7,
        "high": 7,
    }


def test_no_forecast_where_a_stage_with_open_applications_has_no_history():
    history = pipeline.History(closed=_counter(applied=3), certified=_counter(applied=1))
    rates = {s: history.rate(s) for s in applications.STAGES}
    assert rates["reviewed"] is None and rates["applied"] == pytest.approx(1 / 3)
    told = pipeline.forecast(0, {**NONE_OPEN, "reviewed": 2, "applied": 1}, rates)
    assert told["forecast"] is None
    assert told["reason"].code == "pipeline.no_history"
    assert "reviewed" in told["reason"] and "市级审核" in told["reason"].text("zh")
    # a stage with no history but nothing open stands in no forecast's way
    assert pipeline.forecast(0, {**NONE_OPEN, "applied": 3}, rates)["forecast"] == {
        "expected": 1.0,
        "low": 0.0,
        "high": 2.3,
    }


def _counter(**values):
    return Counter(values)


# Through the API, from applications written by the services ---------------------------------


def _firm(code):
    return Enterprise.get(Enterprise.credit_code == code)


def _closed(firm, year, highest, outcome):
    """An application of `year` that reached `highest` and was closed by `outcome`."""
    application = applications.create(CLI_ACTOR, firm, Tier.get_by_id(TIER), year, stage=highest)
    application.enterprise = firm
    reason = "不符合条件" if outcome == "rejected" else None
    return applications.move(CLI_ACTOR, application, outcome, reason=reason)


@pytest.fixture
def history(app, register, certify):
    """2024: 10 closed at publicized (9 certified, 1 rejected), 20 at applied (6 certified,
    10 rejected, 4 withdrawn). 2025: 2 titles (one each in two districts); open: 4 publicized
    (3 in the bureau's district), 9 applied (all there); one rejected. The quota of 2025 is
    set to 12, allocated 7 to the bureau's district and 5 to the other."""
    here = [register(f"funnel-{i}") for i in range(14)]
    there = [register(f"funnel-there-{i}", district=OTHER_DISTRICT) for i in range(2)]
    for code in (here[0], there[0]):
        assert certify(code, TIER, "2025-06-20", year=2025).status_code == 201
    with app.app_context():
        old = _firm(here[13])  # closed applications may follow each other
        outcomes = ["certified"] * 9 + ["rejected"]
        for outcome in outcomes:
            _closed(old, 2024, "publicized", outcome)
        for outcome in ["certified"] * 6 + ["rejected"] * 10 + ["withdrawn"] * 4:
            _closed(old, 2024, "applied", outcome)
        firms = [_firm(c) for c in here[1:4]] + [_firm(there[1])]
        for firm in firms:
            applications.create(CLI_ACTOR, firm, Tier.get_by_id(TIER), 2025, stage="publicized")
        for code in here[4:13]:
            applications.create(CLI_ACTOR, _firm(code), Tier.get_by_id(TIER), 2025)
        applications.create(CLI_ACTOR, _firm(there[1]), Tier.get_by_id("specialized_sme"), 2025)
        _closed(_firm(here[13]), 2025, "applied", "rejected")
        target = Target.get((Target.tier == TIER) & (Target.year == 2025))
        Target.update(value=12).where(Target.id == target.id).execute()
        TargetAllocation.insert_many(
            [(target.id, DISTRICT, 7), (target.id, OTHER_DISTRICT, 5)],
            fields=[TargetAllocation.target, TargetAllocation.district, TargetAllocation.value],
        ).execute()
        version.increment(version.CATALOG)
    return here


def _tier(answer, key=TIER):
    return next(t for t in answer["tiers"] if t["tier"] == key)


def test_the_funnel_of_a_known_history(client, auth, history):
    reply = client.get(f"{URL}?year=2025&as_of=2025-12-31", headers=auth["dashboard"])
    assert reply.status_code == 200, reply.json
    answer = reply.json
    assert (answer["plan"], answer["year"], answer["district"]) == (PLAN, 2025, None)
    assert answer["as_of"] == "2025-12-31"
    row = _tier(answer)
    assert row["stages"] == {
        "candidate": 0,
        "applied": 9,
        "recommended": 0,
        "reviewed": 0,
        "publicized": 4,
    }
    assert row["closed"] == {"certified": 0, "rejected": 1, "withdrawn": 0}
    assert row["rates"] == {
        "candidate": 0.5,
        "applied": 0.5,
        "recommended": 0.9,
        "reviewed": 0.9,
        "publicized": 0.9,
    }
    # expected = 2 + 4 × 0.9 + 9 × 0.5 = 10.1; sd = sqrt(0.36 + 2.25) = 1.61555; × 1.645 = 2.6576
    assert row["certified"] == 2 and row["quota"] == 12
    assert row["forecast"] == {"expected": 10.1, "low": 7.4, "high": 12.8}
    assert row["forecast_reason"] is None and row["at_risk"] is True
    # specialized SMEs: one open application, no history: no forecast, and why
    special = _tier(answer, "specialized_sme")
    assert special["stages"]["applied"] == 1 and special["quota"] == 50
    assert special["forecast"] is None and special["at_risk"] is None
    assert special["forecast_reason"] == "pipeline.no_history"
    assert "申报" in special["forecast_reason_zh"] and "applied" in special["forecast_reason_en"]
    assert [t["tier"] for t in answer["tiers"]][:3] == [
        "innovative_sme",
        "specialized_sme",
        "little_giant",
    ]


def test_a_district_sees_its_allocation_and_its_own_applications(client, auth, history):
    reply = client.get(
        f"{URL}?year=2025&district={DISTRICT}&as_of=2025-12-31", headers=auth["bureau"]
    )
    row = _tier(reply.json)
    assert row["quota"] == 7 and row["certified"] == 1
    assert row["stages"]["publicized"] == 3 and row["stages"]["applied"] == 9
    # the rates are the whole city's: 1 + 3 × 0.9 + 9 × 0.5 = 8.2 ≥ 7
    assert row["forecast"]["expected"] == 8.2 and row["at_risk"] is False
    other = client.get(f"{URL}?year=2025&district={OTHER_DISTRICT}", headers=auth["dashboard"])
    assert _tier(other.json)["stages"]["publicized"] == 1
    # a target the plan does not allocate has no district quota
    assert _tier(other.json, "specialized_sme")["quota"] is None


def test_as_of_counts_the_titles_of_that_day(client, auth, history):
    before = client.get(f"{URL}?year=2025&as_of=2025-06-19", headers=auth["dashboard"]).json
    row = _tier(before)
    assert row["certified"] == 0 and row["forecast"]["expected"] == 8.1


def test_polled_as_progress_is(app, client, auth, history):
    first = client.get(f"{URL}?year=2025", headers=auth["dashboard"])
    etag = first.headers["ETag"]
    again = client.get(f"{URL}?year=2025", headers={**auth["dashboard"], "If-None-Match": etag})
    assert again.status_code == 304
    with app.app_context():  # a write: the answer is computed again
        firm = _firm(history[4])
        application = firm.applications.where(Application.is_open).get()
        application.enterprise = firm
        applications.move(CLI_ACTOR, application, "publicized", on=dt.date(2025, 9, 1))
    after = client.get(f"{URL}?year=2025", headers={**auth["dashboard"], "If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert _tier(after.json)["stages"]["publicized"] == 5


def test_who_may_read_it(client, auth, history):
    for role in ("dashboard", "bureau", "admin"):
        assert client.get(URL, headers=auth[role]).status_code == 200, role
    reply = client.get(URL, headers=auth["enterprise"])
    assert reply.status_code == 403
    assert client.get(URL).status_code == 401
    assert client.get(f"{API}/plans/nowhere/pipeline", headers=auth["admin"]).status_code == 404
    outside = client.get(f"{URL}?year=2030", headers=auth["admin"])
    assert outside.status_code == 422 and outside.json["code"] == "plan.year_outside"
