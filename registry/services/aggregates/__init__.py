"""What dashboards read, kept by every write in its own transaction, so that no poll scans the
certifications, however many there are.

- the registry's version (registry.services.version) is bumped by every write (audit.record
  calls `bump`); answers computed under it are kept per process until the next write.
- tallies and upkeep: two small tables, CertificationTally (certifications counted by every
  fact the counting rules read) and HoldingTally (firms beginning and ceasing to hold a tier,
  per day and district). Each write tells upkeep what it changed, after changing it, inside its
  transaction: `registered(titles)`, `certified(cert_ids)`, `revoked(cert_ids)`,
  `moved(firm_id, from_district)` (or, for a bulk writer that knows the titles before and
  after, `add(change(before, after))`); and a write to the catalog, `catalog_changed()`.
- counts: annual flows, stocks and statistics at any date, as sums over the tallies.
- scan: the same answers from the certifications themselves (`registry verify-aggregates`).
"""

from registry.services.aggregates.upkeep import (
    add,
    bump,
    catalog_changed,
    certified,
    certified_change,
    change,
    moved,
    rebuild,
    registered,
    revoked,
)

__all__ = [
    "add",
    "bump",
    "catalog_changed",
    "certified",
    "certified_change",
    "change",
    "moved",
    "rebuild",
    "registered",
    "revoked",
]
