"""Bulk SQL: many rows written or read with one statement, their values straight to the driver
(peewee builds SQL in Python for each value, which costs more than the database's own work at
the sizes of a published list or a dashboard's repeated sums)."""

import datetime as dt
import functools
from collections.abc import Callable, Hashable

import orjson
import peewee as pw

from registry.db.connection import database, is_sqlite
from registry.db.transactions import reserved_ids


def json_text(value) -> str:
    """JSON as the database stores it: compact UTF-8 text (orjson: bulk imports encode 100,000s
    of values, several times faster than the json module); dates and times as str() gives them
    (as the drivers' adapters store them), as is any other value JSON has no type for."""
    return orjson.dumps(
        value, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
    ).decode()


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
    reserved = reserved_ids()
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
