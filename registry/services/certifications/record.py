"""Certifications: record one (checking the ladder and the revocation bar), revoke one."""

import datetime as dt

import peewee as pw

from registry.db import write_transaction
from registry.messages import Message
from registry.models import Certification, Enterprise, Ladder, Tier
from registry.services import aggregates, applications, enterprises, scope
from registry.services.audit import record, snapshot
from registry.services.clock import today
from registry.services.errors import Conflict, NotFound, invalid_field
from registry.services.scope import Actor
from registry.services.standing import REVOCATION_BAR_YEARS, add_years, annotate, is_active
from schemas.common import FIRST_YEAR, LAST_YEAR


def default_valid_until(tier: Tier, certified_on: dt.date) -> dt.date:
    """Henan aligns validity to calendar years from the year of the announcement: the 2022年度
    list announced in March 2023 and the 2023年度第一批 announced in May 2023 both run through
    2025-12-31 (DOMAIN.md §1), whatever their 年度."""
    return dt.date(certified_on.year + tier.validity_years - 1, 12, 31)


def get(cert_id: int) -> Certification:
    """The certification with its enterprise, in one query; raises NotFound."""
    found = (
        Certification.select(Certification, Enterprise)
        .join(Enterprise)
        .where(Certification.id == cert_id)
        .get_or_none()
    )
    if found is None:
        raise NotFound("certification.not_found", id=cert_id)
    return found


def tiers_by_key() -> dict[str, Tier]:
    """Every tier with its ladder (whose start date the prerequisite rule needs)."""
    return {t.key: t for t in Tier.select(Tier, Ladder).join(Ladder)}


def violation(
    tier: Tier, on: dt.date, renewal: bool, history: list, tiers: dict[str, Tier]
) -> Message | None:
    """Why the ladder or the revocation bar (docs/rules.md §2) refuses a certification of
    `tier` announced `on` (a renewal or not), or None if they allow it.

    `history` is the firm's other certifications (anything with tier_id, certified_on,
    valid_until and revoked_on): the stored ones, and for an import the rows before it.
    """
    ladder = [c for c in history if tiers[c.tier_id].ladder_id == tier.ladder_id]
    for cert in ladder:
        if cert.revoked_on is not None:
            bar_ends = add_years(cert.revoked_on, REVOCATION_BAR_YEARS)
            if cert.revoked_on <= on < bar_ends:
                return Message(
                    "certification.revocation_bar",
                    revoked_tier=cert.tier_id,
                    revoked_on=cert.revoked_on.isoformat(),
                    ladder=tier.ladder_id,
                    bar_ends=bar_ends.isoformat(),
                )
    starts_on = tier.ladder.starts_on
    # Titles granted before the ladder began were granted without its lower tiers.
    if tier.prerequisite_id is not None and (starts_on is None or on >= starts_on):
        prerequisite = tiers[tier.prerequisite_id]
        # A higher tier of the ladder implies the lower one (a 小巨人 is also 专精特新).
        if not any(is_active(c, on) and tiers[c.tier_id].rank >= prerequisite.rank for c in ladder):
            return Message(
                "certification.prerequisite_missing",
                tier=tier.key,
                prerequisite=prerequisite.key,
                on=on.isoformat(),
            )
    if not renewal:
        higher = [c for c in ladder if tiers[c.tier_id].rank > tier.rank and is_active(c, on)]
        if higher:
            return Message("certification.higher_tier_held", held=higher[0].tier_id, tier=tier.key)
    return None


