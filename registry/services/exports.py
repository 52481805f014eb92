"""Exports of every certification with its enterprise: XLSX for people, CSV for machines.

`lang="zh"` writes the headers and values as the published lists print them (统一社会信用代码,
企业名称, 县（市、区）, 类别 as the tier's label, 是否复核 是/否, 状态 有效/已过期/已撤销, …);
`lang="en"` writes the registry's own keys and values (`credit_code`, `innovative_sme`, `true`).
Defaults: XLSX in Chinese, CSV in English.

Nothing in an export runs as a formula (OWASP, "CSV injection"). In CSV, a text cell that begins
with = + - @ a tab or a carriage return gets a leading apostrophe, and so does one that begins with
an apostrophe, so that an importer may drop exactly one leading apostrophe from every text cell
and get the original back. A credit code a spreadsheet would read as a number (all digits, like
914107287501992044, or digits around one E) gets the same apostrophe, so Excel keeps all 18
characters as text. In XLSX every text is a text cell (never a formula), with Excel's quote prefix
where typing it again would make it a formula or a number; no marker is written into the text.

Rows are read inside one snapshot and written as they are read: memory does not grow with the
registry. Each export carries the id of the last audit event it includes, so that the export
plus the events after that id give the live state.
"""

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Iterator
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from registry.models import District, Event, Tier
from registry.services import certifications
from registry.services.clock import today

COLUMNS = (
    "id",
    "credit_code",
    "name",
    "district",
    "district_name",
    "tier",
    "tier_label",
    "year",
    "certified_on",
    "valid_until",
    "renewal",
    "document_no",
    "batch",
    "revoked_on",
    "revocation_reason",
    "status",
    "superseded_by",
)


class Column(NamedTuple):
    key: str  # the record's field
    header: str
    width: int  # in XLSX, characters (a Chinese character counts two)


# Chinese: the published lists' columns first, in their order; the tier's label stands for it.
ZH_COLUMNS = (
    Column("credit_code", "统一社会信用代码", 22),
    Column("name", "企业名称", 40),
    Column("district_name", "县（市、区）", 16),
    Column("tier_label", "类别", 28),
    Column("year", "年度", 8),
    Column("certified_on", "公告日期", 12),
    Column("valid_until", "有效期至", 12),
    Column("renewal", "是否复核", 10),
    Column("status", "状态", 8),
    Column("superseded_by", "复核或晋级", 26),  # the renewal or higher title taking over
    Column("document_no", "文号", 28),
    Column("batch", "批次", 10),
    Column("revoked_on", "撤销日期", 12),
    Column("revocation_reason", "撤销原因", 28),
    Column("district", "区划代码", 10),
    Column("id", "记录编号", 10),
)
_EN_WIDTHS = {
    "name": 40,
    "credit_code": 22,
    "document_no": 28,
    "tier_label": 28,
    "superseded_by": 26,
}
EN_COLUMNS = tuple(Column(key, key, _EN_WIDTHS.get(key, 14)) for key in COLUMNS)
_WORDS = {
    "zh": {True: "是", False: "否", "active": "有效", "expired": "已过期", "revoked": "已撤销"},
    "en": {True: "true", False: "false"},
}
SHEET_TITLE = {"zh": "认定名单", "en": "certifications"}

# Characters that make a spreadsheet read a cell as a formula (OWASP), and the marker itself.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MARKER = "'"
_NUMBER_LIKE = re.compile(r"\d+(E\d+)?")


# A bureau's sheet of new enterprise tokens, to hand out.
TOKEN_COLUMNS = (
    Column("credit_code", "统一社会信用代码", 22),
    Column("name", "企业名称", 40),
    Column("district_name", "县（市、区）", 16),
    Column("secret", "令牌", 50),
    Column("id", "令牌编号", 10),
)


def token_records(issued: list) -> list[dict]:
    """(firm, token, secret) as rows of TOKEN_COLUMNS."""
    districts = dict(District.select(District.code, District.name_zh).tuples())
    return [
        {
            "credit_code": firm.credit_code,
            "name": firm.name,
            "district_name": districts[firm.district_id],
            "secret": secret,
            "id": token.id,
        }
        for firm, token, secret in issued
    ]


def columns(lang: str) -> tuple[Column, ...]:
    return ZH_COLUMNS if lang == "zh" else EN_COLUMNS


def last_event_id() -> int:
    return Event.select(Event.id).order_by(Event.id.desc()).limit(1).scalar() or 0


