"""The workbench as a county clerk loads and finds with it, in chromium against gunicorn serving
the demo city, with the 红旗区 bureau's token, at 1366×768 and 1920×1080: the city's list (XLSX, as
the city re-publishes the province's) loaded for the county's own rows after the 403 offers it,
the preview and the result counting conflicts; a names-only list with an unmatched name skipped
when the 422 offers it; a failed file clearing the earlier preview; a name resolved once and
remembered, so the same list matches it next time; a firm found by part of its name and by a
pasted code with spaces; an enterprise's status token issued from the search."""

import pytest

from tests.browser.support import BUREAU, DESKTOP, assert_no_missing_values, screenshot
from tests.support import published as pub

LAPTOP = {"width": 1366, "height": 768}
SIZES = pytest.mark.parametrize("viewport", [LAPTOP, DESKTOP], ids=["1366", "1920"])
ELSEWHERE = ["410703", "410724"]  # 卫滨区, 获嘉县
INNOVATIVE_2026 = "2026年度河南省创新型中小企业名单"
CERTIFIED_ON = "2026-06-30"


def api(site, path: str, token: str | None = None):
    """GET as the admin (the dashboard's token reads no firms), or as `token`."""
    reply = site.server.call("GET", path, **({"token": token} if token else {}))
    assert reply.status == 200, (path, reply.status, reply.body[:300])
    return reply.json


def open_workbench(open_page, site, viewport):
    page = open_page(f"/workbench#token={site.bureau_token}", viewport)
    page.wait_for_selector("#bench:not([hidden])")
    return page


def fresh_firms(site, district: str, count: int, skip: int = 0) -> list[dict]:
    """Demo firms of a district holding no 2026 innovative title (so a 2026 list creates one),
    none revoked; `skip` the first ones (another viewport's)."""
    page = api(site, f"/enterprises?district={district}&page_size=100")
    found = []
    for item in page["items"]:
        firm = api(site, f"/enterprises/{item['credit_code']}")
        certs = firm["certifications"]
        if any(c["tier"] == "innovative_sme" and c["year"] == 2026 for c in certs):
            continue
        if any(c["status"] == "revoked" for c in certs):
            continue
        found.append(firm)
        if len(found) == skip + count:
            return found[skip:]
    raise AssertionError(f"not enough demo firms in {district}")


def district_name(site, code: str) -> str:
    return next(d["name_zh"] for d in api(site, "/districts") if d["code"] == code)


def choose(page, published: pub.Published) -> None:
    """Choose the file in the page's file dialog, as the clerk does."""
    page.locator("#list-file").set_input_files(
        {"name": published.filename, "mimeType": published.content_type, "buffer": published.data}
    )
    read(page)


def read(page) -> None:
    """Wait for the server's answer to the list."""
    page.wait_for_function(
        "() => !document.getElementById('import-status').textContent.startsWith('正在读取')"
    )


def give_date(page) -> None:
    page.wait_for_selector("#facts-form:not([hidden])")
    page.locator("#fact-certified_on").fill(CERTIFIED_ON)
    page.locator("#fact-certified_on").press("Enter")
    read(page)


def status_text(page) -> str:
    return page.locator("#import-status").inner_text()


def counted(page) -> dict[str, int]:
    items = page.eval_on_selector_all(
        "#summary li", "items => items.map(i => [i.dataset.count, Number(i.dataset.value)])"
    )
    return dict(items)


def titles_2026(site, code: str) -> list[tuple]:
    certs = api(site, f"/enterprises/{code}")["certifications"]
    return [
        (c["tier"], c["certified_on"])
        for c in certs
        if c["tier"] == "innovative_sme" and c["year"] == 2026
    ]


