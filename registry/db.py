"""The database handle: one proxy, bound at start-up from `REGISTRY_DATABASE_URL`."""

import datetime as dt
import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from pathlib import Path

import orjson
import peewee as pw
from playhouse.db_url import connect

# Dates as peewee writes them (and as Python 3.12 no longer adapts by default); the methods
# themselves, called from C (a bulk insert adapts 100,000s of dates).
sqlite3.register_adapter(dt.date, dt.date.isoformat)
sqlite3.register_adapter(dt.datetime, functools.partial(dt.datetime.isoformat, sep=" "))

database = pw.DatabaseProxy()


def json_text(value) -> str:
    """JSON as the database stores it: compact UTF-8 text (orjson: bulk imports encode 100,000s
    of values, several times faster than the json module); dates and times as str() gives them
    (as the drivers' adapters store them), as is any other value JSON has no type for."""
    return orjson.dumps(
        value, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
    ).decode()


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


def own_connection():
    """A new connection to the database, outside peewee's (the caller closes it): for a
    PostgreSQL LISTEN that must stay open whatever the requests do with theirs."""
    return database.obj._connect()


def rows_of(build: Callable[..., pw.Query], *args: Hashable) -> list[tuple]:
    """The rows of the query `build(*args)`, as tuples; its SQL built once per arguments.

    peewee builds SQL in Python, which costs a small aggregate query (a dashboard's sum over
    the tallies) more than the database's own work; a screen asks the same queries again after
    every write, with the same arguments.
    """
    sql, params = _sql_of(build, is_sqlite(), args)
    return database.execute_sql(sql, params).fetchall()


@functools.lru_cache(maxsize=1024)
def _sql_of(build: Callable[..., pw.Query], sqlite: bool, args: tuple) -> tuple[str, tuple]:
    sql, params = build(*args).sql()  # `sqlite`: the SQL of each engine is its own
    return sql, tuple(params)


def bulk_insert(model, fields: list, rows: list[tuple], *, converted: bool = False) -> None:
    """Insert many rows with one prepared statement (executemany).

    peewee builds SQL for each value of `insert_many`, which costs more than the database's own
    work for large loads; here the values go straight to the driver, converted by each field
    (unless the caller has `converted` them already).
    """
    if not rows:
        return
    db = database.obj
    columns = ", ".join(_quoted(f.column_name) for f in fields)
    marks = ", ".join([db.param] * len(fields))
    sql = f"INSERT INTO {_quoted(model._meta.table_name)} ({columns}) VALUES ({marks})"
    # Only fields of our own types need converting (JSON); the drivers take the rest as is.
    custom = [i for i, f in enumerate(fields) if type(f).__module__ != "peewee"]
    if custom and not converted:
        rows = [list(row) for row in rows]
        for row in rows:
            for i in custom:
                row[i] = fields[i].db_value(row[i])
    with pw.__exception_wrapper__:  # the driver's errors as peewee's, as execute_sql raises them
        database.cursor().executemany(sql, rows)


def new_ids(model, count: int) -> list[int]:
    """Primary keys for `count` rows of `model` that the open write transaction inserts with
    them (so it need not read them back). PostgreSQL: from the table's sequence; SQLite (whose
    write transaction holds the whole database): after the largest key, and after any this
    transaction has given out already (their rows may not be inserted yet)."""
    reserved = getattr(_writing, "reserved", None)
    if reserved is None:
        raise RuntimeError("new_ids() needs an open write_transaction()")
    if not count:
        return []
    table = model._meta.table_name
    if not is_sqlite():
        key = model._meta.primary_key.column_name
        sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
        return [i for (i,) in database.execute_sql(sql, [_quoted(table), key, count])]
    first = max(reserved.get(table, 0), last_id(model) + 1)
    reserved[table] = first + count
    return list(range(first, first + count))


