"""Fixture files in the shapes the Henan bureau and MIIT publish their lists, built as a clerk
receives them: nothing edited for the registry.

XLSX files are built with openpyxl as Excel holds them: an `附件`/`附件1` row, a merged title row,
a header whose credit-code cell wraps (`统一社会\\n信用代码`), a 序号 column, region (and
category) cells really merged over their group (only the first cell holds the value), a blank
row between groups, a blank row and a merged footnote at the end. CSV files are what Excel on
Chinese Windows saves from such a sheet: GBK, CRLF, every line padded with commas to the width
of the sheet, blanks under merged cells.

Every builder answers a `Published`: the bytes, a file name, and each firm's row number as the
spreadsheet shows it (`row_of`), so that a test can name the rows it expects to be skipped.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tests.support.codes import make_code

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOOTNOTE = "注：同一县（市、区）内企业排名不分先后。"
CODE_HEADER = "统一社会\n信用代码"  # wrapped in its cell, as published
SERIAL, NAME = "序号", "企业名称"

# Titles as the notices word them.
INNOVATIVE_2022 = "2022年度河南省创新型中小企业名单"
SPECIALIZED_2023_FIRST = "2023年度第一批河南省专精特新中小企业名单"
RENEWED_2020 = "通过复核的2020年度河南省专精特新中小企业名单"
LITTLE_GIANT_5 = "第五批专精特新“小巨人”企业名单"
HEAD_GOOSE_BOTH = "2023年河南省制造业头雁企业和重点培育头雁企业名单"
HEAD_GOOSE_CANDIDATES_2024 = "2024年度河南省制造业重点培育头雁企业名单"
HEAD_GOOSE_ONLY = "制造业头雁企业"
HEAD_GOOSE_CANDIDATE = "制造业重点培育头雁企业"


@dataclass(frozen=True)
class Firm:
    """A firm as the registry holds it (the lists may print its name another way)."""

    code: str
    name: str
    district: str

    def registration(self) -> dict:
        return {"credit_code": self.code, "name": self.name, "district": self.district}


# Firms of Xinxiang (fictional), by the district they are registered in.
HONGQI = Firm(make_code("pub-hongqi"), "新乡市红旗机械制造有限公司", "410702")
WEIBIN = Firm(make_code("pub-weibin", "410703"), "新乡市恒通电子科技有限公司", "410703")
HIGHTECH = Firm(make_code("pub-hightech", "410771"), "新乡市豫新生物医药有限公司", "410771")
ECON = Firm(make_code("pub-econ", "410772"), "新乡市宏远电池有限公司", "410772")
PINGYUAN = Firm(make_code("pub-pingyuan", "410773"), "新乡市平原食品有限公司", "410773")
# Registered with half-width brackets; the province prints them full-width.
RUIDE = Firm(make_code("pub-ruide", "410783"), "瑞德(长垣)机械有限公司", "410783")
RUIDE_PRINTED = "瑞德（长垣）机械有限公司"
CHANGYUAN = Firm(make_code("pub-changyuan", "410783"), "长垣市金龙起重机械有限公司", "410783")
HUIXIAN = Firm(make_code("pub-huixian", "410782"), "辉县市天力耐火材料有限公司", "410782")
MUYE = Firm(make_code("pub-muye", "410711"), "新乡市鑫源新材料股份有限公司", "410711")
YUANYANG = Firm(make_code("pub-yuanyang", "410725"), "原阳县盛达食品有限公司", "410725")
# Registered with a space in its name; the lists print it without.
SPACED = Firm(make_code("pub-spaced", "410704"), "新乡市凤泉 华星化工有限公司", "410704")
SPACED_PRINTED = "新乡市凤泉华星化工有限公司"
REGISTERED = (HONGQI, WEIBIN, HIGHTECH, ECON, PINGYUAN, RUIDE, CHANGYUAN, HUIXIAN, MUYE, SPACED)

# Firms of other cities and provinces, as their lists print them (never registered here).
ZHENGZHOU = ("郑州中原精工机械股份有限公司", "郑州市博达电气有限公司")
JIYUAN = ("济源市恒丰特种钢材有限公司",)
BEIJING = ("北京中科微纳传感技术有限公司", "北京京仪智能装备有限公司")
NINGBO = ("宁波甬江精密模具有限公司",)
HENAN_ELSEWHERE = "洛阳中信重型机械有限公司"  # a 河南 row of MIIT's list, not a firm of ours
# An all-digit credit code (firms registered before 2015) and what Excel makes of it.
ALL_DIGIT_CODE = "914107287501992044"
EXCEL_NUMBER_TEXT = "9.14107E+17"  # as a CSV saved by Excel prints it
EXCEL_NUMBER = 9.14107287501992e17  # as an XLSX cell holds it: 15 significant digits


@dataclass
class Published:
    """A list file as received: its bytes, and where each firm's row stands in it."""

    filename: str
    data: bytes
    title: str
    header_row: int
    row_of: dict[str, int] = field(default_factory=dict)  # name as printed → its row

    @property
    def content_type(self) -> str:
        return XLSX if self.filename.endswith(".xlsx") else "text/csv"

    @property
    def rows(self) -> int:
        """The firms' rows (what the import counts as `rows`)."""
        return len(self.row_of)

    def write(self, directory: Path) -> Path:
        path = directory / self.filename
        path.write_bytes(self.data)
        return path

    def part(self) -> tuple[io.BytesIO, str, str]:
        """The file as a multipart form part (the test client's tuple)."""
        return io.BytesIO(self.data), self.filename, self.content_type


