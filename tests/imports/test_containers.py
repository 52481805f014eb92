"""Every container a list arrives in, recognised by its content: each published shape as an
`.xls`, Excel's Unicode text, a GBK tab-separated paste, a UTF-8 CSV with BOM, a Word table and
a PDF printed from the table loads through POST /api/v1/imports (a form with the file's own
name and type, dry run) to the same answer as its XLSX: the same counts, title, facts and
firms, each row's outcome the same.
"""

import io

import pytest

from tests.support import containers as box
from tests.support import published as pub
from tests.support.imports import URL, counts, setup_national, setup_registered

CONTAINERS = {
    "xls": box.xls,
    "unicode-text": box.unicode_text,
    "gbk-paste": box.gbk_paste,
    "utf8-bom-csv": box.utf8_bom_csv,
    "docx": box.docx,
    "pdf": box.pdf,
}
SHAPES = {
    # shape: (file, setup, query)
    "provincial-names-only": (
        pub.provincial_names_only,
        setup_registered,
        {"certified_on": "2023-03-20", "document_no": "豫工信企业〔2023〕28号"},
    ),
    "city-with-codes": (pub.city_list, lambda client, auth: None, {"certified_on": "2023-05-30"}),
    "national-little-giant": (pub.national_batch, setup_national, {"certified_on": "2023-07-14"}),
    "head-goose-two-tiers": (pub.head_goose_list, setup_registered, {"certified_on": "2023-04-12"}),
}


def post_file(client, headers, file, **query):
    """The workbench's upload: a form part with the file's own name and type."""
    return client.post(
        URL,
        query_string={"dry_run": "true", "outcomes": "true", **query},
        data={"file": file.part()},
        content_type="multipart/form-data",
        headers=headers,
    )


def essence(answer: dict) -> dict:
    """What a list's load says, whatever numbered its rows."""
    return {
        "counts": counts(answer),
        "title": answer["list"]["title"],
        "facts": answer["list"]["facts"],
        "outcomes": [
            {k: v for k, v in o.items() if k not in ("row", "page", "page_row")}
            for o in answer["outcomes"]
        ],
        "errors": [e["code"] for e in answer["errors"]],
    }


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("shape", SHAPES)
def test_each_container_loads_as_its_xlsx(client, auth, shape, container):
    build, setup, query = SHAPES[shape]
    setup(client, auth)
    published = build()
    xlsx = box.File(published.filename, published.data, pub.XLSX)
    expected = post_file(client, auth["admin"], xlsx, **query)
    assert expected.status_code == 200, expected.json

    answer = post_file(client, auth["admin"], CONTAINERS[container](published), **query)

    assert answer.status_code == 200, answer.json
    assert essence(answer.json) == essence(expected.json)
    assert answer.json["rows"] == published.rows
    if container not in ("docx", "pdf"):  # a sheet's rows: numbered as the sheet shows them
        assert [o["row"] for o in answer.json["outcomes"]] == [
            o["row"] for o in expected.json["outcomes"]
        ]


def test_a_table_over_two_pages_is_one_list_with_its_header_once(client, auth):
    published = pub.city_list()
    printed = box.pdf(published, row_height=150)
    assert printed.data.count(b"/Type /Page\n") + printed.data.count(b"/Type /Page ") >= 2

    answer = post_file(client, auth["admin"], printed, certified_on="2023-05-30")

    assert answer.status_code == 200, answer.json
    assert answer.json["rows"] == 5  # the header printed again on page 2 is no firm
    assert answer.json["list"]["header_row"] == 1  # the table's first row
    # Rows numbered through the joined table: the header 1, the firms 2…6; and each named by
    # its page and its row there, as the printed list shows it (the header again on page 2).
    outcomes = answer.json["outcomes"]
    assert [o["row"] for o in outcomes] == [2, 3, 4, 5, 6]
    places = [(o["page"], o["page_row"]) for o in outcomes]
    assert places == sorted(places) and places[0] == (1, 2)
    pages = {page for page, _ in places}
    assert pages == {1, 2}
    first_on_page_2 = next(row for page, row in places if page == 2)
    assert first_on_page_2 == 2  # below the header printed again on page 2
    for page in pages:  # rows on a page follow on from each other
        rows = [row for p, row in places if p == page]
        assert rows == list(range(rows[0], rows[0] + len(rows)))


def test_an_error_in_a_pdf_names_its_page_and_its_row_there(client, auth):
    last_district, last_firms = pub.CITY_GROUPS[-1]
    bad = ("新乡市页码测试有限公司", "91410700BADCODE00")
    groups = [*pub.CITY_GROUPS[:-1], (last_district, [*last_firms, bad])]  # the last row
    printed = box.pdf(pub.city_list(groups=groups), row_height=150)

    answer = post_file(client, auth["admin"], printed, certified_on="2023-05-30")

    assert answer.status_code == 422, answer.json
    (error,) = {(e["row"], e["page"], e["page_row"]) for e in answer.json["errors"]}
    assert error[1] == 2 and error[2] >= 2  # the last firm: on page 2, below its header


@pytest.mark.parametrize("container", ["xls", "docx", "pdf", "unicode-text"])
def test_the_body_alone_is_read_by_its_content_not_its_declared_type(client, auth, container):
    """A client that labels every upload as CSV still sends an .xls, a .docx or a PDF that reads."""
    file = CONTAINERS[container](pub.city_list())
    answer = client.post(
        URL,
        query_string={"dry_run": "true", "certified_on": "2023-05-30"},
        data=file.data,
        content_type="text/csv",
        headers=auth["admin"],
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["rows"] == 5


MAGIC = {
    "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "zip": b"PK\x03\x04",
    "pdf": b"%PDF-1.4\n",
    "utf-16": b"\xff\xfe",
    "png": b"\x89PNG\r\n\x1a\n",
}


@pytest.mark.parametrize("magic", MAGIC)
@pytest.mark.parametrize("seed", range(3))
def test_a_format_s_first_bytes_before_garbage_is_a_422_never_a_500(client, auth, magic, seed):
    import random

    garbage = random.Random(seed).randbytes(4096)
    answer = client.post(
        URL,
        query_string={"dry_run": "true", "certified_on": "2023-05-30"},
        data={"file": (io.BytesIO(MAGIC[magic] + garbage), "名单.xlsx", pub.XLSX)},
        content_type="multipart/form-data",
        headers=auth["admin"],
    )
    assert answer.status_code == 422, answer.json
    assert answer.json["code"].startswith("import."), answer.json
