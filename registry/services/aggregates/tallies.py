"""The tallies: what a firm's certifications add to CertificationTally, HoldingTally and
TakeoverTally.

One function of a firm's certifications gives its share of the tables; a write changes the
tables by its firms' share after it minus their share before it. The same function, run over
every firm, rebuilds the tables from the certifications (`scanned`). Each tally depends on one
firm's titles only: a title's holding, and whether a later or higher title of the same firm
takes it over (the renewal season), are the firm's own.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

from registry.db import database
from registry.models import NEVER, Tier

ONE_DAY = dt.timedelta(days=1)


class Title(NamedTuple):
    """A certification as the counting rules read it, with its firm's district and the tiers
    its holder holds by it: its own and every lower tier of its ladder (docs/rules.md §4.5)."""

    id: int
    firm: int
    district: str
    tier: str
    year: int
    renewal: bool
    certified_on: dt.date
    valid_until: dt.date
    revoked_on: dt.date | None
    levels: tuple[str, ...]


class Share(NamedTuple):
    """What some firms add to the tables (or, as a difference, what a write changes)."""

    counts: Counter  # CertificationTally key -> n
    starts: Counter  # HoldingTally key -> starts
    ends: Counter  # HoldingTally key -> ends
    takeover_starts: Counter  # TakeoverTally key -> starts
    takeover_ends: Counter  # TakeoverTally key -> ends

    @classmethod
    def empty(cls) -> "Share":
        return cls(Counter(), Counter(), Counter(), Counter(), Counter())

    def add(self, other: "Share", sign: int = 1) -> None:
        for mine, theirs in zip(self, other, strict=True):
            for key, n in theirs.items():
                mine[key] += sign * n

    def nonzero(self) -> "Share":
        return Share(*(Counter({k: n for k, n in part.items() if n}) for part in self))


def count_key(title: Title) -> tuple:
    """CertificationTally's key of a certification."""
    return (
        title.year,
        title.tier,
        title.district,
        title.renewal,
        title.certified_on,
        title.valid_until,
        title.revoked_on or NEVER,
    )


def last_day(title: Title) -> dt.date:
    """The last day the certification is active: its validity, cut by a revocation (a title
    revoked on a day is no longer active that day)."""
    if title.revoked_on is None:
        return title.valid_until
    return min(title.valid_until, title.revoked_on - ONE_DAY)


def _holding_spans(spans: list[tuple[dt.date, dt.date]]) -> Iterator[tuple[dt.date, dt.date]]:
    """Overlapping or touching spans of days (first, last) merged: the days a firm holds."""
    current = None
    for first, last in sorted(spans):
        if current is not None and (first - current[1]).days <= 1:
            current = (current[0], max(current[1], last))
            continue
        if current is not None:
            yield current
        current = (first, last)
    if current is not None:
        yield current


def _taken_over(title: Title, titles: list[Title]) -> list[tuple[dt.date, dt.date]]:
    """The days `title` is taken over (certifications.search's rule, docs/rules.md §2.8): by
    a later title of its tier that runs longer (unrevoked: from its announcement until a
    revocation), or by an active title higher in its ladder; none before it was announced."""
    spans = []
    for other in titles:
        if other.id == title.id:
            continue
        if other.tier == title.tier and other.valid_until > title.valid_until:
            last = NEVER if other.revoked_on is None else other.revoked_on - ONE_DAY
        elif other.tier != title.tier and title.tier in other.levels:
            last = last_day(other)
        else:
            continue
        first = max(other.certified_on, title.certified_on)
        if first <= last:
            spans.append((first, last))
    return spans


def firm_share(titles: list[Title], share: Share | None = None) -> Share:
    """One firm's share of the tables (its titles all name its one district), added to
    `share` when given."""
    share = Share.empty() if share is None else share
    if len(titles) == 1:  # most firms: one title, its own span, nothing taken over
        (title,) = titles
        share.counts[count_key(title)] += 1
        last = last_day(title)
        if title.certified_on <= last:
            for level in title.levels:
                share.starts[(level, title.certified_on, title.district)] += 1
                share.ends[(level, last, title.district)] += 1
        return share
    spans: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for title in titles:
        share.counts[count_key(title)] += 1
        last = last_day(title)
        if title.certified_on > last:
            continue  # revoked on the day it was announced: never held
        for level in title.levels:
            spans.setdefault(level, []).append((title.certified_on, last))
    district = titles[0].district if titles else None
    for level, level_spans in spans.items():
        for first, last in _holding_spans(level_spans):
            share.starts[(level, first, district)] += 1
            share.ends[(level, last, district)] += 1
    for title in titles:
        if title.revoked_on is not None and title.revoked_on <= title.valid_until:
            continue  # revoked before its end: not in its year's renewal season
        key = (title.tier, title.valid_until.year, district)
        for first, last in _holding_spans(_taken_over(title, titles)):
            share.takeover_starts[(*key, first)] += 1
            share.takeover_ends[(*key, last)] += 1
    return share


