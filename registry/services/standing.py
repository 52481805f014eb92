"""Derived state: a certification's status at a date, an enterprise's tier on the ladder."""

import datetime as dt
from dataclasses import dataclass

from registry.models import Certification, Ladder, Tier

ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"
REVOCATION_BAR_YEARS = 3  # 办法 第十六条: no new title in the ladder for three years


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def status_on(cert: Certification, day: dt.date) -> str:
    """`revoked` if revoked on or before `day`, `expired` after `valid_until`, else `active`."""
    if cert.revoked_on is not None and cert.revoked_on <= day:
        return REVOKED
    if day > cert.valid_until:
        return EXPIRED
    return ACTIVE


def annotate(certifications: list[Certification], day: dt.date) -> list[Certification]:
    """The certifications, each given its derived `status` and `days_to_expiry` on `day` (for
    showing them; neither is stored)."""
    for cert in certifications:
        cert.status = status_on(cert, day)
        cert.days_to_expiry = (cert.valid_until - day).days if cert.status == ACTIVE else None
    return certifications


def is_active(cert: Certification, day: dt.date) -> bool:
    return cert.certified_on <= day and status_on(cert, day) == ACTIVE


@dataclass(frozen=True)
class Standing:
    current_tier: str | None
    next_tier: str | None
    designations: tuple[str, ...]
    ladder: tuple[str, ...] = ()  # the primary ladder's tiers, lowest first


def primary_ladder() -> list[Tier]:
    """The tiers of the primary (SME) ladder, lowest first."""
    return list(
        Tier.select().join(Ladder).where(Ladder.primary == True).order_by(Tier.rank)  # noqa: E712
    )


def standing(certifications: list[Certification], day: dt.date) -> Standing:
    """Highest active tier of the primary ladder, the one above it, and other active titles."""
    ladder = primary_ladder()
    rank_of = {t.key: i for i, t in enumerate(ladder)}
    active = {c.tier_id for c in certifications if is_active(c, day)}
    held = [rank_of[k] for k in active if k in rank_of]
    if held:
        top = max(held)
        current = ladder[top].key
        following = ladder[top + 1].key if top + 1 < len(ladder) else None
    else:
        current, following = None, (ladder[0].key if ladder else None)
    others = tuple(sorted(k for k in active if k not in rank_of))
    return Standing(current, following, others, tuple(t.key for t in ladder))
