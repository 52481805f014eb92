"""An import's answer, built by its stages: each stage fills a part of its own (ListRead as the
list is read, Identified as its firms are identified, Applied as its rows apply), and the answer
(ImportResult) is made of the three once the rows are done, or as soon as the list is refused.

The entries the answer lists (an error, a conflict, a row skipped…) are small dicts in the
answer's own shape, made once where they are found and never changed.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field, fields

from registry.messages import Message, code_of
from registry.services.errors import ImportRejected, Invalid


@dataclass
class ListRead:
    """Steps 1 to 4: the list's facts as the answer shows them (`list`), and, as the rows are
    read, how many there were and every row's errors."""

    list: dict
    action: str  # facts.CERTIFY or facts.REVOKE
    ignored_columns: list[str]
    warnings: list[dict]  # the facts' (for no row)
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    places: dict[int, tuple[int, int]] | None = None  # a PDF's rows: (page, row on it)

    @property
    def columns(self) -> dict[str, str]:
        """The list's printed header of each field read."""
        return self.list["columns"]


@dataclass
class Identified:
    """Step 5: the rows' firms identified, or the rows skipped or left unresolved."""

    matched_by_name: int = 0
    resolved: int = 0
    skipped: list[dict] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


@dataclass
class Applied:
    """Step 6: what the rows came to, written or (dry) only decided."""

    created_enterprises: int = 0
    created_certifications: int = 0
    revoked: int = 0
    unchanged: int = 0
    conflicts: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    outcomes: list[dict] | None = None  # every row's, when asked for
    forbidden: list[int] = field(default_factory=list)  # rows beyond a bureau's districts
    # A proposed list's applications moved or created at its stage (by the list's action).
    publicized: int = 0
    reviewed: int = 0
    applied: int = 0
    # A final list's: the listed firms' open applications it closes as certified, (id, credit
    # code, the day) each; the titles it grants, (tier, year, batch) each, for the
    # applications it leaves out (closing.py fills `not_on_final_list` from them).
    closing: list[tuple] = field(default_factory=list)
    titles: set[tuple] = field(default_factory=set)
    not_on_final_list: list[dict] = field(default_factory=list)


@dataclass
class Tally:
    """The three parts as the stages fill them; a forked child sends its own back whole."""

    read: ListRead
    identified: Identified = field(default_factory=Identified)
    applied: Applied = field(default_factory=Applied)

    @classmethod
    def begun(cls, read: ListRead, *, outcomes: bool) -> Tally:
        """A list's tally before its rows: with every row's outcome to come, if asked for."""
        return cls(read, applied=Applied(outcomes=[] if outcomes else None))

    @property
    def refused(self) -> bool:
        """Rows already refused: the others are still checked, so that one answer lists every
        problem of the list, but nothing is written."""
        return bool(self.read.errors or self.applied.errors or self.identified.unresolved)


def _row(entry: dict) -> int:
    return entry["row"] or 0


def _on_page(entry: dict, places: dict[int, tuple[int, int]]) -> dict:
    if entry.get("row") not in places:
        return entry
    page, row = places[entry["row"]]
    return {**entry, "page": page, "page_row": row}


def entry(row: int | None, field: str, column: str | None, message: Message) -> dict:
    """A row's error as the answer lists it: the row, the field, its column as printed, the
    message's code and the message (said in the caller's language by the web layer)."""
    code = code_of(message, "value.invalid")
    return {"row": row, "field": field, "column": column, "code": code, "message": message}


def note(row: int | None, message: Message) -> dict:
    """A warning as the answer lists it (None: for no row)."""
    return {"row": row, "code": code_of(message, "value.invalid"), "message": message}


