"""Progress against a plan's targets, and certification statistics (docs/rules.md §4).

Both are sums over the tallies every write keeps (registry.services.aggregates), never a scan
of the certifications; the web layer keeps the results under the registry's version
(registry.web.caching), which every write bumps, so a poll between two writes reads one row.
"""

import calendar
import datetime as dt
from decimal import Decimal

import peewee as pw

from registry.db import database
from registry.models import (
    Figure,
    Measure,
    Plan,
    Target,
    TargetAllocation,
    Tier,
)
from registry.services.aggregates import VersionedCache, counts, version
from registry.services.catalog import check_district
from registry.services.errors import invalid_field

PACE_TOLERANCE = 0.10  # within 10 % of the expected count is on track


def default_year(plan: Plan, as_of: dt.date) -> int:
    """The plan year a dashboard means by default: the current one, or the nearest in the plan."""
    return min(max(as_of.year, plan.first_year), plan.last_year)


def annual_counts(year: int, as_of: dt.date, district: str | None) -> dict[str, int]:
    """New certifications of `year` per tier: no renewals, announced and unrevoked at as_of."""
    return counts.annual_counts(year, as_of, district)


def stock_count(tier: Tier, day: dt.date, district: str | None) -> int:
    """Enterprises holding, on `day`, an active certification of `tier` or higher in its ladder."""
    return counts.stock_count(tier, day, district)


def _elapsed_share(year: int, as_of: dt.date) -> float:
    start, days = dt.date(year, 1, 1), (366 if calendar.isleap(year) else 365)
    elapsed = min(max((as_of - start).days + 1, 0), days)
    return elapsed / days


def _plan_share(plan: Plan, day: dt.date) -> float:
    """The share of the plan's whole span elapsed at `day` (for by_plan_end targets)."""
    start, end = dt.date(plan.first_year, 1, 1), dt.date(plan.last_year, 12, 31)
    days = (end - start).days + 1
    return min(max((day - start).days + 1, 0), days) / days


def met(achieved: float, target: float, comparator: str = "at_least") -> bool:
    """Whether `achieved` meets the target as the plan words it (以上, 突破, 左右)."""
    if comparator == "more_than":
        return achieved > target
    if comparator == "about":  # 左右: within 10 % below counts, and more is no failure
        return achieved >= target * (1 - PACE_TOLERANCE)
    return achieved >= target


def remaining(achieved: float, target: float, comparator: str = "at_least") -> float:
    """How much is still missing: for `more_than`, up to one unit above the target."""
    goal = target + 1 if comparator == "more_than" else target
    return max(goal - achieved, 0)


def pace(achieved: float, target: float, expected: float, comparator: str = "at_least") -> str:
    if met(achieved, target, comparator):
        return "achieved"
    if abs(achieved - expected) <= PACE_TOLERANCE * expected or achieved == expected:
        return "on_track"
    return "ahead" if achieved > expected else "behind"


def figure_sums(years: range | list[int], district: str | None) -> dict[tuple[str, int], Decimal]:
    """Recorded figures summed per (measure, year), all districts or one."""
    query = Figure.select(Figure.measure, Figure.year, pw.fn.SUM(Figure.value).alias("total"))
    query = query.where(Figure.year.in_(list(years)))
    if district:
        query = query.where(Figure.district == district)
    query = query.group_by(Figure.measure, Figure.year)
    return {(row.measure_id, row.year): Decimal(str(row.total or 0)) for row in query}


def _measure_achieved(target, measure: Measure, year: int, plan: Plan, sums: dict) -> Decimal:
    """A measure's figure for a target: one year's for annual targets and for levels (the
    year-end stock); for flows toward a stock, every plan year up to `year`."""
    if target.kind == "annual" or measure.tally == "level":
        return sums.get((measure.key, year), Decimal(0))
    return sum(
        (sums.get((measure.key, y), Decimal(0)) for y in range(plan.first_year, year + 1)),
        Decimal(0),
    )


def _number(value):
    """An integral value as an int (counts stay 3, not 3.0); others as a float."""
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


