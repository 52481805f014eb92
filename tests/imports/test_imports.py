"""Bulk import of published lists (SPEC.md §3.2, §4 imports): POST /imports and `registry import`.

Every import goes through the test client against the `app` fixture's database; what was written
is read back through the models (counts, events) and the API (stored values).
"""

import datetime as dt
import io
import json
import re
import subprocess
import sys

import pytest
from openpyxl import Workbook

from registry.models import Enterprise
from registry.services.clock import today
from registry.services.imports import rowspool
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.http import XLSX, assert_problem
from tests.support.imports import (
    URL,
    counts_of,
    csv_text,
    events_after,
    firm,
    post_list,
    post_rows,
    row,
    written,
)
from tests.support.paths import ROOT, SAMPLE_LIST
from tests.support.servers import env_for

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
CLIMBER = "91410702MACNEUCAKJ"  # innovative_sme on row 3, specialized_sme on row 11


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
    # Announced in 2023: valid through 2025-12-31 (DOMAIN.md §1), not 2026-12-31.
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


def workbook_bytes(rows, *, title="2023年度新乡市创新型中小企业名单") -> bytes:
    """A published list as Excel shows it: a title row, a 序号 column, real date cells."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells("A1:H1")
    sheet.append(
        ["序号", "统一社会信用代码", "企业名称", "县（市、区）", "类别", "年度", "公告日期", "文号"]
    )
    for number, values in enumerate(rows, start=1):
        sheet.append([number, *values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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


# --- dry run, idempotence, conflicts ------------------------------------------------------


def test_dry_run_writes_nothing_but_reports_the_same_counts(app, client, auth):
    before = written(app)

    dry = post_list(client, auth["admin"], SAMPLE_LIST.read_bytes(), dry_run=True)

    assert dry.status_code == 200, dry.json
    assert dry.json["dry_run"] is True
    assert written(app) == before  # no enterprise, no certification, no event
    assert client.get(f"/api/v1/enterprises/{CLIMBER}", headers=auth["admin"]).status_code == 404

    real = post_list(client, auth["admin"], SAMPLE_LIST.read_bytes(), dry_run=False)
    assert real.status_code == 200, real.json
    assert real.json["dry_run"] is False
    assert {k: v for k, v in dry.json.items() if k != "dry_run"} == {
        k: v for k, v in real.json.items() if k != "dry_run"
    }
    after = written(app)
    assert after["enterprises"] - before["enterprises"] == 8
    assert after["certifications"] - before["certifications"] == 9
    assert after["events"] - before["events"] == 9


def test_a_dry_run_sees_earlier_chunks_firms_and_titles(app, client, auth, monkeypatch):
    """A dry run keeps across chunks only the firms that come again (its memory is bounded by
    the chunk): a firm's second row, chunks later, still finds its first, as a real import
    finds it in the database."""
    monkeypatch.setattr(rowspool, "CHUNK", 2)
    rows = [
        row("chunks-1"),
        *(row(f"chunks-other-{n}") for n in range(5)),
        row("chunks-1", tier="specialized_sme", certified_on="2023-12-05"),  # needs the first
        row("chunks-1"),  # the first again: unchanged
    ]

    dry = post_rows(client, auth["admin"], rows, dry_run=True)
    real = post_rows(client, auth["admin"], rows)

    assert dry.status_code == real.status_code == 200, (dry.json, real.json)
    assert counts_of(dry.json) == (8, 6, 7, 1)
    assert dry.json["warnings"] == []  # the prerequisite, seen chunks before
    assert {k: v for k, v in dry.json.items() if k != "dry_run"} == {
        k: v for k, v in real.json.items() if k != "dry_run"
    }


def test_repeats_never_miss_a_code_given_twice():
    codes = [make_code(f"repeats-{n}") for n in range(2000)]
    repeats = rowspool.Repeats()
    for code in [*codes, *codes[:100]]:
        repeats.add(code)

    assert all(code in repeats for code in codes[:100])
    assert sum(code in repeats for code in codes[100:]) < 20  # a collision, rarely


def test_reimporting_the_same_list_creates_nothing(app, client, auth):
    first = post_list(client, auth["admin"], SAMPLE_LIST.read_bytes())
    assert first.status_code == 200, first.json
    before = written(app)
    etag = client.get(f"/api/v1/enterprises/{CLIMBER}", headers=auth["admin"]).headers["ETag"]

    for dry_run in (True, False):
        again = post_list(client, auth["admin"], SAMPLE_LIST.read_bytes(), dry_run=dry_run)
        assert again.status_code == 200, again.json
        assert counts_of(again.json) == (9, 0, 0, 9)
        assert again.json["conflicts"] == [] and again.json["errors"] == []

    assert written(app) == before  # no new rows, no new events
    again = client.get(f"/api/v1/enterprises/{CLIMBER}", headers=auth["admin"])
    assert again.headers["ETag"] == etag  # nothing changed, so the firm's version did not move


def test_contradicting_rows_are_conflicts_and_never_overwrite(app, client, auth):
    a, b = row("conflict-a"), row("conflict-b")
    assert post_rows(client, auth["admin"], [a, b]).status_code == 200
    before = written(app)

    response = post_rows(
        client,
        auth["admin"],
        [
            {**a, "name": "新乡市改了名的有限公司"},  # row 1: another name
            {**b, "district": OTHER_DISTRICT},  # row 2: another district
            {**a, "certified_on": "2023-07-01"},  # row 3: another date, same tier and year
            a,  # row 4: the same as stored
            row("conflict-c"),  # row 5: new
        ],
    )

    assert response.status_code == 200, response.json
    result = response.json
    assert sorted(result["conflicts"], key=lambda c: c["row"]) == [
        {"row": 1, "field": "name", "stored": a["name"], "given": "新乡市改了名的有限公司"},
        {"row": 2, "field": "district", "stored": DISTRICT, "given": OTHER_DISTRICT},
        {"row": 3, "field": "certified_on", "stored": "2023-06-28", "given": "2023-07-01"},
    ]
    assert counts_of(result) == (5, 1, 1, 1)
    stored_a, stored_b = firm(client, auth, a["credit_code"]), firm(client, auth, b["credit_code"])
    assert stored_a["name"] == a["name"]
    assert stored_b["district"] == DISTRICT
    assert [c["certified_on"] for c in stored_a["certifications"]] == ["2023-06-28"]
    # Only the new row wrote anything (one event); the conflicts wrote nothing.
    events = events_after(app, before["last_event"])
    assert [(e.action, e.data["row"]) for e in events] == [("import.row", 5)]


# --- refusals: all or nothing -------------------------------------------------------------


def test_every_bad_row_is_listed_and_nothing_is_written(app, client, auth):
    good = make_code("bad-file-good")
    bad_check = make_code("bad-file-check")
    bad_check = bad_check[:-1] + ("0" if bad_check[-1] != "0" else "1")
    future = (today() + dt.timedelta(days=30)).isoformat()
    header = ["credit_code", "name", "district", "tier", "year", "certified_on"]

    def line(seed, name="新乡市好企业有限公司", district="410702", tier="innovative_sme", on=None):
        code = seed if len(seed) == 18 else make_code(seed)
        return [code, name, district, tier, "2023", on or "2023-06-28"]

    rows = [
        line(good),  # row 2 (the header is row 1)
        line(bad_check),  # 3: check character
        line("bf-4", district="火星区"),
        line("bf-5", tier="金牌企业"),
        line("bf-6", on=future),
        line("bf-7", name=""),
        line("bf-8", tier="specialized_sme"),  # no innovative_sme
        line("bf-9"),  # good
    ]
    rows[4][4] = ""  # the year from the (future) date
    before = written(app)

    response = post_list(client, auth["admin"], csv_text(header, rows).encode())

    problem = assert_problem(response, 422)
    assert problem["rows"] == 8
    assert sorted((e["row"], e["field"]) for e in problem["errors"]) == [
        (3, "credit_code"),
        (4, "district"),
        (5, "tier"),
        (6, "certified_on"),
        (7, "name"),
    ]
    messages = {(e["row"], e["field"]): e["message"] for e in problem["errors"]}
    assert "check" in messages[(3, "credit_code")]
    assert "火星区" in messages[(4, "district")]
    assert "future" in messages[(6, "certified_on")]
    # The list is the province's decision: a missing prerequisite is a warning, not an error.
    assert [w["row"] for w in problem["warnings"]] == [8]
    assert "innovative_sme" in problem["warnings"][0]["message"]
    assert written(app) == before  # not even the good rows 2 and 9
    assert client.get(f"/api/v1/enterprises/{good}", headers=auth["admin"]).status_code == 404


def test_a_bureau_imports_only_its_own_districts(app, client, auth):
    mine, elsewhere = row("bureau-mine"), row("bureau-elsewhere", district="卫滨区")
    before = written(app)

    refused = post_rows(client, auth["bureau"], [mine, elsewhere])

    assert_problem(refused, 403)
    assert re.search(r"\brows? 2\b", refused.json["detail"]), refused.json  # the row elsewhere
    assert written(app) == before

    accepted = post_rows(client, auth["bureau"], [mine, {**row("bureau-2"), "district": "红旗区"}])
    assert accepted.status_code == 200, accepted.json
    assert counts_of(accepted.json) == (2, 2, 2, 0)
    events = events_after(app, before["last_event"])
    assert {(e.actor_name, e.actor_role, e.district) for e in events} == {
        ("红旗区工信局", "bureau", DISTRICT)
    }
    other = post_rows(client, auth["other_bureau"], [row("bureau-3")])
    assert other.status_code == 403


@pytest.mark.parametrize("role", ["dashboard", "enterprise"])
def test_only_bureaus_and_the_admin_import(app, client, auth, role):
    before = written(app)
    assert post_rows(client, auth[role], [row("role")]).status_code == 403
    assert post_rows(client, {}, [row("role")]).status_code == 401
    unknown = client.post(f"{URL}?dryrun=true", json={"rows": [row("role")]}, headers=auth["admin"])
    assert unknown.status_code == 422  # an unknown query parameter (dry_run misspelt)
    assert written(app) == before


def _limit_list(kind: str, count: int) -> tuple[bytes, str]:
    """A list of `count` firms below a title and a header (JSON: `count` rows)."""
    if kind == "json":
        return json.dumps(
            {"rows": [row(f"limit-{i}") for i in range(count)]}
        ).encode(), "application/json"
    facts = ("创新型中小企业", 2023, dt.date(2023, 6, 28), "豫45号")
    values = [[make_code(f"limit-{i}"), f"新乡市限额{i}号", "红旗区", *facts] for i in range(count)]
    if kind == "xlsx":
        return workbook_bytes(values), XLSX
    above = "附件1\r\n2023年度新乡市创新型中小企业名单\r\n\r\n"
    header = ["统一社会信用代码", "企业名称", "县（市、区）", "类别", "年度", "公告日期", "文号"]
    return (above + csv_text(header, values)).encode("gbk"), "text/csv"


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_the_row_limit_is_exact_and_configurable(app, client, auth, kind, dry_run):
    """IMPORT_MAX_ROWS rows below the header load; one more is refused, naming the limit, and
    nothing is written (the title and header rows above do not count)."""
    app.config["IMPORT_MAX_ROWS"] = 5
    before = written(app)

    over = post_list(client, auth["admin"], *_limit_list(kind, 6), dry_run=dry_run)

    assert_problem(over, 422)
    assert "more than 5 rows" in over.json["detail"]
    assert [e["field"] for e in over.json["errors"]] == ["rows"]
    assert written(app) == before
    at_limit = post_list(client, auth["admin"], *_limit_list(kind, 5), dry_run=dry_run)
    assert at_limit.status_code == 200, at_limit.json
    assert at_limit.json["rows"] == 5


def test_a_body_over_the_upload_limit_is_a_413(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    body = SAMPLE_LIST.read_bytes()
    body += b"\r\n" * ((5000 - len(body)) // 2)  # blank lines: a valid list, only too big
    before = written(app)

    for response in (
        post_list(client, auth["admin"], body),
        client.post(
            URL,
            data={"file": (io.BytesIO(body), "list.csv")},
            content_type="multipart/form-data",
            headers=auth["admin"],
        ),
    ):
        assert_problem(response, 413)
    assert written(app) == before
    app.config["MAX_CONTENT_LENGTH"] = 8192
    assert post_list(client, auth["admin"], body).status_code == 200


def test_the_default_upload_limit_is_16_mib(app, client, auth):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    over = post_list(client, auth["admin"], b"\n" * (16 * 1024 * 1024 + 1))
    assert_problem(over, 413)


def test_the_upload_limit_comes_from_the_environment(tmp_path):
    script = (
        "from registry import create_app; "
        f"app = create_app({{'DATABASE_URL': 'sqlite:///{tmp_path / 'env.db'}'}}); "
        "print(app.config['MAX_CONTENT_LENGTH'], app.config['IMPORT_MAX_ROWS'])"
    )
    env = env_for(
        f"sqlite:///{tmp_path / 'env.db'}",
        REGISTRY_MAX_UPLOAD_BYTES="1048576",
        REGISTRY_IMPORT_MAX_ROWS="500",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.split() == ["1048576", "500"]


def test_a_sheet_naming_no_firm_column_is_a_422(app, client, auth):
    before = written(app)
    no_firm = csv_text(
        ["序号", "县（市、区）", "类别", "公告日期"],
        [["1", "红旗区", "创新型中小企业", "2023-06-28"]],
    )

    response = post_list(client, auth["admin"], no_firm.encode())

    assert_problem(response, 422)
    assert "企业名称" in response.json["detail"] and "统一社会信用代码" in response.json["detail"]
    assert [(e["row"], e["field"]) for e in response.json["errors"]] == [(None, "header")]

    # Codes without names: a registered firm needs none, a new one cannot be registered.
    no_name = csv_text(
        ["统一社会信用代码", "县（市、区）", "类别", "公告日期"],
        [[make_code("nn"), "红旗区", "创新型中小企业", "2023-06-28"]],
    )
    response = post_list(client, auth["admin"], no_name.encode())
    assert response.status_code == 422, response.json
    assert [(e["row"], e["field"]) for e in response.json["errors"]] == [(2, "name")]
    assert written(app) == before


def test_unknown_json_fields_are_a_422(app, client, auth):
    before = written(app)

    top = post_list(
        client,
        auth["admin"],
        json.dumps({"rows": [row("unknown-1")], "source": "x"}),
        "application/json",
    )
    assert top.status_code == 422, top.json
    assert [(e["row"], e["field"]) for e in top.json["errors"]] == [(None, "source")]

    in_row = post_rows(client, auth["admin"], [row("unknown-2"), row("unknown-3", colour="红")])
    assert_problem(in_row, 422)
    assert [(e["row"], e["field"]) for e in in_row.json["errors"]] == [(2, "colour")]

    not_rows = post_list(client, auth["admin"], json.dumps([row("unknown-4")]), "application/json")
    assert not_rows.status_code == 422
    assert written(app) == before


def test_broken_json_is_a_400(app, client, auth):
    before = written(app)
    broken = post_list(client, auth["admin"], '{"rows": [', "application/json")
    assert_problem(broken, 400)
    assert written(app) == before


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
