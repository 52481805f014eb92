"""Exports for people and for machines: `lang`, the XLSX layout, spreadsheet injection, credit
codes as text, and our own exports imported back unchanged.

The markers an export writes (an importer takes them off): in CSV, one leading apostrophe before
text that starts with = + - @ a tab, a carriage return or an apostrophe, and before a credit code
a spreadsheet would read as a number; in XLSX, none (text cells, Excel's quote prefix).
"""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from registry.models import Certification, Enterprise, Event, Tier
from registry.services import exports
from registry.services.clock import today
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.exports import ZH_HEADERS
from tests.support.http import XLSX

CSV_URL = "/api/v1/exports/certifications.csv"
XLSX_URL = "/api/v1/exports/certifications.xlsx"
DIGITS_ONLY = "914107287501992044"  # a valid code Excel turns into 9.14107E+17 (a number)
EN_HEADER = list(exports.COLUMNS)
ZH_HEADER = list(ZH_HEADERS)
HOSTILE = {  # names and document numbers a spreadsheet would run, or misread
    "equals": '=HYPERLINK("http://example.invalid","点击")',
    "plus": "+1+1 新乡科技有限公司",
    "minus": "-2+3 新乡科技有限公司",
    "at": "@SUM(1,2) 新乡科技有限公司",
    "quote": "'红旗' 新乡科技有限公司",
}


def csv_table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def by_code(table: list[list[str]], code_column: int = 1) -> dict[str, list[list[str]]]:
    rows = {}
    for row in table[1:]:
        rows.setdefault(row[code_column], []).append(row)
    return rows


def register_as(client, auth, code, name, district=DISTRICT):
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": code, "name": name, "district": district},
        headers=auth["admin"],
    )
    assert response.status_code == 201, response.json
    return code


RENEWED = today()  # a renewal still valid whenever the suite runs


@pytest.fixture
def people(client, auth, register, certify):
    """A climber (letters in its code), an all-digit code with an expired title and a renewal,
    and a revoked title; returns the codes."""
    climber = register("zh-climber", name="新乡市华瑞机械制造有限公司")
    digits = register_as(client, auth, DIGITS_ONLY, "长垣市起重设备有限公司", OTHER_DISTRICT)
    revoked = register("zh-revoked", district="410771", name="新乡市豫新生物医药有限公司")
    for code, tier, on, extra in (
        (climber, "innovative_sme", "2023-06-28", {"document_no": "豫工信企业〔2023〕45号"}),
        (climber, "specialized_sme", "2023-12-05", {"batch": "第二批"}),
        (digits, "innovative_sme", "2020-06-30", {"year": 2020}),
        (digits, "innovative_sme", RENEWED.isoformat(), {"year": RENEWED.year, "renewal": True}),
        (revoked, "innovative_sme", "2024-05-01", {}),
    ):
        response = certify(code, tier, on, **extra)
        assert response.status_code == 201, response.json
    cert_id = response.json["id"]
    response = client.post(
        f"/api/v1/certifications/{cert_id}/revoke",
        json={"reason": "虚假材料", "revoked_on": "2024-09-01"},
        headers=auth["admin"],
    )
    assert response.status_code == 200, response.json
    return {"climber": climber, "digits": digits, "revoked": revoked}


@pytest.fixture
def hostile(client, auth, certify):
    """A firm for each hostile name, each with a certification whose document number is hostile
    too; returns {kind: credit code}."""
    codes = {}
    for kind, name in HOSTILE.items():
        code = register_as(client, auth, make_code(f"hostile-{kind}"), name)
        response = certify(code, "innovative_sme", "2023-06-28", document_no=name[:40])
        assert response.status_code == 201, response.json
        codes[kind] = code
    return codes


# --- languages ----------------------------------------------------------------------------


