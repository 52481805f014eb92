"""The counting rules (docs/rules.md §4) answered from the tallies: sums over tables whose
size follows the days, tiers and districts in the registry, not its firms."""

import datetime as dt

import peewee as pw

from registry.db import is_sqlite, rows_of
from registry.models import NEVER, CertificationTally, HoldingTally, TakeoverTally, Tier

T, H, R = CertificationTally, HoldingTally, TakeoverTally


def _unrevoked_on(day: dt.date):
    return (T.revoked_on > day) | (T.revoked_on == NEVER)


def _new_in(year: int, as_of: dt.date):
    """New certifications of `year`: no renewals, announced and unrevoked at as_of."""
    return (
        (T.year == year)
        & (T.renewal == False)  # noqa: E712
        & (T.certified_on <= as_of)
        & _unrevoked_on(as_of)
    )


def annual_counts(year: int, as_of: dt.date, district: str | None = None) -> dict[str, int]:
    """New certifications of `year` per tier: no renewals, announced and unrevoked at as_of."""
    return {tier: int(n) for tier, n in rows_of(_annual, year, as_of, district) if n}


def _annual(year: int, as_of: dt.date, district: str | None) -> pw.Query:
    query = T.select(T.tier, pw.fn.SUM(T.n)).where(_new_in(year, as_of))
    if district:
        query = query.where(T.district == district)
    return query.group_by(T.tier)


def annual_counts_by_district(year: int, as_of: dt.date) -> dict[tuple[str, str], int]:
    """annual_counts of every district at once: {(district, tier): n}."""
    rows = rows_of(_annual_by_district, year, as_of)
    return {(district, tier): int(n) for district, tier, n in rows if n}


def _annual_by_district(year: int, as_of: dt.date) -> pw.Query:
    return (
        T.select(T.district, T.tier, pw.fn.SUM(T.n))
        .where(_new_in(year, as_of))
        .group_by(T.district, T.tier)
    )


def _held(day: dt.date):
    """Firms holding a tier (or higher) on `day`: those whose holding ends on or after it, less
    those whose holding only begins after it (summed over rows from `day` on)."""
    held = pw.fn.SUM(H.ends) - pw.fn.SUM(pw.Case(None, [(H.day > day, H.starts)], 0))
    return pw.fn.COALESCE(held, 0)


def stock_counts(tiers: list[str], day: dt.date, district: str | None = None) -> dict[str, int]:
    """Enterprises holding, on `day`, each tier (or a higher one in its ladder), in one query."""
    if not tiers:
        return {}
    return {tier: int(n) for tier, n in rows_of(_stocks, tuple(tiers), day, district) if n}


def _stocks(tiers: tuple[str, ...], day: dt.date, district: str | None) -> pw.Query:
    query = H.select(H.tier, _held(day)).where(H.tier.in_(list(tiers)) & (H.day >= day))
    if district:
        query = query.where(H.district == district)
    return query.group_by(H.tier)


def stock_count(tier: Tier, day: dt.date, district: str | None = None) -> int:
    """Enterprises holding, on `day`, an active certification of `tier` or higher in its ladder."""
    return stock_counts([tier.key], day, district).get(tier.key, 0)


def stock_counts_by_district(tier: Tier, day: dt.date) -> dict[str, int]:
    """stock_count of every district at once (a firm is in one district: they add up)."""
    return {district: int(n) for district, n in rows_of(_stocks_by_district, tier.key, day) if n}


def _stocks_by_district(tier: str, day: dt.date) -> pw.Query:
    return (
        H.select(H.district, _held(day))
        .where((H.tier == tier) & (H.day >= day))
        .group_by(H.district)
    )


def _status_on(day: dt.date):
    return pw.Case(
        None,
        [
            ((T.revoked_on <= day) & (T.revoked_on != NEVER), "revoked"),
            (T.valid_until < day, "expired"),
        ],
        "active",
    )


def month_of(day: pw.Field):
    """`YYYY-MM` of a date column, in each engine's SQL. The format is a literal, not a
    parameter: PostgreSQL sees two parameters as two expressions, and refuses to GROUP BY one
    while selecting the other."""
    if is_sqlite():
        return pw.fn.strftime(pw.SQL("'%Y-%m'"), day)
    return pw.fn.to_char(day, pw.SQL("'YYYY-MM'"))


