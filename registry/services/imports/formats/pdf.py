"""Text PDFs, read with pdfplumber: every table, in page order, as a sheet. A table that
starts a page with no text above it continues the one before (same columns): it is joined under
that table's header, and its first row dropped when it repeats the header (as a printed list
repeats it on each page). The lines of text above a table are its title, given first as the
rows above a sheet's header are. Rows are numbered through the joined table from 1 (its header),
as the table would stand in a spreadsheet, each row's page and row on that page kept
(`Sheet.places`: the answer names both); the sheet is named by its pages. A PDF without a
text layer is a scan, refused as such; one of more than `limits.pages` pages is refused before
any page is read."""

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from registry.messages import Message
from registry.services.errors import Invalid
from registry.services.imports.formats import Limits, title_lines
from registry.services.imports.sheet import MAX_COLUMNS, Sheet, _reason, file_error


@dataclass
class _Table:
    first_page: int
    last_page: int
    title: list[str]
    rows: list[list] = field(default_factory=list)
    places: list[tuple[int, int]] = field(default_factory=list)  # each row's page, row on it

    @property
    def name(self) -> str:
        if self.first_page == self.last_page:
            return f"第 {self.first_page} 页的表格"
        return f"第 {self.first_page}–{self.last_page} 页的表格"


def read(file: IO[bytes], limits: Limits) -> list[Sheet]:
    import pdfplumber

    try:
        with pdfplumber.open(file) as pdf:
            pages = pdf.pages
            if len(pages) > limits.pages:
                raise file_error(
                    Message("import.pdf_pages", pages=len(pages), max=limits.pages), "size"
                )
            tables, text = _tables(pages, time.monotonic() + limits.seconds)
    except Invalid:
        raise
    except Exception as exc:  # pdfminer raises its own errors, struct and key errors alike
        raise file_error(Message("import.pdf_unreadable", reason=_reason(exc)), "format") from exc
    if not text:
        raise file_error(Message("import.scan"), "format")
    if not tables:
        raise file_error(Message("import.no_tables", format="PDF"), "format")
    return [
        Sheet(
            "pdf",
            _records(t),
            title=" ".join(t.title) or None,
            name=t.name,
            places=dict(enumerate(t.places, start=1)),
        )
        for t in tables
    ]


def _tables(pages, deadline: float) -> tuple[list[_Table], bool]:
    """The document's tables, continued ones joined; and whether it has any text at all."""
    tables: list[_Table] = []
    has_text = False
    for number, page in enumerate(pages, start=1):
        if time.monotonic() > deadline:
            raise file_error(Message("import.pdf_slow", page=number), "size")
        has_text = has_text or bool(page.chars)
        bottom = 0.0  # of the table before on this page
        for position, found in enumerate(page.find_tables()):
            rows = [_row(r) for r in found.extract()]
            above = _text_between(page, bottom, found.bbox[1])
            bottom = found.bbox[3]
            first = 1  # the row on the page the first kept row is
            if position == 0 and not above and _continues(tables, rows, number):
                current = tables[-1]
                if rows and rows[0] == current.rows[0]:
                    rows, first = rows[1:], 2  # the header printed again on this page
                current.rows.extend(rows)
                current.places.extend((number, first + i) for i in range(len(rows)))
                current.last_page = number
                continue
            places = [(number, 1 + i) for i in range(len(rows))]
            tables.append(_Table(number, number, above, rows, places))
        page.flush_cache()
    return [t for t in tables if t.rows], has_text


def _continues(tables: list[_Table], rows: list[list], page: int) -> bool:
    if not tables or not rows or tables[-1].last_page != page - 1 or not tables[-1].rows:
        return False
    return len(rows[0]) == len(tables[-1].rows[0])


def _text_between(page, bottom: float, top: float) -> list[str]:
    """The title lines between the table before (or the page's top) and this table."""
    if top - bottom <= 1:
        return []
    text = page.crop((0, bottom, page.width, top)).extract_text() or ""
    return title_lines([line.strip() for line in text.splitlines() if line.strip()])


def _row(cells: list) -> list:
    """Cells as printed: a line broken inside a cell is one text (Chinese wraps without a space)."""
    return [None if c is None else "".join(c.split("\n")).strip() for c in cells[:MAX_COLUMNS]]


def _records(table: _Table) -> Iterator[tuple[int, list]]:
    for line in table.title:
        yield 0, [line]  # above the table: not a row of it
    yield from enumerate(table.rows, start=1)
