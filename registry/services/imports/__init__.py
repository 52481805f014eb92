"""Loading a published list, unedited, as the pipeline it is:

1. reading the sheet (sheet.py): CSV, XLSX or JSON as numbered records, bounded by content;
2. locating the rows (layout.py): the title, the header, the firms' rows, merged cells filled;
3. the list's facts (facts.py): from parameters, the title and columns; one error if missing;
4. reading each row (rows.py): cells into values, the facts filled in, the row placed;
5. identifying firms (firms.py): by credit code or name; rows skipped or left unresolved;
6. applying (apply.py): every row in one write transaction, or none of them.

The upload is whole (spooled) before step 1: a slow client holds no lock. A dry run, a small
list, a revocation list and every list on PostgreSQL are read and checked whole (steps 1 to 5)
before a write transaction begins; a dry run takes none at all. A large list on SQLite is read
as it is written: once its file, header and facts are checked (steps 1 to 3), a child process
reads, identifies and decides its rows a chunk at a time while this one writes them
(pipeline.py). Either way, any bad row, unresolved name or row outside a bureau's districts
leaves the registry as it was, and the answer lists every problem of the list.
"""

import contextlib
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from registry.db import read_snapshot, write_transaction
from registry.services import scope
from registry.services.audit import Actor
from registry.services.certifications import tiers_by_key
from registry.services.errors import Forbidden, ImportRejected, Invalid
from registry.services.imports import pipeline, rowspool
from registry.services.imports.apply import Certifier
from registry.services.imports.facts import REVOKE, HowToGive, query_parameter, read_facts
from registry.services.imports.firms import (
    Identifier,
    resolutions_from_mapping,
    resolutions_from_rows,
)
from registry.services.imports.layout import locate
from registry.services.imports.regions import DISTRICT, Regions
from registry.services.imports.revoke import Revoker
from registry.services.imports.rows import ListRow, RowReader
from registry.services.imports.rowspool import RowSpool
from registry.services.imports.sheet import read_sheet, spool
from registry.services.imports.vocabulary import Vocabulary

__all__ = [
    "ImportOptions",
    "Upload",
    "empty_result",
    "read_list",
    "rejected_file",
    "run_import",
    "spool",
]

DEFAULT_UPLOAD_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    skip_unresolved: bool = False
    # Load only these districts' rows and skip the others (a county loading a city's list):
    # the districts given, or with `own_districts_only` a bureau's own.
    only_districts: frozenset[str] | None = None
    own_districts_only: bool = False
    # List every firm's row with its outcome (`outcomes`): a preview, row by row.
    outcomes: bool = False
    max_rows: int = 200_000
    upload_limit: int = DEFAULT_UPLOAD_LIMIT


@dataclass
class Upload:
    """A file as it came: spooled, with the name and type the client gave (if any)."""

    file: IO[bytes]
    filename: str | None = None
    content_type: str | None = None


def empty_result(dry_run: bool, ignored_columns: list[str] | None = None) -> dict:
    """An import's answer before any row: what it counts and reports."""
    return {
        "dry_run": dry_run,
        "rows": 0,
        "created_enterprises": 0,
        "created_certifications": 0,
        "revoked": 0,
        "unchanged": 0,
        "matched_by_name": 0,
        "resolved": 0,
        "list": None,
        "conflicts": [],
        "skipped": [],
        "unresolved": [],
        "warnings": [],
        "errors": [],
        "ignored_columns": ignored_columns or [],
    }


def rejected(result: dict, detail: str | None = None) -> ImportRejected:
    """The import refused: nothing written; `result` carries every row's errors."""
    result["errors"].sort(key=lambda e: e["row"] or 0)
    bad = len({e["row"] for e in result["errors"]})
    return ImportRejected(detail or f"{bad} row(s) have errors; nothing was written", result)


def rejected_file(error: Invalid, *, dry_run: bool) -> ImportRejected:
    """The file itself is unreadable (no header, not XLSX…): one error, for no row."""
    errors = [
        {"row": None, "field": field, "column": None, "message": messages[0]}
        for location in (error.errors or {}).values()
        if isinstance(location, dict)
        for field, messages in location.items()
    ] or [{"row": None, "field": "file", "column": None, "message": error.detail}]
    return ImportRejected(error.detail, {**empty_result(dry_run), "errors": errors})


def _is_file_error(error: Invalid) -> bool:
    return set(error.errors or {}) <= {"file", "json"}


def _resolutions(resolve: Upload | dict | None, vocabulary: Vocabulary, options: ImportOptions):
    regions = Regions(vocabulary)
    if resolve is None:
        return {}
    if isinstance(resolve, dict):
        return resolutions_from_mapping(resolve, regions)
    sheet = read_sheet(
        resolve.file,
        filename=resolve.filename,
        content_type=resolve.content_type,
        upload_limit=options.upload_limit,
    )
    if sheet.kind == "json":
        return resolutions_from_mapping({row["name"]: row for row in sheet.rows or []}, regions)
    # A clerk's resolution sheet has no merged groups: a blank district is no district.
    _, rows = locate(sheet, vocabulary, options.max_rows, fill_down=False)
    return resolutions_from_rows(rows, regions)


