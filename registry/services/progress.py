"""Progress against a plan's targets, and certification statistics (docs/rules.md §4).

The counts are sums over the tallies every write keeps (registry.services.aggregates): a
recount after a write reads small tables, never the certifications. The web layer keeps the
answers under the registry's version, so a poll between two writes recounts nothing.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import peewee as pw

from registry.db import database
from registry.models import (
    CITY_WIDE,
    District,
    Figure,
    Measure,
    Plan,
    Target,
    TargetAllocation,
    Tier,
)
from registry.services import version
from registry.services.aggregates import counts
from registry.services.catalog import check_district
from registry.services.errors import invalid_field
from registry.services.versioned_cache import VersionedCache

PACE_TOLERANCE = 0.10  # within 10 % of the expected count is on track
# A district's row of a target the plan does not allocate: counts only, no target to be behind of
UNALLOCATED = ("target", "remaining", "completion", "expected", "pace", "met")


def default_year(plan: Plan, as_of: dt.date) -> int:
    """The plan year a dashboard means by default: the current one, or the nearest in the plan."""
    return min(max(as_of.year, plan.first_year), plan.last_year)


def period(plan: Plan, as_of: dt.date) -> str:
    """`ended` once the plan's last year is over at as_of (its figures are final), else
    `running`."""
    return "ended" if as_of > dt.date(plan.last_year, 12, 31) else "running"


def annual_counts(year: int, as_of: dt.date, district: str | None) -> dict[str, int]:
    """New certifications of `year` per tier: no renewals, announced and unrevoked at as_of."""
    return counts.annual_counts(year, as_of, district)


def stock_count(tier: Tier, day: dt.date, district: str | None) -> int:
    """Enterprises holding, on `day`, an active certification of `tier` or higher in its ladder."""
    return counts.stock_count(tier, day, district)


def _span_share(first_year: int, last_year: int, day: dt.date) -> float:
    """The share of the years first_year to last_year elapsed at `day`."""
    start, end = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    days = (end - start).days + 1
    return min(max((day - start).days + 1, 0), days) / days


# A plan year's targets and allocations, per process: they change with the catalog only
# (aggregates.catalog_changed), not with every write.
_LAYOUTS = VersionedCache(size=256)


def targets_of(plan: Plan, year: int) -> list[Target]:
    """`_targets_of`, kept per process until the catalog changes."""
    key = ("targets", database.obj.database, plan.id, year)
    return version.per_catalog(_LAYOUTS, key, lambda: _targets_of(plan, year))


def _targets_of(plan: Plan, year: int) -> list[Target]:
    """The targets a year's progress shows, in the plan's order: those of the year, and every
    stock the plan sets for its end or a later year with no target of its key in this one
    (头雁 10 by 2025 in the 2023 view). Each carries `paced_from`: the first year of the span
    its expected share runs over (the year itself for annual targets; for a stock, from the
    plan's start or the year after its key's previous target, to the target's year)."""
    every = list(
        Target.select(Target, Tier, Measure)
        .join(Tier, pw.JOIN.LEFT_OUTER)
        .switch(Target)
        .join(Measure, pw.JOIN.LEFT_OUTER)
        .where(Target.plan == plan)
        .order_by(Target.position, Target.id)
    )
    years_of: dict[str, list[int]] = {}
    for t in every:
        years_of.setdefault(t.key, []).append(t.year)
    shown = []
    for t in every:
        years = years_of[t.key]
        if t.kind == "annual":
            t.paced_from = t.year
            wanted = t.year == year
        else:
            t.paced_from = max([y + 1 for y in years if y < t.year], default=plan.first_year)
            # this year's target of the key, else its nearest later one
            wanted = t.year == min([y for y in years if y >= year], default=None)
        if wanted:
            shown.append(t)
    return shown


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


def _cents(total) -> Decimal:
    """A sum of figures (SQLite sums decimals as floats: 906.2800000000001) to the cent."""
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def _figures(years: range | list[int]) -> pw.ModelSelect:
    return Figure.select(Figure.measure, Figure.year, pw.fn.SUM(Figure.value).alias("total")).where(
        Figure.year.in_(list(years))
    )


def figure_sums(years: range | list[int], district: str | None) -> dict[tuple[str, int], Decimal]:
    """Recorded figures summed per (measure, year), all districts or one."""
    query = _figures(years)
    if district:
        query = query.where(Figure.district == district)
    query = query.group_by(Figure.measure, Figure.year)
    return {(row.measure_id, row.year): _cents(row.total) for row in query}


def figure_sums_by_district(years: range | list[int]) -> dict[str, dict[tuple[str, int], Decimal]]:
    """figure_sums of every district at once (city-wide figures belong to none)."""
    query = _figures(years).select_extend(Figure.district).where(Figure.district != CITY_WIDE)
    sums: dict[str, dict[tuple[str, int], Decimal]] = {}
    for row in query.group_by(Figure.measure, Figure.year, Figure.district):
        sums.setdefault(row.district, {})[(row.measure_id, row.year)] = _cents(row.total)
    return sums


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


def _check_year(plan: Plan, year: int) -> None:
    if not plan.first_year <= year <= plan.last_year:
        raise invalid_field(
            "year", "plan.year_outside", plan=plan.id, first=plan.first_year, last=plan.last_year
        )


def allocations_of(plan: Plan, year: int, targets: list[Target]) -> dict[int, dict[str, int]]:
    """{target id: {district: value}} for the targets the plan divides among districts (kept
    per process until the catalog changes, as the targets are)."""

    def load() -> dict[int, dict[str, int]]:
        allocations: dict[int, dict[str, int]] = {}
        ids = [t.id for t in targets]
        for a in TargetAllocation.select().where(TargetAllocation.target.in_(ids)):
            allocations.setdefault(a.target_id, {})[a.district_id] = a.value
        return allocations

    key = ("allocations", database.obj.database, plan.id, year)
    return version.per_catalog(_LAYOUTS, key, load)


class _Year:
    """What a year's progress needs of one target: its pace share and how to count it."""

    def __init__(self, plan: Plan, year: int, as_of: dt.date):
        self.plan, self.year, self.as_of = plan, year, as_of
        self.stock_day = min(as_of, dt.date(year, 12, 31))
        self.years = range(plan.first_year, year + 1)

    def share(self, target: Target) -> float:
        """The share of the target expected by as_of: of its year, or for a stock of the span
        of years it is built over (to reach later: pace toward the end)."""
        return _span_share(target.paced_from, target.year, self.stock_day)

    def achieved(self, target: Target, flows: dict, sums: dict, stock: Callable) -> Decimal | int:
        """`flows`: {tier: new certifications}; `sums`: {(measure, year): figure};
        `stock(tier)`: holders at the stock day."""
        if target.measure_id:
            return _measure_achieved(target, target.measure, self.year, self.plan, sums)
        if target.kind == "annual":
            return flows.get(target.tier_id, 0)
        return stock(target.tier)

    def measured(self, target: Target, achieved, value: int) -> dict:
        expected = round(value * self.share(target), 2)
        return {
            "target": value,
            "achieved": _number(achieved),
            "remaining": _number(remaining(achieved, value, target.comparator)),
            "completion": round(float(achieved) / value, 4) if value else 1.0,
            "expected": expected,
            "pace": pace(float(achieved), value, expected, target.comparator),
            "met": met(float(achieved), value, target.comparator),
        }


def _described(target: Target) -> dict:
    subject = target.tier if target.tier_id else target.measure
    return {
        "key": target.key,
        "tier": target.tier_id,
        "measure": target.measure_id,
        "kind": target.kind,
        "comparator": target.comparator,
        "year": target.year,
        "label_zh": target.label_zh or subject.label_zh,
        "label_en": target.label_en or subject.label_en,
        "unit_zh": target.measure.unit_zh if target.measure_id else "家",
        "city_target": target.value,
    }


def progress(plan: Plan, *, year: int, as_of: dt.date, district: str | None = None) -> dict:
    """Each target of `year`, and each stock to reach by a later year (targets_of): target,
    achieved, remaining, completion, expected, pace. With a district, a target the plan
    allocates among districts shows the district's allocation."""
    _check_year(plan, year)
    check_district(district)
    targets = targets_of(plan, year)
    allocations = allocations_of(plan, year, targets) if district else {}
    flows = annual_counts(year, as_of, district)
    span = _Year(plan, year, as_of)
    sums = figure_sums(span.years, district) if targets else {}
    stocks = counts.stock_counts(  # every stock of the year in one query
        [t.tier_id for t in targets if t.tier_id and t.kind != "annual"], span.stock_day, district
    )

    def stock(tier: Tier) -> int:
        return stocks.get(tier.key, 0)

    rows = []
    for target in targets:
        allocated = target.id in allocations
        value = allocations[target.id].get(district, 0) if allocated else target.value
        achieved = span.achieved(target, flows, sums, stock)
        rows.append(
            {**_described(target), "allocated": allocated, **span.measured(target, achieved, value)}
        )
    return {
        "plan_id": plan.id,
        "year": year,
        "as_of": as_of,
        "period": period(plan, as_of),
        "district": district,
        "targets": rows,
        # the season of the calendar year at as_of, whatever plan year is shown
        "renewal_year": as_of.year,
        "renewals": counts.renewal_season(as_of.year, as_of, district),
    }


def districts_progress(plan: Plan, *, year: int, as_of: dt.date) -> dict:
    """The city's progress (as `progress`) and every district's in one answer. A district's
    count of a target is shown with its share of the city's count; against the district's own
    allocation (target, completion, expected, pace) only where the plan allocates that target:
    a city-wide target is never set against one district's count."""
    city = progress(plan, year=year, as_of=as_of)
    targets = targets_of(plan, year)
    allocations = allocations_of(plan, year, targets)
    span = _Year(plan, year, as_of)
    flows: dict[str, dict[str, int]] = {}
    for (district, tier), n in counts.annual_counts_by_district(year, as_of).items():
        flows.setdefault(district, {})[tier] = n
    sums = figure_sums_by_district(span.years)
    stocks = {
        t.tier_id: counts.stock_counts_by_district(t.tier, span.stock_day)
        for t in targets
        if t.tier_id and t.kind != "annual"
    }
    city_achieved = {row["key"]: row["achieved"] for row in city["targets"]}
    districts = []
    for code in District.select(District.code).order_by(District.code).tuples():
        code = code[0]

        def stock(tier: Tier, code=code) -> int:
            return stocks[tier.key].get(code, 0)

        rows = []
        for target in targets:
            achieved = span.achieved(target, flows.get(code, {}), sums.get(code, {}), stock)
            whole = city_achieved[target.key]
            row = {
                "key": target.key,
                "achieved": _number(achieved),
                "share": round(float(achieved) / whole, 4) if whole else None,
                "allocated": target.id in allocations,
            }
            if row["allocated"]:
                value = allocations[target.id].get(code, 0)
                row.update(span.measured(target, achieved, value))
            else:
                row.update(dict.fromkeys(UNALLOCATED))
            rows.append(row)
        districts.append({"district": code, "targets": rows})
    del city["district"]
    return {**city, "districts": districts}


def certification_stats(*, group_by: list[str], as_of: dt.date, filters: dict) -> dict:
    """Certification counts grouped by any of year, tier, district, status (at as_of), month
    (`YYYY-MM` of certified_on), renewal and expiry_year (of valid_until): from the tallies."""
    check_district(filters.get("district"))
    return counts.certification_stats(group_by=group_by, as_of=as_of, filters=filters)