def test_xlsx_is_in_chinese_by_default_as_the_published_lists_print_it(app, client, auth, people):
    response = client.get(XLSX_URL, headers=auth["admin"])

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header == ZH_HEADER
    assert header[:9] == [
        "统一社会信用代码",
        "企业名称",
        "县（市、区）",
        "类别",
        "年度",
        "公告日期",
        "有效期至",
        "是否复核",
        "状态",
    ]
    with app.app_context():
        labels = {t.key: t.label_zh for t in Tier.select()}
    table = {(r[0], r[5].date()): dict(zip(header, r, strict=True)) for r in rows}
    first = table[(people["climber"], dt.date(2023, 6, 28))]
    assert (first["企业名称"], first["县（市、区）"], first["区划代码"]) == (
        "新乡市华瑞机械制造有限公司",
        "红旗区",
        DISTRICT,
    )
    assert (first["类别"], first["年度"], first["文号"]) == (
        labels["innovative_sme"],
        2023,
        "豫工信企业〔2023〕45号",
    )
    assert first["有效期至"].date() == dt.date(2025, 12, 31)  # announced in 2023: 3 years
    assert table[(people["climber"], dt.date(2023, 12, 5))]["类别"] == labels["specialized_sme"]
    expired = table[(DIGITS_ONLY, dt.date(2020, 6, 30))]
    renewed = table[(DIGITS_ONLY, RENEWED)]
    revoked = table[(people["revoked"], dt.date(2024, 5, 1))]
    assert (expired["是否复核"], expired["状态"]) == ("否", "已过期")
    assert (renewed["是否复核"], renewed["状态"]) == ("是", "有效")
    assert (revoked["状态"], revoked["撤销原因"]) == ("已撤销", "虚假材料")
    assert revoked["撤销日期"].date() == dt.date(2024, 9, 1)
    assert sheet.title == "认定名单"


def test_xlsx_is_laid_out_for_people(client, auth, people):
    response = client.get(XLSX_URL, headers=auth["admin"])

    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet.freeze_panes == "A2"  # the header stays in sight
    assert sheet.auto_filter.ref == f"A1:P{sheet.max_row}" and sheet.max_row == 6
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNOP"}
    assert widths["A"] >= 20 and widths["B"] >= 30  # 18 characters of code; a long name
    assert all(width >= 8 for width in widths.values())
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["A2"].data_type == "s"  # credit codes are text
    assert sheet["F2"].is_date and sheet["F2"].number_format == "yyyy-mm-dd"