def open_list(
    upload: Upload,
    result: dict,
    *,
    given: dict | None = None,
    options: ImportOptions = ImportOptions(),
    how: HowToGive = query_parameter,
    vocabulary: Vocabulary | None = None,
) -> tuple[Iterator[ListRow], dict | None]:
    """Steps 1 to 3, and step 4 to come: the list's facts recorded in `result`, and its rows
    (read and checked as they are iterated, every row's errors recorded in `result`) with a
    JSON body's resolutions. Raises ImportRejected for the file as a whole (unreadable, a fact
    missing; also while its rows are read) and Invalid for a bad parameter."""
    vocabulary = vocabulary or Vocabulary.load()
    with _file_errors(options):
        sheet = read_sheet(
            upload.file,
            filename=upload.filename,
            content_type=upload.content_type,
            upload_limit=options.upload_limit,
        )
        layout, raw_rows = locate(sheet, vocabulary, options.max_rows)
        facts = read_facts(given or {}, layout, vocabulary)
    result["ignored_columns"] = layout.ignored
    result["list"] = {
        **facts.answer(),
        "header_row": layout.header_row,
        "columns": {c.field: c.printed for c in layout.columns},
    }
    result["warnings"] = [{"row": None, "message": m} for m in facts.warnings]
    if missing := facts.missing(how):
        result["errors"] = missing
        names = ", ".join(e["message"].split(":")[0] for e in missing)
        raise rejected(result, f"the list does not state {names}; nothing was written")
    reader = RowReader(layout, facts, vocabulary, tiers_by_key())
    return _read_rows(reader, raw_rows, result, options), sheet.resolve


@contextlib.contextmanager
def _file_errors(options: ImportOptions):
    """A file that cannot be read as a list: one error for the file, no row's."""
    try:
        yield
    except Invalid as exc:
        if _is_file_error(exc):
            raise rejected_file(exc, dry_run=options.dry_run) from exc
        raise


def _read_rows(reader: RowReader, raw_rows, result: dict, options: ImportOptions):
    with _file_errors(options):
        for raw in raw_rows:
            result["rows"] += 1
            row, errors = reader.read(raw)
            result["errors"].extend(errors)
            if row is not None:
                yield row


def read_list(upload: Upload, result: dict, **given) -> tuple[RowSpool, dict | None]:
    """Steps 1 to 4, with no write: the list's rows, spooled (and a JSON body's resolutions),
    its facts and every row's errors recorded in `result` (open_list's arguments)."""
    rows, resolve = open_list(upload, result, **given)
    return _spooled(rows), resolve


def _spooled(rows: Iterator[ListRow]) -> RowSpool:
    spooled = RowSpool()
    try:
        for row in rows:
            spooled.append(row)
    except BaseException:
        spooled.close()
        raise
    return spooled


class _Admission:
    """Step 5 for rows read: identified (those that need it), and those outside the districts
    loaded set aside; for the whole list before it applies, or chunk by chunk as it is read."""

    def __init__(self, result: dict, resolutions: dict, only, options: ImportOptions):
        self.result, self.only, self.skip_unresolved = result, only, options.skip_unresolved
        self.identifier = Identifier(resolutions)
        self.identified: dict[int, ListRow] = {}
        self.dropped: set[int] = set()

    def loaded(self, row: ListRow) -> bool:
        return self.only is None or row.place.kind != DISTRICT or row.district in self.only

    def identify(self, rows: list[ListRow]) -> list[ListRow]:
        """Look up the firms of `rows` (that need it); the names-only rows found."""
        to_identify = [row for row in rows if row.to_identify and self.loaded(row)]
        names_only = {row.number for row in to_identify if row.credit_code is None}
        found = self.identifier.identify(to_identify)
        self.identified.update((row.number, row) for row in found.rows)
        self.dropped.update(r.number for r in to_identify if r.number not in self.identified)
        result = self.result
        result["skipped"].extend(found.skipped)
        result["warnings"].extend(found.warnings)
        result["matched_by_name"] += found.matched_by_name
        result["resolved"] += found.resolved
        if found.unresolved and self.skip_unresolved:
            result["skipped"].extend(
                {k: v for k, v in entry.items() if k != "candidates"} for entry in found.unresolved
            )
        else:
            result["unresolved"].extend(found.unresolved)
        return [row for row in found.rows if row.number in names_only]

    def finished(self) -> None:
        self.result["warnings"].extend(self.identifier.unused())

    @property
    def refused(self) -> bool:
        """Rows already refused: the others are still checked, so that one answer lists every
        problem of the list, but nothing is written."""
        return bool(self.result["errors"] or self.result["unresolved"])

    def applied(self, chunk: list[ListRow]) -> list[ListRow]:
        """The rows of `chunk` that apply, identified (each row's lookup is forgotten here)."""
        kept = []
        for row in chunk:
            if not self.loaded(row):
                self.result["skipped"].append(
                    row.skipped(f"in {row.district}, not a district loaded")
                )
            elif row.number in self.dropped:
                self.dropped.discard(row.number)
            else:
                kept.append(self.identified.pop(row.number, row))
        return kept

    def streamed(self, rows: Iterator[ListRow]) -> Iterator[list[ListRow]]:
        """Steps 4 and 5 a chunk at a time, as the rows are read (a read snapshot open)."""
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, rowspool.CHUNK)):
            self.identify(chunk)
            yield self.applied(chunk)
        self.finished()