@dataclass
class ImportResult:
    """An import's answer (schemas.imports.ImportResultSchema): its counts, the list's facts,
    and every row to look at, each list in row order."""

    dry_run: bool
    rows: int = 0
    created_enterprises: int = 0
    created_certifications: int = 0
    revoked: int = 0
    unchanged: int = 0
    matched_by_name: int = 0
    resolved: int = 0
    publicized: int = 0
    reviewed: int = 0
    applied: int = 0
    certified_applications: int = 0
    list: dict | None = None  # the answer's name: below it, the type is builtins.list
    conflicts: list[dict] = field(default_factory=builtins.list)
    skipped: list[dict] = field(default_factory=builtins.list)
    unresolved: list[dict] = field(default_factory=builtins.list)
    warnings: list[dict] = field(default_factory=builtins.list)
    errors: list[dict] = field(default_factory=builtins.list)
    ignored_columns: list[str] = field(default_factory=builtins.list)
    sheets: list[dict] = field(
        default_factory=builtins.list
    )  # the file's sheets, read or set aside
    outcomes: list[dict] | None = None  # only when asked for
    # A final list's applications of its tier and year still at publicized that it left out.
    not_on_final_list: list[dict] = field(default_factory=builtins.list)

    @classmethod
    def of(cls, dry_run: bool, tally: Tally) -> ImportResult:
        """The answer the stages' parts make (a stable sort keeps a row's entries in the order
        its stages found them)."""
        read, identified, applied = tally.read, tally.identified, tally.applied
        return cls(
            dry_run=dry_run,
            rows=read.rows,
            created_enterprises=applied.created_enterprises,
            created_certifications=applied.created_certifications,
            revoked=applied.revoked,
            unchanged=applied.unchanged,
            matched_by_name=identified.matched_by_name,
            resolved=identified.resolved,
            publicized=applied.publicized,
            reviewed=applied.reviewed,
            applied=applied.applied,
            certified_applications=len({entry[0] for entry in applied.closing}),
            list=read.list,
            conflicts=applied.conflicts,
            skipped=sorted(identified.skipped + applied.skipped, key=_row),
            unresolved=identified.unresolved,
            warnings=sorted(read.warnings + identified.warnings + applied.warnings, key=_row),
            errors=sorted(read.errors + applied.errors, key=_row),
            ignored_columns=read.ignored_columns,
            outcomes=applied.outcomes,
            not_on_final_list=applied.not_on_final_list,
        ).placed(read.places)

    def placed(self, places: dict[int, tuple[int, int]] | None) -> ImportResult:
        """Each entry of a PDF's rows also naming its page and its row on that page (`page`,
        `page_row`), as a person reading the printed list finds it."""
        if places:
            for name in (*ENTRIES, "outcomes"):
                entries = getattr(self, name)
                if entries is not None:
                    setattr(self, name, [_on_page(e, places) for e in entries])
        return self

    def counts(self) -> dict:
        """The answer's counts, as a sheet of a book reports its own."""
        counts = {name: getattr(self, name) for name in COUNTS}
        counts.update(errors=len({e["row"] for e in self.errors}), skipped=len(self.skipped))
        return counts

    def answer(self) -> dict:
        """The answer as plain data, for a problem's body and the command line: every field in
        order, `outcomes` only when asked for (the entries are shared, not copied)."""
        answer = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.outcomes is None:
            del answer["outcomes"]
        return answer


COUNTS = (
    "rows",
    "created_enterprises",
    "created_certifications",
    "revoked",
    "unchanged",
    "matched_by_name",
    "resolved",
    "publicized",
    "reviewed",
    "applied",
    "certified_applications",
)
ENTRIES = ("conflicts", "skipped", "unresolved", "warnings", "errors")


def tagged(entries: list[dict], sheet: str | None) -> list[dict]:
    """A sheet's entries (errors, warnings…) each naming the sheet."""
    return [{**entry, "sheet": sheet} for entry in entries]


def combined(dry_run: bool, results: list[tuple[str | None, ImportResult]]) -> ImportResult:
    """The answer of a book of several lists: each count summed, and each entry (an error, a
    warning…) naming its sheet, sheet by sheet in the book's order."""
    total = ImportResult(dry_run)
    for sheet, result in results:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(result, name))
        for name in ENTRIES:
            getattr(total, name).extend(tagged(getattr(result, name), sheet))
        if result.outcomes is not None:
            total.outcomes = (total.outcomes or []) + tagged(result.outcomes, sheet)
        total.not_on_final_list += tagged(result.not_on_final_list, sheet)
        total.list = total.list or result.list
        total.ignored_columns += [
            c for c in result.ignored_columns if c not in total.ignored_columns
        ]
    return total


def rejected(result: ImportResult, message: Message | None = None) -> ImportRejected:
    """The import refused: nothing written; the answer carries every row's errors."""
    bad = len({e["row"] for e in result.errors})
    return ImportRejected(message or Message("import.rows_rejected", count=bad), result.answer())


def rejected_file(error: Invalid, *, dry_run: bool) -> ImportRejected:
    """The file itself is unreadable (no header, not XLSX…): one error, for no row."""
    errors = [
        entry(None, name, None, messages[0])
        for location in (error.errors or {}).values()
        if isinstance(location, dict)
        for name, messages in location.items()
    ] or [entry(None, "file", None, error.message)]
    return ImportRejected(error.message, ImportResult(dry_run, errors=errors).answer())