def _quoted(name: str) -> str:
    quotes = database.obj.quote
    return f"{quotes[0]}{name}{quotes[1]}"


def _in(key, values: list) -> str:
    marks = ", ".join([database.obj.param] * len(values))
    return f"{_quoted(key.column_name)} IN ({marks})"


def bump_versions(model, ids: list, moment) -> None:
    """`version = version + 1` (and `updated_at`) for many rows at once, by primary key."""
    if ids:
        sql = (
            f"UPDATE {_quoted(model._meta.table_name)} SET {_quoted('version')} = "
            f"{_quoted('version')} + 1, {_quoted('updated_at')} = {database.obj.param} "
            f"WHERE {_in(model._meta.primary_key, ids)}"
        )
        database.execute_sql(sql, [moment, *ids])


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _fast_python_value(field):
    """The conversion a raw row needs for `field`: dates come back from SQLite as ISO text
    (peewee's own parser tries several formats, slow at bulk sizes), booleans as 0 and 1."""
    if isinstance(field, pw.DateTimeField):
        return field.python_value
    if isinstance(field, pw.DateField):
        return _as_date
    if isinstance(field, pw.BooleanField):
        return bool
    return None


def rows_where_in(fields: list, key, values: list, *, lock: bool = False) -> list[tuple]:
    """`SELECT fields FROM table WHERE key IN (values)` as tuples, for thousands of values.

    peewee builds SQL for each value of an IN list, which costs more than the query itself
    at bulk sizes; here the values go to the driver as parameters.
    """
    if not values:
        return []
    table = _quoted(key.model._meta.table_name)
    columns = ", ".join(_quoted(f.column_name) for f in fields)
    sql = f"SELECT {columns} FROM {table} WHERE {_in(key, values)}"
    if lock and not is_sqlite():
        sql += " FOR UPDATE"  # SQLite's IMMEDIATE transaction holds the whole database already
    return _typed(fields, database.execute_sql(sql, list(values)).fetchall())


def last_id(model) -> int:
    """The largest primary key of `model`'s table (0 when empty)."""
    table, key = _quoted(model._meta.table_name), _quoted(model._meta.primary_key.column_name)
    return database.execute_sql(f"SELECT MAX({key}) FROM {table}").fetchone()[0] or 0


def _typed(fields: list, rows: list) -> list:
    """Raw rows of `fields` with dates and booleans converted (see _fast_python_value)."""
    typed = [(i, _fast_python_value(f)) for i, f in enumerate(fields)]
    typed = [(i, convert) for i, convert in typed if convert is not None]
    if not typed:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for i, convert in typed:
            row[i] = convert(row[i])
        converted.append(tuple(row))
    return converted


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


class BackupRefused(Exception):
    """The backup cannot be made where asked; the message says why, in one line."""


def backup_sqlite(target: str) -> None:
    """A consistent copy of the live SQLite database into `target` (SQLite's online backup)."""
    if not is_sqlite():
        raise BackupRefused("backup copies a SQLite database; use pg_dump for PostgreSQL")
    live = Path(database.obj.database).resolve()
    destination_path = Path(target).resolve()
    if destination_path in {live, *(Path(f"{live}{suffix}") for suffix in ("-wal", "-shm"))} or (
        destination_path.exists() and os.path.samefile(destination_path, live)
    ):
        raise BackupRefused(f"{target} is the live database: back it up to another file")
    if not destination_path.parent.is_dir():
        raise BackupRefused(f"no folder {destination_path.parent}: create it first")
    source = sqlite3.connect(live)
    try:
        destination = sqlite3.connect(destination_path)
    except sqlite3.Error as exc:
        source.close()
        raise BackupRefused(f"cannot write {target}: {exc}") from exc
    try:
        with destination:
            source.backup(destination)
    except sqlite3.Error as exc:
        raise BackupRefused(f"cannot write {target}: {exc}") from exc
    finally:
        destination.close()
        source.close()