# A plan year's targets and a district's allocations, per process: they change with the catalog
# only (aggregates.catalog_changed), not with every write.
_LAYOUTS = VersionedCache(size=256)


def _layout(plan: Plan, year: int, district: str | None) -> tuple[list[Target], dict[int, int]]:
    """The targets of `year` (and the by_plan_end ones) in the plan's order, and with a district
    the allocation of each target the plan divides among districts."""

    def load():
        targets = list(
            Target.select(Target, Tier, Measure)
            .join(Tier, pw.JOIN.LEFT_OUTER)
            .switch(Target)
            .join(Measure, pw.JOIN.LEFT_OUTER)
            .where((Target.plan == plan) & ((Target.year == year) | (Target.kind == "by_plan_end")))
            .order_by(Target.position, Target.id)
        )
        allocations: dict[int, int] = {}
        if district:
            ids = [t.id for t in targets]
            allocated = TargetAllocation.select(TargetAllocation.target)
            allocations = {
                a.target_id: 0 for a in allocated.where(TargetAllocation.target.in_(ids))
            }
            for a in TargetAllocation.select().where(
                TargetAllocation.target.in_(ids) & (TargetAllocation.district == district)
            ):
                allocations[a.target_id] = a.value
        return targets, allocations

    key = (database.obj.database, plan.id, year, district)
    return _LAYOUTS.get(key, version.current(version.CATALOG), load)


def progress(plan: Plan, *, year: int, as_of: dt.date, district: str | None = None) -> dict:
    """Each target of `year` (and each by_plan_end target of the plan): target, achieved,
    remaining, completion, expected, pace. With a district, a target the plan allocates among
    districts shows the district's allocation."""
    if not plan.first_year <= year <= plan.last_year:
        raise invalid_field(
            "year", f"plan {plan.id} covers {plan.first_year}–{plan.last_year}", location="query"
        )
    check_district(district, location="query")
    targets, allocations = _layout(plan, year, district)
    flows = annual_counts(year, as_of, district)
    stock_day = min(as_of, dt.date(year, 12, 31))
    stocks = counts.stock_counts(
        [t.tier_id for t in targets if t.tier_id and t.kind != "annual"], stock_day, district
    )
    sums = figure_sums(range(plan.first_year, year + 1), district) if targets else {}
    rows = []
    for target in targets:
        tier = target.tier if target.tier_id else None
        measure = target.measure if target.measure_id else None
        if measure is not None:
            achieved = _measure_achieved(target, measure, year, plan, sums)
        elif target.kind == "annual":
            achieved = flows.get(target.tier_id, 0)
        else:
            achieved = stocks.get(target.tier_id, 0)
        if target.kind == "by_plan_end":
            share = _plan_share(plan, stock_day)
        else:
            share = _elapsed_share(year, as_of)
        value = allocations.get(target.id, target.value)
        expected = round(value * share, 2)
        subject = tier or measure
        rows.append(
            {
                "key": target.key,
                "tier": target.tier_id,
                "measure": target.measure_id,
                "kind": target.kind,
                "comparator": target.comparator,
                "year": target.year,
                "label_zh": target.label_zh or subject.label_zh,
                "label_en": target.label_en or subject.label_en,
                "unit_zh": measure.unit_zh if measure else "家",
                "city_target": target.value,
                "allocated": target.id in allocations,
                "target": value,
                "achieved": _number(achieved),
                "remaining": _number(remaining(achieved, value, target.comparator)),
                "completion": round(float(achieved) / value, 4) if value else 1.0,
                "expected": expected,
                "pace": pace(float(achieved), value, expected, target.comparator),
            }
        )
    return {
        "plan_id": plan.id,
        "year": year,
        "as_of": as_of,
        "district": district,
        "targets": rows,
    }


def certification_stats(*, group_by: list[str], as_of: dt.date, filters: dict) -> dict:
    """Certification counts grouped by any of year, tier, district, status (at as_of) and
    month (`YYYY-MM` of certified_on)."""
    check_district(filters.get("district"), location="query")
    return counts.certification_stats(group_by=group_by, as_of=as_of, filters=filters)
