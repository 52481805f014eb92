"""Certifications: record one (checking the ladder and the revocation bar), revoke one."""

import datetime as dt

import peewee as pw

from registry.db import write_transaction
from registry.models import Certification, Enterprise, Tier
from registry.services import enterprises
from registry.services.audit import Actor, record, snapshot
from registry.services.clock import today
from registry.services.errors import Conflict, NotFound, invalid_field
from registry.services.standing import is_active

REVOCATION_BAR_YEARS = 3


def default_valid_until(tier: Tier, year: int) -> dt.date:
    """Henan aligns validity to calendar years: the 2022 list is valid through 2025-12-31."""
    return dt.date(year + tier.validity_years, 12, 31)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def get(cert_id: int) -> Certification:
    found = Certification.get_or_none(Certification.id == cert_id)
    if found is None:
        raise NotFound(f"no certification with id {cert_id}")
    return found


def _tier(key: str) -> Tier:
    tier = Tier.get_or_none(Tier.key == key)
    if tier is None:
        raise invalid_field("tier", f"unknown tier {key!r}")
    return tier


def _ladder_certs(enterprise: Enterprise, tier: Tier) -> list[Certification]:
    return list(
        Certification.select(Certification, Tier)
        .join(Tier)
        .where((Certification.enterprise == enterprise) & (Tier.ladder == tier.ladder_id))
    )


def check_rules(enterprise: Enterprise, tier: Tier, fields: dict) -> None:
    """Refuse (409) what the ladder and the revocation bar forbid; SPEC §3 rules 2 and 3."""
    on = fields["certified_on"]
    ladder = _ladder_certs(enterprise, tier)
    for cert in ladder:
        if cert.revoked_on is not None and cert.revoked_on <= on < add_years(
            cert.revoked_on, REVOCATION_BAR_YEARS
        ):
            raise Conflict(
                f"{cert.tier_id} was revoked on {cert.revoked_on.isoformat()}: no certification "
                f"in the {tier.ladder_id} ladder before "
                f"{add_years(cert.revoked_on, REVOCATION_BAR_YEARS).isoformat()}"
            )
    if tier.prerequisite_id is not None:
        prerequisite = _tier(tier.prerequisite_id)
        # A higher tier of the ladder implies the lower one (a 小巨人 is also 专精特新).
        satisfied = any(is_active(c, on) and c.tier.rank >= prerequisite.rank for c in ladder)
        if not satisfied:
            raise Conflict(
                f"{tier.key} needs an active {prerequisite.key} ({prerequisite.label_zh}) "
                f"on {on.isoformat()}"
            )
    if not fields["renewal"]:
        higher = [c for c in ladder if c.tier.rank > tier.rank and is_active(c, on)]
        if higher:
            raise Conflict(
                f"the enterprise already holds {higher[0].tier_id}, above {tier.key}: "
                "a firm holding a higher tier is not certified again for a lower one"
            )


def certify(actor: Actor, enterprise: Enterprise, data: dict) -> Certification:
    """Record a certification of `enterprise` after checking every rule; one audit event."""
    tier = _tier(data["tier"])
    fields = dict(data)
    on = fields["certified_on"]
    if on > today():
        raise invalid_field("certified_on", "must not be in the future")
    if fields.get("year") is None:
        fields["year"] = on.year
    if not on.year - 2 <= fields["year"] <= on.year:
        raise invalid_field(
            "year", f"the list's year must be at most two years before {on.year}, not after it"
        )
    if fields.get("valid_until") is None:
        fields["valid_until"] = default_valid_until(tier, fields["year"])
    if fields["valid_until"] < on:
        raise invalid_field("valid_until", "must not be before certified_on")
    fields.setdefault("renewal", False)
    with write_transaction():
        if (
            Certification.select()
            .where(
                (Certification.enterprise == enterprise)
                & (Certification.tier == tier.key)
                & (Certification.year == fields["year"])
            )
            .exists()
        ):
            raise Conflict(
                f"{enterprise.credit_code} already has a {tier.key} certification for "
                f"{fields['year']}"
            )
        check_rules(enterprise, tier, fields)
        fields["tier"] = tier.key
        try:
            cert = Certification.create(enterprise=enterprise, **fields)
        except pw.IntegrityError as exc:
            raise Conflict(
                f"{enterprise.credit_code} already has a {tier.key} certification for "
                f"{fields['year']}"
            ) from exc
        enterprises.touch(enterprise.id)
        record(
            actor,
            "certification.recorded",
            f"enterprise/{enterprise.credit_code}/certification/{cert.id}",
            district=enterprise.district_id,
            data={**snapshot(cert), "credit_code": enterprise.credit_code},
        )
    return cert


def revoke(
    actor: Actor, cert: Certification, *, reason: str, revoked_on: dt.date | None = None
) -> Certification:
    """Revoke a certification as of `revoked_on` (default today); the bar starts that day."""
    revoked_on = revoked_on or today()
    if revoked_on > today():
        raise invalid_field("revoked_on", "must not be in the future")
    if revoked_on < cert.certified_on:
        raise invalid_field("revoked_on", "must not be before the certification's certified_on")
    with write_transaction():
        updated = (
            Certification.update(revoked_on=revoked_on, revocation_reason=reason)
            .where((Certification.id == cert.id) & Certification.revoked_on.is_null())
            .execute()
        )
        if updated == 0:
            raise Conflict(f"certification {cert.id} is already revoked")
        enterprises.touch(cert.enterprise_id)
        cert = Certification.get_by_id(cert.id)
        enterprise = cert.enterprise
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
    return cert
