"""What an enterprise should do next, as its status page tells it (docs/enterprise-access.md).

One step, derived on a day from the firm's titles in the primary ladder (annotated by
`certifications.of_firm`) and its standing, in this order:

- `barred`: a title of the ladder was revoked less than three years ago (docs/rules.md §2.4):
  the revocation's date and reason, and the first day the firm may apply again;
- `renew`: a title is expiring (active, ending within the expiring window, nothing taking it
  over): its 复核 (renewal review) before it ends, with the firm's county bureau;
- `reapply`: a title higher than any the firm now holds has ended: the firm applies again as
  a new applicant, from the tier the ladder now opens to it;
- `top_tier`: the firm holds the ladder's top tier: when that title ends;
- `apply_next_tier`: otherwise, the tier above the one it holds (the first, holding none).

Every step names where the firm applies: its district's industry bureau, from the catalog.
"""

import datetime as dt
from dataclasses import dataclass, field, fields

from registry.models import Application, Certification, District, Enterprise
from registry.services.applications.read import open_of
from registry.services.enterprises import Profile, profile
from registry.services.standing import ACTIVE, EXPIRED, Standing

APPLY_NEXT_TIER, RENEW, BARRED, REAPPLY, TOP_TIER = (
    "apply_next_tier",
    "renew",
    "barred",
    "reapply",
    "top_tier",
)
KINDS = (APPLY_NEXT_TIER, RENEW, BARRED, REAPPLY, TOP_TIER)

# Where a firm applies when its district is not a county, a district or a county-level city
# (a zone's committee), or not known: the generic name the application notices use.
GENERIC_BUREAU = (
    "所在县（市、区）工信部门",
    "the industry bureau of the firm's county or district",
)


@dataclass(frozen=True)
class Bureau:
    """Where the firm applies: its district's industry and information technology bureau."""

    district: str | None
    district_name_zh: str | None
    district_name_en: str | None
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class NextStep:
    kind: str
    bureau: Bureau
    tier: str | None = None  # the title the step is about
    apply_for: str | None = None  # the tier the firm may apply for now (None: none)
    revoked_on: dt.date | None = None
    reason: str | None = None
    barred_until: dt.date | None = None  # the first day the firm may apply again
    renew_by: dt.date | None = None
    expired_on: dt.date | None = None
    valid_until: dt.date | None = None
    days_left: int | None = None


@dataclass(frozen=True)
class Status(Profile):
    """The firm as its status page shows it: its profile, its titles newest first, the
    next step, and its open applications (with `since`, the day of their last move)."""

    next_step: NextStep | None = None
    applications: list[Application] = field(default_factory=list)


def bureau_of(district: District | None) -> Bureau:
    """The bureau a firm of `district` applies to: 「红旗区工业和信息化局」 for a county, a
    district or a county-level city; a zone's (or an unknown district's) generic name."""
    if district is None:
        return Bureau(None, None, None, *GENERIC_BUREAU)
    if district.kind == "zone":
        return Bureau(
            district.code,
            district.name_zh,
            district.name_en,
            f"{district.name_zh}工信部门",
            f"the industry department of {district.name_en}",
        )
    return Bureau(
        district.code,
        district.name_zh,
        district.name_en,
        f"{district.name_zh}工业和信息化局",
        f"the {district.name_en} Bureau of Industry and Information Technology",
    )


def _barred(primary: list[Certification], rank: dict, stand: Standing, day: dt.date):
    barring = [c for c in primary if c.barred_until is not None and day < c.barred_until]
    if not barring:
        return None
    cert = max(barring, key=lambda c: (c.barred_until, c.id))
    return {
        "kind": BARRED,
        "tier": cert.tier_id,
        "revoked_on": cert.revoked_on,
        "reason": cert.revocation_reason,
        "barred_until": cert.barred_until,
    }


def _renew(primary: list[Certification], rank: dict, stand: Standing, day: dt.date):
    expiring = [c for c in primary if c.expiring]
    if not expiring:
        return None
    cert = min(expiring, key=lambda c: (c.valid_until, -rank[c.tier_id]))
    return {
        "kind": RENEW,
        "tier": cert.tier_id,
        "apply_for": cert.tier_id,
        "renew_by": cert.valid_until,
        "valid_until": cert.valid_until,
        "days_left": cert.days_to_expiry,
    }


def _reapply(primary: list[Certification], rank: dict, stand: Standing, day: dt.date):
    held = rank.get(stand.current_tier, -1)
    lapsed = [c for c in primary if c.status == EXPIRED and rank[c.tier_id] > held]
    if not lapsed:
        return None
    cert = max(lapsed, key=lambda c: (rank[c.tier_id], c.valid_until))
    return {
        "kind": REAPPLY,
        "tier": cert.tier_id,
        "apply_for": stand.next_tier,
        "expired_on": cert.valid_until,
    }


def _top_tier(primary: list[Certification], rank: dict, stand: Standing, day: dt.date):
    if stand.current_tier is None or stand.next_tier is not None:
        return None
    cert = max(
        (c for c in primary if c.tier_id == stand.current_tier and c.status == ACTIVE),
        key=lambda c: c.valid_until,
    )
    return {
        "kind": TOP_TIER,
        "tier": cert.tier_id,
        "valid_until": cert.valid_until,
        "days_left": cert.days_to_expiry,
    }


def next_step(
    certs: list[Certification], stand: Standing, bureau: Bureau, day: dt.date
) -> NextStep:
    """The firm's next step on `day`: the first of the module's list that applies."""
    rank = {key: i for i, key in enumerate(stand.ladder)}
    primary = [c for c in certs if c.tier_id in rank]
    for judge in (_barred, _renew, _reapply, _top_tier):
        found = judge(primary, rank, stand, day)
        if found is not None:
            return NextStep(bureau=bureau, **found)
    return NextStep(APPLY_NEXT_TIER, bureau, tier=stand.current_tier, apply_for=stand.next_tier)


def status(enterprise: Enterprise, day: dt.date) -> Status:
    """The firm on `day` for its status page: its profile with its titles newest first (by
    announcement), and its next step."""
    found = profile(enterprise, day)
    shown = {f.name: getattr(found, f.name) for f in fields(Profile)}
    shown["certifications"] = sorted(
        found.certifications, key=lambda c: (c.certified_on, c.id), reverse=True
    )
    stand = Standing(found.current_tier, found.next_tier, found.designations, found.ladder)
    bureau = bureau_of(District.get_or_none(District.code == enterprise.district_id))
    return Status(
        **shown,
        next_step=next_step(found.certifications, stand, bureau, day),
        applications=open_of(enterprise),
    )
