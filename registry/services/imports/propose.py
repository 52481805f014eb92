"""Applying a proposed list: the province's 公示 of the titles it proposes (拟认定), the city's
公示 of its recommendations (拟推荐), or a county's own 申报/推荐 sheet. It grants no title: each
listed firm's application for the list's tier and year moves to the list's stage (publicized,
reviewed, or the stage a county's sheet is loaded at), created there if the firm has no open
one. The rows are read, placed and identified as a final list's, and a firm the registry does
not know yet is registered from its row by the same rules.

An application already at the list's stage or past it is `unchanged`; a closed one (rejected,
withdrawn) is followed by a new one; a firm that already holds the title for that year gets a
warning and nothing is written for it. Each move or creation is written by the applications'
own functions (its history row, audit event and tally change); a dry run decides the same from
what it read, and writes nothing.
"""

from registry.messages import Message
from registry.models import Application, Enterprise
from registry.services import applications, enterprises
from registry.services.applications.stages import RANK
from registry.services.imports.apply import Applier
from registry.services.imports.result import note
from registry.services.imports.rows import ListRow
from registry.services.imports.store import Firm

COUNTED = {"publicize": "publicized", "review": "reviewed", "apply": "applied"}


class Proposer(Applier):
    """A list of firms proposed: their applications moved to the list's stage."""

    def apply(self, rows: list[ListRow]) -> None:
        """Decide, and (for a real import) write, one chunk of rows."""
        self._load(list({row.credit_code for row in rows}))
        stage = self.terms.stage
        for row in rows:
            firm, registers = self._reached(row)
            if firm is None:
                continue
            held = self.history[row.credit_code]
            if any(c.tier_id == row.tier and c.year == row.year for c in held):
                message = Message(
                    "import.title_held_already",
                    credit_code=row.credit_code,
                    tier=row.tier,
                    year=row.year,
                )
                self.applied.warnings.append(note(row.number, message))
                self._outcome(row, firm, "held", registers)
                continue
            found = next((a for a in firm.applications if a[1:3] == (row.tier, row.year)), None)
            if found is not None and RANK[found[3]] >= RANK[stage]:
                self.applied.unchanged += 1
                self._outcome(row, firm, "unchanged", registers)
                continue
            self._advance(row, firm, found)
            self._outcome(row, firm, "created" if found is None else "moved", registers)
        self._done_with_chunk()

    def _reached(self, row: ListRow) -> tuple[Firm | None, bool]:
        """The row's firm, found or registered from the row, if it agrees with what is stored
        and is in the districts loaded; None (the row's outcome recorded) otherwise."""
        firm = self.firms.get(row.credit_code)
        registers = firm is None
        if firm is None:
            firm = self._new_firm(row)
            if firm is None:
                self._outcome(row, None, "error", registers)
                return None, registers
        elif not self._same_firm(row, firm):
            self._outcome(row, firm, "conflict", registers)
            return None, registers
        forbidden = len(self.applied.forbidden)
        if not self._in_scope(row, firm.district):
            outcome = "forbidden" if len(self.applied.forbidden) > forbidden else "skipped"
            self._outcome(row, firm, outcome, registers)
            return None, registers
        if registers:
            self.applied.created_enterprises += 1
            self.firms[row.credit_code] = firm
            self.history[row.credit_code] = []
            if self.write:
                firm.id = self._register(row, firm)
        return firm, registers

    def _register(self, row: ListRow, firm: Firm) -> int:
        """The firm a row names, registered as a single registration is (its audit event)."""
        data = {"credit_code": row.credit_code, "name": firm.name, "district": firm.district}
        if firm.industry_chain:
            data["industry_chain"] = firm.industry_chain
        return enterprises.register(self.actor, data).id

    def _advance(self, row: ListRow, firm: Firm, found: tuple | None) -> None:
        """The firm's open application moved to the list's stage, or a new one created there."""
        stage = self.terms.stage
        name = COUNTED[self.terms.action]
        setattr(self.applied, name, getattr(self.applied, name) + 1)
        if found is not None:
            firm.applications.remove(found)
        application_id = found[0] if found is not None else None
        if self.write:
            enterprise = Enterprise(id=firm.id, credit_code=row.credit_code, district=firm.district)
            if found is None:
                application_id = applications.create(
                    self.actor,
                    enterprise,
                    self.tiers[row.tier],
                    row.year,
                    stage=stage,
                    on=row.certified_on,
                    batch=row.batch,
                    contact_name=row.contact_name,
                    contact_phone=row.contact_phone,
                ).id
            else:
                application = Application(id=application_id)
                application.enterprise = enterprise
                applications.move(self.actor, application, stage, on=row.certified_on)
        firm.applications.append((application_id, row.tier, row.year, stage, row.batch))
