"""Applying the rows: each firm registered or found, each certification recorded or matched.

Rows apply in file order, a chunk at a time, so a firm's lower tier may come before its higher
one in the same list. A row that repeats what is stored is `unchanged`; one that contradicts it
(another name or district for a known code, another date for a known certification) is a
`conflict`: reported, never overwritten. Names that differ only in bracket width or spacing
are one name, and so is a former name. The published list is the authority on its own titles:
where the registry's records lack a title's prerequisite, or the ladder's other rules object,
the certification is recorded with a warning.

A real import writes inside the caller's write transaction; a dry run decides the same things
inside a read snapshot and writes nothing. Both see the firms and certifications of earlier
rows the same way: they keep those of the firms that come again in the list (and only those:
memory is bounded by the chunk, not by the list), and a real import gives what it writes its
ids instead of reading them back. The database is reached through the applier's store
(store.py): the firms as stored, the ids, and where a chunk's writes go.
"""

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass

from registry.messages import Message
from registry.models import Certification, Enterprise, Tier, utcnow
from registry.services import aggregates, enterprises, scope
from registry.services.aggregates.tallies import Title, levels_by_tier
from registry.services.certifications import violation
from registry.services.imports.regions import DISTRICT
from registry.services.imports.result import Applied, entry, note
from registry.services.imports.rows import ListRow
from registry.services.imports.store import Facts, Firm, Store
from registry.services.imports.writes import Writes
from registry.services.names import name_key
from registry.services.scope import Actor


def _text(value):
    """A stored or given value as JSON shows it."""
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass(frozen=True)
class Terms:
    """What a list's rows apply under: who loads it, the tiers, the districts loaded (None: all
    of them), and the list's printed header of each field (for the errors)."""

    actor: Actor
    tiers: dict[str, Tier]
    only_districts: frozenset[str] | None
    columns: dict[str, str]
    action: str = "certify"  # facts.ACTIONS
    stage: str | None = None  # a proposed list's: where its applications move


class Applier:
    """The import's work on the database, one chunk of rows at a time: what every kind of list
    shares (the firms and titles seen, the conflicts, the districts in reach)."""

    def __init__(
        self,
        terms: Terms,
        applied: Applied,
        *,
        write: bool,
        repeats: Container[str],
        store: Store,
    ):
        self.terms, self.applied, self.store = terms, applied, store
        self.actor, self.tiers = terms.actor, terms.tiers
        self.write = write  # a real import (a dry run only decides)
        self.repeats = repeats  # the credit codes that may come again in a later row
        self.firms: dict[str, Firm] = {}  # every firm the import has seen, by credit code
        self.history: dict[str, list[Facts]] = {}
        self.levels = levels_by_tier(terms.tiers)
        self.first_titles: dict[tuple, str | None] = {}  # (tier, day, renewal) → violation
        self.now = utcnow()
        self.stamp = self.now.isoformat(" ")  # as the column stores it, converted once

    def _error(self, row: ListRow, field: str, message: Message) -> None:
        column = self.terms.columns.get(field)
        self.applied.errors.append(entry(row.number, field, column, message))

    def _conflict(self, row: ListRow, field: str, stored, given) -> None:
        self.applied.conflicts.append(
            {"row": row.number, "field": field, "stored": _text(stored), "given": _text(given)}
        )

    def _load(self, codes: list[str]) -> None:
        """The stored firms of `codes` not seen yet, their former names and certifications."""
        firms, history = self.store.stored([c for c in codes if c not in self.firms], self.write)
        self.firms.update(firms)
        self.history.update(history)

    def _same_firm(self, row: ListRow, firm: Firm) -> bool:
        """A known firm's row agrees with what is stored; else its conflicts are reported."""
        clash = []
        if row.found_by == "code" and row.name and name_key(row.name) not in firm.name_keys:
            clash.append(("name", firm.name, row.name))
        if row.place.kind == DISTRICT and row.district != firm.district:
            clash.append(("district", firm.district, row.district))
        for field, stored, given in clash:
            self._conflict(row, field, stored, given)
        return not clash

    def _in_scope(self, row: ListRow, district: str) -> bool:
        """Rows beyond the districts asked for are skipped; beyond a bureau's, forbidden."""
        only = self.terms.only_districts
        if only is not None and district not in only:
            self.applied.skipped.append(
                row.skipped(Message("import.not_loaded_district", district=district))
            )
            return False
        if not scope.writes_in(self.actor, district):
            self.applied.forbidden.append(row.number)
            return False
        return True

    def _outcome(self, row: ListRow, firm: Firm | None, outcome: str, registers: bool) -> None:
        """What became of a firm's row, for a preview that lists every row (if asked)."""
        outcomes = self.applied.outcomes
        if outcomes is not None:
            outcomes.append(
                {
                    "row": row.number,
                    "credit_code": row.credit_code,
                    "name": firm.name if firm else row.name,
                    "district": firm.district if firm else row.district,
                    "found_by": row.found_by,
                    "registers": registers,
                    "outcome": outcome,
                }
            )

    def _new_firm(self, row: ListRow) -> Firm | None:
        """The firm a row registers, or None (and an error) when the row cannot."""
        if row.place.kind != DISTRICT:
            where = row.place.text or Message("import.no_region")
            self._error(
                row,
                "district",
                Message("row.not_registered_no_district", credit_code=row.credit_code, where=where),
            )
            return None
        if not row.name:
            self._error(
                row, "name", Message("row.not_registered_no_name", credit_code=row.credit_code)
            )
            return None
        return Firm(None, row.name, (name_key(row.name),), row.district, row.industry_chain)

    def _done_with_chunk(self) -> None:
        """Memory stays bounded by the chunk: only the firms that come again in the list are
        kept, with their titles (and, once written, their ids), for the later rows that name
        them; nothing is read back."""
        for code in [code for code in self.firms if code not in self.repeats]:
            del self.firms[code]
            self.history.pop(code, None)

    def apply(self, rows: list[ListRow]) -> None:
        """Decide, and (for a real import) write, one chunk of rows."""
        raise NotImplementedError


