"""Where tests keep their data: a SQLite file of their own, or — with
REGISTRY_TEST_DATABASE_URL=postgresql://… (as .ci/run sets it) — a fresh PostgreSQL database of
their own on that server. The same tests run on both engines."""

import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SERVER_URL = os.environ.get("REGISTRY_TEST_DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))
ENGINE = "postgresql" if ON_POSTGRES else "sqlite"

sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about SQLite itself (its file, WAL, backup)")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs a PostgreSQL server")

_created: list[str] = []


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin():
    import psycopg

    return psycopg.connect(_with_database(SERVER_URL, "postgres"), autocommit=True)


def fresh_url(directory: Path, name: str = "registry") -> str:
    """The URL of a new, empty database for one test (or one server of a test)."""
    if not ON_POSTGRES:
        return f"sqlite:///{Path(directory) / f'{name}.db'}"
    database = f"test_{name.replace('-', '_')}_{uuid.uuid4().hex[:10]}"
    with _admin() as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    _created.append(database)
    return _with_database(SERVER_URL, database)


def drop_created() -> None:
    """Drop the databases the tests made (at the end of the session), unless the whole server
    is thrown away next (REGISTRY_TEST_THROWAWAY_SERVER=1, as `make test-postgres` says)."""
    if not _created or os.environ.get("REGISTRY_TEST_THROWAWAY_SERVER") == "1":
        return
    with _admin() as connection:
        while _created:
            connection.execute(f'DROP DATABASE IF EXISTS "{_created.pop()}" WITH (FORCE)')


def query(url: str, sql: str) -> list[tuple]:
    """Rows from the database at `url`, on a connection of the test's own (read-only work)."""
    if url.startswith("sqlite:///"):
        import contextlib
        import sqlite3

        path = url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchall()


def destroy(url: str) -> None:
    """Destroy the database at `url` as a disaster would, leaving an empty one of the same name
    (a restore drill): a SQLite file and its -wal and -shm removed; a PostgreSQL database
    dropped (its connections ended) and created again, empty."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = urlsplit(url).path.lstrip("/")
    with _admin() as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
