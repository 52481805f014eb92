"""A consistent copy of the live SQLite database (SQLite's online backup API), checked, and a
copy put back into an empty database."""

import contextlib
import os
import sqlite3
from pathlib import Path

from registry.db.connection import database, is_sqlite

# The tables whose row counts a backup is checked by: the firms, their titles, the audit trail.
COUNTED = ("enterprise", "certification", "event")
SQLITE_HEADER = b"SQLite format 3\x00"


class BackupRefused(Exception):
    """The backup cannot be made where asked; the message says why, in one line."""


def live_sqlite_path() -> Path:
    return Path(database.obj.database).resolve()


def refuse_live_target(target: Path) -> None:
    """Refuse a target that is the live database file (or its -wal and -shm companions)."""
    live = live_sqlite_path()
    destination = target.resolve()
    if destination in {live, *(Path(f"{live}{suffix}") for suffix in ("-wal", "-shm"))} or (
        destination.exists() and os.path.samefile(destination, live)
    ):
        raise BackupRefused(f"{target} is the live database: back it up to another file")


STEP_PAGES = 8192  # pages copied a step (32 MB of 4 KB pages), between progress reports


def backup_sqlite(target: str, on_progress=None) -> dict[str, int]:
    """A consistent copy of the live SQLite database into `target` (SQLite's online backup);
    returns the row counts of COUNTED as they were in the copied snapshot. The copy is a
    self-contained file (rollback journal, no -wal beside it). `on_progress(copied, total)`
    hears the pages copied after each step."""
    if not is_sqlite():
        raise BackupRefused("backup copies a SQLite database; use pg_dump for PostgreSQL")
    refuse_live_target(Path(target))
    destination_path = Path(target).resolve()
    if not destination_path.parent.is_dir():
        raise BackupRefused(f"no folder {destination_path.parent}: create it first")
    source = sqlite3.connect(live_sqlite_path(), isolation_level=None)
    try:
        destination = sqlite3.connect(destination_path)
    except sqlite3.Error as exc:
        source.close()
        raise BackupRefused(f"cannot write {target}: {exc}") from exc
    try:
        # One read transaction: the counts and the pages copied are of the same snapshot
        # (the backup steps inside the source's open read transaction).
        source.execute("BEGIN")
        counts = count_rows(source)
        with destination:
            source.backup(destination, pages=STEP_PAGES, progress=_reporter(on_progress))
        source.execute("COMMIT")
        destination.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupRefused(f"cannot write {target}: {exc}") from exc
    finally:
        destination.close()
        source.close()
    return counts


def _reporter(on_progress):
    if on_progress is None:
        return None
    return lambda status, remaining, total: on_progress(total - remaining, total)


def count_rows(connection) -> dict[str, int]:
    return {
        table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in COUNTED
    }


def check_sqlite_copy(path: Path) -> dict[str, int]:
    """`PRAGMA integrity_check` and the row counts of a copy (opened read-only); raises
    BackupRefused when the copy is not sound."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupRefused(f"{path} fails integrity_check: {'; '.join(problems[:3])}")
            return count_rows(copy)
    except sqlite3.Error as exc:
        raise BackupRefused(f"{path} is not a sound SQLite database: {exc}") from exc


def restore_sqlite(source: Path) -> None:
    """Copy the backup `source` (checked first) into the live database, which the caller has
    found empty: SQLite's backup API, page by page, into the configured file."""
    check_sqlite_copy(source)
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as copy:
        live = sqlite3.connect(live_sqlite_path())
        try:
            copy.backup(live)
        finally:
            live.close()
