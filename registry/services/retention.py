"""Which dated backups to keep: grandfather-father-son over the files a backup folder holds.

The newest backup of each of the last `daily` days that have one is kept, of each of the last
`weekly` ISO weeks, of each of the last `monthly` months; the newest of all always. Only files
named as `registry backup` names them are ever considered; anything else in the folder is left
alone.
"""

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

STAMP = "%Y%m%dT%H%M%SZ"
NAME = re.compile(r"^registry-(\d{8}T\d{6}Z)\.(sqlite3|dump)$")


def backup_name(moment: dt.datetime, suffix: str) -> str:
    """`registry-YYYYMMDDTHHMMSSZ.<suffix>` for a moment (UTC)."""
    return f"registry-{moment.astimezone(dt.UTC).strftime(STAMP)}.{suffix}"


def moment_of(name: str) -> dt.datetime | None:
    """The moment a backup's file name records; None for any other name."""
    matched = NAME.match(name)
    if not matched:
        return None
    try:
        return dt.datetime.strptime(matched.group(1), STAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


BUCKETS: tuple[Callable[[dt.datetime], Hashable], ...] = (
    lambda moment: moment.date(),
    lambda moment: moment.isocalendar()[:2],
    lambda moment: (moment.year, moment.month),
)


def to_keep(names: Iterable[str], *, daily: int, weekly: int, monthly: int) -> set[str]:
    """The backups' names to keep among `names` (names of other files are not returned)."""
    dated = sorted(
        ((moment, name) for name in names if (moment := moment_of(name)) is not None),
        reverse=True,
    )
    kept = {name for _, name in dated[:1]}
    for count, bucket in zip((daily, weekly, monthly), BUCKETS, strict=True):
        seen: set[Hashable] = set()
        for moment, name in dated:
            key = bucket(moment)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(key)
            kept.add(name)
    return kept


def prune(folder: Path, *, daily: int, weekly: int, monthly: int) -> list[str]:
    """Remove the dated backups in `folder` that `to_keep` does not keep; returns their names.
    Other files (and folders) are never touched."""
    names = [entry.name for entry in folder.iterdir() if entry.is_file() and moment_of(entry.name)]
    kept = to_keep(names, daily=daily, weekly=weekly, monthly=monthly)
    removed = sorted(set(names) - kept)
    for name in removed:
        (folder / name).unlink(missing_ok=True)
    return removed
