"""Reading a list's rows (imports/rows.py): a row whose cells other than the firm's repeat an
earlier row's is read the quick way, and the quick way answers exactly as reading it cell by
cell does, for sound rows and for every kind of bad one; what the reader remembers is bounded."""

import io
import json

import pytest

from registry.services import imports
from registry.services.imports import rows as rows_module
from tests.support.codes import make_code

CODE, OTHER = make_code("reading-1"), make_code("reading-2")
HEADER = "序号,统一社会信用代码,企业名称,县（市、区）,类别,年度,公告日期,文号,有效期"
TITLE_CELLS = "创新型中小企业,2023年度,2023年6月28日"
DOCUMENT = "豫工信〔2023〕45号"


def _line(
    n, code=CODE, name="新乡市读行有限公司", district="红旗区", title=TITLE_CELLS, doc="", end=""
):
    return ",".join([str(n), code, name, district, title, doc, end])


CSV_ROWS = [
    _line(1, doc=DOCUMENT),
    _line(2, OTHER, "新乡市读行乙有限公司", doc=DOCUMENT),
    _line(3, OTHER.lower(), "新乡市读行丙有限公司", "", doc=DOCUMENT),  # (the district filled down)
    _line(4, f" {CODE} ", "  新乡市读行丁有限公司\u3000"),
    _line(5, "", "新乡市只有名称有限公司", doc=DOCUMENT),
    _line(6, f"{CODE[:-1]}0", "新乡市校验位错有限公司"),
    _line(7, "9.14107E+17", "新乡市科学计数有限公司"),
    _line(8, name="新乡市控制\x07字符有限公司"),
    _line(9, name="长" * 201),
    _line(10, title="创新型中小企业,2023年度,2023年13月28日"),
    _line(11, district="火星区"),
    _line(12, end="2025年12月31日"),
    _line(13, end="2022年1月1日"),
    _line(14, title="大型企业,2023年度,2023年6月28日"),
    _line(15, name=""),
    _line(16, f"'{CODE}", "新乡市撇号有限公司"),
    _line(17, doc=DOCUMENT),
]
BASE = {"credit_code": CODE, "name": "新乡市甲有限公司", "district": "410702"}
TITLE = {"tier": "innovative_sme", "year": 2023, "certified_on": "2023-06-28"}
JSON_ROWS = [
    {**BASE, **TITLE},
    {**BASE, "credit_code": OTHER, **TITLE},
    {**BASE, "credit_code": 914107001234567890, **TITLE},
    {**BASE, "name": ["新乡市"], **TITLE},
    {**BASE, **TITLE, "colour": "red"},
    {**BASE, **TITLE, "renewal": True},
    {**BASE, **TITLE, "document_no": True},
    {**BASE, "credit_code": None, **TITLE, "document_no": {"a": 1}},
    {"name": 12345, "district": "410702", **TITLE},
    "not an object",
]
FIELDS = (
    "number name credit_code place tier year certified_on valid_until renewal document_no batch "
    "industry_chain"
).split()


def _read(body: bytes, filename: str) -> tuple[list, dict]:
    """The rows read (every field) and the answer's errors and warnings."""
    upload = imports.Upload(io.BytesIO(body), filename)
    result, rows, _ = imports.open_list(upload, given={"tier": "innovative_sme"})
    read = [tuple(getattr(row, name) for name in FIELDS) for row in rows]
    return read, {"errors": result.errors, "warnings": result.warnings}


LISTS = {
    "csv": ("\r\n".join(["2023年度新乡市创新型中小企业名单", HEADER, *CSV_ROWS]) + "\r\n", "l.csv"),
    "json": (json.dumps({"rows": JSON_ROWS}), "l.json"),
}


@pytest.mark.parametrize("kind", LISTS)
def test_rows_alike_read_quickly_answer_as_read_cell_by_cell(app, monkeypatch, kind):
    text, filename = LISTS[kind]
    with app.app_context():
        quick = _read(text.encode("utf-8"), filename)
        quick_gbk = _read(text.encode("gb18030"), filename) if kind == "csv" else quick
        monkeypatch.setattr(rows_module.RowReader, "_alike", lambda *_: None)
        slow = _read(text.encode("utf-8"), filename)

    assert quick == slow == quick_gbk
    read, problems = quick
    numbers = [number for number, *_ in read]
    bad = sorted({e["row"] for e in problems["errors"]})
    if kind == "csv":  # numbered as the sheet shows them: the title is 1, the header 2
        assert numbers == [3, 4, 5, 6, 7, 14, 17, 18, 19]
        assert bad == [8, 9, 10, 11, 12, 13, 15, 16]
    else:
        assert numbers == [1, 2, 6, 9]
        assert bad == [3, 4, 5, 7, 8, 10]


def test_what_the_reader_remembers_is_bounded(app, monkeypatch):
    """A column that differs on every row (here the 文号) would otherwise make the reader
    remember every row."""
    monkeypatch.setattr(rows_module, "MEMO_LIMIT", 8)
    readers = []
    monkeypatch.setattr(
        rows_module.RowReader,
        "_alike",
        lambda self, *args: readers.append(self) or _ALIKE(self, *args),
    )
    lines = [_line(n, make_code(f"memo-{n}"), doc=f"豫工信〔2023〕{n}号") for n in range(1, 101)]
    body = "\r\n".join([HEADER, *lines]).encode()
    with app.app_context():
        read, problems = _read(body, "l.csv")

    assert [number for number, *_ in read] == list(range(2, 102))  # (the header is 1)
    assert [row[9] for row in read] == [f"豫工信〔2023〕{n}号" for n in range(1, 101)]
    assert problems["errors"] == []
    reader = readers[0]
    assert len(reader.shared) <= 8 and len(reader.memo) <= 8 + 8


_ALIKE = rows_module.RowReader._alike
