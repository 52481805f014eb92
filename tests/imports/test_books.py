"""A workbook of several lists (a notice's 附件1 and 附件2 as two sheets) loads every one, each
with the facts of its own title, as one import: all of it or none of it. Empty sheets and
sheets that hold no list are set aside and reported; a sheet that has a header but cannot be
read refuses the whole import, named; `sheet=` picks sheets.
"""

import io
import re
import zipfile

from tests.support import containers as box
from tests.support import published as pub
from tests.support.imports import (
    certify,
    certs,
    innovative_2022,
    load,
    load_form,
    run_cli,
    setup_renewed,
    written,
)

NOTICE_DATE = "2023-05-30"
RENEWED = [
    ("辉县市", [(pub.HUIXIAN.name, pub.HUIXIAN.code)]),
    ("牧野区", [(pub.MUYE.name, pub.MUYE.code)]),
    ("平原示范区", [(pub.PINGYUAN.name, pub.PINGYUAN.code)]),
]
NOTES = [["填报说明"], ["附件1为新认定企业，附件2为通过复核企业。"]]


def setup(client, auth):
    """Firms registered; three hold the 2020年度 specialized title the renewals renew."""
    setup_renewed(client, auth)
    certify(client, auth, pub.PINGYUAN.code, "specialized_sme", "2020-12-28", year=2020)
    innovative_2022(client, auth, pub.PINGYUAN)


def notice(renewed=RENEWED, *extra) -> pub.Published:
    """附件1: five new 专精特新 titles; 附件2: three renewals; then any `extra` sheets."""
    return pub.notice_book(
        [
            ("附件1", pub.city_list()),
            ("附件2", pub.renewal_list(groups=renewed)),
            *extra,
        ]
    )


def by_name(result: dict) -> dict:
    return {sheet["name"]: sheet for sheet in result["sheets"]}


def test_every_sheet_loads_with_the_facts_of_its_own_title(app, client, auth):
    setup(client, auth)
    book = notice(RENEWED, ("Sheet3", []), ("说明", NOTES))

    response = load(client, auth["admin"], book, certified_on=NOTICE_DATE)

    assert response.status_code == 200, response.json
    result = response.json
    assert result["rows"] == 8
    assert result["created_certifications"] == 8
    sheets = by_name(result)
    assert list(sheets) == ["附件1", "附件2", "Sheet3", "说明"]
    first, second = sheets["附件1"], sheets["附件2"]
    assert first["title"] == pub.CITY_TITLE and second["title"] == pub.RENEWED_2020
    assert first["list"]["facts"]["renewal"]["value"] is False
    assert second["list"]["facts"]["renewal"] == {"value": True, "source": "title", "column": None}
    assert second["list"]["renews_year"] == 2020
    for sheet in (first, second):  # the request's facts apply to every sheet
        assert sheet["list"]["facts"]["certified_on"]["value"] == NOTICE_DATE
        assert sheet["list"]["facts"]["tier"]["value"] == "specialized_sme"
        assert sheet["skipped"] is None
    assert first["counts"]["rows"] == 5 and first["counts"]["created_certifications"] == 5
    assert second["counts"]["rows"] == 3 and second["counts"]["created_certifications"] == 3
    assert sheets["Sheet3"]["skipped"]["code"] == "import.sheet_empty"
    assert sheets["说明"]["skipped"]["code"] == "import.sheet_not_a_list"
    assert sheets["说明"]["counts"] is None and sheets["说明"]["list"] is None
    assert {w["sheet"] for w in result["warnings"]} <= {"附件1", "附件2"}
    for firm in (pub.HUIXIAN, pub.MUYE, pub.PINGYUAN):
        renewal = certs(client, auth, firm.code)[-1]
        assert renewal == ("specialized_sme", 2023, NOTICE_DATE, "2025-12-31", True, None)
    assert certs(client, auth, pub.HONGQI.code)[-1][4] is False  # 附件1's: new titles


def test_a_bad_row_in_any_sheet_writes_nothing_and_is_named(app, client, auth):
    setup(client, auth)
    bad = [*RENEWED[:2], ("平原示范区", [(pub.PINGYUAN.name, "91410000BAD")])]
    book = notice(bad)
    before = written(app)

    response = load(client, auth["admin"], book, certified_on=NOTICE_DATE)

    assert response.status_code == 422, response.json
    assert written(app) == before  # 附件1's five good rows are not written either
    errors = response.json["errors"]
    assert errors and {e["sheet"] for e in errors} == {"附件2"}
    printed = pub.renewal_list(groups=bad).row_of[pub.PINGYUAN.name]
    assert {e["row"] for e in errors} == {printed}  # the row as the sheet shows it
    assert by_name(response.json)["附件2"]["counts"]["errors"] == 1


def test_sheet_picks_the_sheets_to_load(app, client, auth):
    setup(client, auth)
    book = notice()

    response = load(client, auth["admin"], book, certified_on=NOTICE_DATE, sheet="附件2")

    assert response.status_code == 200, response.json
    assert response.json["rows"] == 3 and response.json["created_certifications"] == 3
    assert [s["name"] for s in response.json["sheets"]] == ["附件2"]
    assert response.json["list"]["facts"]["renewal"]["value"] is True
    assert certs(client, auth, pub.HONGQI.code) == []  # 附件1 left alone

    by_position = load_form(client, auth["admin"], book, certified_on=NOTICE_DATE, sheet=["1", "2"])
    assert by_position.status_code == 200, by_position.json
    assert [s["name"] for s in by_position.json["sheets"]] == ["附件1", "附件2"]
    assert by_position.json["created_certifications"] == 5  # the renewals were in already

    unknown = load(client, auth["admin"], book, certified_on=NOTICE_DATE, sheet="附件9")
    assert unknown.status_code == 422, unknown.json
    assert unknown.json["code"] == "import.sheet_unknown"
    assert "附件1" in unknown.json["detail"] and "附件9" in unknown.json["detail"]


