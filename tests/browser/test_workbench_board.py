"""The workbench's pipeline board as a county clerk uses it, in chromium against gunicorn serving
the demo city, at an office laptop's 1366×768 and a desk's 1920×1080: the clerk's open
applications grouped by stage with their counts; two moved forward at once (the stage picker
offers only later stages); one rejected with a reason (cancel writes nothing, no reason is
refused in the dialog); the 推荐汇总表 downloaded as XLSX; the page in English; a county's own
申报 sheet loaded through the list form at the stage chosen, onto the board."""

import io

import pytest
from openpyxl import load_workbook

from tests.browser.support import BUREAU, assert_no_missing_values, screenshot
from tests.browser.test_workbench_loading import choose
from tests.browser.test_workbench_renewals import fits, open_workbench, register
from tests.support import published as pub

LAPTOP = {"width": 1366, "height": 768}
DESK = {"width": 1920, "height": 1080}
SIZES = pytest.mark.parametrize("viewport", [LAPTOP, DESK], ids=["1366x768", "1920x1080"])
TIER = "innovative_sme"
EXPORT_HEADER = [
    "序号",
    "县（市、区）",
    "企业名称",
    "统一社会信用代码",
    "申报类别",
    "联系人",
    "联系电话",
    "阶段",
]


def registry_year(site) -> int:
    return int(site.api("/certifications?page_size=1", site.bureau_token)["as_of"][:4])


def seed(site, viewport, n: int = 3) -> list[dict]:
    """`n` new firms of the clerk's county, each with an application at 已申报 this year."""
    year = registry_year(site)
    made = []
    for i in range(n):
        tag = f"{viewport['width']}-{i}"
        code = register(site, f"board-{tag}", f"看板测试企业{tag}")
        reply = site.server.call(
            "POST",
            f"/enterprises/{code}/applications",
            token=site.bureau_token,
            json_body={
                "tier": TIER,
                "year": year,
                "contact_name": "王丽",
                "contact_phone": "0373-3051234",
            },
        )
        assert reply.status == 201, reply.body
        made.append(reply.json)
    return made


def application(site, app_id: int) -> dict:
    return site.api(f"/applications/{app_id}", site.bureau_token)


def row(page, app_id: int):
    return page.locator(f'#board-table tr[data-id="{app_id}"]')


def pick(page, app_id: int) -> None:
    row(page, app_id).locator("input.board-pick").check()


def stage_of_row(page, app_id: int) -> str:
    return row(page, app_id).evaluate("r => r.closest('tbody').dataset.stage")


@SIZES
def test_the_clerk_moves_two_forward_and_rejects_one_with_a_reason(open_page, site, viewport):
    first, second, third = seed(site, viewport)
    page = open_workbench(open_page, site.bureau_token, viewport)
    for app in (first, second, third):
        row(page, app["id"]).wait_for()

    # grouped by stage, the counts as the API answers the same caller
    listed = site.api(
        f"/applications?year={registry_year(site)}&open=true&page_size=500", site.bureau_token
    )["items"]
    assert {item["district"] for item in listed} == {BUREAU}
    applied = sum(1 for item in listed if item["stage"] == "applied")
    count = page.locator('#board-counts li[data-stage="applied"]')
    assert count.get_attribute("data-n") == str(applied)
    assert count.inner_text().split() == ["已申报", f"{applied:,}"]
    assert stage_of_row(page, first["id"]) == "applied"
    cells = row(page, first["id"]).locator("td").all_inner_texts()
    assert cells[1:7] == [
        first["name"],
        first["credit_code"],
        "红旗区",
        site.tiers[TIER]["label_zh"],
        "",
        "王丽 0373-3051234",
    ]
    assert page.locator("#board-move").is_disabled()

    # two at once, to a later stage only (skipping is allowed)
    pick(page, first["id"])
    pick(page, second["id"])
    assert page.locator("#board-selected").inner_text() == "已选 2 家"
    offered = page.locator("#board-stage option").all_inner_texts()
    assert offered == ["县级推荐", "市级审核", "公示"]
    page.select_option("#board-stage", "reviewed")
    page.locator("#board-move").click()
    page.locator("#board-status.success").wait_for()
    assert page.locator("#board-status").inner_text() == "已将 2 家推进到“市级审核”。"
    for app in (first, second):
        row(page, app["id"]).locator("xpath=ancestor::tbody[@data-stage='reviewed']").wait_for()
        assert application(site, app["id"])["stage"] == "reviewed"
    # a reviewed one selected: only the stages after it
    pick(page, first["id"])
    assert page.locator("#board-stage option").all_inner_texts() == ["公示"]
    row(page, first["id"]).locator("input.board-pick").uncheck()

    # reject asks first: cancel writes nothing, a blank reason is refused in the dialog
    pick(page, third["id"])
    page.locator("#board-reject").click()
    dialog = page.locator("#board-dialog")
    dialog.wait_for()
    assert third["name"] in page.locator("#board-dialog-firms").inner_text()
    page.locator("#board-dialog-cancel").click()
    dialog.wait_for(state="hidden")
    assert application(site, third["id"])["stage"] == "applied"
    page.locator("#board-reject").click()
    page.locator("#board-dialog-confirm").click()
    assert page.locator("#board-dialog-error").inner_text() == "请填写驳回原因。"
    assert application(site, third["id"])["stage"] == "applied"
    page.locator("#board-reason").fill("研发投入占比不足")
    page.locator("#board-dialog-confirm").click()
    dialog.wait_for(state="hidden")
    row(page, third["id"]).wait_for(state="detached")
    rejected = application(site, third["id"])
    assert rejected["stage"] == "rejected" and not rejected["open"]
    assert rejected["history"][-1]["reason"] == "研发投入占比不足"
    assert page.locator("#board-status").inner_text() == "已将 1 家标记为“未通过”。"
    assert_no_missing_values(page)
    fits(page)
    page.locator("#board-slot").scroll_into_view_if_needed()
    screenshot(page, "workbench-board")


