"""The counting rules answered by scanning the certifications, as they were before the tallies:
what `registry verify-aggregates` (and the tests) hold the tallies to."""

import datetime as dt
from dataclasses import dataclass, field

import peewee as pw

from registry.db import write_transaction
from registry.models import (
    Certification,
    CertificationTally,
    Enterprise,
    HoldingTally,
    TakeoverTally,
    Tier,
)
from registry.services import certifications
from registry.services.aggregates import counts
from registry.services.aggregates.tallies import Share, scanned
from registry.services.aggregates.upkeep import rebuild
from registry.services.applications import tally as pipeline
from registry.services.audit import record
from registry.services.clock import today
from registry.services.scope import Actor

C = Certification


def _in_district(query: pw.ModelSelect, district: str | None) -> pw.ModelSelect:
    if district:
        return query.join(Enterprise).where(Enterprise.district == district)
    return query


def annual_counts(year: int, as_of: dt.date, district: str | None = None) -> dict[str, int]:
    query = (
        C.select(C.tier, pw.fn.COUNT(C.id).alias("n"))
        .where(
            (C.year == year)
            & (C.renewal == False)  # noqa: E712
            & (C.certified_on <= as_of)
            & (C.revoked_on.is_null() | (C.revoked_on > as_of))
        )
        .group_by(C.tier)
    )
    return {row.tier_id: row.n for row in _in_district(query, district)}


def annual_counts_by_district(as_of: dt.date) -> dict[tuple[str, int, str], int]:
    """annual_counts of every district and year at once: {(district, year, tier): n}."""
    query = (
        C.select(Enterprise.district, C.year, C.tier, pw.fn.COUNT(C.id))
        .join(Enterprise)
        .where(
            (C.renewal == False)  # noqa: E712
            & (C.certified_on <= as_of)
            & (C.revoked_on.is_null() | (C.revoked_on > as_of))
        )
        .group_by(Enterprise.district, C.year, C.tier)
    )
    return {(district, year, tier): n for district, year, tier, n in query.tuples()}


def _holding(tier: Tier, day: dt.date):
    higher = Tier.select(Tier.key).where((Tier.ladder == tier.ladder_id) & (Tier.rank >= tier.rank))
    return (
        C.tier.in_(higher)
        & (C.certified_on <= day)
        & (C.valid_until >= day)
        & (C.revoked_on.is_null() | (C.revoked_on > day))
    )


def stock_counts_by_district(tier: Tier, day: dt.date) -> dict[str, int]:
    query = (
        C.select(Enterprise.district, pw.fn.COUNT(C.enterprise.distinct()))
        .join(Enterprise)
        .where(_holding(tier, day))
        .group_by(Enterprise.district)
    )
    return dict(query.tuples())


def stock_count(tier: Tier, day: dt.date, district: str | None = None) -> int:
    query = C.select(pw.fn.COUNT(C.enterprise.distinct())).where(_holding(tier, day))
    return _in_district(query, district).scalar() or 0


def _status_on(day: dt.date):
    return pw.Case(
        None,
        [
            (C.revoked_on.is_null(False) & (C.revoked_on <= day), "revoked"),
            (C.valid_until < day, "expired"),
        ],
        "active",
    )


def certification_stats(*, group_by: list[str], as_of: dt.date, filters: dict) -> dict:
    columns = {
        "year": C.year,
        "tier": C.tier,
        "district": Enterprise.district,
        "status": _status_on(as_of),
        "month": counts.month_of(C.certified_on),
        "renewal": C.renewal,
    }
    selected = [columns[key].alias(key) for key in group_by]
    query = (
        C.select(*selected, pw.fn.COUNT(C.id).alias("count"))
        .join(Enterprise)
        .where(C.certified_on <= as_of)
    )
    for key, value in filters.items():
        if value is not None:
            query = query.where(columns[key] == value)
    if group_by:
        positions = [pw.SQL(str(i)) for i in range(1, len(group_by) + 1)]
        query = query.group_by(*positions).order_by(*positions)
    rows = [{**{key: row[key] for key in group_by}, "count": row["count"]} for row in query.dicts()]
    return {"group_by": group_by, "as_of": as_of, "rows": rows}


