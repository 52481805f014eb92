"""Excel 97–2003 workbooks (`.xls`, BIFF), read with xlrd: every worksheet, in the workbook's
order, its rows numbered as Excel shows them. Merged cells read as Excel holds them — the text
in the range's first cell, the others blank — as the XLSX reader gives them, and the layout
fills a merged region down its group in both. Sheets are loaded one at a time (on demand), rows
ragged (a far cell does not pad every row), and a sheet holding more than `limits.cells` cells
is refused."""

from collections.abc import Iterator
from typing import IO

from registry.messages import Message
from registry.services.imports.formats import Limits
from registry.services.imports.sheet import MAX_COLUMNS, Sheet, file_error


def read(file: IO[bytes], limits: Limits) -> list[Sheet]:
    import xlrd

    data = file.read(limits.upload + 1)  # the upload is spooled already within its limit
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
    except Exception as exc:  # xlrd raises its own errors, struct and index errors alike
        raise _unreadable(exc) from exc
    names = book.sheet_names()
    return [Sheet("xls", _records(book, i, limits), name=names[i]) for i in range(book.nsheets)]


def _unreadable(exc: Exception) -> Exception:
    if "encrypted" in str(exc).lower():
        return file_error(Message("import.encrypted"), "format")
    return file_error(
        Message("import.xls_unreadable", reason=f"{type(exc).__name__}: {exc}"), "format"
    )


def _records(book, index: int, limits: Limits) -> Iterator[tuple[int, list]]:
    try:
        sheet = book.sheet_by_index(index)
    except Exception as exc:
        raise _unreadable(exc) from exc
    rows = sheet.nrows
    widest = max((sheet.row_len(r) for r in range(rows)), default=0)
    if rows * widest > limits.cells:
        raise file_error(
            Message(
                "import.xls_too_large", sheet=sheet.name, cells=rows * widest, max=limits.cells
            ),
            "size",
        )
    try:
        for r in range(rows):
            yield (
                r + 1,
                [_value(cell, book.datemode) for cell in sheet.row_slice(r, 0, MAX_COLUMNS)],
            )
    finally:
        book.unload_sheet(index)


def _value(cell, datemode: int):
    """A cell as openpyxl gives an XLSX cell: text, a whole number as int, a date, or None."""
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_TEXT:
        return value
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
        return moment
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    return None  # empty, blank, error
