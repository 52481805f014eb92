"""The database handle: one proxy, bound at start-up from `REGISTRY_DATABASE_URL`, and this
thread's connection to it."""

import datetime as dt
import functools
import sqlite3
from pathlib import Path

import peewee as pw
from playhouse.db_url import connect

# Dates as peewee writes them (and as Python 3.12 no longer adapts by default); the methods
# themselves, called from C (a bulk insert adapts 100,000s of dates).
sqlite3.register_adapter(dt.date, dt.date.isoformat)
sqlite3.register_adapter(dt.datetime, functools.partial(dt.datetime.isoformat, sep=" "))

database = pw.DatabaseProxy()


def open_database(url: str, *, busy_timeout_ms: int = 10_000) -> pw.Database:
    """Bind the proxy to the database at `url` and return it.

    SQLite gets WAL (readers never block the writer), foreign keys, a busy timeout, and
    transactions that begin IMMEDIATE: a deferred transaction that later wants to write
    fails with "database is locked" instead of waiting its turn.
    """
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()  # rebinding (a new app in the same process): release the old file
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
                "cache_size": -64_000,  # 64 MB: bulk loads touch indexes all over
            },
            timeout=busy_timeout_ms / 1000,
            lock_type="IMMEDIATE",
        )
    else:
        db = connect(url)
    database.initialize(db)
    return db


def drop_connection() -> None:
    """Close this thread's connection (it may be broken); the next use reconnects."""
    try:
        if not database.is_closed():
            database.close()
    except Exception:  # a broken connection may fail to close: forget it all the same
        forget_connection()


def forget_connection() -> None:
    """Forget this thread's connection without closing it: after a fork, the parent's (closing
    it would close the parent's too); the next use connects anew."""
    if database.obj is not None:
        database.obj._state.reset()


def is_sqlite() -> bool:
    return isinstance(database.obj, pw.SqliteDatabase)


def own_connection():
    """A new connection to the database, outside peewee's (the caller closes it): for a
    PostgreSQL LISTEN that must stay open whatever the requests do with theirs."""
    return database.obj._connect()