def assert_fits(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


@SIZES
def test_a_county_clerk_loads_its_own_rows_of_the_city_list(open_page, site, viewport):
    skip = 0 if viewport is LAPTOP else 3
    own = fresh_firms(site, BUREAU, 3, skip)
    others = [fresh_firms(site, d, 1, skip)[0] for d in ELSEWHERE]
    renamed = own[2]["name"] + "（原名）"  # printed otherwise than registered: a conflict
    groups = [
        (
            "红旗区",
            [(f["name"], f["credit_code"]) for f in own[:2]] + [(renamed, own[2]["credit_code"])],
        ),
        *[(district_name(site, f["district"]), [(f["name"], f["credit_code"])]) for f in others],
    ]
    listed = pub.city_list(f"{INNOVATIVE_2026}（新乡市）", groups, filename="附件1.xlsx")

    page = open_workbench(open_page, site, viewport)
    who = page.locator("#who").inner_text()
    assert "当前：红旗区工信局（区县工信部门）" in who and "红旗区" in who.split("辖区")[1]
    assert page.locator("#opt-own-field").is_visible()
    assert not page.locator("#opt-own").is_checked()
    choose(page, listed)
    give_date(page)

    # Rows of other counties: the whole list is refused, and the option offered.
    retry = page.get_by_role("button", name="只导入本辖区的行并重试")
    retry.wait_for()
    assert "403" in status_text(page) and "不属于本辖区" in status_text(page)
    assert page.locator("#commit").is_disabled()
    screenshot(page, "workbench-403-offer")
    retry.click()
    page.locator("#import-status.success").wait_for()
    assert page.locator("#opt-own").is_checked()
    assert "可导入 2 行，另有 1 行冲突将不导入" in status_text(page)
    assert "跳过 2 行" in status_text(page)
    counts = counted(page)
    assert (counts["rows"], counts["created_certifications"], counts["conflicts"]) == (5, 2, 1)
    assert counts["skipped"] == 2
    assert not page.locator("#commit").is_disabled()
    assert_fits(page)
    screenshot(page, "workbench-own-rows", full_page=True)

    page.locator("#commit").click()
    page.wait_for_selector("#result-area:not([hidden])")
    result = page.locator("#result").inner_text()
    assert "新增认定 2 条" in result and "跳过 2 行" in result and "另有 1 行冲突，未导入" in result
    page.wait_for_selector("#events-table tbody tr")
    assert "导入名单：认定" in page.locator("#events-table tbody").inner_text()
    for firm in own[:2]:  # only the county's rows are written
        assert titles_2026(site, firm["credit_code"]) == [("innovative_sme", CERTIFIED_ON)]
    for firm in [own[2], *others]:
        assert titles_2026(site, firm["credit_code"]) == []
    assert_no_missing_values(page)


@SIZES
def test_unmatched_names_skipped_then_a_failed_file_clears_the_preview(open_page, site, viewport):
    known = fresh_firms(site, BUREAU, 1, 6 if viewport is LAPTOP else 7)[0]
    unknown = f"新乡市红旗区无此企业{viewport['width']}有限公司"
    listed = pub.provincial_names_only(
        INNOVATIVE_2026,
        groups=[("郑州市", ["郑州宇通客车股份有限公司"]), ("新乡市", [known["name"], unknown])],
    )
    page = open_workbench(open_page, site, viewport)
    choose(page, listed)
    give_date(page)
    skip = page.get_by_role("button", name="跳过未匹配的行并重试")
    skip.wait_for()
    assert page.locator("#commit").is_disabled()
    skip.click()
    page.locator("#import-status.success").wait_for()
    assert page.locator("#opt-skip").is_checked()
    rows = page.locator("#rows-table tbody tr[data-row]")
    assert rows.count() == 3
    assert "可导入 1 行" in status_text(page) and "跳过 2 行" in status_text(page)
    screenshot(page, "workbench-skip-unresolved")

    # A new file that cannot be read: the earlier preview goes, nothing can be loaded.
    page.locator("#list-file").set_input_files(
        {"name": "坏文件.xlsx", "mimeType": pub.XLSX, "buffer": b"not a workbook"}
    )
    page.locator("#import-status.failure").wait_for()
    assert page.locator("#file-name").inner_text() == "坏文件.xlsx"
    assert known["name"] not in page.locator("#rows-table").inner_text()
    assert "data-count" not in page.locator("#summary").inner_html() or counted(page)["rows"] == 0
    assert page.locator("#commit").is_disabled()


@SIZES
def test_a_resolved_name_remembered_matches_the_same_list_again(open_page, site, viewport):
    firm = fresh_firms(site, BUREAU, 1, 8 if viewport is LAPTOP else 9)[0]
    printed = firm["name"].replace("有限公司", "（红旗）有限公司")  # as the province prints it
    listed = pub.provincial_names_only(INNOVATIVE_2026, groups=[("新乡市", [printed])])
    page = open_workbench(open_page, site, viewport)
    choose(page, listed)
    give_date(page)
    resolver = page.locator(f'#rows-table select[data-name="{printed}"]')
    resolver.wait_for()
    if resolver.locator(f'option[value="{firm["credit_code"]}"]').count():
        resolver.select_option(firm["credit_code"])
    else:  # not among the likeliest: typed, as pasted (spaces around it)
        resolver.select_option("other")
        page.locator(f"#{resolver.get_attribute('id')}-code").fill(f" {firm['credit_code']} ")
    page.locator("#apply-resolve").click()
    page.locator("#import-status.success").wait_for()
    remember = page.get_by_role("button", name="记住此名称")
    remember.click()
    page.locator(".remembered.success").wait_for()
    assert printed in page.locator(".remembered").inner_text()
    screenshot(page, "workbench-remembered")

    choose(page, listed)  # the same list again, nothing resolved this time
    give_date(page)
    page.locator("#import-status.success").wait_for()
    row = page.locator("#rows-table tbody tr[data-row]")
    assert row.get_attribute("data-kinds") == "created matched"
    assert firm["credit_code"] in row.inner_text()


@SIZES
def test_finding_a_firm_by_name_and_by_a_pasted_code(open_page, site, viewport):
    firm = fresh_firms(site, BUREAU, 1, 10 if viewport is LAPTOP else 11)[0]
    part = firm["name"].removeprefix("新乡市").removeprefix("红旗区")[:4]
    page = open_workbench(open_page, site, viewport)
    page.locator("#find-code").fill(f"  {part} ")
    page.locator("#find-code").press("Enter")
    page.locator("#found:not([hidden])").wait_for()
    line = page.locator(f'#found-table tbody tr[data-code="{firm["credit_code"]}"]')
    assert firm["name"] in line.inner_text() and "红旗区" in line.inner_text()
    assert "请选择" in page.locator("#firm-message").inner_text()
    assert_fits(page)
    screenshot(page, "workbench-found")
    line.get_by_role("button", name="打开").click()
    page.locator("#firm:not([hidden])").wait_for()
    assert page.locator("#fix-name").input_value() == firm["name"]

    # A code pasted from a spreadsheet: a space before it, a line break after.
    page.locator("#find-code").fill("")
    page.locator("#find-code").focus()
    page.keyboard.insert_text(f" {firm['credit_code'].lower()}\t")
    page.locator("#find-code").press("Enter")
    page.wait_for_function(
        "code => document.getElementById('find-code').value === code", arg=firm["credit_code"]
    )
    page.locator("#firm:not([hidden])").wait_for()
    assert firm["credit_code"] in page.locator("#firm-title").inner_text()

    page.locator("#find-code").fill("没有这样的企业名称")
    page.locator("#find-code").press("Enter")
    page.locator("#firm-message").filter(has_text="没有名称或代码含").wait_for()
    assert page.locator("#found").is_hidden()


@SIZES
def test_issuing_an_enterprise_token_for_its_status_page(open_page, site, viewport):
    firm = fresh_firms(site, BUREAU, 1, 12 if viewport is LAPTOP else 13)[0]
    other = fresh_firms(site, "410703", 1, 5 if viewport is LAPTOP else 6)[0]
    page = open_workbench(open_page, site, viewport)
    page.locator("#find-code").fill(other["credit_code"])
    page.locator("#find-code").press("Enter")
    page.locator("#firm:not([hidden])").wait_for()
    assert page.locator("#firm-token").is_hidden()  # another county's firm: not ours to issue

    page.locator("#find-code").fill(firm["credit_code"])
    page.locator("#find-code").press("Enter")
    page.locator("#firm-token:not([hidden])").wait_for()
    page.get_by_role("button", name="为该企业生成查询令牌").click()
    page.locator("#token-made:not([hidden])").wait_for()
    secret = page.locator("#token-secret").inner_text()
    link = page.locator("#token-link").get_attribute("href")
    assert secret.startswith("ecr_") and link == f"{site.origin}/status#token={secret}"
    me = api(site, "/me", token=secret)["token"]
    assert (me["role"], me["credit_code"]) == ("enterprise", firm["credit_code"])
    screenshot(page, "workbench-token")

    # In English: what this part of the page says.
    page.locator("#lang-toggle").click()
    assert page.locator("label[for=find-code]").inner_text() == "Firm's name or credit code"
    assert page.locator("#issue-token").inner_text() == "Issue a status token for this firm"
    assert page.locator("#who").inner_text().startswith("Working: 红旗区工信局 (bureau clerk)")
    assert page.locator(".import-options legend").inner_text() == "How to load"
    assert page.locator("label[for=opt-own]").inner_text() == "Load only my districts' rows"

    status = page.context.new_page()
    status.goto(link)
    status.get_by_text(firm["name"]).first.wait_for()


@SIZES
def test_a_bad_row_shows_the_firms_name_in_both_languages(open_page, site, viewport):
    firm = fresh_firms(site, BUREAU, 1, 14 if viewport is LAPTOP else 15)[0]
    code = firm["credit_code"]
    wrong = code[:-1] + ("X" if code[-1] != "X" else "Y")  # a check character mistyped
    listed = pub.city_list_csv(
        f"{INNOVATIVE_2026}（新乡市）", [("新乡市红旗区", [(firm["name"], wrong)])]
    )
    page = open_workbench(open_page, site, viewport)
    choose(page, listed)
    give_date(page)
    row = page.locator('#rows-table tbody tr[data-kinds="error"]:not([data-row=""])')
    row.wait_for()
    assert firm["name"] in row.inner_text()
    assert page.locator("#commit").is_disabled()

    page.locator("#lang-toggle").click()
    assert page.locator("#rows-table caption").inner_text() == "Row by row"
    assert "Error" in page.locator('#rows-table tbody tr[data-kinds="error"]').inner_text()
    assert page.locator("#summary li").first.inner_text().endswith("rows read")
    assert page.locator("#commit").inner_text() == "Load the list"
    assert page.locator("#source-tier").inner_text() == "read from the title"
    tier = page.locator("#fact-tier option:checked").inner_text()
    assert tier == site.tiers["innovative_sme"]["label_en"]
    assert_fits(page)
    screenshot(page, "workbench-error-row-en")
