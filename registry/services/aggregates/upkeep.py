"""Keeping the tallies: each write adds its firms' share after it minus their share before it,
inside its own transaction.

The changes are summed in memory while the write runs and applied as UPSERT increments
(`n = n + excluded.n`, never read-modify-write) when its transaction ends, in one order (key
order, then the version): writers that share a tally row neither lose an increment nor hold the
row for longer than their commit, and cannot deadlock on the tallies.
"""

from registry.db import at_commit, database
from registry.models import CertificationTally, HoldingTally, TakeoverTally
from registry.services import version
from registry.services.aggregates.tallies import (
    Share,
    Title,
    scanned,
    shares,
    titles_beside,
    titles_of_firms,
)

ROWS_PER_STATEMENT = 500


class Pending:
    """A write transaction's changes to the tallies and whether it bumps the version; applied
    when it is called (last in the transaction)."""

    def __init__(self):
        self.change = Share.empty()
        self.bump = False
        self.catalog = False

    def __call__(self) -> None:
        apply(self.change)
        if self.catalog:
            version.increment(version.CATALOG)
        if self.bump:
            version.increment()


def _pending() -> Pending | None:
    return at_commit("registry.aggregates", Pending)


def bump() -> None:
    """Call inside a write transaction (audit.record does): the version is bumped when the
    transaction ends, and readers recompute after it commits."""
    pending = _pending()
    if pending is None:
        version.increment()
    else:
        pending.bump = True


def catalog_changed() -> None:
    """Call inside the write transaction that changes the catalog (seeds, a plan): what was
    computed from the catalog alone is computed again."""
    pending = _pending()
    if pending is None:
        version.increment(version.CATALOG)
    else:
        pending.catalog = True


def change(before: dict[int, list[Title]], after: dict[int, list[Title]]) -> Share:
    """What a write changes in the tallies: the firms' share after minus their share before
    (computed anywhere; `add` records it in the write's transaction)."""
    found = shares(after)
    found.add(shares(before), sign=-1)
    return found


def add(found: Share) -> None:
    """Record a change (`change`) in the open write transaction's tallies (or at once)."""
    pending = _pending()
    if pending is None:
        apply(found)
    else:
        pending.change.add(found)


def _changed(before: dict[int, list[Title]], after: dict[int, list[Title]]) -> None:
    add(change(before, after))


def registered(titles: dict[int, list[Title]]) -> None:
    """Firms registered in this transaction, by id, with every certification they have (their
    bulk writer knows what it wrote: nothing is read back)."""
    _changed({}, titles)


def certified(cert_ids: list[int], titles: dict[int, list[Title]] | None = None) -> None:
    """Certifications recorded in this transaction (call after inserting them), with every
    certification their firms have now (read, unless the writer gives them: an import knows
    what it loaded and wrote)."""
    add(certified_change(cert_ids, titles_beside(cert_ids) if titles is None else titles))


def certified_change(cert_ids: list[int], titles: dict[int, list[Title]]) -> Share:
    """What certifications `cert_ids` change, their firms' titles now being `titles`."""
    new = set(cert_ids)
    before = {firm: [t for t in held if t.id not in new] for firm, held in titles.items()}
    return change(before, titles)


def revoked(cert_ids: list[int]) -> None:
    """Certifications revoked in this transaction, unrevoked before it (call after the update)."""
    changed = set(cert_ids)
    after = titles_beside(cert_ids)
    before = {
        firm: [t._replace(revoked_on=None) if t.id in changed else t for t in titles]
        for firm, titles in after.items()
    }
    _changed(before, after)


def moved(firm_id: int, from_district: str) -> None:
    """A firm moved to another district in this transaction (call after the update)."""
    after = titles_of_firms([firm_id])
    before = {
        firm: [t._replace(district=from_district) for t in titles] for firm, titles in after.items()
    }
    _changed(before, after)


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _upsert(model, columns: list[str], sums: list[str], rows: list[tuple]) -> None:
    """`INSERT … ON CONFLICT (key) DO UPDATE SET s = s + excluded.s` for each summed column,
    in key order, a few hundred rows a statement."""
    table = model._meta.table_name
    key = [c for c in columns if c not in sums]
    updates = ", ".join(f'"{c}" = "{table}"."{c}" + excluded."{c}"' for c in sums)
    row_marks = "(" + ", ".join([database.obj.param] * len(columns)) + ")"
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        values = ", ".join([row_marks] * len(chunk))
        sql = (
            f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES {values} '
            f"ON CONFLICT ({_quoted(key)}) DO UPDATE SET {updates}"
        )
        database.execute_sql(sql, [value for row in chunk for value in row])


COUNT_COLUMNS = [
    "year",
    "tier",
    "district",
    "renewal",
    "certified_on",
    "valid_until",
    "revoked_on",
    "n",
]
HOLDING_COLUMNS = ["tier", "day", "district", "starts", "ends"]
TAKEOVER_COLUMNS = ["tier", "expiry_year", "district", "day", "starts", "ends"]


def apply(change: Share) -> None:
    """Add a change to the tables (UPSERT increments, in key order)."""
    change = change.nonzero()
    if change.counts:
        rows = [(*key, n) for key, n in sorted(change.counts.items())]
        _upsert(CertificationTally, COUNT_COLUMNS, ["n"], rows)
    days = sorted(set(change.starts) | set(change.ends))
    if days:
        rows = [(*key, change.starts[key], change.ends[key]) for key in days]
        _upsert(HoldingTally, HOLDING_COLUMNS, ["starts", "ends"], rows)
    days = sorted(set(change.takeover_starts) | set(change.takeover_ends))
    if days:
        rows = [(*key, change.takeover_starts[key], change.takeover_ends[key]) for key in days]
        _upsert(TakeoverTally, TAKEOVER_COLUMNS, ["starts", "ends"], rows)


def rebuild() -> Share:
    """The tables recomputed from the certifications (call inside a write transaction)."""
    share = scanned()
    for table in (CertificationTally, HoldingTally, TakeoverTally):
        table.delete().execute()
    apply(share)
    return share
