"""Transactions: a write's, all or nothing, with what it defers to its commit; a reader's
snapshot."""

import threading
from collections.abc import Callable
from contextlib import contextmanager

from registry.db.connection import database, is_sqlite

# Per thread (as peewee's connections are): what the open write transaction does last.
_writing = threading.local()


@contextmanager
def write_transaction():
    """A transaction for a write: all of it commits, or none of it.

    What the write deferred (`at_commit`) runs last inside it, just before the commit: rows
    every writer shares (the registry's version, the tallies) are then locked for the commit's
    moment only, never for the whole write (a long import included), and always in one order.
    What must follow the commit (`after_commit`) runs once it has committed.
    A write transaction inside another is part of it (and must not be rolled back alone).
    """
    if getattr(_writing, "deferred", None) is not None:
        with database.atomic():
            yield
        return
    _writing.deferred, _writing.committed, _writing.reserved = {}, [], {}
    try:
        with database.atomic():
            yield
            for finish in _writing.deferred.values():
                finish()
        committed = _writing.committed
    finally:
        _writing.deferred = _writing.committed = _writing.reserved = None
    for then in committed:
        then()


def at_commit(key: str, start: Callable[[], Callable[[], None]]) -> Callable[[], None] | None:
    """Inside a write transaction, the work deferred under `key` (made by `start()` on first
    use; the transaction calls it last); outside one, None: the caller writes at once."""
    deferred = getattr(_writing, "deferred", None)
    if deferred is None:
        return None
    if key not in deferred:
        deferred[key] = start()
    return deferred[key]


def after_commit(then: Callable[[], None]) -> None:
    """`then()` once the open write transaction has committed (never if it rolls back);
    outside one, at once."""
    committed = getattr(_writing, "committed", None)
    if committed is None:
        then()
    else:
        committed.append(then)


def reserved_ids() -> dict | None:
    """The keys the open write transaction has given out, by table (None: no transaction)."""
    return getattr(_writing, "reserved", None)


@contextmanager
def read_snapshot():
    """A read-only transaction: every query inside sees the same committed state.

    SQLite in WAL mode gives a deferred transaction a snapshot at its first read; PostgreSQL
    needs REPEATABLE READ for the same.
    """
    if is_sqlite():
        with database.atomic(lock_type="DEFERRED"):
            yield
    else:
        with database.atomic(isolation_level="REPEATABLE READ"):
            yield