@dataclass
class _Grid:
    """The sheet as cells: rows as a person sees them (row 1 first), merged ranges."""

    cells: list[list] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    row_of: dict[str, int] = field(default_factory=dict)
    title_row: int = 0
    header_row: int = 0

    def add(self, values: Sequence) -> int:
        self.cells.append(list(values))
        return len(self.cells)


def _grid(
    *,
    attachment: str | None,
    title: str,
    header: Sequence[str],
    body: Sequence[Sequence],
    merged: Iterable[int],
    name_column: int,
    footnote: str | None,
    blank_between_groups: bool,
    closing: str | None = None,
) -> _Grid:
    """The published layout. `body` rows have no 序号 (numbered here, 1…n across the list);
    `merged`: the columns (0 = 序号) whose runs of equal values are merged cells; `closing`: a
    last line in the name column alone, not numbered (a note without `注：`)."""
    width = len(header)
    merged = sorted(merged)
    grid = _Grid()
    last = get_column_letter(width)
    if attachment is not None:
        grid.add([attachment] + [None] * (width - 1))
    grid.title_row = grid.add([title] + [None] * (width - 1))
    grid.merges.append(f"A{grid.title_row}:{last}{grid.title_row}")
    grid.header_row = grid.add(header)
    lines: list[list | None] = []  # the body as laid out: a firm's row, or None (blank)
    for serial, values in enumerate(body, start=1):
        cells = [serial, *values]
        previous = lines[-1] if lines else None
        if (
            blank_between_groups
            and merged
            and previous is not None
            and None not in lines
            and previous[merged[0]] != cells[merged[0]]
        ):
            lines.append(None)  # blank rows stand anywhere
        lines.append(cells)
    first = len(grid.cells) + 1
    shown = [None if cells is None else list(cells) for cells in lines]
    for column in merged:
        # A run: consecutive rows with the same value here and in the columns merged before.
        def key(cells, column=column):
            return None if cells is None else tuple(cells[m] for m in merged if m <= column)

        start = 0
        for index in range(1, len(lines) + 1):
            if (
                index < len(lines)
                and lines[index] is not None
                and key(lines[index]) == key(lines[start])
            ):
                shown[index][column] = None  # only the first cell of a merged range holds it
                continue
            if lines[start] is not None and index - 1 > start:
                letter = get_column_letter(column + 1)
                grid.merges.append(f"{letter}{first + start}:{letter}{first + index - 1}")
            start = index
    for cells, printed in zip(lines, shown, strict=True):
        if cells is None:
            grid.add([None] * width)
        else:
            grid.row_of[str(cells[name_column])] = grid.add(printed)
    if closing is not None:
        grid.add([closing if i == name_column else None for i in range(width)])
    grid.add([None] * width)
    if footnote is not None:
        note_row = grid.add([footnote] + [None] * (width - 1))
        grid.merges.append(f"A{note_row}:{last}{note_row}")
    return grid


