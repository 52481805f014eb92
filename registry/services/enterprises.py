"""Enterprises: register, correct, find."""

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from registry.db import bulk_insert, is_sqlite, write_transaction
from registry.models import Certification, Enterprise, FormerName, utcnow
from registry.services import aggregates, certifications, scope
from registry.services.applications import tally as pipeline_tally
from registry.services.audit import record, snapshot
from registry.services.catalog import check_district
from registry.services.errors import Conflict, NotFound, Stale, invalid_field
from registry.services.names import name_key
from registry.services.scope import Actor
from registry.services.standing import annotate, standing
from schemas import credit_code as credit_codes

# What a correction may change: the request's name for it, and the stored attribute.
EDITABLE = {"name": "name", "district": "district_id", "industry_chain": "industry_chain"}


def get(actor: Actor, credit_code: str) -> Enterprise:
    """The enterprise with this credit code, if `actor` may read it; raises Forbidden, Invalid
    (a code that is not a credit code, said why: its length, a character, its check character)
    or NotFound."""
    code = credit_code.strip().upper()
    scope.ensure_reads_firm(actor, code)
    try:
        code = credit_codes.normalize(code)
    except credit_codes.CreditCodeError as exc:
        raise invalid_field("credit_code", exc.args[0]) from exc
    found = Enterprise.get_or_none(Enterprise.credit_code == code)
    if found is None:
        raise NotFound("enterprise.not_found", credit_code=code)
    return found


def writable(actor: Actor, credit_code: str) -> Enterprise:
    """The enterprise, if `actor` may change it (a bureau: in its districts); raises Forbidden
    or NotFound."""
    enterprise = get(actor, credit_code)
    scope.ensure_writes_in(actor, enterprise.district_id)
    return enterprise


def register(actor: Actor, data: dict) -> Enterprise:
    """Register an enterprise; its credit code is already normalized and checked."""
    scope.ensure_writes_in(actor, data["district"])
    check_district(data["district"])
    with write_transaction():
        if Enterprise.select().where(Enterprise.credit_code == data["credit_code"]).exists():
            raise Conflict("enterprise.exists", credit_code=data["credit_code"])
        try:
            enterprise = Enterprise.create(**data, name_key=name_key(data["name"]))
        except pw.IntegrityError as exc:  # a concurrent registration of the same code
            raise Conflict("enterprise.exists", credit_code=data["credit_code"]) from exc
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
    """Apply `changes` only if the stored version is still `expected_version` (no lost update).

    Only what differs from the stored values is a change; with none, nothing is written (no
    new version, no event). `enterprise` is as `writable` gave it; a move also needs the right
    to write in the new district."""
    changes = {k: v for k, v in changes.items() if getattr(enterprise, EDITABLE[k]) != v}
    if not changes:
        return enterprise
    if "district" in changes:
        scope.ensure_writes_in(actor, changes["district"])
        check_district(changes["district"])
    stored = dict(changes)
    if "name" in changes:
        stored["name_key"] = name_key(changes["name"])
    now = utcnow()
    with write_transaction():
        changed = (
            Enterprise.update(**stored, version=Enterprise.version + 1, updated_at=now)
            .where((Enterprise.id == enterprise.id) & (Enterprise.version == expected_version))
            .execute()
        )
        if changed == 0:
            raise Stale("enterprise.stale", credit_code=enterprise.credit_code)
        if "district" in changes:  # its certifications now count in the new district
            aggregates.moved(enterprise.id, enterprise.district_id)
            pipeline_tally.moved(enterprise.id, enterprise.district_id, changes["district"])
        # As stored now, without reading it back: the caller's copy stays as it was.
        updated = Enterprise(
            **{**enterprise.__data__, **stored, "version": expected_version + 1, "updated_at": now}
        )
        if "name" in changes:
            # Lists published before the correction still print the old name.
            FormerName.create(
                enterprise=enterprise.id, name=enterprise.name, name_key=name_key(enterprise.name)
            )
        moved = updated.district_id != enterprise.district_id
        record(
            actor,
            "enterprise.updated",
            f"enterprise/{updated.credit_code}",
            district=updated.district_id,
            former_district=enterprise.district_id if moved else None,
            data={
                "changes": changes,
                # The values it replaced: a firm's history shows both, and undoes them to show
                # the firm as it stood before.
                "previous": {k: getattr(enterprise, EDITABLE[k]) for k in changes},
                "previous_district": enterprise.district_id,
            },
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


def register_many(
    rows: list[tuple], name_keys: list[str] | None = None, *, ids: list[int] | None = None
) -> None:
    """Bulk registration (imports, demo data): rows in the order of BULK_FIELDS, each already
    checked; the caller records the audit events. `name_keys`: the names folded (name_key),
    when the caller has them already; `ids`: their primary keys, when the caller gives them
    (`db.new_ids`)."""
    bulk_insert(Enterprise, *bulk_rows(rows, name_keys, ids))


def bulk_rows(
    rows: list[tuple], name_keys: list[str] | None = None, ids: list[int] | None = None
) -> tuple[list, list[tuple]]:
    """`register_many`'s insert, built (its fields and rows) but not run."""
    if name_keys is None:
        name_keys = [name_key(row[1]) for row in rows]
    fields = [*BULK_FIELDS, Enterprise.name_key]
    rows = [(*row, key) for row, key in zip(rows, name_keys, strict=True)]
    if ids is not None:
        fields.insert(0, Enterprise.id)
        rows = [(id_, *row) for id_, row in zip(ids, rows, strict=True)]
    return fields, rows


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
    """Enterprises matching every filter given, ordered by credit code; an unknown district
    is refused (Invalid), as by every other district filter."""
    check_district(district)
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


def certifications_on(enterprise: Enterprise, day: dt.date) -> list[Certification]:
    """The firm's certifications, oldest first, each with its status on `day`."""
    return annotate(certifications_of(enterprise), day)


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
    ladder: tuple[str, ...] = ()  # the primary ladder's tiers, lowest first


def profile(enterprise: Enterprise, day: dt.date) -> Profile:
    """The enterprise on `day`: its certifications then (each with its status, whether it is
    expiring or superseded, a revocation's bar), its standing."""
    certs = certifications.of_firm(enterprise, day)
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
        ladder=stand.ladder,
    )
