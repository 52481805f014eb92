"""The funnel's tally: each write to an application moves its count from the key it had to
the key it has, in its own transaction. The changes are summed while the write runs and
applied as UPSERT increments in key order when it commits (as the certifications' tallies
are): concurrent writers neither lose an increment nor deadlock."""

from collections import Counter

import peewee as pw

from registry.db import at_commit, database
from registry.models import Application, Enterprise, PipelineTally

Key = tuple[str, int, str, str, str]  # tier, year, district, stage, highest
TABLE = f'"{PipelineTally._meta.table_name}"'
COLUMNS = ["tier", "year", "district", "stage", "highest", "n"]
ROWS_PER_STATEMENT = 500


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
    """Add the changes to the table (UPSERT increments, in key order, 500 rows a statement)."""
    rows = [(*key, n) for key, n in sorted(changes.items()) if n]
    mark = database.obj.param
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    key = ", ".join(f'"{c}"' for c in COLUMNS[:-1])
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        marks = ", ".join(["(" + ", ".join([mark] * len(COLUMNS)) + ")"] * len(chunk))
        database.execute_sql(
            f"INSERT INTO {TABLE} ({columns}) VALUES {marks} "
            f'ON CONFLICT ({key}) DO UPDATE SET "n" = {TABLE}."n" + excluded."n"',
            [value for row in chunk for value in row],
        )


def moved(firm_id: int, from_district: str, to_district: str) -> None:
    """A firm moved to another district in this transaction: its applications count there."""
    query = Application.select(
        Application.tier, Application.year, Application.stage, Application.highest
    ).where(Application.enterprise == firm_id)
    for tier, year, stage, highest in query.tuples():
        change(
            (tier, year, from_district, stage, highest), (tier, year, to_district, stage, highest)
        )


def scanned() -> Counter:
    """The tally as a scan of the applications gives it: {key: n}."""
    query = (
        Application.select(
            Application.tier,
            Application.year,
            Enterprise.district,
            Application.stage,
            Application.highest,
            pw.fn.COUNT(Application.id),
        )
        .join(Enterprise)
        .group_by(
            Application.tier,
            Application.year,
            Enterprise.district,
            Application.stage,
            Application.highest,
        )
    )
    return Counter({tuple(key): n for *key, n in query.tuples()})


def stored() -> Counter:
    """The tally as stored, without its rows of zero."""
    query = PipelineTally.select(*(getattr(PipelineTally, c) for c in COLUMNS)).where(
        PipelineTally.n != 0
    )
    return Counter({tuple(key): n for *key, n in query.tuples()})


def rebuild() -> Counter:
    """The tally recomputed from the applications (call inside a write transaction)."""
    found = scanned()
    PipelineTally.delete().execute()
    apply(found)
    return found