def test_csv_is_in_english_by_default_and_in_chinese_on_request(client, auth, people):
    english = client.get(CSV_URL, headers=auth["admin"]).data
    chinese = client.get(CSV_URL, query_string={"lang": "zh"}, headers=auth["admin"]).data
    in_english_xlsx = client.get(XLSX_URL, query_string={"lang": "en"}, headers=auth["admin"])

    assert csv_table(english)[0] == EN_HEADER
    table = csv_table(chinese)
    assert table[0] == ZH_HEADER
    renewed = [r for r in table[1:] if r[5] == RENEWED.isoformat()]
    assert [(r[3], r[7], r[8]) for r in renewed] == [("创新型中小企业", "是", "有效")]
    sheet = load_workbook(io.BytesIO(in_english_xlsx.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == EN_HEADER and sheet.title == "certifications"


def test_an_unknown_language_is_refused(client, auth):
    for url in (CSV_URL, XLSX_URL):
        response = client.get(url, query_string={"lang": "fr"}, headers=auth["admin"])
        assert response.status_code == 422
        assert "lang" in response.json["errors"]["query"]


# --- credit codes stay text ---------------------------------------------------------------


def test_a_credit_code_excel_would_read_as_a_number_is_marked_as_text(client, auth, people):
    for lang in ("en", "zh"):
        table = csv_table(
            client.get(CSV_URL, query_string={"lang": lang}, headers=auth["admin"]).data
        )
        codes = {row[1] if lang == "en" else row[0] for row in table[1:]}
        # All digits: an apostrophe keeps it text (LibreOffice reads the bare code as
        # 9.14107287501992E+17); letters: a spreadsheet keeps it as it is.
        assert codes == {"'" + DIGITS_ONLY, people["climber"], people["revoked"]}

    sheet = load_workbook(io.BytesIO(client.get(XLSX_URL, headers=auth["admin"]).data)).worksheets[
        0
    ]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {DIGITS_ONLY, people["climber"], people["revoked"]}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)  # text, and stays text


def test_credit_code_cells():
    assert exports.credit_code_cell(DIGITS_ONLY) == "'" + DIGITS_ONLY
    assert exports.credit_code_cell("91410700123456789E") == "91410700123456789E"
    assert exports.credit_code_cell("9141070012345678E9") == "'9141070012345678E9"  # 9.1E+24
    assert exports.credit_code_cell("91410702MA9F3K2L2U") == "91410702MA9F3K2L2U"


# --- spreadsheet injection ----------------------------------------------------------------


def test_csv_neutralizes_text_a_spreadsheet_would_run(client, auth, hostile):
    table = csv_table(client.get(CSV_URL, headers=auth["admin"]).data)
    rows = {row[1]: dict(zip(table[0], row, strict=True)) for row in table[1:]}

    for kind, code in hostile.items():
        assert rows[code]["name"] == "'" + HOSTILE[kind], kind
        assert rows[code]["document_no"] == "'" + HOSTILE[kind][:40], kind
    assert not any(
        cell.startswith(exports.FORMULA_START) for row in table for cell in row
    )  # nothing starts a formula


def test_csv_neutralizes_tabs_and_carriage_returns_stored_before_they_were_refused(
    app, client, auth, register, certify
):
    code = register("legacy")
    assert certify(code, "innovative_sme", "2023-06-28").status_code == 201
    with app.app_context():  # written before names were validated (the API refuses them now)
        Enterprise.update(name="\t=1+1").where(Enterprise.credit_code == code).execute()
        Certification.update(document_no="\r=2+2").execute()

    table = csv_table(client.get(CSV_URL, headers=auth["admin"]).data)

    row = dict(zip(table[0], table[1], strict=True))
    assert (row["name"], row["document_no"]) == ("'\t=1+1", "'\r=2+2")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlsx_writes_text_cells_never_formulas(client, auth, hostile, lang):
    response = client.get(XLSX_URL, query_string={"lang": lang}, headers=auth["admin"])

    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    name, document = (
        header.index(ZH_HEADER[1] if lang == "zh" else "name"),
        header.index("文号" if lang == "zh" else "document_no"),
    )
    cells = {row[name].value: row for row in sheet.iter_rows(min_row=2)}
    for text in HOSTILE.values():
        row = cells[text]  # the text itself: no marker written into an XLSX cell
        for cell in (row[name], row[document]):
            assert cell.data_type == "s", (text, cell.data_type)
            if text[0] in "=+-@":
                assert cell.quotePrefix  # typing it again in Excel keeps it text
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_neutralized_takes_one_apostrophe_off_exactly():
    for text in (*HOSTILE.values(), "\t=1", "\r=1", "'", "''x", "新乡", "", "a=b"):
        marked = exports.neutralized(text)
        assert not marked.startswith(exports.FORMULA_START)
        # The importer's rule: a text cell that starts with an apostrophe loses that one.
        assert (marked[1:] if marked.startswith("'") else marked) == text


# --- our own exports imported back --------------------------------------------------------


def import_back(client, auth, body: bytes, content_type: str) -> dict:
    response = client.post(
        "/api/v1/imports", data=body, content_type=content_type, headers=auth["admin"]
    )
    assert response.status_code == 200, response.json
    return response.json


def stored(app) -> tuple:
    with app.app_context():
        return (
            Enterprise.select().count(),
            Certification.select().count(),
            Event.select().count(),
        )


def assert_unchanged(app, result: dict, before: tuple) -> None:
    certifications = before[1]
    assert result["rows"] == certifications
    assert (result["created_enterprises"], result["created_certifications"]) == (0, 0)
    assert result["unchanged"] == certifications, result
    assert result["conflicts"] == [] and result["errors"] == []
    assert stored(app) == before


def test_the_chinese_xlsx_imported_back_is_unchanged(app, client, auth, people, hostile):
    export = client.get(XLSX_URL, headers=auth["admin"])
    before = stored(app)

    assert_unchanged(app, import_back(client, auth, export.data, XLSX), before)


def test_the_chinese_csv_imported_back_is_unchanged(app, client, auth, people, hostile):
    export = client.get(CSV_URL, query_string={"lang": "zh"}, headers=auth["admin"])
    before = stored(app)

    assert_unchanged(app, import_back(client, auth, export.data, "text/csv"), before)


def test_the_csv_with_neutralized_names_imported_back_is_unchanged(
    app, client, auth, people, hostile
):
    export = client.get(CSV_URL, headers=auth["admin"])
    before = stored(app)

    assert_unchanged(app, import_back(client, auth, export.data, "text/csv"), before)
