"""Exports of every certification with its enterprise, as CSV (for Excel, with a BOM) or XLSX.

Rows are read inside one snapshot and written as they are read: memory does not grow with the
registry. Each export carries the id of the last audit event it includes, so that the export
plus the events after that id give the live state.
"""

import csv
import io
import tempfile
from collections.abc import Iterator

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from registry.models import Certification, District, Enterprise, Event, Tier
from registry.services import enterprises
from registry.services.clock import today
from registry.services.standing import status_on

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
)


def last_event_id() -> int:
    return Event.select(Event.id).order_by(Event.id.desc()).limit(1).scalar() or 0


def rows(filters: dict) -> Iterator[tuple]:
    """Every certification matching the enterprise filters, by credit code then date."""
    matching = enterprises.search(**filters).select(Enterprise.id)
    query = (
        Certification.select(Certification, Enterprise, District, Tier)
        .join(Enterprise)
        .join(District)
        .switch(Certification)
        .join(Tier)
        .where(Certification.enterprise.in_(matching))
        .order_by(Enterprise.credit_code, Certification.certified_on, Certification.id)
    )
    day = today()
    for cert in query.iterator():
        firm = cert.enterprise
        yield (
            cert.id,
            firm.credit_code,
            firm.name,
            firm.district_id,
            firm.district.name_zh,
            cert.tier_id,
            cert.tier.label_zh,
            cert.year,
            cert.certified_on,
            cert.valid_until,
            cert.renewal,
            cert.document_no,
            cert.batch,
            cert.revoked_on,
            cert.revocation_reason,
            status_on(cert, day),
        )


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else value


def csv_chunks(records: Iterator[tuple], batch: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel shows the Chinese), a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, record in enumerate(records, start=1):
        writer.writerow([_cell(v) for v in record])
        if count % batch == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _xlsx_cell(value):
    if isinstance(value, bool) or value is None:
        return _cell(value)
    if isinstance(value, str):  # control characters cannot be stored in a worksheet
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_xlsx(records: Iterator[tuple], last_event: int) -> tempfile.SpooledTemporaryFile:
    """An XLSX workbook (openpyxl write-only mode) in a temporary file, rewound."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("certifications")
    sheet.append(list(COLUMNS))
    for record in records:
        sheet.append([_xlsx_cell(v) for v in record])
    about = workbook.create_sheet("export")
    about.append(["last_event_id", last_event])
    about.append(["exported_on", today().isoformat()])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    workbook.save(out)
    out.seek(0)
    return out
