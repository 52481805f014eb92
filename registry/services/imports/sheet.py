"""Reading the sheet: a list file as numbered records, whatever its format.

CSV (UTF-8 with or without BOM, or GBK as Excel saves it), XLSX (the first worksheet) and JSON
(`{"rows": [...]}`) are read from an upload already spooled to disk. The work is bounded by the
file's real content, not by what it declares: every record read counts toward the row limit
(blank ones too), a workbook's parts may not inflate beyond a fixed multiple of the upload
limit, and its XML is read with defusedxml (no entity expansion). The other containers (.xls,
Word, PDF, UTF-16 text) and the files that are not lists are in `formats/`, which tells them
apart by content.
"""

import codecs
import contextlib
import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, BinaryIO

from registry.messages import Message
from registry.services.errors import Invalid, Malformed

SPOOL_IN_MEMORY = 1024 * 1024  # an upload above this waits on disk, not in memory
SNIFF_BYTES = 64 * 1024
MAX_COLUMNS = 64  # published lists have a dozen; a sheet declaring 16,384 is read to here
XLSX_SHARED_INFLATION = 2  # sharedStrings, styles…: read whole, so at most 2 × the upload limit
XLSX_SHEET_INFLATION = 16  # a worksheet is streamed: at most 16 × the upload limit
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_error(message: Message, field_name: str = "file") -> Invalid:
    """The file as a whole cannot be read: one error, for no row."""
    return Invalid(message, errors={"file": {field_name: [message]}})


@dataclass
class Sheet:
    """A list file read: its records (row number as a person sees it, cells), or JSON rows."""

    kind: str  # csv | xlsx | json
    records: Iterator[tuple[int, list]] = field(default_factory=lambda: iter(()))
    rows: list | None = None  # JSON: row objects by the registry's column names
    title: str | None = None  # JSON: the list's title, when the client gives it
    resolve: dict | None = None  # JSON: name → credit code resolutions
    name: str | None = None  # a workbook's sheet (or a document's table): its name
    places: dict[int, tuple[int, int]] | None = None  # a PDF table's rows: (page, row on it)


def spool(stream: BinaryIO, limit: int | None = None) -> IO[bytes]:
    """The whole upload, read before anything else happens (in memory up to 1 MiB, on disk
    above): a slow client holds no lock, and a reader may seek."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    size = 0
    while chunk := stream.read(SNIFF_BYTES):
        size += len(chunk)
        if limit is not None and size > limit:
            spooled.close()
            raise file_error(Message("import.file_too_large", limit=limit), "size")
        spooled.write(chunk)
    spooled.seek(0)
    return spooled


def read_book(
    file: IO[bytes],
    *,
    filename: str | None = None,
    content_type: str | None = None,
    upload_limit: int,
) -> list[Sheet]:
    """A spooled list file's sheets, in the file's order, whatever its format (recognised by its
    content): every worksheet of a workbook (each with its name), every table of a Word or PDF
    document, or the one sheet of a text or JSON file."""
    from registry.services.imports.formats import Limits, detect, docx, pdf, text, xls

    kind = detect.kind(file, filename, content_type)
    if kind == "xlsx":
        return read_worksheets(file, upload_limit)
    if kind == "json":
        return [read_json(file)]
    readers = {"xls": xls.read, "docx": docx.read, "pdf": pdf.read, "text": text.read}
    return readers[kind](file, Limits(upload_limit))


def read_sheet(
    file: IO[bytes],
    *,
    filename: str | None = None,
    content_type: str | None = None,
    upload_limit: int,
) -> Sheet:
    """A file read as one sheet, its first: a clerk's resolution sheet (a list is read whole,
    every sheet, by `read_book`)."""
    return read_book(file, filename=filename, content_type=content_type, upload_limit=upload_limit)[
        0
    ]


# CSV ------------------------------------------------------------------------------------------


def sniff_encoding(file: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) or GB18030 (GBK's superset, as Excel in China saves a CSV).

    The whole file is tried as UTF-8: a file that decodes is UTF-8; one that fails after some
    Chinese decoded well is UTF-8 with a bad part (reported by line and byte, not read as GBK
    mojibake); one that fails at its first non-ASCII character is GBK."""
    head = file.read(len(codecs.BOM_UTF8))
    if head == codecs.BOM_UTF8:
        file.seek(0)
        return "utf-8-sig"
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen_chinese = False
    try:
        while chunk := file.read(SNIFF_BYTES):
            text = decoder.decode(chunk)
            seen_chinese = seen_chinese or not text.isascii()
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        seen_chinese = seen_chinese or not exc.object[: exc.start].isascii()
        return "utf-8" if seen_chinese else "gb18030"
    finally:
        file.seek(0)
    return "utf-8"


def _decoded_lines(file: IO[bytes], encoding: str) -> Iterator[str]:
    """The file's lines as text, decoded as a stream; a bad byte is placed by line and offset
    (the file read again from its start, line by line, to find it)."""
    text = io.TextIOWrapper(file, encoding, newline="")
    try:
        yield from text
    except UnicodeDecodeError as exc:
        file.seek(0)
        raise _encoding_error(file, encoding) from exc
    finally:
        with contextlib.suppress(ValueError):  # (the upload closed already: nothing to keep)
            text.detach()  # the upload stays open: its owner closes it