def test_the_recommendation_summary_downloads_as_xlsx(open_page, site):
    made = seed(site, {"width": 1}, n=1)[0]
    page = open_workbench(open_page, site.bureau_token, DESK)
    row(page, made["id"]).wait_for()
    page.select_option("#board-tier", TIER)
    row(page, made["id"]).wait_for()
    with page.expect_download() as download:
        page.locator("#board-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
    assert rows[header][: len(EXPORT_HEADER)] == EXPORT_HEADER
    codes = [r[3] for r in rows[header + 1 :]]
    assert made["credit_code"] in codes


def test_a_refused_move_is_said_in_the_pages_language(open_page, site):
    made = seed(site, {"width": 2}, n=1)[0]
    page = open_workbench(open_page, site.bureau_token, DESK)
    row(page, made["id"]).wait_for()
    page.locator("#lang-toggle, .lang-toggle").first.click()
    page.wait_for_function("() => document.documentElement.lang.startsWith('en')")
    assert page.locator("#board-heading").inner_text() == "Applications: from the pool to the title"
    assert_no_missing_values(page)
    page.locator("#board-slot").scroll_into_view_if_needed()
    screenshot(page, "workbench-board-en")
    pick(page, made["id"])
    # someone else moves it meanwhile: the board's move (backward now) is refused, all or none
    moved = site.server.call(
        "PATCH", f"/applications/{made['id']}", json_body={"stage": "publicized"}
    )
    assert moved.status == 200, moved.body
    page.select_option("#board-stage", "recommended")
    page.locator("#board-move").click()
    page.locator("#board-status.failure").wait_for()
    said = page.locator("#board-status").inner_text()
    assert said.startswith("Not done (409): ")
    assert application(site, made["id"])["stage"] == "publicized"


def test_a_county_sheet_loads_onto_the_board_at_the_stage_chosen(open_page, site):
    year = registry_year(site)
    firms = [
        (name, register(site, f"board-sheet-{i}", name))
        for i, name in enumerate(["看板申报表企业甲", "看板申报表企业乙"])
    ]
    sheet = pub.city_list(f"红旗区{year}年度创新型中小企业申报汇总表", [("红旗区", firms)])
    page = open_workbench(open_page, site.bureau_token, LAPTOP)
    assert page.locator("#opt-stage-field").is_hidden()
    page.select_option("#opt-action", "apply")
    assert page.locator("#opt-stage-field").is_visible()
    page.select_option("#opt-stage", "recommended")
    choose(page, sheet)
    page.locator("#import-status.success").wait_for()
    page.locator("#commit").click()
    page.wait_for_selector("#result-area:not([hidden])")
    assert "申报 2 家" in page.locator("#result").inner_text()
    for _, code in firms:
        page.locator(
            f'#board-table tbody[data-stage="recommended"] tr[data-code="{code}"]'
        ).wait_for()
    # withdrawn (the note optional): closed, off the board
    first = page.locator(f'#board-table tr[data-code="{firms[0][1]}"]')
    app_id = int(first.get_attribute("data-id"))
    pick(page, app_id)
    page.locator("#board-withdraw").click()
    page.locator("#board-dialog").wait_for()
    assert page.locator("#board-reason-label").inner_text() == "说明（选填）"
    page.locator("#board-dialog-confirm").click()
    row(page, app_id).wait_for(state="detached")
    assert application(site, app_id)["stage"] == "withdrawn"
    assert page.locator("#board-status").inner_text() == "已将 1 家标记为“已撤回”。"