def shares(firms: dict[int, list[Title]]) -> Share:
    """The firms' share of both tables."""
    total = Share.empty()
    for titles in firms.values():
        if titles:  # a firm without titles adds nothing (a new firm's share before a write)
            firm_share(titles, total)
    return total


def _as_date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# Both engines read double-quoted names; the columns are the models' (registry.models). A
# certification comes once for each tier it makes its holder hold (its own and those below).
_TITLES = (
    'SELECT c."id", c."enterprise_id", e."district", c."tier", c."year", c."renewal", '
    'c."certified_on", c."valid_until", c."revoked_on", below."key" '
    'FROM "certification" c JOIN "enterprise" e ON e."id" = c."enterprise_id" '
    'JOIN "tier" t ON t."key" = c."tier" '
    'JOIN "tier" below ON below."ladder" = t."ladder" AND below."rank" <= t."rank" '
)


def _titles(rows) -> dict[int, list[Title]]:
    """Rows of _TITLES as each firm's titles."""
    fields: dict[int, tuple] = {}
    levels: dict[int, list[str]] = {}
    for id_, firm, district, tier, year, renewal, on, until, revoked, level in rows:
        if id_ not in fields:
            day = _as_date
            fields[id_] = (
                firm,
                district,
                tier,
                year,
                bool(renewal),
                day(on),
                day(until),
                day(revoked),
            )
            levels[id_] = []
        levels[id_].append(level)
    firms: dict[int, list[Title]] = {}
    for id_, known in fields.items():
        firms.setdefault(known[0], []).append(Title(id_, *known, tuple(levels[id_])))
    return firms


def _marks(values: list) -> str:
    return ", ".join([database.obj.param] * len(values))


def titles_of_firms(firm_ids: list[int]) -> dict[int, list[Title]]:
    """Every certification of these firms, as stored now, by firm."""
    if not firm_ids:
        return {}
    sql = _TITLES + f'WHERE c."enterprise_id" IN ({_marks(firm_ids)})'
    return _titles(database.execute_sql(sql, list(firm_ids)).fetchall())


def levels_by_tier(tiers: dict[str, Tier]) -> dict[str, tuple[str, ...]]:
    """The tiers a title of each tier makes its holder hold: its own and those below it."""
    return {
        key: tuple(
            k for k, t in tiers.items() if t.ladder_id == tier.ladder_id and t.rank <= tier.rank
        )
        for key, tier in tiers.items()
    }


def titles_of_rows(
    rows: list[tuple], districts: dict[int, str], tiers: dict[str, Tier]
) -> dict[int, list[Title]]:
    """Certifications about to be written in bulk, as each firm's titles, without reading
    them back: rows of (firm id, tier, year, certified_on, valid_until, renewal, …, revoked_on
    at index 8), the firms' districts by id, every tier by key (certifications.tiers_by_key).
    Each gets an id of its own within its firm."""
    levels = levels_by_tier(tiers)
    firms: dict[int, list[Title]] = {}
    for number, row in enumerate(rows):
        firm, tier, year, on, until, renewal = row[:6]
        title = Title(
            -1 - number,
            firm,
            districts[firm],
            tier,
            year,
            bool(renewal),
            on,
            until,
            row[8],
            levels[tier],
        )
        firms.setdefault(firm, []).append(title)
    return firms


def titles_beside(cert_ids: list[int]) -> dict[int, list[Title]]:
    """Every certification of the firms these certifications belong to, as stored now."""
    if not cert_ids:
        return {}
    firms = f'SELECT "enterprise_id" FROM "certification" WHERE "id" IN ({_marks(cert_ids)})'
    sql = _TITLES + f'WHERE c."enterprise_id" IN ({firms})'
    return _titles(database.execute_sql(sql, list(cert_ids)).fetchall())


def scanned(batch: int = 20_000) -> Share:
    """Both tables as the certifications give them, read about `batch` certifications at a
    time, whole firms each time (memory stays bounded whatever the registry's size)."""
    total = Share.empty()
    mark, last = database.obj.param, 0
    while True:
        (bound,) = database.execute_sql(
            'SELECT MAX("enterprise_id") FROM (SELECT "enterprise_id" FROM "certification" '
            f'WHERE "enterprise_id" > {mark} ORDER BY "enterprise_id" LIMIT {batch}) AS b',
            [last],
        ).fetchone()
        if bound is None:
            return total
        sql = _TITLES + f'WHERE c."enterprise_id" > {mark} AND c."enterprise_id" <= {mark}'
        total.add(shares(_titles(database.execute_sql(sql, [last, bound]).fetchall())))
        last = bound
