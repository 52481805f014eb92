"""Files that are not what they declare: the importer's work is bounded by real content.

A workbook declaring 150,000 × 16,384 cells, shared strings that inflate a thousandfold, XML
entity expansion, broken XML, a CSV whose encoding breaks half-way: each is one 4xx problem,
never a 500, and nothing is written. (The time and memory these take are measured outside the
suite; here the bounds are checked by what is read.)
"""

import io
import zipfile

import pytest
from openpyxl import Workbook

from registry.services.imports.sheet import MAX_COLUMNS, read_xlsx
from tests.support.codes import make_code
from tests.support.http import XLSX, assert_problem
from tests.support.imports import post_list, written


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(xlsx: bytes, **parts: bytes) -> bytes:
    """The workbook with some of its parts replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item, source.read(item.filename), zipfile.ZIP_DEFLATED)
        for name, data in parts.items():
            target.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["企业名称", "统一社会信用代码", "县（市、区）"]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def declared_sheet(cells: str) -> bytes:
    """A worksheet that declares the whole grid (A1:XFD150000) and holds `cells`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'
        f'<dimension ref="A1:XFD150000"/><sheetData>{cells}</sheetData></worksheet>'
    ).encode()


def test_a_declared_grid_is_read_as_far_as_cells_exist():
    """150,000 × 16,384 declared, one row held: one row is read, of at most MAX_COLUMNS cells."""
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c><c r="XFD1"/></row>'
    xlsx = rewritten(workbook([["x"]]), **{SHEET: declared_sheet(cells)})

    records = list(read_xlsx(io.BytesIO(xlsx), upload_limit=16 * 1024 * 1024))

    assert len(records) == 1
    number, row = records[0]
    assert number == 1 and row[0] == "企业名称" and len(row) <= MAX_COLUMNS


def test_a_declared_grid_without_rows_is_a_422_not_a_long_read(app, client, auth):
    xlsx = rewritten(workbook([["x"]]), **{SHEET: declared_sheet("")})
    assert len(xlsx) < 8 * 1024
    before = written(app)

    response = post_list(client, auth["admin"], xlsx, XLSX)

    assert_problem(response, 422)
    assert [e["field"] for e in response.json["errors"]] == ["header"]
    assert written(app) == before


def test_blank_rows_count_toward_the_row_limit(app, client, auth):
    """A sheet whose only content is far down: the rows up to it are read, and counted."""
    app.config["IMPORT_MAX_ROWS"] = 1000
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for col, text in zip("ABC", HEADER, strict=True)
    )
    far = '<row r="150000"><c r="A150000" t="inlineStr"><is><t>x</t></is></c></row>'
    xlsx = rewritten(
        workbook([["x"]]), **{SHEET: declared_sheet(f'<row r="1">{header}</row>{far}')}
    )

    response = client.post(
        "/api/v1/imports?tier=innovative_sme&certified_on=2023-06-28",
        data=xlsx,
        content_type=XLSX,
        headers=auth["admin"],
    )

    assert response.status_code == 422, response.json
    assert [e["field"] for e in response.json["errors"]] == ["rows"]
    assert "more than 1000 rows" in response.json["detail"]


def test_shared_strings_that_inflate_beyond_the_limit_are_a_422(app, client, auth):
    """A small file whose shared strings inflate to 8 MiB, against a 1 MiB upload limit."""
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si><t>'
        + "新" * (8 * 1024 * 1024 // 3)
        + "</t></si></sst>"
    ).encode()
    xlsx = rewritten(workbook([HEADER]), **{"xl/sharedStrings.xml": strings})
    assert len(xlsx) < 200 * 1024
    before = written(app)

    response = post_list(client, auth["admin"], xlsx, XLSX)

    assert response.status_code == 422, response.json
    assert [e["field"] for e in response.json["errors"]] == ["size"]
    assert "sharedStrings" in response.json["detail"]
    assert written(app) == before


# Entities that expand a thousandfold at each level, in the worksheet itself (the part every
# reader parses; openpyxl writes its strings inline, so a sharedStrings bomb might go unread).
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + f']><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t>'
    + "</is></c></row></sheetData></worksheet>"
).encode()
FACTS = "/api/v1/imports?tier=innovative_sme&certified_on=2023-06-28"


@pytest.mark.parametrize(
    "part, data, reason",
    [
        (SHEET, BILLION_LAUGHS, "EntitiesForbidden"),
        (SHEET, b"<worksheet><sheetData><row r='1'><c r='A1'>", "no element found"),  # cut off
        # lxml (which python-docx brings) parses the workbook part for openpyxl, entities unresolved
        ("xl/workbook.xml", b"not xml at all", "XMLSyntaxError"),
    ],
    ids=["entity-expansion", "broken-sheet", "broken-workbook"],
)
def test_hostile_or_broken_xml_is_a_422(app, client, auth, part, data, reason):
    xlsx = rewritten(workbook([HEADER, ["新乡市某公司", make_code("x"), "红旗区"]]), **{part: data})
    before = written(app)

    response = client.post(FACTS, data=xlsx, content_type=XLSX, headers=auth["admin"])

    assert_problem(response, 422)
    assert [(e["row"], e["field"]) for e in response.json["errors"]] == [(None, "format")]
    assert reason in response.json["detail"]
    assert written(app) == before


def test_a_zip_that_is_not_a_workbook_is_a_422(app, client, auth):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    response = post_list(client, auth["admin"], out.getvalue(), XLSX)
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["field"] == "format"


def test_an_encoding_that_breaks_half_way_is_placed_by_line_and_byte(app, client, auth):
    """UTF-8 with one line saved as GBK: the same 422 shape as any rejection, the right line."""
    lines = [
        "企业名称,统一社会信用代码,县（市、区）,类别,公告日期".encode(),
        f"新乡市甲公司,{make_code('enc-1')},红旗区,创新型中小企业,2023-06-28".encode(),
        f"新乡市乙公司,{make_code('enc-2')},红旗区,创新型中小企业,2023-06-28".encode("gbk"),
    ]
    body = b"\r\n".join(lines) + b"\r\n"
    before = written(app)

    response = post_list(client, auth["admin"], body)

    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(None, "encoding")]
    offset = len(lines[0]) + 2 + len(lines[1]) + 2  # the first byte of line 3 is already GBK
    assert "line 3" in errors[0]["message"] and f"byte {offset}" in errors[0]["message"]
    assert written(app) == before


def test_a_gbk_file_is_read_as_gbk_not_refused(app, client, auth):
    body = (
        "企业名称,统一社会信用代码,县（市、区）,类别,公告日期\r\n"
        f"新乡市丙公司,{make_code('gbk-1')},红旗区,创新型中小企业,2023-06-28\r\n"
    ).encode("gbk")
    response = post_list(client, auth["admin"], body)
    assert response.status_code == 200, response.json
    assert response.json["created_enterprises"] == 1