def year_of(day: pw.Field):
    """The year of a date column, as an integer, in each engine's SQL."""
    if is_sqlite():
        return pw.Cast(pw.fn.strftime(pw.SQL("'%Y'"), day), "INTEGER")
    return pw.Cast(pw.fn.date_part(pw.SQL("'year'"), day), "INTEGER")


def certification_stats(*, group_by: list[str], as_of: dt.date, filters: dict) -> dict:
    """Certification counts grouped by any of year, tier, district, status (at as_of), month
    (`YYYY-MM` of certified_on), renewal and expiry_year (of valid_until)."""
    columns = {
        "year": T.year,
        "tier": T.tier,
        "district": T.district,
        "status": _status_on(as_of),
        "month": month_of(T.certified_on),
        "renewal": T.renewal,
        "expiry_year": year_of(T.valid_until),
    }
    selected = [columns[key].alias(key) for key in group_by]
    count = pw.fn.COALESCE(pw.fn.SUM(T.n), 0)
    query = T.select(*selected, count.alias("count")).where(T.certified_on <= as_of)
    for key, value in filters.items():
        if value is not None:
            query = query.where(columns[key] == value)
    if group_by:
        # By position: the status CASE carries a bound date, and PostgreSQL would not see two
        # copies of it (in SELECT and GROUP BY) as the same expression.
        positions = [pw.SQL(str(i)) for i in range(1, len(group_by) + 1)]
        # Groups whose certifications all moved on (a firm moved, a title revoked) leave rows
        # of zero behind: no certification, no group, as a count of the rows would give.
        query = query.group_by(*positions).having(count > 0).order_by(*positions)
    rows = [
        {**{key: row[key] for key in group_by}, "count": int(row["count"])} for row in query.dicts()
    ]
    for row in rows:
        if "renewal" in row:
            row["renewal"] = bool(row["renewal"])
    return {"group_by": group_by, "as_of": as_of, "rows": rows}


def renewal_season(year: int, as_of: dt.date, district: str | None = None) -> list[dict]:
    """Per tier, the titles ending in `year` (announced by `as_of`, not revoked before their
    end), the last day one of them ends and the days from as_of to it (0 once past), and how
    many of them `as_of` finds renewed or outranked (TakeoverTally)."""
    ending = {
        tier: (int(n), last) for tier, n, last in rows_of(_expiring, year, as_of, district) if n
    }
    taken_counts = dict(rows_of(_taken_over, year, as_of, district))
    season = []
    for tier, (n, last) in sorted(ending.items()):
        last = last if isinstance(last, dt.date) else dt.date.fromisoformat(str(last)[:10])
        taken = int(taken_counts.get(tier) or 0)
        season.append(
            {
                "tier": tier,
                "expiring": n,
                "renewed_or_superseded": taken,
                "open": n - taken,
                "ends_on": last,
                "days_left": max((last - as_of).days, 0),
            }
        )
    return season


def _expiring(year: int, as_of: dt.date, district: str | None) -> pw.Query:
    ending = (T.valid_until >= dt.date(year, 1, 1)) & (T.valid_until <= dt.date(year, 12, 31))
    kept = (T.revoked_on == NEVER) | (T.revoked_on > T.valid_until)
    columns = (T.tier, pw.fn.SUM(T.n), pw.fn.MAX(T.valid_until))
    query = T.select(*columns).where(ending & kept & (T.certified_on <= as_of))
    if district:
        query = query.where(T.district == district)
    return query.group_by(T.tier)


def _taken_over(year: int, as_of: dt.date, district: str | None) -> pw.Query:
    taken = pw.fn.SUM(R.ends) - pw.fn.SUM(pw.Case(None, [(R.day > as_of, R.starts)], 0))
    query = R.select(R.tier, taken).where((R.expiry_year == year) & (R.day >= as_of))
    if district:
        query = query.where(R.district == district)
    return query.group_by(R.tier)
