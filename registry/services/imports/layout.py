"""Locating the rows: the header among the first rows, the title above it, the firms below.

Published sheets carry an `附件N` row and a merged title above the header, header cells that
wrap (`统一社会\\n信用代码`), a 序号 column, region (and category) cells merged over their group,
blank below the first both in XLSX and in a CSV saved from such a sheet, blank rows anywhere,
and footnotes (`注：…`, or a row with one text cell). The rows come out by the registry's
column names, group cells filled down, blank rows and footnotes left out.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from registry.messages import Message
from registry.services.imports.sheet import Sheet, file_error
from registry.services.imports.vocabulary import COLUMNS, UNUSED, Vocabulary

HEADER_SEARCH_ROWS = 12  # an 附件 row, a title of one or two rows, a blank row, the header
FILLED_DOWN = ("region", "district", "tier")  # merged over a group of rows in published sheets
NOT_FIRMS = ("合计", "小计", "总计")
_NOTE = re.compile(r"^\s*(注|备注|说明)\s*\d*\s*[:：]")
_ATTACHMENT = re.compile(r"^\s*附\s*件\s*\d*\s*[:：]?\s*$")
_SPACE = re.compile(r"\s+")


@dataclass
class Column:
    field: str  # the registry's name
    printed: str  # the header as the file prints it (line breaks removed)
    position: int


@dataclass
class Layout:
    """What the sheet says around its rows: title, header, columns used and ignored."""

    kind: str
    title_lines: list[str] = field(default_factory=list)
    header_row: int | None = None
    columns: list[Column] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        """The title rows, without the `附件N` marker."""
        lines = [line for line in self.title_lines if not _ATTACHMENT.match(line)]
        return " ".join(lines) or None

    def printed(self, name: str) -> str:
        """How the file names a column (the registry's name for JSON lists)."""
        return next((c.printed for c in self.columns if c.field == name), name)

    def has(self, name: str) -> bool:
        return any(c.field == name for c in self.columns)


@dataclass
class RawRow:
    number: int  # as a person sees it in the file
    values: dict  # the registry's column names → the cells as read


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def _printed(cell) -> str:
    return _SPACE.sub("", _text(cell))


def _header(cells: list, vocabulary: Vocabulary) -> tuple[list[Column], list[str]] | None:
    """The columns a header row names, and the headers ignored; None if not a header row."""
    columns, ignored = [], []
    for position, cell in enumerate(cells):
        name = vocabulary.column(cell) if _text(cell) else None
        if name and not any(c.field == name for c in columns):
            columns.append(Column(name, _printed(cell), position))
        if _text(cell) and (name is None or name in UNUSED):
            ignored.append(_printed(cell))
    names = {c.field for c in columns}
    if not names & {"name", "credit_code"} or len(names) < 2:
        return None
    return columns, ignored


def too_many_rows(max_rows: int) -> Exception:
    return file_error(Message("import.too_many_rows", max=max_rows), "rows")


def _counted(records: Iterator[tuple[int, list]], max_rows: int) -> Iterator[tuple[int, list]]:
    """Every record below the header counts toward the limit, blank or not: `max_rows` of
    them pass, one more is refused (the title and header rows above are not counted)."""
    for count, record in enumerate(records, start=1):
        if count > max_rows:
            raise too_many_rows(max_rows)
        yield record


def locate(
    sheet: Sheet, vocabulary: Vocabulary, max_rows: int, *, fill_down: bool = True
) -> tuple[Layout, Iterator[RawRow]]:
    """The sheet's layout and its firms' rows (an iterator, read once). `fill_down`: a blank
    region or category cell is its group's (a published list's merged cells), not a blank."""
    if sheet.kind == "json":
        return _json_layout(sheet, max_rows)
    records = iter(sheet.records)
    layout = Layout(sheet.kind)
    for number, cells in records:
        found = _header(cells, vocabulary)
        if found:
            layout.columns, layout.ignored = found
            layout.header_row = number
            below = _counted(records, max_rows)
            return layout, _rows(below, layout, FILLED_DOWN if fill_down else ())
        line = " ".join(_text(c) for c in cells if _text(c))
        if line:
            layout.title_lines.append(line)
        if number >= HEADER_SEARCH_ROWS:
            break
    raise file_error(Message("import.no_header", rows=HEADER_SEARCH_ROWS), "header")


def _is_firm(values: dict, cells: list, layout: Layout) -> bool:
    """A row naming a firm; not a blank row, a footnote, a section or a total."""
    code = values.get("credit_code")
    if type(code) is str and code.strip():
        return True  # the common row, seen at once
    name, code = _text(values.get("name")), _text(code)
    if not name and not code:
        return False
    if not code and (_NOTE.match(name) or name in NOT_FIRMS):
        return False
    if not code and layout.has("serial"):
        serial = next(c for c in layout.columns if c.field == "serial")
        texts = [c for c in cells if _text(c)]
        if len(texts) == 1 and not _text(cells[serial.position]):
            return False  # one text cell, no 序号: a note across the sheet
    return True


def _rows(
    records: Iterator[tuple[int, list]], layout: Layout, filled_down: tuple[str, ...]
) -> Iterator[RawRow]:
    used = [(c.field, c.position) for c in layout.columns if c.field not in UNUSED]
    width = max((position for _, position in used), default=-1) + 1
    filled = [name for name, _ in used if name in filled_down]
    above: dict[str, object] = {}
    for number, cells in records:
        if len(cells) >= width:
            values = {name: cells[position] for name, position in used}
        else:  # a short row: the cells it lacks are blank
            values = {name: cells[p] if p < len(cells) else None for name, p in used}
        if not _is_firm(values, cells, layout):
            continue
        for name in filled:
            if _text(values[name]):
                above[name] = values[name]
            else:
                values[name] = above.get(name)
        yield RawRow(number, values)


def _json_layout(sheet: Sheet, max_rows: int) -> tuple[Layout, Iterator[RawRow]]:
    rows = sheet.rows or []
    if len(rows) > max_rows:
        raise too_many_rows(max_rows)
    seen = {key for row in rows if isinstance(row, dict) for key in row}
    layout = Layout(
        "json",
        title_lines=[sheet.title] if sheet.title else [],
        columns=[Column(name, name, i) for i, name in enumerate(COLUMNS) if name in seen],
    )
    return layout, (RawRow(number, row) for number, row in enumerate(rows, start=1))
