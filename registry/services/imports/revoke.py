"""Applying a revocation list (撤销/取消…称号): each named title revoked, all or none.

The province publishes revocations as it publishes titles, names only more often than not; the
rows are read, placed and identified as any list's. Each row revokes the firm's title of the
list's tier (of its year, when the list says) that stood on the revocation day; a title already
revoked that day is `unchanged`, on another day a `conflict`. The three-year bar then runs from
that day, as for a single revocation.
"""

import datetime as dt
from dataclasses import dataclass

from registry.db import bump_versions, database
from registry.messages import Message
from registry.models import Enterprise
from registry.services import aggregates, audit
from registry.services.imports.apply import Applier
from registry.services.imports.rows import ListRow
from registry.services.imports.store import Facts, Firm
from registry.services.scope import Actor


class Revoker(Applier):
    """A list of titles revoked."""

    def apply(self, rows: list[ListRow]) -> None:
        """Decide, and (for a real import) write, one chunk of rows."""
        self._load(list({row.credit_code for row in rows}))
        revoked: list[tuple[ListRow, Facts]] = []
        for row in rows:
            firm = self.firms.get(row.credit_code)
            if firm is None:
                self._error(
                    row,
                    "credit_code",
                    Message("row.nothing_to_revoke", credit_code=row.credit_code),
                )
                self._outcome(row, None, "error", False)
                continue
            if not self._same_firm(row, firm):
                self._outcome(row, firm, "conflict", False)
                continue
            forbidden = len(self.applied.forbidden)
            if not self._in_scope(row, firm.district):
                outcome = "forbidden" if len(self.applied.forbidden) > forbidden else "skipped"
                self._outcome(row, firm, outcome, False)
                continue
            title = self._title(row)
            if title is None:
                self._outcome(row, firm, "error", False)
            elif title.revoked_on is None:
                title.revoked_on = row.revoked_on  # a repeat later in the list is unchanged
                revoked.append((row, title))
                self._outcome(row, firm, "revoked", False)
            elif title.revoked_on == row.revoked_on:
                self.applied.unchanged += 1
                self._outcome(row, firm, "unchanged", False)
            else:
                self._conflict(row, "revoked_on", title.revoked_on, row.revoked_on)
                self._outcome(row, firm, "conflict", False)
        self.applied.revoked += len(revoked)
        if self.write and revoked:
            firms = {row.credit_code: self.firms[row.credit_code] for row, _ in revoked}
            self.store.write(Revocations(revoked, firms, self.now, self.actor))
        self._done_with_chunk()

    def _title(self, row: ListRow) -> Facts | None:
        """The firm's title the row revokes: of the list's tier (and year), granted by the
        revocation day, the latest of them; None (and an error) when it holds none."""
        held = [
            c
            for c in self.history[row.credit_code]
            if c.tier_id == row.tier
            and (row.year is None or c.year == row.year)
            and c.certified_on <= row.revoked_on
        ]
        if not held:
            code = "row.title_not_held" if row.year is None else "row.title_of_year_not_held"
            self._error(
                row,
                "tier",
                Message(
                    code,
                    credit_code=row.credit_code,
                    tier=row.tier,
                    year=row.year,
                    revoked_on=row.revoked_on.isoformat(),
                ),
            )
            return None
        return max(held, key=lambda c: (c.certified_on, c.year))


@dataclass(slots=True)
class Revocations:
    """A chunk's titles revoked, as decided: `write` runs them in the open write transaction."""

    revoked: list[tuple[ListRow, Facts]]  # each row, and the title it revokes
    firms: dict[str, Firm]  # the firms of the rows, by credit code
    moment: dt.datetime
    actor: Actor

    def write(self) -> None:
        """Revoke the chunk's titles, and one audit event each, as a single revocation does."""
        revoked, firms = self.revoked, self.firms
        mark = database.obj.param
        database.cursor().executemany(
            f'UPDATE "certification" SET "revoked_on" = {mark}, "revocation_reason" = {mark} '
            f'WHERE "id" = {mark} AND "revoked_on" IS NULL',
            [(row.revoked_on, row.reason, title.id) for row, title in revoked],
        )
        aggregates.revoked([title.id for _, title in revoked])
        bump_versions(Enterprise, list({firm.id for firm in firms.values()}), self.moment)
        audit.record_many(
            self.actor,
            [
                (
                    "certification.revoked",
                    f"enterprise/{row.credit_code}/certification/{title.id}",
                    firms[row.credit_code].district,
                    {
                        "row": row.number,
                        "id": title.id,
                        "revoked_on": row.revoked_on.isoformat(),
                        "reason": row.reason,
                        "credit_code": row.credit_code,
                        "found_by": row.found_by,
                    },
                )
                for row, title in revoked
            ],
        )
