"""The registry's version: how many writes it has seen, one row bumped by every write.

Every write records an audit event, and `audit.record` bumps the version in the same
transaction; a reader in any process compares the stored version with the one its cached
answer was computed under. One indexed read of one row per poll keeps dashboards fresh across
processes and hosts.
"""

from registry.db import database
from registry.models import RegistryVersion

_CURRENT_SQL = f"SELECT value FROM {RegistryVersion._meta.table_name} WHERE id = 1"


def current() -> int:
    """The registry's version: how many writes it has seen (one primary-key read)."""
    # Plain SQL: this runs on every authenticated request, and building it costs more than it.
    row = database.execute_sql(_CURRENT_SQL).fetchone()
    return row[0] if row else 0


def increment() -> None:
    """`value + 1` on the one row (created by the first write)."""
    updated = (
        RegistryVersion.update(value=RegistryVersion.value + 1)
        .where(RegistryVersion.id == 1)
        .execute()
    )
    if not updated:
        RegistryVersion.insert(id=1, value=1).on_conflict_ignore().execute()
