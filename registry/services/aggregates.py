"""The registry's version, bumped by every write, and a cache of aggregates keyed by it.

Every write records an audit event, and `audit.record` bumps the version in the same
transaction; a reader in any process compares the stored version with the one its cached
answer was computed under. One indexed read of one row per poll keeps dashboards fresh across
processes and hosts without scanning the certifications.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from registry.db import database
from registry.models import RegistryVersion

T = TypeVar("T")


_CURRENT_SQL = f"SELECT value FROM {RegistryVersion._meta.table_name} WHERE id = 1"


def current() -> int:
    """The registry's version: how many writes it has seen (one primary-key read)."""
    # Plain SQL: this runs on every authenticated request, and building it costs more than it.
    row = database.execute_sql(_CURRENT_SQL).fetchone()
    return row[0] if row else 0


def bump() -> None:
    """Call inside a write transaction (audit.record does): readers recompute after it commits."""
    updated = (
        RegistryVersion.update(value=RegistryVersion.value + 1)
        .where(RegistryVersion.id == 1)
        .execute()
    )
    if not updated:
        RegistryVersion.insert(id=1, value=1).on_conflict_ignore().execute()


class VersionedCache:
    """A small LRU of computed values, each valid for the version it was computed under."""

    def __init__(self, size: int = 4096):
        self._size = size
        self._items: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int, compute: Callable[[], T]) -> T:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == version:
                self._items.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._items[key] = (version, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