def _xlsx(grid: _Grid, *, wrap_columns: Iterable[int] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for cells in grid.cells:
        sheet.append(cells)
    for cell_range in grid.merges:
        sheet.merge_cells(cell_range)
    sheet.cell(grid.title_row, 1).font = Font(bold=True, size=16)
    sheet.cell(grid.title_row, 1).alignment = Alignment(horizontal="center")
    for column in wrap_columns:
        sheet.cell(grid.header_row, column + 1).alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def gbk_csv(cells: Iterable[Sequence]) -> bytes:
    """Rows as Excel on Chinese Windows saves a sheet as CSV: GBK, CRLF, padded with commas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in cells:
        writer.writerow(["" if cell is None else _as_excel_shows(cell) for cell in row])
    return out.getvalue().encode("gbk")


def _as_excel_shows(cell) -> str:
    if isinstance(cell, dt.date):
        return f"{cell.year}/{cell.month}/{cell.day}"  # 2023/3/20
    return str(cell)


# --- shape 1: the provincial list, names only --------------------------------------------------

PROVINCIAL_GROUPS: list[tuple[str, list[str]]] = [
    ("郑州市", list(ZHENGZHOU)),
    ("新乡市", [HONGQI.name, HIGHTECH.name, SPACED_PRINTED]),
    ("长垣市", [RUIDE_PRINTED]),
    ("济源示范区", list(JIYUAN)),
]


def provincial_names_only(
    title: str = INNOVATIVE_2022,
    groups: Sequence[tuple[str, Sequence[str]]] = PROVINCIAL_GROUPS,
    *,
    region_header: str = "所属地市",
    filename: str = "附件.xlsx",
) -> Published:
    """Shape 1: `附件`, the merged title, 序号 · 所属地市 · 企业名称, the city merged over its rows
    (郑州市 …, 新乡市 …, 长垣市 … separately, 济源示范区 …); no code, tier or date column."""
    body = [[region, name] for region, names in groups for name in names]
    grid = _grid(
        attachment="附件",
        title=title,
        header=[SERIAL, region_header, NAME],
        body=body,
        merged=[1],
        name_column=2,
        footnote=FOOTNOTE,
        blank_between_groups=True,
    )
    return Published(filename, _xlsx(grid), title, grid.header_row, grid.row_of)


# --- shapes 2 and 3: the city's re-publication, with codes ---------------------------------------

CITY_TITLE = f"{SPECIALIZED_2023_FIRST}（新乡市）"
CITY_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("红旗区", [(HONGQI.name, HONGQI.code)]),
    ("卫滨区", [(WEIBIN.name, WEIBIN.code)]),
    ("高新区", [(HIGHTECH.name, HIGHTECH.code)]),
    ("长垣市", [(RUIDE_PRINTED, RUIDE.code), (CHANGYUAN.name, CHANGYUAN.code)]),
]
# The same firms as Excel's CSV prints their districts: in full.
CITY_GROUPS_IN_FULL: list[tuple[str, list[tuple[str, str]]]] = [
    ("新乡市红旗区", [(HONGQI.name, HONGQI.code)]),
    ("新乡市卫滨区", [(WEIBIN.name, WEIBIN.code)]),
    ("新乡高新区", [(HIGHTECH.name, HIGHTECH.code)]),
    ("长垣市", [(RUIDE_PRINTED, RUIDE.code), (CHANGYUAN.name, CHANGYUAN.code)]),
]


def _city_grid(
    title: str,
    groups: Sequence[tuple[str, Sequence[tuple[str, object]]]],
    *,
    attachment: str,
    district_header: str,
    extra: Sequence[tuple[str, Sequence]] = (),
) -> _Grid:
    """序号 · 县（市、区） · 企业名称 · 统一社会\\n信用代码 [· extra columns, one value per row]."""
    body = [[district, name, code] for district, firms in groups for name, code in firms]
    for _, values in extra:
        for row, value in zip(body, values, strict=True):
            row.append(value)
    return _grid(
        attachment=attachment,
        title=title,
        header=[SERIAL, district_header, NAME, CODE_HEADER, *(h for h, _ in extra)],
        body=body,
        merged=[1],
        name_column=2,
        footnote=FOOTNOTE,
        blank_between_groups=True,
    )


def city_list(
    title: str = CITY_TITLE,
    groups: Sequence[tuple[str, Sequence[tuple[str, object]]]] = CITY_GROUPS,
    *,
    attachment: str = "附件1",
    district_header: str = "县（市、区）",
    extra: Sequence[tuple[str, Sequence]] = (),
    filename: str = "附件1.xlsx",
) -> Published:
    """Shape 2: `附件1`, the merged title "…名单（新乡市）", 序号 · 县（市、区） · 企业名称 ·
    统一社会信用代码 (wrapped), the district merged down, the footnote; no tier or date column.
    A code given as a float is a numeric cell (what Excel makes of an all-digit code)."""
    grid = _city_grid(
        title, groups, attachment=attachment, district_header=district_header, extra=extra
    )
    return Published(filename, _xlsx(grid, wrap_columns=[3]), title, grid.header_row, grid.row_of)


def city_list_csv(
    title: str = CITY_TITLE,
    groups: Sequence[tuple[str, Sequence[tuple[str, object]]]] = CITY_GROUPS_IN_FULL,
    *,
    attachment: str = "附件1",
    district_header: str = "县（市、区）",
    filename: str = "附件1.csv",
) -> Published:
    """Shape 3: shape 2 saved as CSV by Excel (GBK, CRLF, a title line padded with commas,
    blanks under the merged districts, districts printed in full, a blank row, the footnote)."""
    grid = _city_grid(title, groups, attachment=attachment, district_header=district_header)
    return Published(filename, gbk_csv(grid.cells), title, grid.header_row, grid.row_of)


# --- shape 4: the renewal attachment -------------------------------------------------------------

RENEWED_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("辉县市", [(HUIXIAN.name, HUIXIAN.code)]),
    ("牧野区", [(MUYE.name, MUYE.code)]),
]


def renewal_list(
    title: str = RENEWED_2020,
    groups: Sequence[tuple[str, Sequence[tuple[str, str]]]] = RENEWED_GROUPS,
    *,
    filename: str = "附件2.xlsx",
) -> Published:
    """Shape 4: "通过复核的2020年度…名单" (附件2): shape 2's columns; renewal only in the title."""
    return city_list(title, groups, attachment="附件2", filename=filename)


# --- shape 5: MIIT's national 小巨人 batch, names only -------------------------------------------

NATIONAL_GROUPS: list[tuple[str, list[str]]] = [
    ("北京", list(BEIJING)),
    ("河南", [HONGQI.name, HENAN_ELSEWHERE, RUIDE_PRINTED]),
    ("宁波", list(NINGBO)),
]


def national_batch(
    title: str = LITTLE_GIANT_5,
    groups: Sequence[tuple[str, Sequence[str]]] = NATIONAL_GROUPS,
    *,
    filename: str = "第五批专精特新小巨人企业名单.xlsx",
) -> Published:
    """Shape 5: the merged title, 序号 · 所属地区 · 企业名称, provinces and 计划单列市 merged
    (北京, 河南, 宁波 …); no city, no code, no `附件` row (MIIT attaches the list alone); a
    closing note alone in the name column."""
    body = [[region, name] for region, names in groups for name in names]
    grid = _grid(
        attachment=None,
        title=title,
        header=[SERIAL, "所属地区", NAME],
        body=body,
        merged=[1],
        name_column=2,
        footnote=None,
        blank_between_groups=False,
        closing="（以上企业排名不分先后）",
    )
    return Published(filename, _xlsx(grid), title, grid.header_row, grid.row_of)


# --- shape 6: 头雁 lists --------------------------------------------------------------------------

HEAD_GOOSE_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (HEAD_GOOSE_ONLY, [("新乡市", HONGQI.name), ("长垣市", RUIDE_PRINTED)]),
    (HEAD_GOOSE_CANDIDATE, [("新乡市", HIGHTECH.name), ("新乡市", ECON.name)]),
]


