"""Importing a list, whatever its form: the sample list in GBK with a title row, UTF-8 with or
without a BOM, XLSX with a title row and date cells, JSON rows, a form's file part; `registry
import` on the same code path; our own exports imported back unchanged; an import's ids.

Every import goes through the test client against the `app` fixture's database; what was written
is read back through the models (counts, events) and the API (stored values).
"""

import datetime as dt
import io
import json

import pytest

from registry.models import Enterprise
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.http import XLSX, assert_problem
from tests.support.imports import (
    CLIMBER,
    URL,
    counts_of,
    csv_text,
    events_after,
    firm,
    post_list,
    post_rows,
    row,
    workbook_bytes,
    written,
)
from tests.support.paths import SAMPLE_LIST

# The sample list (GB18030, a title row, the header on row 2, data from row 3).
SAMPLE_FIRMS = {
    "91410702MACNEUCAKJ": ("新乡市华瑞机械制造有限公司", "410702"),  # 新乡市红旗区
    "91410703MAJXAL3R3H": ("新乡市恒通电子科技有限公司", "410703"),  # 卫滨区
    "91410700MAL9TNHNGX": ("长垣市金龙起重机械有限公司", "410783"),  # 长垣市
    "91410700MA957XX5LX": ("新乡市豫新生物医药有限公司", "410771"),  # 高新区
    "91410782MA06B2K4NR": ("辉县市天力耐火材料有限公司", "410782"),  # 辉县市
    "91410711MAUR164FWF": ("新乡市鑫源新材料股份有限公司", "410711"),  # 牧野区
    "91410725MAEHAG22HN": ("原阳县盛达食品有限公司", "410725"),  # 原阳县
    "91410772MAYEF0R3JX": ("新乡市宏远电池有限公司", "410772"),  # 经开区
}


# --- formats and headers ------------------------------------------------------------------


def test_gbk_sample_with_chinese_headers_and_a_title_row(app, client, auth):
    body = SAMPLE_LIST.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # really GBK: the test exercises the GB18030 path
    before = written(app)

    response = post_list(client, auth["admin"], body)

    assert response.status_code == 200, response.json
    result = response.json
    assert result["dry_run"] is False
    assert counts_of(result) == (9, 8, 9, 0)
    assert result["conflicts"] == [] and result["errors"] == []
    assert result["ignored_columns"] == ["序号"]
    for code, (name, district) in SAMPLE_FIRMS.items():
        stored = firm(client, auth, code)
        assert (stored["name"], stored["district"]) == (name, district), code
    # The ladder climb inside one list: the lower tier (row 3) before the higher (row 11).
    assert result["warnings"] == []  # the specialized row finds the innovative one above it
    climber = firm(client, auth, CLIMBER)
    certs = {c["tier"]: c for c in climber["certifications"]}
    # Announced in 2023: valid through 2025-12-31 (the announcement's year + 3 − 1), not
    # 2026-12-31.
    assert {c["valid_until"] for c in certs.values()} == {"2025-12-31"}
    assert certs["innovative_sme"]["certified_on"] == "2023-06-28"
    assert certs["innovative_sme"]["year"] == 2023  # 年度 "2023年度"
    assert certs["specialized_sme"]["certified_on"] == "2023-12-05"  # "2023/12/5"
    assert certs["specialized_sme"]["document_no"] == "豫工信企业〔2023〕112号"

    # One import.row event per row written, numbered as in the file (title = 1, header = 2).
    events = events_after(app, before["last_event"])
    assert [e.action for e in events] == ["import.row"] * 9
    assert [e.data["row"] for e in events] == list(range(3, 12))
    assert {(e.actor_name, e.actor_role) for e in events} == {("city admin", "admin")}
    by_row = {e.data["row"]: e for e in events}
    assert by_row[3].data["enterprise"]["district"] == "410702"
    assert by_row[6].data["enterprise"]["district"] == "410771"
    assert by_row[6].district == "410771"
    assert by_row[3].data["registered"] and not by_row[11].data["registered"]  # row 3 made it
    assert by_row[11].data["enterprise"]["district"] == "410702"  # every row places its firm
    assert by_row[11].data["certification"]["id"] == certs["specialized_sme"]["id"]
    assert by_row[11].data["certification"]["tier"] == "specialized_sme"


