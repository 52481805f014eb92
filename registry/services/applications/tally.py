"""The funnel's tally: each write to an application moves its count from the key it had to
the key it has, in its own transaction. The changes are summed while the write runs and
applied as UPSERT increments in key order when it commits (as the certifications' tallies
are): concurrent writers neither lose an increment nor deadlock."""

from collections import Counter

from registry.db import at_commit, database
from registry.models import PipelineTally

Key = tuple[str, int, str, str, str]  # tier, year, district, stage, highest
TABLE = f'"{PipelineTally._meta.table_name}"'
COLUMNS = ["tier", "year", "district", "stage", "highest", "n"]


class Pending(Counter):
    """A write transaction's changes to the tally, applied when it is called."""

    def __call__(self) -> None:
        apply(self)


def change(before: Key | None, after: Key | None) -> None:
    """An application went from `before` to `after` (None: it did not exist, or no longer
    does)."""
    pending = at_commit("registry.pipeline", Pending)
    target = Pending() if pending is None else pending
    if before is not None:
        target[before] -= 1
    if after is not None:
        target[after] += 1
    if pending is None:
        apply(target)


def apply(changes: Counter) -> None:
    """Add the changes to the table (UPSERT increments, in key order)."""
    rows = [(*key, n) for key, n in sorted(changes.items()) if n]
    if not rows:
        return
    mark = database.obj.param
    marks = ", ".join(["(" + ", ".join([mark] * len(COLUMNS)) + ")"] * len(rows))
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    key = ", ".join(f'"{c}"' for c in COLUMNS[:-1])
    database.execute_sql(
        f"INSERT INTO {TABLE} ({columns}) VALUES {marks} "
        f'ON CONFLICT ({key}) DO UPDATE SET "n" = {TABLE}."n" + excluded."n"',
        [value for row in rows for value in row],
    )