def rows(
    filters: dict, *, as_of=None, lang: str = "en", actor=None, chunk: int = 500
) -> Iterator[dict]:
    """Every certification matching the registry-wide list's filters (certifications.search), in its
    order (by end date: the renewal season reads down the sheet), each with what is derived
    on `as_of` (today): status, and the title taking over from it. The filters are checked
    now (a bad one raises here, before a streamed answer begins); the rows are read as the
    iterator is. Naming no district, `actor` (a bureau) gets its own districts' (scope)."""
    day = as_of or today()
    return _rows(certifications.search(as_of=day, actor=actor, **filters), day, lang, chunk)


def _rows(query, day, lang: str, chunk: int) -> Iterator[dict]:
    districts = dict(District.select(District.code, District.name_zh).tuples())
    labels = dict(Tier.select(Tier.key, Tier.label_zh).tuples())
    batch = []
    for cert in query.iterator():
        batch.append(cert)
        if len(batch) == chunk:
            yield from _records(batch, day, districts, labels, lang)
            batch = []
    yield from _records(batch, day, districts, labels, lang)


def _taking_over(cert, labels: dict, lang: str) -> str | None:
    later = cert.superseded_by
    if later is None:
        return None
    if lang == "zh":
        return f"{labels[later.tier_id]} {later.year}年度" + ("（复核）" if later.renewal else "")
    return f"{later.tier_id}/{later.year}" + ("/renewal" if later.renewal else "")


def _records(certs: list, day, districts: dict, labels: dict, lang: str) -> Iterator[dict]:
    for cert in certifications.with_working_year(certs, day):
        firm = cert.enterprise
        yield {
            "id": cert.id,
            "credit_code": firm.credit_code,
            "name": firm.name,
            "district": firm.district_id,
            "district_name": districts[firm.district_id],
            "tier": cert.tier_id,
            "tier_label": labels[cert.tier_id],
            "year": cert.year,
            "certified_on": cert.certified_on,
            "valid_until": cert.valid_until,
            "renewal": cert.renewal,
            "document_no": cert.document_no,
            "batch": cert.batch,
            "revoked_on": cert.revoked_on,
            "revocation_reason": cert.revocation_reason,
            "status": cert.status,
            "superseded_by": _taking_over(cert, labels, lang),
        }


def neutralized(text: str) -> str:
    """The text as a CSV cell no spreadsheet runs: a leading apostrophe before a formula's first
    character (and before a leading apostrophe, so one can always be taken off again)."""
    return MARKER + text if text.startswith((*FORMULA_START, MARKER)) else text


def credit_code_cell(code: str) -> str:
    """A credit code as CSV text Excel keeps: an apostrophe before one it would read as a number."""
    return MARKER + code if _NUMBER_LIKE.fullmatch(code) else neutralized(code)


def _value(record: dict, key: str, lang: str):
    """The field as the language writes it: words for booleans and statuses, None for blanks."""
    value = record[key]
    if isinstance(value, bool) or key == "status":
        return _WORDS.get(lang, {}).get(value, value)
    return value


def _csv_cell(value, key: str) -> str | int:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if key == "credit_code":
        return credit_code_cell(value)
    return neutralized(value) if isinstance(value, str) else value


def csv_chunks(
    records: Iterator[dict], layout: tuple[Column, ...], lang: str = "en", batch: int = 500
) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel shows the Chinese), a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in layout])
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, record in enumerate(records, start=1):
        writer.writerow([_csv_cell(_value(record, c.key, lang), c.key) for c in layout])
        if count % batch == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _xlsx_cell(sheet, value, key: str):
    """A value for a write-only sheet; text that Excel could take for something else is a
    text cell with the quote prefix (what Excel itself stores when one types 'text)."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters cannot be stored
    risky = text.startswith(FORMULA_START) or text in ERROR_CODES
    if not (risky or key == "credit_code"):
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # openpyxl makes "=…" a formula and "#N/A" an error otherwise
    cell.quotePrefix = True
    return cell


def write_xlsx(
    records: Iterator[dict],
    layout: tuple[Column, ...],
    *,
    title: str,
    about: dict,
    lang: str = "zh",
) -> tempfile.SpooledTemporaryFile:
    """An XLSX workbook (openpyxl write-only mode) in a temporary file, rewound: a sheet `title`
    of the records with column widths, the header row frozen and bold, an autofilter over
    every row; and a sheet `export` saying what it holds (`about`)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for number, column in enumerate(layout, start=1):  # before the first row, in this mode
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in layout:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for record in records:
        sheet.append([_xlsx_cell(sheet, _value(record, c.key, lang), c.key) for c in layout])
        written += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(layout))}{written + 1}"
    facts = workbook.create_sheet("export")
    for key, value in {**about, "exported_on": today().isoformat(), "lang": lang}.items():
        facts.append([key, value])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    workbook.save(out)
    out.seek(0)
    return out
