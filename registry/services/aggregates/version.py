"""The registry's version: how many writes it has seen, one row bumped by every write.

Every write records an audit event, and `audit.record` bumps the version in the same
transaction; a reader in any process compares the stored version with the one its cached
answer was computed under. One indexed read of one row per poll keeps dashboards fresh across
processes and hosts. A second row counts the writes to the catalog (seeds, plans) alone: what
is computed from the catalog only (a plan's targets) is kept across the other writes.
"""

from registry.db import database
from registry.models import RegistryVersion

REGISTRY, CATALOG = 1, 2  # the rows: every write; the writes to the catalog
_CURRENT_SQL = f"SELECT value FROM {RegistryVersion._meta.table_name} WHERE id = "


def current(row: int = REGISTRY) -> int:
    """The registry's version (or the catalog's): how many writes it has seen (one primary-key
    read)."""
    # Plain SQL: this runs on every authenticated request, and building it costs more than it.
    found = database.execute_sql(_CURRENT_SQL + str(row)).fetchone()
    return found[0] if found else 0


def increment(row: int = REGISTRY) -> None:
    """`value + 1` on the row (created by the first write)."""
    updated = (
        RegistryVersion.update(value=RegistryVersion.value + 1)
        .where(RegistryVersion.id == row)
        .execute()
    )
    if not updated:
        RegistryVersion.insert(id=row, value=1).on_conflict_ignore().execute()