def test_a_bad_row_under_a_title_row_is_numbered_as_in_the_file(app, client, auth):
    text = SAMPLE_LIST.read_bytes().decode("gb18030")
    text = text.replace("91410782MA06B2K4NR", "91410782MA06B2K4N0")  # 序号 5: file row 7
    before = written(app)

    response = post_list(client, auth["admin"], text.encode("gb18030"))

    assert response.status_code == 422, response.json
    assert [(e["row"], e["field"]) for e in response.json["errors"]] == [(7, "credit_code")]
    assert written(app) == before


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf8", "utf8-bom"])
def test_utf8_csv_with_or_without_bom_and_the_other_header_aliases(app, client, auth, bom):
    code = make_code(f"utf8-{bool(bom)}", "410711")
    header = ["统一社会信用代码", "企业名称", "所在地区", "层级", "年度", "认定日期", "文号"]
    name, district = "新乡市牧野精工科技有限公司", "牧野区"
    rows = [
        [code, name, district, "创新型中小企业", "2023", "2023-06-28", "豫45号"],
        [code, name, district, "专精特新中小企业", "2023", "2023年12月5日", ""],
        [code, name, district, "专精特新“小巨人”企业", "2024", "2024.7.1", ""],
    ]
    response = post_list(client, auth["admin"], bom + csv_text(header, rows).encode("utf-8"))

    assert response.status_code == 200, response.json
    assert counts_of(response.json) == (3, 1, 3, 0)
    stored = firm(client, auth, code)
    assert stored["name"] == "新乡市牧野精工科技有限公司"  # not mojibake, no BOM in it
    assert stored["district"] == "410711"
    assert stored["current_tier"] == "little_giant"
    assert sorted((c["tier"], c["certified_on"]) for c in stored["certifications"]) == [
        ("innovative_sme", "2023-06-28"),
        ("little_giant", "2024-07-01"),
        ("specialized_sme", "2023-12-05"),
    ]


def test_xlsx_with_title_row_serial_column_and_date_cells(app, client, auth):
    first, second = make_code("xlsx-1", "410771"), make_code("xlsx-2")
    a, b = "新乡市高新电子有限公司", "新乡市红旗电气有限公司"
    rows = [
        [first, a, "高新区", "创新型中小企业", 2023, dt.date(2023, 6, 28), "豫45号"],
        [second, b, "410702", "创新型中小企业", 2023, dt.datetime(2023, 7, 3), None],
        [first, a, "高新区", "专精特新中小企业", 2023, dt.date(2023, 12, 5), None],
    ]

    response = post_list(client, auth["admin"], workbook_bytes(rows), XLSX)

    assert response.status_code == 200, response.json
    assert counts_of(response.json) == (3, 2, 3, 0)
    assert response.json["ignored_columns"] == ["序号"]
    stored = firm(client, auth, first)
    assert stored["district"] == "410771"
    assert sorted(c["certified_on"] for c in stored["certifications"]) == [
        "2023-06-28",
        "2023-12-05",
    ]
    assert firm(client, auth, second)["certifications"][0]["certified_on"] == "2023-07-03"

    # A bad row is numbered as Excel shows it: title 1, header 2, so the third row is row 5.
    rows[2][3] = "金牌企业"
    bad = post_list(client, auth["admin"], workbook_bytes(rows), XLSX)
    assert bad.status_code == 422, bad.json
    assert [(e["row"], e["field"]) for e in bad.json["errors"]] == [(5, "tier")]


def test_json_rows(app, client, auth):
    rows = [
        row("json-1"),
        row("json-2", district="卫滨区", tier="创新型中小企业", renewal=False, batch="第一批"),
        row("json-1", tier="specialized_sme", certified_on="2023-12-05", valid_until="2026-12-31"),
    ]

    response = post_rows(client, auth["admin"], rows)

    assert response.status_code == 200, response.json
    assert counts_of(response.json) == (3, 2, 3, 0)
    assert firm(client, auth, make_code("json-2"))["district"] == OTHER_DISTRICT
    certs = {c["tier"]: c for c in firm(client, auth, make_code("json-1"))["certifications"]}
    assert certs["specialized_sme"]["valid_until"] == "2026-12-31"
    assert certs["innovative_sme"]["batch"] is None
    assert firm(client, auth, make_code("json-2"))["certifications"][0]["batch"] == "第一批"


