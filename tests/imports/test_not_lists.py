"""A file that is not a list says what it is, in Chinese and in English: an image or a scanned
PDF (no text to read), an encrypted workbook, an old Word or a WPS file (what to save it as),
an archive; the encoding advice only for text that no supported encoding reads. Hostile files —
an `.xls` or a `.docx` bomb, a PDF of thousands of pages — are refused within the limits.
Every file goes through POST /api/v1/imports as the workbench uploads it (dry run).
"""

import gzip
import io
import zipfile

import pytest

from registry.services.errors import Invalid
from registry.services.imports.formats import Limits, docx, pdf
from tests.support import containers as box
from tests.support import published as pub
from tests.support.http import assert_problem
from tests.support.imports import URL

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
SCAN_ZH = "这是扫描件，没有可读取的文字：请索取 Excel 或 Word 附件，或手工录入名单。"


def upload(client, auth, filename: str, data: bytes, content_type: str, language=ZH):
    return client.post(
        URL,
        query_string={"dry_run": "true", "certified_on": "2023-05-30"},
        data={"file": (io.BytesIO(data), filename, content_type)},
        content_type="multipart/form-data",
        headers={**auth["admin"], **language},
    )


def refused(client, auth, filename, data, content_type, code, status=422) -> tuple[str, str]:
    """The problem's code, and its detail in Chinese and in English."""
    details = []
    for language in (ZH, EN):
        answer = upload(client, auth, filename, data, content_type, language)
        body = assert_problem(answer, status)
        assert body["code"] == code, body
        details.append(body["detail"])
    assert details[0] != details[1]
    return details[0], details[1]


def test_a_scanned_pdf_is_a_scan(client, auth):
    zh, en = refused(client, auth, "名单.pdf", box.scanned_pdf(), "application/pdf", "import.scan")
    assert zh == SCAN_ZH
    assert "scan" in en and "Excel or Word" in en


@pytest.mark.parametrize("declared", ["名单.png", "名单.xlsx", "名单.csv"])
def test_an_image_is_an_image_whatever_its_name(client, auth, declared):
    zh, en = refused(client, auth, declared, box.png(), "image/png", "import.image")
    assert "PNG" in zh and "扫描件" in zh and "PNG" in en


def test_an_encrypted_workbook_asks_for_the_password_removed(client, auth):
    data = box.encrypted_xlsx(pub.city_list())
    zh, en = refused(client, auth, "附件1.xlsx", data, pub.XLSX, "import.encrypted")
    assert "密码" in zh and "password" in en


def test_an_ole2_holding_encryption_info_is_encrypted(client, auth):
    refused(client, auth, "附件1.xlsx", box.ole2("EncryptionInfo"), pub.XLSX, "import.encrypted")


@pytest.mark.parametrize(
    ("filename", "stream", "named", "save_as"),
    [
        ("名单.doc", "WordDocument", "Word 97–2003 (.doc)", ".docx"),
        ("名单.wps", "WordDocument", "WPS 文字 (.wps)", ".docx"),
        ("名单.et", "ETContent", "WPS 表格 (.et)", ".xlsx"),
    ],
)
def test_old_word_and_wps_files_say_what_to_save_as(client, auth, filename, stream, named, save_as):
    data = box.ole2(stream)
    zh, en = refused(
        client, auth, filename, data, "application/octet-stream", "import.format_other"
    )
    assert named in zh and save_as in zh and named in en and save_as in en


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "named"),
    [
        ("名单.zip", _zip({"附件1.xlsx": b"x", "附件2.pdf": b"y"}), "ZIP"),
        ("名单.xlsx", _zip({"readme.txt": b"not a workbook"}), "ZIP"),
        ("名单.rar", b"Rar!\x1a\x07\x01\x00" + bytes(40), "RAR"),
        ("名单.7z", b"7z\xbc\xaf\x27\x1c" + bytes(40), "7z"),
        ("名单.csv.gz", gzip.compress("企业名称\n".encode()), "gzip"),
    ],
)
def test_an_archive_is_named(client, auth, filename, data, named):
    zh, en = refused(client, auth, filename, data, "application/octet-stream", "import.archive")
    assert named in zh and named in en


