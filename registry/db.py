"""The database handle: one proxy, bound at start-up from `REGISTRY_DATABASE_URL`."""

from contextlib import contextmanager
from pathlib import Path

import peewee
from playhouse.db_url import connect

database = peewee.DatabaseProxy()


def open_database(url: str, *, busy_timeout_ms: int = 10_000) -> peewee.Database:
    """Bind the proxy to the database at `url` and return it.

    SQLite gets WAL (readers never block the writer), foreign keys, a busy timeout, and
    transactions that begin IMMEDIATE: a deferred transaction that later wants to write
    fails with "database is locked" instead of waiting its turn.
    """
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = connect(
            url,
            pragmas={
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": busy_timeout_ms,
                "synchronous": "normal",
            },
            timeout=busy_timeout_ms / 1000,
            lock_type="IMMEDIATE",
        )
    else:
        db = connect(url)
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)


@contextmanager
def write_transaction():
    """A transaction for a write: all of it commits, or none of it."""
    with database.atomic():
        yield