def _broken_after_header(book: pub.Published, part: str) -> pub.Published:
    """The workbook with `part` (a worksheet) cut off in XML nonsense below its header."""
    source, out = zipfile.ZipFile(io.BytesIO(book.data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                rows = [m.end() for m in re.finditer(rb"</row>", data)]
                data = data[: rows[4]] + b"<row r='9'><c r='A9' t='s'><v>1</v></c><broken"
            target.writestr(info, data)
    return pub.Published(book.filename, out.getvalue(), book.title, book.header_row)


def test_a_sheet_with_a_header_that_cannot_be_read_fails_the_import_named(app, client, auth):
    setup(client, auth)
    book = _broken_after_header(notice(), "xl/worksheets/sheet2.xml")
    before = written(app)

    response = load(client, auth["admin"], book, certified_on=NOTICE_DATE)

    assert response.status_code == 422, response.json
    assert response.json["code"] == "import.sheet_failed"
    assert "附件2" in response.json["detail"]
    assert {e.get("sheet") for e in response.json["errors"]} == {"附件2"}
    assert written(app) == before


def test_a_one_sheet_workbook_answers_as_ever(app, client, auth):
    setup(client, auth)
    response = load(client, auth["admin"], pub.city_list(), certified_on=NOTICE_DATE)

    assert response.status_code == 200, response.json
    (sheet,) = response.json["sheets"]
    assert sheet["name"] == "Sheet1" and sheet["counts"]["rows"] == 5
    assert all("sheet" not in w for w in response.json["warnings"])


def test_the_command_line_reports_each_sheet(app, client, auth, tmp_path):
    setup(client, auth)
    path = notice(RENEWED, ("说明", NOTES)).write(tmp_path)

    output = run_cli(app, path, "--certified-on", NOTICE_DATE)

    assert output.exit_code == 0, output.output
    assert re.search(r"sheet 附件1: 5 rows.*created 5", output.output), output.output
    assert re.search(r"sheet 附件2: 3 rows.*renewal", output.output), output.output
    assert re.search(r"sheet 说明: skipped", output.output), output.output


def test_a_dry_run_of_a_book_answers_as_the_import_and_writes_nothing(app, client, auth):
    setup(client, auth)
    book = notice(RENEWED, ("说明", NOTES))
    before = written(app)

    dry = load(client, auth["admin"], book, certified_on=NOTICE_DATE, dry_run=True, outcomes=True)

    assert dry.status_code == 200, dry.json
    assert written(app) == before
    assert dry.json["created_certifications"] == 8
    assert [o["sheet"] for o in dry.json["outcomes"]] == ["附件1"] * 5 + ["附件2"] * 3
    real = load(client, auth["admin"], book, certified_on=NOTICE_DATE)
    assert real.status_code == 200, real.json
    assert real.json["sheets"] == dry.json["sheets"]
    english = load(
        client,
        {**auth["admin"], "Accept-Language": "en"},
        book,
        certified_on=NOTICE_DATE,
        dry_run=True,
    )
    notes = by_name(english.json)["说明"]["skipped"]["message"]
    assert notes.startswith("Not a list: No header row naming the firms"), notes
    assert by_name(english.json)["附件2"]["counts"]["unchanged"] == 3


def test_a_word_notice_of_two_attachments_loads_both_tables(app, client, auth):
    """The same notice as a Word file (MIIT's and many cities' habit): each table is a list with
    the facts of the title above it, loaded in one import."""
    setup(client, auth)
    word = box.word_notice([pub.city_list(), pub.renewal_list(groups=RENEWED)])
    response = load_form(client, auth["admin"], word, certified_on=NOTICE_DATE)

    assert response.status_code == 200, response.json
    tables = by_name(response.json)
    assert list(tables) == ["表 1", "表 2"]
    assert tables["表 1"]["counts"]["created_certifications"] == 5
    assert tables["表 2"]["list"]["facts"]["renewal"]["value"] is True
    assert tables["表 2"]["counts"]["created_certifications"] == 3
    for firm in (pub.HUIXIAN, pub.MUYE, pub.PINGYUAN):
        assert certs(client, auth, firm.code)[-1][4] is True  # 表 2's: renewals


def test_a_dry_run_meets_what_the_sheets_before_would_write(app, client, auth):
    """The same firms in two sheets: new in the first, unchanged in the second, in the dry run
    as in the load (the dry run writes and rolls back)."""
    setup(client, auth)
    book = pub.notice_book([("附件1", pub.city_list()), ("附件1（重复）", pub.city_list())])
    before = written(app)

    dry = load(client, auth["admin"], book, certified_on=NOTICE_DATE, dry_run="true")
    assert dry.status_code == 200, dry.json
    assert written(app) == before  # nothing kept
    loaded = load(client, auth["admin"], book, certified_on=NOTICE_DATE)
    assert loaded.status_code == 200, loaded.json

    def per_sheet(answer):
        return [(s["name"], s["counts"]) for s in answer["sheets"]]

    assert per_sheet(dry.json) == per_sheet(loaded.json)
    second = by_name(loaded.json)["附件1（重复）"]["counts"]
    assert second["created_certifications"] == 0 and second["unchanged"] == 5
