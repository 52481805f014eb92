"""A published list in the other containers it arrives in, each built by the tool that makes
it: an `.xls` as old Excel wrote it (xlwt, the title and groups merged), Excel's "Unicode text"
(UTF-16LE with BOM, tabs, CRLF), a table pasted from a notice's page into Notepad (GBK, tabs), a
UTF-8 CSV with BOM, a Word document (python-docx: the 附件 and title paragraphs above the table,
the footnote below), and a PDF printed from the table (reportlab, the CJK font STSong-Light, the
header repeated on each page). Each starts from the XLSX of published.py: the same cells, the
same merged ranges, so each must load to the same answer.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from openpyxl import load_workbook

from tests.support import published as pub

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPES = {
    ".xls": "application/vnd.ms-excel",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".docx": DOCX,
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".zip": "application/zip",
    ".doc": "application/msword",
    ".xlsx": pub.XLSX,
}


@dataclass
class Grid:
    """The XLSX's sheet: its cells (None where blank or merged over) and merged ranges."""

    cells: list[list]
    merges: list[
        tuple[int, int, int, int]
    ]  # first row, last row, first column, last column (0-based)
    header_row: int  # 1-based


def grid_of(published: pub.Published) -> Grid:
    book = load_workbook(io.BytesIO(published.data))
    sheet = book.worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    merges = [
        (m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1)
        for m in sheet.merged_cells.ranges
    ]
    return Grid(cells, merges, published.header_row)


def _shown(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime | dt.date):
        return f"{cell.year}/{cell.month}/{cell.day}"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def renamed(published: pub.Published, suffix: str, data: bytes) -> "File":
    stem = published.filename.rsplit(".", 1)[0]
    return File(stem + suffix, data, TYPES[suffix])


@dataclass
class File:
    filename: str
    data: bytes
    content_type: str

    def part(self):
        return io.BytesIO(self.data), self.filename, self.content_type


# --- spreadsheets and text ---------------------------------------------------------------------


def xls(published: pub.Published) -> File:
    """As Excel 97–2003 saved it: BIFF8, merged title and group cells, dates as date cells."""
    import xlwt

    grid = grid_of(published)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dates = xlwt.easyxf(num_format_str="YYYY/M/D")
    for r, row in enumerate(grid.cells):
        for c, cell in enumerate(row):
            if isinstance(cell, dt.datetime | dt.date):
                sheet.write(r, c, cell, dates)
            elif cell is not None:
                sheet.write(r, c, cell)
    for first, last, left, right in grid.merges:
        sheet.merge(first, last, left, right)
    out = io.BytesIO()
    book.save(out)
    return renamed(published, ".xls", out.getvalue())


