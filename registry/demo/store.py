"""Writing demo firms and their certifications in bulk, for both kinds of demo data."""

from registry.db import bulk_insert
from registry.models import Certification, Enterprise, Tier
from registry.services import aggregates
from registry.services.aggregates.tallies import titles_of_rows
from registry.services.enterprises import register_many

CHUNK = 500
# A certification row: the firm's id, then these, in this order.
CERTIFICATION_FIELDS = [
    Certification.enterprise,
    Certification.tier,
    Certification.year,
    Certification.certified_on,
    Certification.valid_until,
    Certification.renewal,
    Certification.document_no,
    Certification.batch,
    Certification.revoked_on,
    Certification.revocation_reason,
    Certification.created_at,
]


def insert_firms(rows: list[tuple]) -> dict[str, int]:
    """Register firms (rows as `register_many` takes them); answers their ids by credit code."""
    register_many(rows)
    codes = [row[0] for row in rows]
    ids: dict[str, int] = {}
    for start in range(0, len(codes), CHUNK):
        ids.update(
            Enterprise.select(Enterprise.credit_code, Enterprise.id)
            .where(Enterprise.credit_code.in_(codes[start : start + CHUNK]))
            .tuples()
        )
    return ids


def insert_certifications(
    rows: list[tuple], districts: dict[int, str], tiers: dict[str, Tier]
) -> None:
    """Certification rows in the order of CERTIFICATION_FIELDS, of firms just inserted (their
    districts by id; every tier by key); their share of the dashboards' tallies is added with
    them, from the rows themselves (reading a million firms' titles back would cost as much as
    writing them)."""
    bulk_insert(Certification, CERTIFICATION_FIELDS, rows)
    aggregates.registered(titles_of_rows(rows, districts, tiers))