def head_goose_list(
    title: str = HEAD_GOOSE_BOTH,
    groups: Sequence[tuple[str, Sequence[tuple[str, str]]]] = HEAD_GOOSE_GROUPS,
    *,
    category_header: str = "类别",
    region_header: str = "地市",
    filename: str = "附件.xlsx",
) -> Published:
    """Shape 6: both lists of one notice in one sheet, 序号 · 类别 · 地市 · 企业名称, the
    category (制造业头雁企业 / 制造业重点培育头雁企业) and the city merged over their rows."""
    body = [[category, region, name] for category, rows in groups for region, name in rows]
    grid = _grid(
        attachment="附件",
        title=title,
        header=[SERIAL, category_header, region_header, NAME],
        body=body,
        merged=[1, 2],
        name_column=3,
        footnote=None,
        blank_between_groups=True,
    )
    return Published(filename, _xlsx(grid), title, grid.header_row, grid.row_of)


def single_tier_list(
    title: str = HEAD_GOOSE_CANDIDATES_2024,
    groups: Sequence[tuple[str, Sequence[str]]] = (("新乡市", (HIGHTECH.name, ECON.name)),),
    *,
    filename: str = "附件2.xlsx",
) -> Published:
    """Shape 6, the other way: one list per tier, the title naming it (序号 · 地市 · 企业名称)."""
    body = [[region, name] for region, names in groups for name in names]
    grid = _grid(
        attachment="附件2",
        title=title,
        header=[SERIAL, "地市", NAME],
        body=body,
        merged=[1],
        name_column=2,
        footnote=None,
        blank_between_groups=False,
    )
    return Published(filename, _xlsx(grid), title, grid.header_row, grid.row_of)


