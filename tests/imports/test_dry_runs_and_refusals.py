"""An import is all or nothing: a dry run writes nothing and answers as the import would; a
repeat creates nothing; contradicting rows are conflicts, never overwrites; a bad row, a row
outside a bureau's districts, a caller who may not import, a list over the row or upload limit,
a sheet naming no firm or broken JSON refuse the whole list; and a bureau loads its own rows of a
city-wide list when it asks to.
"""

import datetime as dt
import io
import json
import re
import subprocess
import sys

import pytest

from registry.messages.labels import label
from registry.services.clock import today
from registry.services.imports import rowspool
from tests.support import published as pub
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.http import XLSX, assert_problem
from tests.support.imports import (
    CLIMBER,
    URL,
    certs,
    counts_of,
    csv_text,
    events_after,
    firm,
    load,
    post_list,
    post_rows,
    row,
    run_cli,
    skip,
    summary,
    workbook_bytes,
    written,
)
from tests.support.paths import ROOT, SAMPLE_LIST
from tests.support.servers import env_for

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
    assert problem["warnings"][0]["code"] == "import.recorded_as_published"
    assert "Innovative SME" in problem["warnings"][0]["message"]
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


# --- scope: a county bureau and a city-wide list ------------------------------------------------


def test_a_bureau_loads_its_own_rows_of_a_city_wide_list(app, client, auth, tmp_path):
    published = pub.city_list()
    before = written(app)

    refused = load(client, auth["bureau"], published, certified_on="2023-05-30")

    assert_problem(refused, 403)
    elsewhere = [published.row_of[f] for f in list(published.row_of)[1:]]
    assert f"rows {', '.join(map(str, elsewhere))} are elsewhere" in refused.json["detail"]
    assert written(app) == before

    response = load(
        client, auth["bureau"], published, certified_on="2023-05-30", own_districts_only=True
    )

    assert response.status_code == 200, response.json
    result = response.json
    assert (result["created_enterprises"], result["created_certifications"]) == (1, 1)
    districts = {  # as the catalog names them
        pub.WEIBIN.name: "Weibin District",
        pub.HIGHTECH.name: label("410771", "en"),
        pub.RUIDE_PRINTED: label("410783", "en"),
        pub.CHANGYUAN.name: label("410783", "en"),
    }
    assert result["skipped"] == [
        {
            "row": published.row_of[name],
            "name": name,
            "region": region,
            "code": "import.not_loaded_district",
            "reason": f"in {districts[name]}, not a district loaded",
        }
        for name, region in (
            (pub.WEIBIN.name, "卫滨区"),
            (pub.HIGHTECH.name, "高新区"),
            (pub.RUIDE_PRINTED, "长垣市"),
            (pub.CHANGYUAN.name, "长垣市"),
        )
    ]
    events = events_after(app, before["last_event"])
    assert [(e.actor_role, e.district, e.data["credit_code"]) for e in events] == [
        ("bureau", "410702", pub.HONGQI.code)
    ]
    assert (
        client.get(f"/api/v1/enterprises/{pub.WEIBIN.code}", headers=auth["admin"]).status_code
        == 404
    )

    # The command line asks for districts by code.
    cli = run_cli(
        app, published.write(tmp_path), "--certified-on=2023-05-30", "--district", "410703"
    )
    assert cli.exit_code == 0, cli.output
    assert summary(cli.output)["created_certifications"] == 1
    assert summary(cli.output)["skipped"] == 4
    assert firm(client, auth, pub.WEIBIN.code)["district"] == "410703"

    # A names-only row under 新乡市 is placed by the firm it names.
    provincial = pub.provincial_names_only(groups=[("新乡市", [pub.HONGQI.name, pub.WEIBIN.name])])
    names_only = load(
        client, auth["bureau"], provincial, certified_on="2023-03-20", own_districts_only=True
    )
    assert names_only.status_code == 200, names_only.json
    assert (names_only.json["matched_by_name"], names_only.json["created_certifications"]) == (2, 1)
    assert names_only.json["skipped"] == [
        skip(
            provincial,
            pub.WEIBIN.name,
            "新乡市",
            "in Weibin District, not a district loaded",
            "import.not_loaded_district",
        )
    ]
    assert [c[0] for c in certs(client, auth, pub.HONGQI.code)] == [
        "innovative_sme",
        "specialized_sme",
    ]