def _encoding_error(file: IO[bytes], encoding: str) -> Invalid:
    """Where a file stops being `encoding` text: its first line that does not decode (neither
    UTF-8 nor GBK uses the byte of a line feed inside a character)."""
    offset = 0
    for number, raw in enumerate(file, start=1):
        try:
            raw.decode(encoding)
        except UnicodeDecodeError as exc:
            return file_error(
                Message(
                    "import.encoding_line",
                    line=number,
                    encoding=encoding,
                    byte=f"{offset + exc.start}, {raw[exc.start : exc.start + 4]!r}",
                ),
                "encoding",
            )
        if number == 1 and encoding == "utf-8-sig":
            encoding = "utf-8"  # the BOM is only at the start
        offset += len(raw)
    return file_error(Message("import.encoding", encoding=encoding), "encoding")


def _delimiter(sample: str) -> str:
    """Comma, tab or semicolon: the one on most of the first lines (a title line has none;
    a pasted table's Chinese cells defeat csv.Sniffer). A tie goes to the comma."""
    lines = sample.splitlines()[:40]
    return max(",\t;", key=lambda d: sum(d in line for line in lines))


def read_csv(file: IO[bytes]) -> Iterator[tuple[int, list]]:
    """A CSV's records, numbered from 1 as a spreadsheet shows them."""
    encoding = sniff_encoding(file)
    sample = file.read(4096).decode(encoding, errors="ignore")
    file.seek(0)
    reader = csv.reader(_decoded_lines(file, encoding), csv.excel, delimiter=_delimiter(sample))
    try:
        for number, cells in enumerate(reader, start=1):
            # Our CSV exports put one apostrophe before formula-like text and all-digit credit
            # codes (OWASP's advice; a spreadsheet then keeps the cell as text): taken off here.
            if "'" in "".join(cells):
                cells = [c[1:] if c[:1] == "'" else c for c in cells]
            yield number, cells
    except csv.Error as exc:
        raise file_error(
            Message("import.csv_unreadable", line=reader.line_num, reason=str(exc))
        ) from exc


# XLSX -----------------------------------------------------------------------------------------


def _check_inflation(file: IO[bytes], upload_limit: int) -> None:
    """Refuse a workbook whose parts would inflate far beyond any real list (a zip bomb).
    The sizes a zip declares bind: Python's reader stops at them and checks the CRC."""
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise file_error(Message("import.xlsx_unreadable", reason=str(exc)), "format") from exc
    for part in parts:
        streamed = part.filename.startswith("xl/worksheets/")
        factor = XLSX_SHEET_INFLATION if streamed else XLSX_SHARED_INFLATION
        if part.file_size > factor * upload_limit:
            raise file_error(
                Message(
                    "import.xlsx_inflates", part=part.filename, size=part.file_size, factor=factor
                ),
                "size",
            )
    file.seek(0)


def read_xlsx(file: IO[bytes], upload_limit: int) -> Iterator[tuple[int, list]]:
    """The first worksheet's rows, numbered as Excel shows them."""
    return read_worksheets(file, upload_limit)[0].records


def read_worksheets(file: IO[bytes], upload_limit: int) -> list[Sheet]:
    """Every worksheet, in the workbook's order, with its name; its rows numbered as Excel shows
    them. The dimension a sheet declares is ignored: rows and columns are read as far as cells
    really exist. (The workbook reads the upload, which its owner closes.)"""
    from openpyxl import load_workbook

    _check_inflation(file, upload_limit)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        worksheets = workbook.worksheets
        if not worksheets:
            raise ValueError("no worksheet")
        for worksheet in worksheets:
            worksheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises anything from KeyError to XML parse errors
        raise file_error(Message("import.xlsx_unreadable", reason=_reason(exc)), "format") from exc
    return [Sheet("xlsx", _worksheet_rows(w), name=w.title) for w in worksheets]


def _worksheet_rows(sheet) -> Iterator[tuple[int, list]]:
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1):
            yield number, list(cells)
    except Exception as exc:
        raise file_error(
            Message("import.worksheet_unreadable", reason=_reason(exc)), "format"
        ) from exc


def _reason(exc: Exception) -> str:
    """What went wrong, from the root of the chain (openpyxl wraps what the XML parser says)."""
    while (exc.__cause__ or exc.__context__) is not None:
        exc = exc.__cause__ or exc.__context__
    name = type(exc).__name__
    return f"{name}: {exc}" if str(exc) else name


# JSON -----------------------------------------------------------------------------------------

JSON_KEYS = ("rows", "title", "resolve")


def read_json(file: IO[bytes]) -> Sheet:
    """`{"rows": [{...}, ...]}` with the registry's column names; optionally the list's
    `title` and `resolve` (name → credit code). Rows are numbered from 1."""
    try:
        document = json.load(file)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Malformed(
            "body.invalid_json", errors={"json": [Message("body.invalid_json")]}
        ) from exc
    except RecursionError as exc:
        raise Malformed("body.too_deep", errors={"json": [Message("body.too_deep")]}) from exc
    if not isinstance(document, dict) or not isinstance(document.get("rows"), list):
        rows = Message("import.rows_required")
        raise Invalid(rows, errors={"json": {"rows": [rows]}})
    if extra := sorted(set(document) - set(JSON_KEYS)):
        unknown = Message("field.unknown")
        raise Invalid(
            Message("field.problem", field=extra[0], message=unknown),
            errors={"json": {name: [unknown] for name in extra}},
        )
    title, resolve = document.get("title"), document.get("resolve")
    if title is not None and not isinstance(title, str):
        text = Message("import.title_text")
        raise Invalid(text, errors={"json": {"title": [text]}})
    if resolve is not None and not isinstance(resolve, dict):
        shape = Message("import.resolve_object")
        raise Invalid(shape, errors={"json": {"resolve": [shape]}})
    return Sheet("json", rows=document["rows"], title=title, resolve=resolve)