def run_import(
    actor: Actor,
    upload: Upload,
    *,
    given: dict | None = None,
    resolve: Upload | dict | None = None,
    options: ImportOptions = ImportOptions(),
    how: HowToGive = query_parameter,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Load a list: read and check all of it, then write all of it (or, dry, nothing).

    `given`: the list's facts as the clerk gives them (tier, year, certified_on, document_no,
    batch, renewal, valid_until); `resolve`: names → credit codes for names-only rows.
    Raises ImportRejected (bad rows, missing facts, unresolved names: nothing written),
    Forbidden (rows outside a bureau's districts) or Invalid (a bad parameter).
    """
    tiers = tiers_by_key()
    result = empty_result(options.dry_run)
    if options.outcomes:
        result["outcomes"] = []
    size = _size(upload.file)
    vocabulary = Vocabulary.load()
    rows, body_resolve = open_list(
        upload, result, given=given, options=options, how=how, vocabulary=vocabulary
    )
    resolutions = _resolutions(
        resolve if resolve is not None else body_resolve, vocabulary, options
    )
    only = options.only_districts
    if only is None and options.own_districts_only:
        only = scope.writes_only_in(actor)
    admission = _Admission(result, resolutions, only, options)
    revocations = result["list"]["action"]["value"] == REVOKE
    kind = Revoker if revocations else Certifier

    def progress(done: int, total: int) -> None:
        if on_progress:
            on_progress(done, total)

    if not options.dry_run and pipeline.streams(kind, size):
        applier = kind(actor, result, tiers, write=True, only_districts=only, repeats=())
        with _discarded(), write_transaction():
            pipeline.apply_forked(applier, admission.streamed(rows), upload.file, size, progress)
            if applier.forbidden or admission.refused:
                raise _Discard
    else:
        spooled = _spooled(rows)
        try:
            with read_snapshot():
                for row in admission.identify(spooled.to_identify):
                    spooled.repeats.add(row.credit_code)  # it counts toward the list's repeats
            admission.finished()
            dry = admission.refused or options.dry_run
            applier = kind(
                actor, result, tiers, write=not dry, only_districts=only, repeats=spooled.repeats
            )
            chunks = (admission.applied(chunk) for chunk in spooled.chunks())
            _apply(applier, chunks, len(spooled), progress)
        finally:
            spooled.close()
    return _answer(applier, result)


def _size(file: IO[bytes]) -> int:
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    return size


class _Discard(Exception):
    """Raised inside the transaction to roll it back (bad rows, forbidden rows)."""


@contextlib.contextmanager
def _discarded():
    with contextlib.suppress(_Discard):
        yield


def _apply(applier, chunks, total: int, progress) -> None:
    """Step 6 in this process: the rows, chunk by chunk, in one write transaction (or, dry, a
    snapshot)."""
    with _discarded(), write_transaction() if applier.write else read_snapshot():
        done = 0
        for chunk in chunks:
            applier.apply(chunk)
            done += len(chunk)
            progress(done, total)
        if applier.forbidden or applier.result["errors"]:
            raise _Discard


def _answer(applier, result: dict) -> dict:
    """The import's answer, or why nothing was written."""
    if applier.forbidden:
        shown = ", ".join(map(str, applier.forbidden[:20]))
        more = " …" if len(applier.forbidden) > 20 else ""
        raise Forbidden(
            f"this token writes only in its own districts; rows {shown}{more} are elsewhere: "
            "load them with the county's own token, or ask to load only your districts' rows "
            "(own_districts_only)"
        )
    result["skipped"].sort(key=lambda s: s["row"])
    result["warnings"].sort(key=lambda w: w["row"] or 0)
    if result["unresolved"] and not result["errors"]:
        raise rejected(
            result,
            f"{len(result['unresolved'])} names-only row(s) match no single registered firm: "
            "resolve them (a name → credit code resolution) or skip them "
            "(skip_unresolved); nothing was written",
        )
    if result["errors"]:
        raise rejected(result)
    return result