def _delimited(grid: Grid, delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in grid.cells:
        writer.writerow([_shown(c) for c in row])
    return out.getvalue()


def unicode_text(published: pub.Published) -> File:
    """Excel's 另存为 "Unicode 文本": UTF-16LE with its BOM, tab-separated, CRLF."""
    text = _delimited(grid_of(published), "\t")
    return renamed(published, ".txt", b"\xff\xfe" + text.encode("utf-16-le"))


def gbk_paste(published: pub.Published) -> File:
    """A table copied from the notice's page into Notepad and saved (ANSI on Chinese Windows):
    GBK, tabs between cells, the title lines alone, no padding."""
    cells = grid_of(published).cells  # a page's header wraps by its width: no line break in it
    lines = ["\t".join(_shown(c).replace("\n", "") for c in row).rstrip("\t") for row in cells]
    return renamed(published, ".txt", "\r\n".join(lines).encode("gbk") + b"\r\n")


def utf8_bom_csv(published: pub.Published) -> File:
    """Excel's "CSV UTF-8": a BOM, commas, CRLF."""
    text = _delimited(grid_of(published), ",")
    return renamed(published, ".csv", b"\xef\xbb\xbf" + text.encode("utf-8"))


# --- documents ---------------------------------------------------------------------------------


def _table_part(grid: Grid) -> tuple[list[str], list[list], list[str], dict[int, int]]:
    """The lines above the header, the table (header and firms), the notes below it, and
    where each sheet row stands in the table (blank rows are not printed)."""
    above = [_shown(c) for row in grid.cells[: grid.header_row - 1] for c in row if c]
    table, below, at = [], [], {}
    for index, row in enumerate(grid.cells[grid.header_row - 1 :], start=grid.header_row - 1):
        texts = [c for c in row if c is not None]
        if len(texts) == 1 and str(texts[0]).startswith("注"):
            below.append(str(texts[0]))
        elif texts:
            at[index] = len(table)
            table.append(row)
    return above, table, below, at


def _spans(grid: Grid, at: dict[int, int]) -> list[tuple[int, int, int, int]]:
    """The merged ranges inside the table, in table rows."""
    return [
        (at[first], at[last], left, right)
        for first, last, left, right in grid.merges
        if first in at and last in at and (first != last or left != right)
    ]


def docx(published: pub.Published, *, tables: int = 1) -> File:
    """As a Word attachment: the 附件 and title paragraphs, the table with its merged group
    cells, the footnote; `tables` > 1 repeats the list under a second title (two attachments)."""
    return word_notice([published] * tables)


def word_notice(lists: list[pub.Published]) -> File:
    """A notice's attachments in one Word file: each list's title paragraphs, its table (merged
    group cells) and its footnote, one after the other."""
    import docx as word

    document = word.Document()
    for published in lists:
        grid = grid_of(published)
        above, rows, below, at = _table_part(grid)
        for line in above:
            document.add_paragraph(line)
        _word_table(document, rows, _spans(grid, at))
        for line in below:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return renamed(lists[0], ".docx", out.getvalue())


def _word_table(document, rows: list[list], spans) -> None:
    width = len(rows[0])
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is not None:
                table.cell(r, c).text = _shown(cell)
    for first, last, left, right in spans:
        table.cell(first, left).merge(table.cell(last, right))


def pdf(published: pub.Published, *, row_height: float = 150) -> File:
    """As printed from the table to PDF: the title lines above, the table with grid lines and
    its group cells merged, rows tall enough that it runs onto a second page, where the header
    is printed again; CJK text in reportlab's built-in STSong-Light."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    grid = grid_of(published)
    above, rows, below, at = _table_part(grid)
    style = ParagraphStyle("title", fontName="STSong-Light", fontSize=14, leading=20)
    cells = [[_shown(c) for c in row] for row in rows]
    heights = [30] + [row_height] * (len(rows) - 1)
    table = Table(cells, repeatRows=1, rowHeights=heights)
    commands = [
        ("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for first, last, left, right in _spans(grid, at):
        commands.append(("SPAN", (left, first), (right, last)))
    table.setStyle(TableStyle(commands))
    story = [Paragraph(line, style) for line in above] + [table]
    story += [Paragraph(line, style) for line in below]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return renamed(published, ".pdf", out.getvalue())


# --- files that are not lists ------------------------------------------------------------------


def png() -> bytes:
    """A scanned page as a PNG (a tiny one: the format is what counts)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * 8 for _ in range(8)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def scanned_pdf() -> bytes:
    """A PDF as a scanner makes it: each page one image, no text layer."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    for _ in range(2):
        canvas.drawImage(ImageReader(io.BytesIO(png())), 50, 50, width=500, height=700)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def ole2(stream: str) -> bytes:
    """An OLE2 compound file holding one stream named `stream` (as a .doc holds WordDocument,
    an encrypted workbook EncryptionInfo): xlwt's compound file, its stream renamed."""
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("Sheet1").write(0, 0, "x")
    out = io.BytesIO()
    book.save(out)
    data = bytearray(out.getvalue())
    old = "Workbook".encode("utf-16-le") + b"\x00\x00"
    at = data.index(old)
    new = stream.encode("utf-16-le") + b"\x00\x00"
    assert len(new) <= 64
    data[at : at + 64] = new.ljust(64, b"\x00")
    data[at + 64 : at + 66] = len(new).to_bytes(2, "little")
    return bytes(data)


def encrypted_xlsx(published: pub.Published, password: str = "1234") -> bytes:
    """The workbook as Excel saves it with a password to open (msoffcrypto-tool, agile
    encryption: an OLE2 file holding EncryptionInfo and EncryptedPackage)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(published.data)).encrypt(password, out)
    return out.getvalue()