class Certifier(Applier):
    """A list of titles granted: each firm registered or found, each title recorded."""

    def apply(self, rows: list[ListRow]) -> None:
        """Decide, and (for a real import) write, one chunk of rows."""
        writes = self.decide(rows)
        if writes is not None:
            self.store.write(writes)

    def decide(self, rows: list[ListRow]) -> Writes | None:
        """One chunk of rows decided: the outcomes in the answer, and (for a real import) what
        the database gets, with the ids it gives (nothing is written here)."""
        self._load(list({row.credit_code for row in rows}))
        new_firms: dict[str, Firm] = {}
        new_certs: list[ListRow] = []
        new_facts: list[Facts] = []  # the history entry of each new certification
        for row in rows:
            firm = self.firms.get(row.credit_code)
            registers = firm is None
            if firm is None:
                firm = self._new_firm(row)
                if firm is None:
                    self._outcome(row, None, "error", registers)
                    continue
                district = firm.district
            else:
                district = firm.district
                if not self._same_firm(row, firm):
                    self._outcome(row, firm, "conflict", registers)
                    continue
            forbidden = len(self.applied.forbidden)
            if not self._in_scope(row, district):
                outcome = "forbidden" if len(self.applied.forbidden) > forbidden else "skipped"
                self._outcome(row, firm, outcome, registers)
                continue
            if row.credit_code not in self.firms:
                self.firms[row.credit_code] = new_firms[row.credit_code] = firm
                self.history[row.credit_code] = []
            conflicts = len(self.applied.conflicts)
            facts = self._certification(row)
            if facts is not None:
                new_certs.append(row)
                new_facts.append(facts)
                self._outcome(row, firm, "created", registers)
            else:
                changed = len(self.applied.conflicts) > conflicts
                self._outcome(row, firm, "conflict" if changed else "unchanged", registers)
            if facts is not None or not changed:
                self._listed(row, firm)
        self.applied.created_enterprises += len(new_firms)
        self.applied.created_certifications += len(new_certs)
        writes = self._writes(new_firms, new_certs, new_facts) if self.write else None
        self._done_with_chunk()
        return writes

    def _listed(self, row: ListRow, firm: Firm) -> None:
        """The firm holds the row's title: its open application for that tier and year, if
        any, closes as certified once the titles are written (closing.py); the title a new
        one (not a renewal) leaves other firms' publicized applications out of."""
        if not row.renewal:
            self.applied.titles.add((row.tier, row.year, row.batch))
        for application in firm.applications:
            id_, tier, year = application[:3]
            if tier == row.tier and year == row.year:
                self.applied.closing.append((id_, row.credit_code, row.certified_on))
                firm.applications.remove(application)  # a repeat of the row closes nothing
                return

    def _certification(self, row: ListRow) -> Facts | None:
        """The new certification the row records, in the firm's history (None when it is
        unchanged or a conflict)."""
        history = self.history[row.credit_code]
        same = None
        if history:  # (a new firm's first row has none: no generator to make)
            same = next((c for c in history if c.tier_id == row.tier and c.year == row.year), None)
        if same is not None:
            differences = [
                (name, getattr(same, name), getattr(row, name))
                for name in ("certified_on", "renewal", "document_no", "valid_until")
                if getattr(row, name) is not None and getattr(same, name) != getattr(row, name)
            ]
            for name, stored, given in differences:
                self._conflict(row, name, stored, given)
            if not differences:
                self.applied.unchanged += 1
            return None
        tier, on, renewal = self.tiers[row.tier], row.certified_on, row.renewal
        if history:
            reason = violation(tier, on, renewal, history, self.tiers)
        else:  # a firm's first title: rows alike have the same answer, worked out once
            key = (row.tier, on, renewal)
            if key not in self.first_titles:
                self.first_titles[key] = violation(tier, on, renewal, [], self.tiers)
            reason = self.first_titles[key]
        if reason:
            self.applied.warnings.append(
                note(row.number, Message("import.recorded_as_published", reason=reason))
            )
        facts = Facts(
            row.tier,
            row.year,
            row.certified_on,
            row.valid_until,
            None,
            row.renewal,
            row.document_no,
        )
        history.append(facts)
        return facts

    def _titles(self, codes) -> dict[int, list[Title]]:
        """The firms' certifications as the tallies read them: what was loaded and what the
        import wrote (once every one has its id), without reading them back."""
        titles = {}
        for code in codes:
            firm = self.firms[code]
            titles[firm.id] = [
                Title(
                    f.id,
                    firm.id,
                    firm.district,
                    f.tier_id,
                    f.year,
                    f.renewal,
                    f.certified_on,
                    f.valid_until,
                    f.revoked_on,
                    self.levels[f.tier_id],
                )
                for f in self.history[code]
            ]
        return titles

    def _give_ids(self, new_firms: dict[str, Firm], new_facts: list[Facts]) -> list[int]:
        """The chunk's new firms and certifications given their ids; the firms' ids."""
        ids = self.store.new_ids(Enterprise, len(new_firms))
        for firm, firm_id in zip(new_firms.values(), ids, strict=True):
            firm.id = firm_id
        for facts, cert_id in zip(
            new_facts, self.store.new_ids(Certification, len(new_facts)), strict=True
        ):
            facts.id = cert_id
        return ids

    def _writes(
        self, new_firms: dict[str, Firm], new_certs: list[ListRow], new_facts: list[Facts]
    ) -> Writes | None:
        """The chunk's new firms and certifications with their ids, the tallies' change, and
        one audit event per row."""
        if not new_certs:  # (a new firm comes with its first title)
            return None
        ids = self._give_ids(new_firms, new_facts)
        # New firms start at version 1; known ones changed (a new certification): a new ETag.
        created = set(ids)
        touched, rows, certifications, introduced = set(), [], [], set()
        stamp = self.stamp
        for row, facts in zip(new_certs, new_facts, strict=True):
            code = row.credit_code
            firm = self.firms[code]
            touched.add(firm.id)
            registered = code in new_firms and code not in introduced
            introduced.add(code)
            certifications.append(
                (
                    facts.id,
                    firm.id,
                    row.tier,
                    row.year,
                    row.certified_on,
                    row.valid_until,
                    row.renewal,
                    row.document_no,
                    row.batch,
                    stamp,
                )
            )
            facts_of_firm = (firm.name, firm.district, firm.industry_chain)
            rows.append((row.number, code, registered, row.found_by, *facts_of_firm))
        firm_fields, firm_rows = enterprises.bulk_rows(
            [
                (code, f.name, f.district, f.industry_chain, stamp, stamp, 1)
                for code, f in new_firms.items()
            ],
            [f.name_keys[0] for f in new_firms.values()],  # folded once, when read
            ids,
        )
        return Writes(
            firm_fields=[field.name for field in firm_fields],
            firms=firm_rows,
            certifications=certifications,
            touched=[i for i in touched if i not in created],
            moment=self.now,
            tallies=aggregates.certified_change(
                [f.id for f in new_facts], self._titles(introduced)
            ),
            rows=rows,
            actor=self.actor,
        )
