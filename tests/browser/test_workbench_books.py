"""A workbook of several lists in the workbench, at 1366×768: a notice's two attachments as two
sheets and a sheet of notes; the preview shows each sheet as its own list with its facts and
counts and the notes sheet set aside with the reason; loading writes both lists."""

from tests.browser.support import BUREAU, assert_no_missing_values, screenshot
from tests.browser.test_workbench_loading import (
    CERTIFIED_ON,
    INNOVATIVE_2026,
    LAPTOP,
    assert_fits,
    choose,
    counted,
    fresh_firms,
    give_date,
    open_workbench,
    status_text,
    titles_2026,
)
from tests.support import published as pub

SECOND_BATCH = "2026年度第二批河南省创新型中小企业名单"


def test_a_two_sheet_workbook_previews_both_sheets_and_loads_both(open_page, site):
    firms = fresh_firms(site, BUREAU, 4, 20)
    first = pub.city_list(
        f"{INNOVATIVE_2026}（新乡市）",
        [("红旗区", [(f["name"], f["credit_code"]) for f in firms[:2]])],
    )
    second = pub.city_list(
        f"{SECOND_BATCH}（新乡市）",
        [("红旗区", [(f["name"], f["credit_code"]) for f in firms[2:]])],
        attachment="附件2",
    )
    book = pub.notice_book(
        [("附件1", first), ("附件2", second), ("说明", [["填报说明"], ["两份附件均为新认定。"]])],
        filename="通知附件.xlsx",
    )

    page = open_workbench(open_page, site, LAPTOP)
    choose(page, book)
    give_date(page)

    page.locator("#import-status.success").wait_for()
    assert "可导入 4 行" in status_text(page)
    assert counted(page)["rows"] == 4
    sheets = page.locator("#sheets li.sheet")
    assert sheets.count() == 3
    assert page.locator("#sheets").is_visible()
    one, two = (
        page.locator('#sheets li[data-sheet="附件1"]'),
        page.locator('#sheets li[data-sheet="附件2"]'),
    )
    assert INNOVATIVE_2026 in one.inner_text() and "2 行" in one.inner_text()
    assert "新认定" in one.inner_text() and CERTIFIED_ON in one.inner_text()
    assert SECOND_BATCH in two.inner_text() and "新增认定 2" in two.inner_text()
    notes = page.locator('#sheets li[data-sheet="说明"]')
    assert "未导入" in notes.inner_text() and "不是名单" in notes.inner_text()
    rows = page.locator("#rows-table tbody tr[data-row]").all_inner_texts()
    assert any("附件2 第" in row for row in rows), rows
    assert_fits(page)
    screenshot(page, "workbench-book-preview", full_page=True)

    page.locator("#commit").click()
    page.wait_for_selector("#result-area:not([hidden])")
    assert page.locator("#result-sheets li.sheet").count() == 3
    for firm in firms:
        assert titles_2026(site, firm["credit_code"]) == [("innovative_sme", CERTIFIED_ON)]
    assert_fits(page)
    assert_no_missing_values(page)
