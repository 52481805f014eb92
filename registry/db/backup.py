"""A consistent copy of the live SQLite database (SQLite's online backup API)."""

import os
import sqlite3
from pathlib import Path

from registry.db.connection import database, is_sqlite


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
