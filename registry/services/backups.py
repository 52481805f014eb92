"""Backups that check themselves, and restoring one into an empty database.

A backup is written under a temporary name beside its final one, checked (SQLite: its
`integrity_check`; both engines: the rows of firms, titles and events it holds equal the
source's at the moment it copied), then renamed; only then are older dated backups pruned and
a `backup.completed` event recorded (what monitoring reads to know the last good backup).
"""

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from registry import migrations
from registry.db import database, is_sqlite, write_transaction
from registry.db.backup import (
    COUNTED,
    SQLITE_HEADER,
    BackupRefused,
    backup_sqlite,
    check_sqlite_copy,
    refuse_live_target,
    restore_sqlite,
)
from registry.db.dump import PG_DUMP_HEADER, check_dump, dump_postgresql, restore_postgresql
from registry.migrations import SchemaVersion
from registry.services import audit, retention
from registry.services.scope import Actor

COMPLETED = "backup.completed"  # the action monitoring looks for: keep the name
SUFFIXES = {"sqlite": "sqlite3", "postgresql": "dump"}


@dataclass(frozen=True)
class Keep:
    """How many daily, weekly and monthly backups a folder keeps."""

    daily: int
    weekly: int
    monthly: int


@dataclass
class Backup:
    path: Path
    engine: str
    size: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    verified: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def engine() -> str:
    return "sqlite" if is_sqlite() else "postgresql"


def destination(target: Path, now: dt.datetime | None = None) -> Path:
    """A folder: a dated file in it; anything else: that file."""
    if target.is_dir():
        moment = now or dt.datetime.now(dt.UTC)
        return target / retention.backup_name(moment, SUFFIXES[engine()])
    return target


def back_up(
    actor: Actor,
    target: Path,
    *,
    keep: Keep | None,
    bindir: str | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> Backup:
    """Back the database up into `target` (a folder: a dated file, then the folder pruned by
    `keep`; a file path: that file), check it, and record `backup.completed`. `say` hears
    what is being done and what was checked."""
    final = destination(target)
    if not final.parent.is_dir():
        raise BackupRefused(f"no folder {final.parent.resolve()}: create it first")
    if is_sqlite():
        refuse_live_target(final)
    done = Backup(path=final, engine=engine())
    partial = final.with_name(f".{final.name}.partial")
    try:
        _write_and_check(done, partial, bindir, say)
        _sync(partial)
        os.replace(partial, final)
        _sync(final.parent)
    finally:
        partial.unlink(missing_ok=True)
    done.size = final.stat().st_size
    say(f"Wrote {final} ({done.size} bytes).")
    if keep is not None and target.is_dir():
        done.removed = retention.prune(
            target, daily=keep.daily, weekly=keep.weekly, monthly=keep.monthly
        )
        for name in done.removed:
            say(f"Removed {name} (older than what is kept).")
    try:
        _record(actor, done)
    except pw.DatabaseError as exc:  # the copy stands; monitoring must hear it is not recorded
        raise BackupRefused(
            f"{final} is written and verified, but its {COMPLETED} event could not be "
            f"recorded: {exc}"
        ) from exc
    return done


def _write_and_check(done: Backup, partial: Path, bindir, say) -> None:
    if done.engine == "sqlite":
        say(f"Copying the SQLite database (online backup) into {partial.name} …")
        done.counts = backup_sqlite(str(partial), on_progress=_progress(say))
        say("Checking the copy: PRAGMA integrity_check …")
        found = check_sqlite_copy(partial)
        done.verified.append("integrity_check ok")
    else:
        say(f"Dumping the PostgreSQL database (pg_dump -Fc) into {partial.name} …")
        done.counts = dump_postgresql(partial, bindir)
        say("Checking the dump: pg_restore --list, and its rows counted …")
        found = check_dump(partial, bindir)
        done.verified.append("pg_restore reads it")
    if found != done.counts:
        raise BackupRefused(
            f"the copy does not hold the source's rows: {found} in it, {done.counts} in the source"
        )
    rows = ", ".join(f"{n} {table}" for table, n in done.counts.items())
    done.verified.append(f"rows as in the source at the backup's moment: {rows}")
    for line in done.verified:
        say(f"Verified: {line}.")


def _progress(say):
    """Report the pages copied at each tenth of the way (and at the end)."""
    reported = [-1]

    def report(copied: int, total: int) -> None:
        tenth = copied * 10 // max(total, 1)
        if tenth > reported[0]:
            reported[0] = tenth
            say(f"Copied {copied} of {total} pages ({tenth * 10}%).")

    return report


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _record(actor: Actor, done: Backup) -> None:
    """The event monitoring reads; it changes nothing the screens show (no version bump)."""
    with write_transaction():
        audit.record(
            actor,
            COMPLETED,
            f"backup/{done.path.name}",
            district=None,
            data={
                "file": done.path.name,
                "folder": str(done.path.parent.resolve()),
                "engine": done.engine,
                "size": done.size,
                "counts": done.counts,
                "removed": done.removed,
            },
            bump=False,
        )


def kind_of(path: Path) -> str | None:
    """Which engine's backup a file is, by its first bytes; None: neither."""
    with path.open("rb") as file:
        start = file.read(len(SQLITE_HEADER))
    if start == SQLITE_HEADER:
        return "sqlite"
    return "postgresql" if start.startswith(PG_DUMP_HEADER) else None


def tables_with_rows() -> list[str]:
    """The database's tables that hold a row (none: the database is empty); the schema's own
    version is no data."""
    return [
        table
        for table in sorted(database.get_tables())
        if table != SchemaVersion._meta.table_name
        and database.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()
    ]


def restore(source: Path, *, bindir: str | None = None) -> dict:
    """Restore the backup `source` into the configured database, which must be empty (no
    tables, or none with a row): never over a live one. The schema is then brought up to date.
    Returns the rows of COUNTED restored and the migration steps applied."""
    if not source.is_file():
        raise BackupRefused(f"no file {source}")
    kind, target = kind_of(source), engine()
    if kind is None:
        raise BackupRefused(f"{source} is neither a SQLite backup nor a pg_dump -Fc dump")
    if kind != target:
        raise BackupRefused(f"{source} is a {kind} backup; the configured database is {target}")
    occupied = tables_with_rows()
    if occupied:
        raise BackupRefused(
            "the database is not empty (rows in " + ", ".join(occupied[:4]) + "): restore only "
            "into a new, empty database, never over a live one"
        )
    if kind == "sqlite":
        restore_sqlite(source)
    else:
        restore_postgresql(source, bindir)
    applied = migrations.upgrade()
    counts = {
        table: database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in COUNTED
    }
    return {"counts": counts, "migrations": applied, "schema": migrations.current_version()}