# --- resolutions: the clerk's names → credit codes ---------------------------------------------


def resolution_csv(entries: Iterable[tuple[str, str, str | None]]) -> bytes:
    """企业名称 · 统一社会信用代码 · 县（市、区）, as a clerk saves it from Excel (GBK)."""
    return gbk_csv(
        [
            ["企业名称", "统一社会信用代码", "县（市、区）"],
            *([name, code, district or ""] for name, code, district in entries),
        ]
    )


def resolution_xlsx(entries: Iterable[tuple[str, str, str | None]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", CODE_HEADER, "县（市、区）"])
    for name, code, district in entries:
        sheet.append([name, code, district])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- a notice's attachments as the sheets of one workbook --------------------------------------


def notice_book(
    sheets: Sequence[tuple[str, "Published | Sequence[Sequence]"]], filename: str = "附件.xlsx"
) -> Published:
    """One workbook holding a notice's attachments as its sheets, in order: each a published
    list (copied cell by cell, its merged ranges too) or plain rows (an empty sheet, notes).
    `row_of` holds every list's firms; `title` and `header_row` are the first list's."""
    from openpyxl import load_workbook

    book = Workbook()
    book.remove(book.active)
    lists = [p for _, p in sheets if isinstance(p, Published)]
    for name, content in sheets:
        sheet = book.create_sheet(name)
        if not isinstance(content, Published):
            for cells in content:
                sheet.append(list(cells))
            continue
        source = load_workbook(io.BytesIO(content.data)).active
        for cells in source.iter_rows(values_only=True):
            sheet.append(list(cells))
        for cell_range in source.merged_cells.ranges:
            sheet.merge_cells(str(cell_range))
    out = io.BytesIO()
    book.save(out)
    row_of = {name: row for p in lists for name, row in p.row_of.items()}
    return Published(filename, out.getvalue(), lists[0].title, lists[0].header_row, row_of)
