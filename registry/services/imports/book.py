"""A book of lists: the sheets of a list file (a workbook's worksheets, in order), those the
clerk picks (`sheet=`, by name or 1-based position), each opened as its own list with the facts
of its own title; an empty sheet, or one with no header row naming the firms, set aside with
the reason. A sheet that has a header but cannot be read fails the whole import, named."""

import contextlib
import itertools
from dataclasses import dataclass

from registry.messages import Message, code_of
from registry.services.errors import ImportRejected, invalid_field
from registry.services.imports.options import DEFAULT_OPTIONS, ImportOptions, Upload
from registry.services.imports.reading import OpenList, open_sheet, read_upload
from registry.services.imports.result import tagged
from registry.services.imports.sheet import Sheet
from registry.services.imports.vocabulary import Vocabulary

NOT_A_LIST = ("import.no_header",)


@dataclass
class BookSheet:
    """One sheet of the book: its name and 1-based position, and its list once opened, or why
    it was set aside."""

    name: str | None
    position: int
    opened: OpenList | None = None
    skipped: dict | None = None  # {code, message}: empty, or not a list

    def report(self) -> dict:
        """The sheet as the answer's `sheets` lists it, before its rows are counted."""
        return {
            "name": self.name,
            "position": self.position,
            "title": self.opened.read.list.get("title") if self.opened else None,
            "list": self.opened.read.list if self.opened else None,
            "skipped": self.skipped,
        }


def open_book(
    upload: Upload,
    *,
    given: dict | None = None,
    options: ImportOptions = DEFAULT_OPTIONS,
    vocabulary: Vocabulary | None = None,
) -> list[BookSheet]:
    """The book's sheets picked, each opened (its rows still to read) or set aside. A file of
    one sheet (or one picked) is read as a single list: what it lacks fails the import as ever.
    Raises ImportRejected, naming the sheet, for a sheet with a header that cannot be read."""
    vocabulary = vocabulary or Vocabulary.load()
    book = _picked(read_upload(upload, options), options.sheets)
    if len(book) == 1:
        sheet, position = book[0]
        opened = open_sheet(sheet, given=given, options=options, vocabulary=vocabulary)
        return [BookSheet(sheet.name, position, opened)]
    opened = [_opened(s, p, given, options, vocabulary) for s, p in book]
    if not any(entry.opened for entry in opened):
        sheet, _ = book[0]  # no sheet holds a list: the first one's reason, as for one sheet
        sheet.records = iter(())
        open_sheet(sheet, given=given, options=options, vocabulary=vocabulary)
    return opened


def _picked(sheets: list[Sheet], picks: tuple[str, ...]) -> list[tuple[Sheet, int]]:
    """The sheets the clerk picked, in the book's order (all of them, if none is picked)."""
    numbered = [(sheet, position) for position, sheet in enumerate(sheets, start=1)]
    if not picks:
        return numbered
    chosen = []
    for pick in picks:
        found = [(s, p) for s, p in numbered if pick in (s.name, str(p))]
        if not found:
            names = "、".join(str(s.name or p) for s, p in numbered)
            raise invalid_field("sheet", "import.sheet_unknown", sheet=pick, sheets=names)
        chosen.extend(f for f in found if f not in chosen)
    return sorted(chosen, key=lambda found: found[1])


def _opened(sheet: Sheet, position: int, given, options, vocabulary) -> BookSheet:
    """A sheet of a book of several: opened, or set aside if empty or not a list."""
    entry = BookSheet(sheet.name, position)
    with named(sheet.name):
        records = iter(sheet.records)
        first = next(records, None)
        if first is None:
            entry.skipped = _reason(Message("import.sheet_empty"))
            return entry
        sheet.records = itertools.chain([first], records)
        try:
            entry.opened = open_sheet(sheet, given=given, options=options, vocabulary=vocabulary)
        except ImportRejected as exc:
            if exc.code not in NOT_A_LIST:
                raise
            entry.skipped = _reason(Message("import.sheet_not_a_list", reason=exc.message))
    return entry


def _reason(message: Message) -> dict:
    return {"code": code_of(message, "import.sheet_empty"), "message": message}


@contextlib.contextmanager
def named(sheet: str | None):
    """A sheet's refusal (a file error, a fact missing) as the whole import's, naming it."""
    try:
        yield
    except ImportRejected as exc:
        if exc.code in NOT_A_LIST or exc.code == "import.sheet_failed":
            raise
        message = Message("import.sheet_failed", sheet=sheet, reason=exc.message)
        result = dict(exc.result)
        result["errors"] = tagged(result.get("errors") or [], sheet)
        raise ImportRejected(message, result) from exc