def test_an_opendocument_spreadsheet_says_save_as_xlsx(client, auth):
    data = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""})
    zh, _ = refused(
        client, auth, "名单.ods", data, "application/octet-stream", "import.format_other"
    )
    assert "ODS" in zh and ".xlsx" in zh


def test_the_encoding_advice_only_for_text_no_encoding_reads(client, auth):
    data = "企业名称,统一社会信用代码\r\n".encode("gbk") + b"\x80\xff\xfe\x80\r\n"
    zh, en = refused(client, auth, "名单.csv", data, "text/csv", "import.encoding_line")
    assert "GBK" in zh and "UTF-8" in en


def test_a_pdf_without_a_table_says_so(client, auth):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont("STSong-Light", 12)
    canvas.drawString(72, 720, "关于公布2023年度第一批专精特新中小企业名单的通知")
    canvas.save()
    zh, _ = refused(client, auth, "通知.pdf", out.getvalue(), "application/pdf", "import.no_tables")
    assert "PDF" in zh


def test_a_broken_pdf_is_unreadable_not_a_500(client, auth):
    data = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer <<>>\n%%EOF"
    refused(client, auth, "名单.pdf", data, "application/pdf", "import.pdf_unreadable")


# --- several tables, one file ------------------------------------------------------------------


def test_a_word_file_of_two_tables_reads_two_titled_lists():
    document = box.docx(pub.city_list(), tables=2)
    sheets = docx.read(io.BytesIO(document.data), Limits(16 << 20))
    assert [s.name for s in sheets] == ["表 1", "表 2"]
    assert [s.title for s in sheets] == [f"附件1 {pub.CITY_TITLE}"] * 2
    for sheet in sheets:
        records = list(sheet.records)
        assert records[:2] == [(0, ["附件1"]), (0, [pub.CITY_TITLE])]  # above the table
        assert records[2][0] == 1 and records[2][1][2] == pub.NAME  # the header: the table's row 1
        assert len(records) == 2 + 1 + 5


def test_a_pdf_table_over_two_pages_repeats_its_header_once_read():
    printed = box.pdf(pub.city_list(), row_height=150)
    (sheet,) = pdf.read(io.BytesIO(printed.data), Limits(16 << 20))
    assert sheet.name == "第 1–2 页的表格"
    rows = [cells for number, cells in sheet.records if number]
    assert [r[2] for r in rows].count(pub.NAME) == 1
    assert len(rows) == 1 + 5


# --- hostile files -----------------------------------------------------------------------------


def test_an_xls_declaring_millions_of_cells_is_refused(client, auth):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write(0, 0, "企业名称")
    sheet.write(0, 1, "统一社会信用代码")
    for row in range(1000, 65536, 1000):  # a cell far right on rows far down: 65,000 × 256
        sheet.write(row, 255, "x")
    out = io.BytesIO()
    book.save(out)
    zh, en = refused(
        client, auth, "名单.xls", out.getvalue(), "application/vnd.ms-excel", "import.xls_too_large"
    )
    assert "Sheet1" in zh and "Sheet1" in en


def test_a_docx_bomb_is_refused_before_it_is_parsed(client, auth):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            for _ in range(65):  # 65 MiB of blanks: more than 4 × the 16 MiB upload limit
                part.write(b" " * (1 << 20))
    data = out.getvalue()
    assert len(data) < 1 << 20
    refused(client, auth, "名单.docx", data, box.DOCX, "import.document_inflates")


def test_a_pdf_of_thousands_of_pages_is_refused_by_its_page_count(client, auth):
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    for _ in range(3000):
        canvas.drawString(72, 720, "x")
        canvas.showPage()
    canvas.save()
    zh, en = refused(
        client, auth, "名单.pdf", out.getvalue(), "application/pdf", "import.pdf_pages"
    )
    assert "3000" in zh and "300" in en


def test_a_pdf_whose_tables_take_too_long_stops_at_a_page():
    printed = box.pdf(pub.city_list(), row_height=150)
    with pytest.raises(Invalid) as refused_slow:  # a deadline already past: stops at page 1
        pdf.read(io.BytesIO(printed.data), Limits(16 << 20, seconds=-1))
    assert refused_slow.value.code == "import.pdf_slow"