def prepare(tier: Tier, data: dict) -> dict:
    """Check the dates and fill the defaults (year, valid_until, renewal); raises Invalid."""
    fields = dict(data)
    on = fields["certified_on"]
    if on > today():
        raise invalid_field("certified_on", "field.in_future")
    if fields.get("year") is None:
        fields["year"] = on.year
        if not FIRST_YEAR <= on.year <= LAST_YEAR:  # the bounds of a year given explicitly
            raise invalid_field(
                "certified_on",
                "certification.year_bounds",
                year=on.year,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
    if not on.year - 2 <= fields["year"] <= on.year:
        raise invalid_field("year", "certification.year_window", year=on.year)
    if fields.get("valid_until") is None:
        fields["valid_until"] = default_valid_until(tier, on)
    if fields["valid_until"] < on:
        raise invalid_field("valid_until", "certification.valid_until_before")
    if fields.get("renewal") is None:
        fields["renewal"] = False
    fields["tier"] = tier.key
    return fields


def _duplicate(enterprise: Enterprise, tier: Tier, year: int) -> Conflict:
    return Conflict(
        "certification.duplicate", credit_code=enterprise.credit_code, tier=tier.key, year=year
    )


def certify(actor: Actor, enterprise: Enterprise, data: dict) -> Certification:
    """Record a certification of `enterprise` (as `enterprises.writable` gave it) after checking
    every rule; one audit event."""
    tiers = tiers_by_key()
    tier = tiers.get(data["tier"])
    if tier is None:
        raise invalid_field("tier", "certification.unknown_tier", tier=data["tier"])
    fields = prepare(tier, data)
    with write_transaction():
        enterprises.lock(enterprise.id)
        history = enterprises.certifications_of(enterprise)
        if any(c.tier_id == tier.key and c.year == fields["year"] for c in history):
            raise _duplicate(enterprise, tier, fields["year"])
        reason = violation(tier, fields["certified_on"], fields["renewal"], history, tiers)
        if reason:
            raise Conflict(reason)
        try:
            cert = Certification.create(enterprise=enterprise, **fields)
        except pw.IntegrityError as exc:  # a concurrent certification of the same year
            raise _duplicate(enterprise, tier, fields["year"]) from exc
        aggregates.certified([cert.id])
        enterprises.touch(enterprise.id)
        applications.close_certified(actor, enterprise, tier.key, cert.year, cert.certified_on)
        record(
            actor,
            "certification.recorded",
            f"enterprise/{enterprise.credit_code}/certification/{cert.id}",
            district=enterprise.district_id,
            data={
                **snapshot(cert),
                "credit_code": enterprise.credit_code,
                # The firm as it stands, so the trail alone can place the certification.
                "enterprise": {"name": enterprise.name, "district": enterprise.district_id},
            },
        )
    return annotate([cert], today())[0]


def revocable(actor: Actor, cert_id: int) -> Certification:
    """The certification with its firm, if `actor` may change the firm (a bureau: in its
    districts); raises Forbidden or NotFound."""
    cert = get(cert_id)
    scope.ensure_writes_in(actor, cert.enterprise.district_id)
    return cert


def revoke(
    actor: Actor, cert: Certification, *, reason: str, revoked_on: dt.date | None = None
) -> Certification:
    """Revoke `cert` (as `revocable` gave it) as of `revoked_on` (default today); the bar
    starts that day. `reason` must say something (what is stored has no spaces around it)."""
    enterprise = cert.enterprise
    reason = (reason or "").strip()
    if not reason:
        raise invalid_field("reason", "certification.reason_blank")
    revoked_on = revoked_on or today()
    if revoked_on > today():
        raise invalid_field("revoked_on", "field.in_future")
    if revoked_on < cert.certified_on:
        raise invalid_field("revoked_on", "certification.revoked_before_certified")
    with write_transaction():
        enterprises.lock(cert.enterprise_id)
        updated = (
            Certification.update(revoked_on=revoked_on, revocation_reason=reason)
            .where((Certification.id == cert.id) & Certification.revoked_on.is_null())
            .execute()
        )
        if updated == 0:
            raise Conflict("certification.already_revoked", id=cert.id)
        aggregates.revoked([cert.id])
        enterprises.touch(cert.enterprise_id)
        cert.revoked_on, cert.revocation_reason = revoked_on, reason
        record(
            actor,
            "certification.revoked",
            f"enterprise/{enterprise.credit_code}/certification/{cert.id}",
            district=enterprise.district_id,
            data={
                "id": cert.id,
                "revoked_on": revoked_on.isoformat(),
                "reason": reason,
                "credit_code": enterprise.credit_code,
            },
        )
    return annotate([cert], today())[0]