@pytest.mark.parametrize(
    ("filename", "content_type", "body"),
    [
        ("名单.csv", "text/csv", SAMPLE_LIST.read_bytes()),
        ("list.xlsx", XLSX, None),
        ("list.json", "application/json", None),
    ],
    ids=["csv", "xlsx", "json"],
)
def test_multipart_upload_with_a_file_field(app, client, auth, filename, content_type, body):
    expected = (9, 8, 9, 0)
    if filename.endswith(".xlsx"):
        on = dt.date(2023, 6, 28)
        body = workbook_bytes(
            [[make_code("mp-x"), "新乡市表格企业", "红旗区", "创新型中小企业", 2023, on]]
        )
        expected = (1, 1, 1, 0)
    elif filename.endswith(".json"):
        body = json.dumps({"rows": [row("mp-j")]}).encode()
        expected = (1, 1, 1, 0)

    response = client.post(
        URL,
        data={"file": (io.BytesIO(body), filename, content_type)},
        content_type="multipart/form-data",
        headers=auth["admin"],
    )

    assert response.status_code == 200, response.json
    assert counts_of(response.json) == expected


def test_an_xlsx_body_is_recognised_by_its_bytes(app, client, auth):
    body = workbook_bytes(
        [
            [
                make_code("sniff"),
                "新乡市嗅探企业",
                "红旗区",
                "创新型中小企业",
                2023,
                "2023-06-28",
                None,
            ]
        ]
    )
    response = post_list(client, auth["admin"], body, "application/octet-stream")
    assert response.status_code == 200, response.json
    assert counts_of(response.json) == (1, 1, 1, 0)


def test_a_form_without_a_file_field_is_a_422(app, client, auth):
    response = client.post(
        URL,
        data={"list": (io.BytesIO(SAMPLE_LIST.read_bytes()), "list.csv")},
        content_type="multipart/form-data",
        headers=auth["admin"],
    )
    assert_problem(response, 422)
    assert [e["field"] for e in response.json["errors"]] == ["file"]  # the file, no row
    assert response.json["errors"][0]["row"] is None


# --- the command line, on the same code path ----------------------------------------------


