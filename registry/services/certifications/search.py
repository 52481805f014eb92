"""Certifications across the registry: what a bureau runs its working year with.

The 2023 lists run out on 2025-12-31, the 2024 ones on 2026-12-31 (DOMAIN.md §1): which of a
district's titles end by a date, and which of those are already taken over? A title is
**superseded** on a day when the firm then holds, unrevoked, a later title of the same tier
that runs longer (its 复核 renewal, or a new certification), or an active title higher in the
same ladder (a 专精特新 firm needs no 创新型 title any more). The rule is written once, as SQL,
and serves the list, its filter, the renewal season's counts and an enterprise's status.
"""

import datetime as dt

import peewee as pw

from registry.models import Certification, Enterprise, Ladder, Tier
from registry.services import scope
from registry.services.catalog import check_district
from registry.services.scope import Actor
from registry.services.standing import (
    ACTIVE,
    EXPIRED,
    REVOCATION_BAR_YEARS,
    REVOKED,
    add_years,
    annotate,
)

# An active title this close to its end is `expiring`: the app sets it from its settings
# (EXPIRING_WINDOW_DAYS), as it sets the time zone.
_window = {"days": 0}


def use_expiring_window(days: int) -> None:
    _window["days"] = days


def _superseding(day: dt.date) -> pw.ModelSelect:
    """Certifications (alias `later`) that supersede the outer query's certification on `day`,
    longest-running first; correlated on the outer `Certification`."""
    later, later_tier, own_tier = Certification.alias("later"), Tier.alias("lt"), Tier.alias("ot")
    return (
        later.select(later.id)
        .join(later_tier, on=(later.tier == later_tier.key))
        .join(own_tier, on=(own_tier.key == Certification.tier))
        .where(
            (later.enterprise == Certification.enterprise)
            & (later.id != Certification.id)
            & (later.certified_on <= day)
            & (later.revoked_on.is_null() | (later.revoked_on > day))
            & (
                (
                    (later.tier == Certification.tier)
                    & (later.valid_until > Certification.valid_until)
                )
                | (
                    (later_tier.ladder == own_tier.ladder)
                    & (later_tier.rank > own_tier.rank)
                    & (later.valid_until >= day)
                )
            )
        )
        .order_by(later.valid_until.desc(), later.id.desc())
        .limit(1)
    )


def _status_is(day: dt.date) -> dict:
    """Each status on `day` as an SQL condition (standing.status_on's rule)."""
    revoked = Certification.revoked_on.is_null(False) & (Certification.revoked_on <= day)
    return {
        REVOKED: revoked,
        EXPIRED: ~revoked & (Certification.valid_until < day),
        ACTIVE: ~revoked & (Certification.valid_until >= day),
    }


def _narrowed(
    query: pw.ModelSelect, actor: Actor | None, district: str | None, primary: bool | None
) -> pw.ModelSelect:
    """`query` kept to the primary ladder's titles (or to the others), and, naming no
    district, to the districts `actor` is answered (a bureau: its own)."""
    if primary is not None:
        ladder = Tier.select(Tier.key).join(Ladder).where(Ladder.primary == True)  # noqa: E712
        in_ladder = Certification.tier.in_(ladder)
        query = query.where(in_ladder if primary else ~in_ladder)
    within = scope.listed_districts(actor) if district is None else None
    if within is not None:
        query = query.where(Enterprise.district.in_(list(within)))
    return query


def search(
    *,
    as_of: dt.date,
    actor: Actor | None = None,
    tier: str | list[str] | None = None,
    year: int | None = None,
    district: str | None = None,
    renewal: bool | None = None,
    status: str | None = None,
    expires_by: dt.date | None = None,
    superseded: bool | None = None,
    primary: bool | None = None,
    q: str | None = None,
) -> pw.ModelSelect:
    """Certifications announced by `as_of`, filtered, with their firm (and district), each
    carrying `superseded_by_id`; by end date, then credit code and id (a stable order).
    `tier`: one tier or several. `expires_by`: titles active on `as_of` that end on or
    before that day. `primary`: the primary ladder's titles only, or only the other
    designations.
    Naming no district, `actor` (a bureau) is answered its own districts (scope)."""
    check_district(district)
    query = (
        Certification.select(
            Certification, Enterprise, _superseding(as_of).alias("superseded_by_id")
        )
        .join(Enterprise)
        .where(Certification.certified_on <= as_of)
    )
    conditions = _status_is(as_of)
    if status is not None:
        query = query.where(conditions[status])
    if expires_by is not None:
        query = query.where(conditions[ACTIVE] & (Certification.valid_until <= expires_by))
    if superseded is not None:
        exists = pw.fn.EXISTS(_superseding(as_of))
        query = query.where(exists if superseded else ~exists)
    query = _narrowed(query, actor, district, primary)
    if tier is not None:
        query = query.where(Certification.tier.in_([tier] if isinstance(tier, str) else tier))
    for column, value in (
        (Certification.year, year),
        (Enterprise.district, district),
        (Certification.renewal, renewal),
    ):
        if value is not None:
            query = query.where(column == value)
    if q:
        q = q.strip()
        query = query.where(
            Enterprise.name.contains(q) | Enterprise.credit_code.startswith(q.upper())
        )
    return query.order_by(Certification.valid_until, Enterprise.credit_code, Certification.id)


