"""Reading published lists (公示/公告 attachments): CSV in UTF-8 or GBK, XLSX, or JSON rows.

Each reader yields `(row_number, {column: value})` with the row numbers a person sees in the
file (the header is row 1 of a CSV; XLSX rows are the sheet's), the columns mapped from the
published Chinese headers to the registry's names. Files are read as streams: memory does not
grow with the file.
"""

import codecs
import csv
import io
import json
import re
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from registry.services.errors import Invalid, Malformed

COLUMNS = (
    "credit_code",
    "name",
    "district",
    "tier",
    "year",
    "certified_on",
    "document_no",
    "valid_until",
    "renewal",
    "batch",
    "industry_chain",
)
REQUIRED = ("credit_code", "name", "district", "tier", "certified_on")

# Headers seen on published lists, normalized by `_header` (no spaces, ASCII brackets).
ALIASES = {
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码"),
    "name": ("企业名称", "单位名称", "企业(单位)名称", "名称", "公司名称"),
    "district": (
        "所在地区",
        "县(市、区)",
        "所在县(市、区)",
        "县市区",
        "地区",
        "所属地区",
        "县(市、区)、管委会",
        "辖区",
    ),
    "tier": ("类别", "层级", "认定类别", "企业类别", "称号"),
    "year": ("年度", "认定年度", "批次年度"),
    "certified_on": ("认定日期", "公告日期", "公示日期", "发布日期"),
    "document_no": ("文号", "公告文号", "认定文号"),
    "valid_until": ("有效期至", "有效期截止", "有效期"),
    "renewal": ("复核", "是否复核"),
    "batch": ("批次",),
    "industry_chain": ("产业链", "所属产业链"),
}
_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "，": ",", "\u3000": "", " ": "", "\ufeff": ""})
_BY_HEADER = {
    alias.translate(_FULL_WIDTH).lower(): column
    for column, aliases in ALIASES.items()
    for alias in (*aliases, column)
}
HEADER_SEARCH_ROWS = 10  # published lists often carry a title row or two above the header
CHUNK = 64 * 1024


def _header(cell) -> str:
    return re.sub(r"\s+", "", str(cell or "")).translate(_FULL_WIDTH).lower()


def map_header(cells: list) -> tuple[dict[int, str], list[str]] | None:
    """Column positions by registry name, and the ignored headers; None if not a header row."""
    mapping, ignored = {}, []
    for position, cell in enumerate(cells):
        column = _BY_HEADER.get(_header(cell))
        if column and column not in mapping.values():
            mapping[position] = column
        elif str(cell or "").strip():
            ignored.append(str(cell).strip())
    if "credit_code" not in mapping.values():
        return None
    return mapping, ignored


class ListFile:
    """A parsed list: its rows (an iterator, read once) and what its header said."""

    def __init__(
        self, rows: Iterator[tuple[int, dict]], ignored_columns: list[str], missing: list[str]
    ):
        self.rows = rows
        self.ignored_columns = ignored_columns
        if missing:
            raise Invalid(
                f"the list has no column for {', '.join(missing)}",
                errors={"file": {column: ["column missing"] for column in missing}},
            )


def _tabular(records: Iterator[tuple[int, list]]) -> ListFile:
    """Find the header among the first rows, then map every later row by it."""
    for number, cells in records:
        found = map_header(cells)
        if found:
            mapping, ignored = found
            missing = [c for c in REQUIRED if c not in mapping.values()]

            def rows(mapping=mapping) -> Iterator[tuple[int, dict]]:
                for row_number, row_cells in records:
                    if not any(str(c).strip() for c in row_cells if c is not None):
                        continue  # blank lines between sections
                    yield (
                        row_number,
                        {
                            column: row_cells[position] if position < len(row_cells) else None
                            for position, column in mapping.items()
                        },
                    )

            return ListFile(rows(), ignored, missing)
        if number >= HEADER_SEARCH_ROWS:
            break
    raise Invalid(
        "no header row with a credit-code column (统一社会信用代码) in the first "
        f"{HEADER_SEARCH_ROWS} rows",
        errors={"file": {"credit_code": ["no header found"]}},
    )


class _Prefixed(io.RawIOBase):
    """A stream that yields `head` and then the rest of `stream` (after sniffing the head)."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def sniff_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else GB18030 (GBK's superset,
    what Excel in China saves a CSV as)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def read_csv(stream: BinaryIO) -> ListFile:
    head = stream.read(CHUNK)
    encoding = sniff_encoding(head)
    text = io.TextIOWrapper(
        io.BufferedReader(_Prefixed(head, stream)), encoding=encoding, newline=""
    )
    sample = head[:4096].decode(encoding, errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)

    def records() -> Iterator[tuple[int, list]]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except UnicodeDecodeError as exc:
            raise Invalid(
                f"the file is not valid {encoding} text near byte {exc.start}",
                errors={"file": {"encoding": [f"not {encoding}"]}},
            ) from exc

    return _tabular(records())


def read_xlsx(file: BinaryIO) -> ListFile:
    """The first sheet of a workbook (openpyxl's read-only mode streams its rows)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Invalid(
            f"not a readable XLSX workbook: {exc}", errors={"file": {"format": ["not XLSX"]}}
        ) from exc
    sheet = workbook.worksheets[0]

    def records() -> Iterator[tuple[int, list]]:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)

    return _tabular(records())


def read_json(stream: BinaryIO) -> ListFile:
    """`{"rows": [{...}, ...]}` with the registry's column names; row numbers count from 1."""
    try:
        document = json.load(stream)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Malformed(
            "The request body is not valid JSON.", errors={"json": ["Invalid JSON body."]}
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("rows"), list):
        raise Invalid('expected {"rows": [...]}', errors={"json": {"rows": ["a list is required"]}})
    if extra := sorted(set(document) - {"rows"}):
        raise Invalid(
            f"unknown field {extra[0]}",
            errors={"json": {name: ["Unknown field."] for name in extra}},
        )

    return ListFile(enumerate(document["rows"], start=1), [], [])


def read_list(stream: BinaryIO, kind: str) -> ListFile:
    """Read a list of kind `csv`, `xlsx` or `json`."""
    readers = {"csv": read_csv, "xlsx": read_xlsx, "json": read_json}
    if kind not in readers:
        raise Invalid(f"unsupported list format {kind!r}: use CSV, XLSX or JSON")
    return readers[kind](stream)


def kind_of(filename: str | None, content_type: str | None, head: bytes = b"") -> str:
    """Guess the format from the name, the content type, then the first bytes."""
    name = (filename or "").lower()
    content_type = (content_type or "").lower()
    if name.endswith(".xlsx") or "spreadsheetml" in content_type or head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.endswith(".json") or content_type.endswith("json"):
        return "json"
    return "csv"


def open_list(stream: BinaryIO, filename: str | None = None, content_type: str | None = None):
    """Read a list from a stream of unknown format: by its name, its type, or its first bytes.

    An XLSX workbook is a zip file and must be read with seeks: it is spooled to a temporary
    file first (in memory up to 4 MiB, on disk above).
    """
    head = stream.read(8)
    kind = kind_of(filename, content_type, head)
    rest = io.BufferedReader(_Prefixed(head, stream))
    if kind == "xlsx":
        spooled = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
        while chunk := rest.read(CHUNK):
            spooled.write(chunk)
        spooled.seek(0)
        return read_xlsx(spooled)
    return read_list(rest, kind)
