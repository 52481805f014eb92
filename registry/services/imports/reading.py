"""Steps 1 to 4: the list's file read, its rows located, its facts found, and its rows read one
by one as they are iterated (ListRead records what they come to); and the resolutions of
names-only rows a clerk gives with the list."""

import contextlib
from collections.abc import Iterator
from typing import NamedTuple

from registry.messages import Message
from registry.services.certifications import tiers_by_key
from registry.services.errors import Invalid
from registry.services.imports.facts import read_facts
from registry.services.imports.firms import (
    Resolution,
    resolutions_from_mapping,
    resolutions_from_rows,
)
from registry.services.imports.layout import locate
from registry.services.imports.options import DEFAULT_OPTIONS, ImportOptions, Upload
from registry.services.imports.regions import Regions
from registry.services.imports.result import (
    ImportResult,
    ListRead,
    Tally,
    note,
    rejected,
    rejected_file,
)
from registry.services.imports.rows import ListRow, RowReader
from registry.services.imports.rowspool import RowSpool
from registry.services.imports.sheet import Sheet, read_book, read_sheet
from registry.services.imports.vocabulary import Vocabulary


class OpenList(NamedTuple):
    """A list opened: its facts (and, as `rows` is iterated, its rows' count and errors), its
    rows, and a JSON body's resolutions."""

    read: ListRead
    rows: Iterator[ListRow]
    resolve: dict | None


class SpooledList(NamedTuple):
    """A list read whole: as OpenList, its rows spooled."""

    read: ListRead
    rows: RowSpool
    resolve: dict | None


def open_list(
    upload: Upload,
    *,
    given: dict | None = None,
    options: ImportOptions = DEFAULT_OPTIONS,
    vocabulary: Vocabulary | None = None,
) -> OpenList:
    """Steps 1 to 3, and step 4 to come: the list's facts, and its rows (read and checked as
    they are iterated, every row's errors recorded in the ListRead) with a JSON body's
    resolutions. Raises ImportRejected for the file as a whole (unreadable, a fact missing;
    also while its rows are read) and Invalid for a bad parameter."""
    return open_sheet(
        read_upload(upload, options)[0], given=given, options=options, vocabulary=vocabulary
    )


def read_upload(upload: Upload, options: ImportOptions) -> list[Sheet]:
    """The uploaded file's sheets (sheet.read_book), a file that cannot be read refused as the
    import's one error."""
    with file_errors(options):
        return read_book(
            upload.file,
            filename=upload.filename,
            content_type=upload.content_type,
            upload_limit=options.upload_limit,
        )


def open_sheet(
    sheet: Sheet,
    *,
    given: dict | None = None,
    options: ImportOptions = DEFAULT_OPTIONS,
    vocabulary: Vocabulary | None = None,
) -> OpenList:
    """Steps 2 and 3 for one sheet of a list file (open_list's, the file already read)."""
    vocabulary = vocabulary or Vocabulary.load()
    with file_errors(options):
        layout, raw_rows = locate(sheet, vocabulary, options.max_rows)
        facts = read_facts(given or {}, layout, vocabulary)
    read = ListRead(
        list={
            **facts.answer(),
            "header_row": layout.header_row,
            "columns": {c.field: c.printed for c in layout.columns},
        },
        action=facts.action,
        ignored_columns=layout.ignored,
        warnings=[note(None, m) for m in facts.warnings],
        places=sheet.places,
    )
    if missing := facts.missing():
        read.errors = missing
        message = Message("import.facts_missing", fields=[e["field"] for e in missing])
        tally = Tally.begun(read, outcomes=options.outcomes)
        raise rejected(ImportResult.of(options.dry_run, tally), message)
    reader = RowReader(layout, facts, vocabulary, tiers_by_key())
    return OpenList(read, _read_rows(reader, raw_rows, read, options), sheet.resolve)


def read_list(upload: Upload, **given) -> SpooledList:
    """Steps 1 to 4, with no write: the list's rows, spooled, its facts and every row's errors
    (open_list's arguments)."""
    read, rows, resolve = open_list(upload, **given)
    return SpooledList(read, spooled(rows), resolve)


def spooled(rows: Iterator[ListRow]) -> RowSpool:
    """Every row read, in a spool (closed if the reading fails)."""
    spool = RowSpool()
    try:
        for row in rows:
            spool.append(row)
    except BaseException:
        spool.close()
        raise
    return spool


@contextlib.contextmanager
def file_errors(options: ImportOptions):
    """A file that cannot be read as a list: one error for the file, no row's."""
    try:
        yield
    except Invalid as exc:
        if set(exc.errors or {}) <= {"file", "json"}:
            raise rejected_file(exc, dry_run=options.dry_run) from exc
        raise


def _read_rows(reader: RowReader, raw_rows, read: ListRead, options: ImportOptions):
    with file_errors(options):
        for raw in raw_rows:
            read.rows += 1
            row, errors = reader.read(raw)
            read.errors.extend(errors)
            if row is not None:
                yield row


def resolutions(
    resolve: Upload | dict | None, vocabulary: Vocabulary, options: ImportOptions
) -> dict[str, Resolution]:
    """The clerk's resolutions of names-only rows (names → credit codes, and districts), from
    a mapping or a resolution sheet."""
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