def with_working_year(certs: list[Certification], day: dt.date) -> list[Certification]:
    """Annotate each certification (with `superseded_by_id` from `search` or `of_firm`) for
    `day` (its status and days to expiry: standing.annotate) and give it what a bureau's working
    year reads: superseded_by (the certification), expiring (active, ending within the expiring
    window, not superseded) and barred_until (a revoked title: the first day its ladder may be
    granted again)."""
    ids = list({c.superseded_by_id for c in certs if c.superseded_by_id is not None})
    by_id = (
        {c.id: c for c in Certification.select().where(Certification.id.in_(ids))} if ids else {}
    )
    window = _window["days"]
    for cert in annotate(certs, day):
        cert.superseded_by = by_id.get(cert.superseded_by_id)
        cert.expiring = (
            cert.status == ACTIVE and cert.days_to_expiry <= window and cert.superseded_by is None
        )
        cert.barred_until = (
            add_years(cert.revoked_on, REVOCATION_BAR_YEARS) if cert.status == REVOKED else None
        )
    return certs


def of_firm(enterprise: Enterprise, day: dt.date) -> list[Certification]:
    """A firm's certifications announced by `day`, oldest first, annotated for that day."""
    certs = list(
        Certification.select(Certification, _superseding(day).alias("superseded_by_id"))
        .where((Certification.enterprise == enterprise) & (Certification.certified_on <= day))
        .order_by(Certification.certified_on, Certification.id)
    )
    for cert in certs:
        cert.enterprise = enterprise
        if cert.revoked_on is not None and cert.revoked_on > day:  # not revoked yet that day
            cert.revoked_on = cert.revocation_reason = None
    return with_working_year(certs, day)


def renewal_season(year: int, as_of: dt.date, district: str | None = None) -> list[dict]:
    """Per tier, the titles ending in `year` (not revoked before their end), and how many of
    them are, on `as_of`, renewed (a later title of the tier) or superseded (a higher one): by
    scanning the titles. Dashboards read the same from the tallies
    (aggregates.counts.renewal_season); `registry verify-aggregates` compares the two."""
    ends = (Certification.valid_until >= dt.date(year, 1, 1)) & (
        Certification.valid_until <= dt.date(year, 12, 31)
    )
    not_revoked_before_end = Certification.revoked_on.is_null() | (
        Certification.revoked_on > Certification.valid_until
    )
    taken_over = pw.fn.EXISTS(_superseding(as_of))
    query = (
        Certification.select(
            Certification.tier,
            pw.fn.COUNT(Certification.id).alias("expiring"),
            pw.fn.SUM(pw.Case(None, [(taken_over, 1)], 0)).alias("taken_over"),
            pw.fn.MAX(Certification.valid_until).alias("ends_on"),
        )
        .join(Enterprise)
        .where(ends & not_revoked_before_end & (Certification.certified_on <= as_of))
        .group_by(Certification.tier)
        .order_by(Certification.tier)
    )
    if district:
        query = query.where(Enterprise.district == district)
    season = []
    for row in query:
        ends_on = row.ends_on
        if not isinstance(ends_on, dt.date):
            ends_on = dt.date.fromisoformat(str(ends_on)[:10])
        season.append(
            {
                "tier": row.tier_id,
                "expiring": row.expiring,
                "renewed_or_superseded": int(row.taken_over or 0),
                "open": row.expiring - int(row.taken_over or 0),
                "ends_on": ends_on,
                "days_left": max((ends_on - as_of).days, 0),
            }
        )
    return season