def stored() -> Share:
    """The tallies as stored, without their rows of zero."""
    share = Share.empty()
    for *key, n in CertificationTally.select(
        *(getattr(CertificationTally, c) for c in _COUNT_KEY), CertificationTally.n
    ).tuples():
        share.counts[_key(key)] += n
    for tier, day, district, starts, ends in HoldingTally.select(
        HoldingTally.tier,
        HoldingTally.day,
        HoldingTally.district,
        HoldingTally.starts,
        HoldingTally.ends,
    ).tuples():
        share.starts[(tier, _day(day), district)] += starts
        share.ends[(tier, _day(day), district)] += ends
    for tier, year, district, day, starts, ends in TakeoverTally.select(
        TakeoverTally.tier,
        TakeoverTally.expiry_year,
        TakeoverTally.district,
        TakeoverTally.day,
        TakeoverTally.starts,
        TakeoverTally.ends,
    ).tuples():
        share.takeover_starts[(tier, year, district, _day(day))] += starts
        share.takeover_ends[(tier, year, district, _day(day))] += ends
    return share.nonzero()


_COUNT_KEY = ("year", "tier", "district", "renewal", "certified_on", "valid_until", "revoked_on")


def _day(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _key(key: list) -> tuple:
    year, tier, district, renewal, on, until, revoked = key
    return (year, tier, district, bool(renewal), _day(on), _day(until), _day(revoked))


@dataclass
class Differences:
    """What the stored tallies get wrong, and the answers that differ from a scan."""

    rows: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rows or self.answers)


def _compare_rows(name: str, mine, truth, differences: Differences) -> None:
    for key in sorted(set(mine) | set(truth), key=repr):
        if mine.get(key, 0) != truth.get(key, 0):
            shown = ", ".join(str(part) for part in key)
            differences.rows.append(
                f"{name} ({shown}): stored {mine.get(key, 0)}, scanned {truth.get(key, 0)}"
            )


def check_days(years: list[int]) -> list[dt.date]:
    """The days answers are compared on: today and the end of every year with certifications."""
    return sorted({today(), *(dt.date(year, 12, 31) for year in years)})


def verify(*, answers: bool = True) -> Differences:
    """Every tally row against the certifications (the funnel's against the applications),
    and (`answers`) the answers dashboards
    read — flows of every year, stocks of every tier — on today and each year's end against
    the scans."""
    differences = Differences()
    mine, truth = stored(), scanned().nonzero()
    for name, stored_part, scanned_part in (
        ("certifications", mine.counts, truth.counts),
        ("holdings begun", mine.starts, truth.starts),
        ("holdings ended", mine.ends, truth.ends),
        ("takeovers begun", mine.takeover_starts, truth.takeover_starts),
        ("takeovers ended", mine.takeover_ends, truth.takeover_ends),
    ):
        _compare_rows(name, stored_part, scanned_part, differences)
    _compare_rows("applications", pipeline.stored(), pipeline.scanned(), differences)
    if answers:
        _compare_answers(differences)
    return differences


def _compare_answers(differences: Differences) -> None:
    years = [y for (y,) in C.select(C.year).distinct().tuples()]
    tiers = list(Tier.select())
    for day in check_days(years):
        for year in years:
            if (got := counts.annual_counts(year, day)) != (want := annual_counts(year, day)):
                differences.answers.append(f"annual {year} on {day}: {got} != scanned {want}")
        for tier in tiers:
            got, want = counts.stock_count(tier, day), stock_count(tier, day)
            if got != want:
                differences.answers.append(f"stock {tier.key} on {day}: {got} != scanned {want}")
        for year in range(day.year - 1, day.year + 3):  # the seasons a day looks at
            got, want = counts.renewal_season(year, day), certifications.renewal_season(year, day)
            if got != want:
                differences.answers.append(f"season {year} on {day}: {got} != scanned {want}")


def repair(actor: Actor) -> None:
    """Rebuild the tallies from the certifications (the funnel's from the applications): one
    write, with its audit event (cached answers are recomputed)."""
    with write_transaction():
        share = rebuild()
        funnel = pipeline.rebuild()
        record(
            actor,
            "aggregates.rebuilt",
            "aggregates",
            district=None,
            data={
                "certifications": sum(share.counts.values()),
                "rows": len(share.counts),
                "applications": sum(funnel.values()),
            },
        )
