"""The registry's version: how many writes it has seen, one row bumped by every write.

Every write records an audit event, and `audit.record` bumps the version in the same
transaction; a reader in any process compares the stored version with the one its cached
answer was computed under. A second row counts the writes to the catalog (seeds, plans) alone:
what is computed from the catalog only (a plan's targets) is kept across the other writes.

On SQLite the row is read for every request: a read of a local file, cheaper than anything
else a request does. On PostgreSQL that read is a round trip to the server, which costs a
polled answer more than the rest of its work; so each process LISTENs on a connection of its
own, every bump NOTIFYs at its commit, and the process reads the row again only when it has
been told of a write, after a write of its own (at once, never waiting to be told), or when
its value is a second old (in case a notification was lost with its connection). A write in
another process is seen as soon as PostgreSQL delivers the notification, which it sends at
the commit, before the writer is answered.
"""

import contextlib
import os
import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from registry.db import after_commit, database, is_sqlite, own_connection
from registry.models import RegistryVersion
from registry.services.versioned_cache import VersionedCache

T = TypeVar("T")

REGISTRY, CATALOG = 1, 2  # the rows: every write; the writes to the catalog
CHANNEL = "registry_version"  # the notifications of a bump (PostgreSQL)
TRUSTED_FOR_S = 1.0  # how long a value read is used without a notification (PostgreSQL)
RETRY_AFTER_S = 5.0  # how long after a failed LISTEN the process tries again
_CURRENT_SQL = f"SELECT value FROM {RegistryVersion._meta.table_name} WHERE id = "


class Watch:
    """A process's listening connection and the values it read since it was last told of a
    write. Used by one thread at a time (the others read the row, as without it)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.connection, self.pid, self.database = None, None, None
        self.known: dict[int, int] = {}
        self.since = 0.0  # when `known` was last emptied: what is in it was read after
        self.retry_at = 0.0
        self.inherited = []  # a parent's connection, kept: closing it would close the parent's

    def value(self, row: int) -> int | None:
        """The row's value read since the last notification, or None: read it (`keep`)."""
        if not self.lock.acquire(blocking=False):
            return None
        try:
            if not self._listening():
                return None
            if self._told() or time.monotonic() - self.since > TRUSTED_FOR_S:
                self._forget()
            return self.known.get(row)
        finally:
            self.lock.release()

    def keep(self, row: int, value: int) -> None:
        """Remember a value read outside any transaction (one inside may yet roll back)."""
        if self.connection is not None and not database.in_transaction():
            self.known[row] = value

    def forget(self) -> None:
        """A write of this process has committed: read the rows again."""
        with self.lock:
            self._forget()

    def _forget(self) -> None:
        self.known = {}
        self.since = time.monotonic()

    def _listening(self) -> bool:
        if self.connection is not None and self.pid != os.getpid():
            self.inherited.append(self.connection)  # forked: the parent's, not ours
            self.connection = None
        if self.connection is not None and self.database is not database.obj:
            self._close()  # the process opened another database (notifications are per database)
        if self.connection is not None:
            return True
        if time.monotonic() < self.retry_at:
            return False
        try:
            connection = own_connection()
            connection.execute(f"LISTEN {CHANNEL}")
        except Exception:  # the server is away: read the row meanwhile, and try again later
            self.retry_at = time.monotonic() + RETRY_AFTER_S
            return False
        self.connection, self.pid, self.database = connection, os.getpid(), database.obj
        self._forget()  # listening now: what was read before may have missed a notification
        return True

    def _close(self) -> None:
        connection, self.connection = self.connection, None
        with contextlib.suppress(Exception):  # already broken: nothing to release
            connection.close()

    def _told(self) -> bool:
        """Whether a notification has come (reading what the socket holds, never waiting)."""
        received = self.connection.pgconn
        try:
            received.consume_input()
        except Exception:  # the connection is gone: read the row until a new one listens
            self._close()
            return True
        told = False
        while received.notifies() is not None:
            told = True
        return told


_watch = Watch()


def current(row: int = REGISTRY) -> int:
    """The registry's version (or the catalog's): how many writes it has seen."""
    watching = not is_sqlite()
    if watching and (value := _watch.value(row)) is not None:
        return value
    # Plain SQL: this runs on every authenticated request, and building it costs more than it.
    found = database.execute_sql(_CURRENT_SQL + str(row)).fetchone()
    value = found[0] if found else 0
    if watching:
        _watch.keep(row, value)
    return value


def per_catalog(cache: VersionedCache, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per catalog version: what is computed from the catalog alone (a plan,
    its targets) is kept across the other writes."""
    return cache.get(key, current(CATALOG), compute)


def increment(row: int = REGISTRY) -> None:
    """`value + 1` on the row (created by the first write); on PostgreSQL, a notification to
    every process at the commit, and this one reads the row again after it."""
    updated = (
        RegistryVersion.update(value=RegistryVersion.value + 1)
        .where(RegistryVersion.id == row)
        .execute()
    )
    if not updated:
        RegistryVersion.insert(id=row, value=1).on_conflict_ignore().execute()
    if not is_sqlite():
        database.execute_sql(f"NOTIFY {CHANNEL}")
        _watch.forget()  # read inside this transaction (never kept), and again after it
        after_commit(_watch.forget)
