"""Enterprises: register, correct, find."""

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from registry.db import bulk_insert, is_sqlite, write_transaction
from registry.models import Certification, District, Enterprise, FormerName, utcnow
from registry.services.audit import Actor, record, snapshot
from registry.services.errors import Conflict, NotFound, Stale, invalid_field
from registry.services.names import name_key
from registry.services.standing import standing

EDITABLE = ("name", "district", "industry_chain")


def get(credit_code: str) -> Enterprise:
    found = Enterprise.get_or_none(Enterprise.credit_code == credit_code.strip().upper())
    if found is None:
        raise NotFound(f"no enterprise with credit code {credit_code.strip().upper()}")
    return found


def _check_district(code: str) -> None:
    if not District.select().where(District.code == code).exists():
        raise invalid_field("district", f"unknown district code {code!r}")


def register(actor: Actor, data: dict) -> Enterprise:
    """Register an enterprise; its credit code is already normalized and checked."""
    _check_district(data["district"])
    with write_transaction():
        if Enterprise.select().where(Enterprise.credit_code == data["credit_code"]).exists():
            raise Conflict(f"enterprise {data['credit_code']} is already registered")
        try:
            enterprise = Enterprise.create(**data, name_key=name_key(data["name"]))
        except pw.IntegrityError as exc:  # a concurrent registration of the same code
            raise Conflict(f"enterprise {data['credit_code']} is already registered") from exc
        record(
            actor,
            "enterprise.registered",
            f"enterprise/{enterprise.credit_code}",
            district=enterprise.district_id,
            data=snapshot(enterprise),
        )
    return enterprise


def update(
    actor: Actor, enterprise: Enterprise, changes: dict, *, expected_version: int
) -> Enterprise:
    """Apply `changes` only if the stored version is still `expected_version` (no lost update)."""
    if "district" in changes:
        _check_district(changes["district"])
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise invalid_field(sorted(unknown)[0], "cannot be changed")
    stored = dict(changes)
    if "name" in changes:
        stored["name_key"] = name_key(changes["name"])
    with write_transaction():
        changed = (
            Enterprise.update(**stored, version=Enterprise.version + 1, updated_at=utcnow())
            .where((Enterprise.id == enterprise.id) & (Enterprise.version == expected_version))
            .execute()
        )
        if changed == 0:
            raise Stale(f"enterprise {enterprise.credit_code} was changed by someone else")
        updated = Enterprise.get_by_id(enterprise.id)
        if updated.name != enterprise.name:
            # Lists published before the correction still print the old name.
            FormerName.create(
                enterprise=enterprise.id, name=enterprise.name, name_key=name_key(enterprise.name)
            )
        record(
            actor,
            "enterprise.updated",
            f"enterprise/{updated.credit_code}",
            district=updated.district_id,
            data={"changes": changes, "previous_district": enterprise.district_id},
        )
    return updated


def lock(enterprise_id: int) -> None:
    """Serialize writes to one enterprise (call inside the write transaction). SQLite's
    IMMEDIATE transactions already serialize all writers; PostgreSQL locks the firm's row, so
    two certifications of one firm cannot both pass the ladder checks."""
    if not is_sqlite():
        Enterprise.select(Enterprise.id).where(
            Enterprise.id == enterprise_id
        ).for_update().execute()


BULK_FIELDS = (
    Enterprise.credit_code,
    Enterprise.name,
    Enterprise.district,
    Enterprise.industry_chain,
    Enterprise.created_at,
    Enterprise.updated_at,
    Enterprise.version,
)


def register_many(rows: list[tuple]) -> None:
    """Bulk registration (imports, demo data): rows in the order of BULK_FIELDS, each already
    checked; the caller records the audit events."""
    bulk_insert(
        Enterprise,
        [*BULK_FIELDS, Enterprise.name_key],
        [(*row, name_key(row[1])) for row in rows],
    )


def touch(enterprise_id: int) -> None:
    """Mark an enterprise changed (its certifications changed): a new version, a new ETag."""
    Enterprise.update(version=Enterprise.version + 1, updated_at=utcnow()).where(
        Enterprise.id == enterprise_id
    ).execute()


def search(
    *,
    district: str | None = None,
    tier: str | None = None,
    year: int | None = None,
    q: str | None = None,
) -> pw.ModelSelect:
    """Enterprises matching every filter given, ordered by credit code."""
    query = Enterprise.select()
    if district:
        query = query.where(Enterprise.district == district)
    if tier or year:
        certified = Certification.select(Certification.enterprise)
        if tier:
            certified = certified.where(Certification.tier == tier)
        if year:
            certified = certified.where(Certification.year == year)
        query = query.where(Enterprise.id.in_(certified))
    if q:
        q = q.strip()
        query = query.where(
            Enterprise.name.contains(q) | Enterprise.credit_code.startswith(q.upper())
        )
    return query.order_by(Enterprise.credit_code)


def certifications_of(enterprise: Enterprise) -> list[Certification]:
    return list(
        Certification.select(Certification, Enterprise)
        .join(Enterprise)
        .where(Certification.enterprise == enterprise)
        .order_by(Certification.certified_on, Certification.id)
    )


@dataclass(frozen=True)
class Profile:
    """An enterprise as its readers see it on a given day."""

    credit_code: str
    name: str
    district_id: str
    industry_chain: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    current_tier: str | None
    next_tier: str | None
    designations: tuple[str, ...]
    certifications: list[Certification]


def profile(enterprise: Enterprise, day: dt.date) -> Profile:
    certs = certifications_of(enterprise)
    stand = standing(certs, day)
    return Profile(
        credit_code=enterprise.credit_code,
        name=enterprise.name,
        district_id=enterprise.district_id,
        industry_chain=enterprise.industry_chain,
        created_at=enterprise.created_at,
        updated_at=enterprise.updated_at,
        version=enterprise.version,
        current_tier=stand.current_tier,
        next_tier=stand.next_tier,
        designations=stand.designations,
        certifications=certs,
    )
