"""Progress against a plan's targets, and certification statistics (DOMAIN.md §3).

Both are computed by one GROUP BY over the certifications; `registry.services.aggregates`
caches the results under the registry's version, which every write bumps, so a poll between
two writes never touches the certifications table.
"""

import calendar
import datetime as dt

import peewee as pw

from registry.db import is_sqlite
from registry.models import Certification, District, Enterprise, Ladder, Plan, Target, Tier
from registry.services.errors import invalid_field

PACE_TOLERANCE = 0.10  # within 10 % of the expected count is on track
STATS_KEYS = ("year", "tier", "district", "status", "month")


def default_year(plan: Plan, as_of: dt.date) -> int:
    """The plan year a dashboard means by default: the current one, or the nearest in the plan."""
    return min(max(as_of.year, plan.first_year), plan.last_year)


def _check_district(district: str | None, location: str = "query") -> None:
    if district and not District.select().where(District.code == district).exists():
        raise invalid_field("district", f"unknown district code {district!r}", location=location)


def _active_on(day: dt.date):
    """Certifications active on `day`: announced, not expired, not revoked."""
    return (
        (Certification.certified_on <= day)
        & (Certification.valid_until >= day)
        & (Certification.revoked_on.is_null() | (Certification.revoked_on > day))
    )


def _in_district(query: pw.ModelSelect, district: str | None) -> pw.ModelSelect:
    if district:
        return query.join(Enterprise).where(Enterprise.district == district)
    return query


def annual_counts(year: int, as_of: dt.date, district: str | None) -> dict[str, int]:
    """New certifications of `year` per tier: no renewals, announced and unrevoked at as_of."""
    query = (
        Certification.select(Certification.tier, pw.fn.COUNT(Certification.id).alias("n"))
        .where(
            (Certification.year == year)
            & (Certification.renewal == False)  # noqa: E712
            & (Certification.certified_on <= as_of)
            & (Certification.revoked_on.is_null() | (Certification.revoked_on > as_of))
        )
        .group_by(Certification.tier)
    )
    return {row.tier_id: row.n for row in _in_district(query, district)}


def stock_count(tier: Tier, day: dt.date, district: str | None) -> int:
    """Enterprises holding, on `day`, an active certification of `tier` or higher in its ladder."""
    higher = Tier.select(Tier.key).where((Tier.ladder == tier.ladder_id) & (Tier.rank >= tier.rank))
    query = Certification.select(pw.fn.COUNT(Certification.enterprise.distinct())).where(
        Certification.tier.in_(higher) & _active_on(day)
    )
    return _in_district(query, district).scalar() or 0


def _elapsed_share(year: int, as_of: dt.date) -> float:
    start, days = dt.date(year, 1, 1), (366 if calendar.isleap(year) else 365)
    elapsed = min(max((as_of - start).days + 1, 0), days)
    return elapsed / days


def pace(achieved: int, target: int, expected: float) -> str:
    if achieved >= target:
        return "achieved"
    if abs(achieved - expected) <= PACE_TOLERANCE * expected or achieved == expected:
        return "on_track"
    return "ahead" if achieved > expected else "behind"


def progress(plan: Plan, *, year: int, as_of: dt.date, district: str | None = None) -> dict:
    """Each target of `year`: target, achieved, remaining, completion, expected, pace."""
    if not plan.first_year <= year <= plan.last_year:
        raise invalid_field(
            "year", f"plan {plan.id} covers {plan.first_year}–{plan.last_year}", location="query"
        )
    _check_district(district)
    targets = list(
        Target.select(Target, Tier)
        .join(Tier)
        .join(Ladder)
        .where((Target.plan == plan) & (Target.year == year))
        .order_by(Target.kind, Ladder.primary.desc(), Ladder.key, Tier.rank)
    )
    flows = annual_counts(year, as_of, district)
    stock_day = min(as_of, dt.date(year, 12, 31))
    share = _elapsed_share(year, as_of)
    rows = []
    for target in targets:
        if target.kind == "annual":
            achieved = flows.get(target.tier_id, 0)
        else:
            achieved = stock_count(target.tier, stock_day, district)
        expected = round(target.value * share, 2)
        rows.append(
            {
                "tier": target.tier_id,
                "kind": target.kind,
                "target": target.value,
                "achieved": achieved,
                "remaining": max(target.value - achieved, 0),
                "completion": round(achieved / target.value, 4) if target.value else 1.0,
                "expected": expected,
                "pace": pace(achieved, target.value, expected),
            }
        )
    return {
        "plan_id": plan.id,
        "year": year,
        "as_of": as_of,
        "district": district,
        "targets": rows,
    }


def _status_on(day: dt.date):
    return pw.Case(
        None,
        [
            (
                Certification.revoked_on.is_null(False) & (Certification.revoked_on <= day),
                "revoked",
            ),
            (Certification.valid_until < day, "expired"),
        ],
        "active",
    )


def _month_of(day: pw.Field):
    """`YYYY-MM` of a date column, in each engine's SQL. The format is a literal, not a
    parameter: PostgreSQL sees two parameters as two expressions, and refuses to GROUP BY one
    while selecting the other."""
    if is_sqlite():
        return pw.fn.strftime(pw.SQL("'%Y-%m'"), day)
    return pw.fn.to_char(day, pw.SQL("'YYYY-MM'"))


def certification_stats(*, group_by: list[str], as_of: dt.date, filters: dict) -> dict:
    """Certification counts grouped by any of year, tier, district, status (at as_of) and
    month (`YYYY-MM` of certified_on)."""
    _check_district(filters.get("district"))
    columns = {
        "year": Certification.year,
        "tier": Certification.tier,
        "district": Enterprise.district,
        "status": _status_on(as_of),
        "month": _month_of(Certification.certified_on),
    }
    selected = [columns[key].alias(key) for key in group_by]
    query = (
        Certification.select(*selected, pw.fn.COUNT(Certification.id).alias("count"))
        .join(Enterprise)
        .where(Certification.certified_on <= as_of)
    )
    for key, value in filters.items():
        if value is not None:
            query = query.where(columns[key] == value)
    if group_by:
        # By position: the status CASE carries a bound date, and PostgreSQL would not see two
        # copies of it (in SELECT and GROUP BY) as the same expression.
        positions = [pw.SQL(str(i)) for i in range(1, len(group_by) + 1)]
        query = query.group_by(*positions).order_by(*positions)
    rows = [{**{key: row[key] for key in group_by}, "count": row["count"]} for row in query.dicts()]
    return {"group_by": group_by, "as_of": as_of, "rows": rows}