def test_cli_import_dry_run_then_for_real(app, client, auth):
    before = written(app)
    runner = app.test_cli_runner()
    api_dry = post_list(client, auth["admin"], SAMPLE_LIST.read_bytes(), dry_run=True).json

    with app.app_context():
        dry = runner.invoke(args=["import", str(SAMPLE_LIST), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Reading" in dry.output and "Applying" in dry.output  # the progress bars' labels
    assert "9 rows: would create 8 enterprises and 9 certifications; 0 unchanged" in dry.output
    assert written(app) == before

    with app.app_context():
        real = runner.invoke(args=["import", str(SAMPLE_LIST)])
    assert real.exit_code == 0, real.output
    assert "9 rows: created 8 enterprises and 9 certifications; 0 unchanged" in real.output
    assert api_dry["created_enterprises"] == 8 and api_dry["created_certifications"] == 9
    events = events_after(app, before["last_event"])
    assert [e.data["row"] for e in events] == list(range(3, 12))  # same numbering as the API
    assert {(e.action, e.actor_name, e.actor_role) for e in events} == {
        ("import.row", "cli", "admin")
    }
    assert firm(client, auth, "91410700MA957XX5LX")["district"] == "410771"

    # The same list again through the API: the CLI wrote exactly what the API would have.
    again = post_list(client, auth["admin"], SAMPLE_LIST.read_bytes())
    assert counts_of(again.json) == (9, 0, 0, 9)


def test_cli_import_refuses_a_bad_list_and_writes_nothing(app, tmp_path):
    path = tmp_path / "bad.csv"
    header = ["credit_code", "name", "district", "tier", "certified_on"]
    path.write_text(
        csv_text(
            header,
            [
                [make_code("cli-ok"), "新乡市好企业", "410702", "innovative_sme", "2023-06-28"],
                [make_code("cli-bad"), "新乡市坏企业", "火星区", "innovative_sme", "2023-06-28"],
            ],
        ),
        encoding="utf-8-sig",
    )
    before = written(app)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "row 3: district" in result.output
    assert written(app) == before


def test_cli_import_of_an_xlsx_file(app, client, auth, tmp_path):
    path = tmp_path / "名单.xlsx"
    code = make_code("cli-xlsx", "410772")
    path.write_bytes(
        workbook_bytes(
            [[code, "新乡市经开企业", "经开区", "创新型中小企业", 2023, dt.date(2023, 6, 28), None]]
        )
    )
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 1 enterprises and 1 certifications" in result.output
    assert firm(client, auth, code)["district"] == "410772"


# --- round trip ---------------------------------------------------------------------------


def export_fixture(client, auth, register, certify) -> int:
    """Certifications of every shape: a climb, a renewal, a revocation, a batch; returns count."""
    climber = register("rt-climber")
    assert certify(climber, "innovative_sme", "2023-06-28", document_no="豫45号").status_code == 201
    assert certify(climber, "specialized_sme", "2023-12-05", batch="第二批").status_code == 201
    renewed = register("rt-renewed", district=OTHER_DISTRICT)
    assert certify(renewed, "innovative_sme", "2022-06-28", year=2022).status_code == 201
    renewal = certify(renewed, "innovative_sme", "2025-06-28", year=2025, renewal=True)
    assert renewal.status_code == 201, renewal.json
    revoked = register("rt-revoked", name='新乡市"红旗",精工有限公司')  # CSV quoting
    cert = certify(revoked, "innovative_sme", "2024-05-01", valid_until="2027-06-30")
    assert cert.status_code == 201, cert.json
    response = client.post(
        f"/api/v1/certifications/{cert.json['id']}/revoke",
        json={"reason": "虚假材料", "revoked_on": "2024-09-01"},
        headers=auth["admin"],
    )
    assert response.status_code == 200, response.json
    return 5


def test_an_export_reimported_is_unchanged(app, client, auth, register, certify):
    certifications = export_fixture(client, auth, register, certify)
    post_list(client, auth["admin"], SAMPLE_LIST.read_bytes())
    certifications += 9
    export = client.get("/api/v1/exports/certifications.csv", headers=auth["admin"])
    assert export.status_code == 200
    before = written(app)

    response = post_list(client, auth["admin"], export.data)

    assert response.status_code == 200, response.json
    assert counts_of(response.json) == (certifications, 0, 0, certifications)
    assert response.json["conflicts"] == [] and response.json["errors"] == []
    assert written(app) == before


def test_an_xlsx_export_reimported_is_unchanged(app, client, auth, register, certify):
    certifications = export_fixture(client, auth, register, certify)
    export = client.get("/api/v1/exports/certifications.xlsx", headers=auth["admin"])
    assert export.status_code == 200
    before = written(app)

    response = post_list(client, auth["admin"], export.data, XLSX)

    assert response.status_code == 200, response.json
    assert counts_of(response.json) == (certifications, 0, 0, certifications)
    assert response.json["conflicts"] == []
    assert written(app) == before


def test_an_imports_ids_are_given_before_its_rows_and_never_collide(app):
    """An import gives the rows it writes their keys (db.new_ids) instead of reading them back:
    keys given out twice in one transaction, before either batch is written, are distinct; a
    firm registered the ordinary way afterwards takes a key of its own (on PostgreSQL the
    sequence has moved past them)."""
    from registry.db import new_ids, write_transaction
    from registry.models import utcnow
    from registry.services.enterprises import register_many

    def firms(seeds):
        now = utcnow()
        return [
            (make_code(s), f"新乡市编号{s}有限公司", DISTRICT, None, now, now, 1) for s in seeds
        ]

    with app.app_context():
        with pytest.raises(RuntimeError):
            new_ids(Enterprise, 1)  # only inside a write transaction
        with write_transaction():
            first, second = new_ids(Enterprise, 3), new_ids(Enterprise, 2)
            assert len(set(first) | set(second)) == 5
            register_many(firms(["id-a", "id-b", "id-c"]), ids=first)
            register_many(firms(["id-d", "id-e"]), ids=second)
        stored = dict(Enterprise.select(Enterprise.credit_code, Enterprise.id).tuples())
        assert [stored[make_code(s)] for s in ("id-a", "id-b", "id-c")] == first
        assert [stored[make_code(s)] for s in ("id-d", "id-e")] == second
        (row,) = firms(["id-f"])
        later = Enterprise.create(
            credit_code=row[0],
            name=row[1],
            district=DISTRICT,
            created_at=row[4],
            updated_at=row[5],
            version=1,
        )
        assert later.id > max(first + second)
