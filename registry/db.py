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


def bulk_insert(model, fields: list, rows: list[tuple]) -> None:
    """Insert many rows with one prepared statement (executemany).

    peewee builds SQL for each value of `insert_many`, which costs more than the database's own
    work for large loads; here the values go straight to the driver, converted by each field.
    """
    if not rows:
        return
    db = database.obj
    open_quote, close_quote = db.quote[0], db.quote[1]

    def quoted(name: str) -> str:
        return f"{open_quote}{name}{close_quote}"

    columns = ", ".join(quoted(f.column_name) for f in fields)
    marks = ", ".join([db.param] * len(fields))
    sql = f"INSERT INTO {quoted(model._meta.table_name)} ({columns}) VALUES ({marks})"
    converters = [f.db_value for f in fields]
    values = [tuple(c(v) for c, v in zip(converters, row, strict=True)) for row in rows]
    db.cursor().executemany(sql, values)
