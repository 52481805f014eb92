"""What an operator asks of the running registry: its release, the schema's migration level,
the disk free under a SQLite database, and when the last backup completed. Read by the health
check and by the metrics at each scrape; no Flask."""

import datetime as dt
import functools
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from registry import migrations
from registry.db import database, is_sqlite
from registry.models import BACKUPS_ONLY, Event

DISTRIBUTION = "enterprise-cultivation-registry"  # pyproject.toml's project name


@functools.cache
def release() -> str:
    """The registry's release, as installed (pyproject.toml's version)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a copy that was never installed
        return "unknown"


@dataclass(frozen=True)
class SchemaLevel:
    """The schema's migration level: the database's, and the latest this release knows; they
    differ until `registry init-db` migrates the database after an upgrade."""

    current: int | None  # None: an empty database
    latest: int

    @property
    def behind(self) -> bool:
        return self.current != self.latest


def schema_level() -> SchemaLevel:
    return SchemaLevel(migrations.current_version(), migrations.LATEST)


def disk_free_bytes() -> int | None:
    """Bytes free on the filesystem holding the SQLite database's file; None on PostgreSQL
    (its server's disk is its own) and for a database in memory."""
    if not is_sqlite():
        return None
    path = database.obj.database
    if not path or path == ":memory:":
        return None
    return shutil.disk_usage(Path(path).resolve().parent).free


def last_backup_at() -> dt.datetime | None:
    """When the newest backup completed (UTC, its `backup.completed` event); None: never.
    Read through the backups' own index (its condition written as the index's, so that both
    engines use it), however many events came since."""
    return Event.select(Event.at).where(BACKUPS_ONLY).order_by(Event.id.desc()).limit(1).scalar()
