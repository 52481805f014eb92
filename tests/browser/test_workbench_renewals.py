"""The workbench's renewal season and the firm panel as a county clerk uses them, in chromium
against gunicorn serving the demo city, at an office laptop's 1366×768 and a desk's 1920×1080:
the titles ending this year in the clerk's own county only (headers, count, pages), the other
designations behind a filter; the register form in the clerk's county; another county's firm
read-only; a revocation that asks first (cancel writes nothing; a reason is required and kept);
no revocation of an expired title; the history in words and in the registry's time."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.browser.support import BUREAU, assert_no_missing_values, screenshot
from tests.browser.test_people import account, choose_password, sign_in
from tests.support.codes import make_code
from tests.support.servers import create_token

LAPTOP = {"width": 1366, "height": 768}
DESK = {"width": 1920, "height": 1080}
SIZES = pytest.mark.parametrize("viewport", [LAPTOP, DESK], ids=["1366x768", "1920x1080"])
OTHER = "410703"  # 卫滨区
# renewed by 复核: the cultivation ladder's tiers and 头雁 (the list's default)
PRIMARY = {"innovative_sme", "specialized_sme", "little_giant", "head_goose"}
HEADERS = ["企业名称", "统一社会信用代码", "县（市、区）", "层级", "有效期至", "剩余天数", "企业"]


def open_workbench(open_page, token, viewport):
    page = open_page(f"/workbench#token={token}", viewport)
    page.wait_for_selector("#bench:not([hidden])")
    return page


def renewed(site, yes: bool = True) -> str:
    """The tiers renewed by 复核 (or the others), as the list's `tier` filter."""
    return ",".join(key for key in site.tiers if (key in PRIMARY) == yes)


def expiring(site, token, **query) -> dict:
    """The list as the API answers the same caller (the page's source of truth); `primary`
    true or false: the tiers renewed by 复核, or the others (the page's two kinds)."""
    if "primary" in query:
        query["tier"] = renewed(site, query.pop("primary") == "true")
    end = f"{site.api('/certifications?page_size=1', site.bureau_token)['as_of'][:4]}-12-31"
    params = "&".join(
        f"{k}={v}" for k, v in {"expires_by": end, "superseded": "false", **query}.items()
    )
    return site.api(f"/certifications?{params}", token)


def shown(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#expiring-table tbody tr",
        "rows => rows.map(r => ({id: Number(r.dataset.id), district: r.dataset.district,"
        " tier: r.dataset.tier, cells: [...r.cells].map(c => c.innerText.trim())}))",
    )


def wait_for_rows(page, first_id=None):
    """Wait until the table shows a page (other than the one whose first row was `first_id`)."""
    page.wait_for_function(
        """(first) => {
            const row = document.querySelector('#expiring-table tbody tr');
            return row && Number(row.dataset.id) !== first;
        }""",
        arg=first_id,
    )


def fits(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def register(site, seed: str, name: str, district: str = BUREAU) -> str:
    code = make_code(seed, district)
    reply = site.server.call(
        "POST", "/enterprises", json_body={"credit_code": code, "name": name, "district": district}
    )
    assert reply.status == 201, reply.body
    return code


def certify(site, code: str, tier: str, on: str) -> dict:
    reply = site.server.call(
        "POST",
        f"/enterprises/{code}/certifications",
        json_body={"tier": tier, "certified_on": on},
    )
    assert reply.status == 201, reply.body
    return reply.json


def find(page, code: str) -> None:
    page.locator("#find-code").fill(code)
    page.locator("#find-code").press("Enter")
    page.wait_for_function(
        "(code) => !document.getElementById('firm').hidden"
        " && document.getElementById('firm-title').textContent.includes(code)",
        arg=code,
    )


# --- the list -------------------------------------------------------------------------------


@SIZES
def test_the_list_is_the_clerks_own_county_with_headers_count_and_pages(open_page, site, viewport):
    page = open_workbench(open_page, site.bureau_token, viewport)
    wait_for_rows(page)

    assert page.locator("#expiring-table thead th").all_inner_texts() == HEADERS
    answer = expiring(site, site.bureau_token, primary="true", page_size=20)
    total = answer["pagination"]["total"]
    assert total > 20, "the demo city's 红旗区 has more than a page of titles to renew"
    count = page.locator("#expiring-count")
    assert count.inner_text() == f"红旗区：共 {total:,} 条"
    rows = shown(page)
    assert [r["id"] for r in rows] == [item["id"] for item in answer["items"]]
    assert {r["district"] for r in rows} == {BUREAU}
    assert {r["tier"] for r in rows} <= PRIMARY
    first = rows[0]["cells"]
    item = answer["items"][0]
    assert first[:6] == [
        item["name"],
        item["credit_code"],
        "红旗区",
        site.tiers[item["tier"]]["label_zh"],
        item["valid_until"],
        f"{item['days_to_expiry']} 天",
    ]
    pages = answer["pagination"]["total_pages"]
    assert page.locator("#expiring-page").inner_text() == f"第 1 / {pages} 页"
    assert page.locator("#expiring-prev").is_disabled()
    about = page.locator("#expiring-about").inner_text()
    day = answer["as_of"]
    assert about == f"有效期至 {day[:4]}-12-31 及之前、尚无复核或晋级的认定；剩余天数按 {day} 计。"
    assert_no_missing_values(page)
    fits(page)
    page.locator("#expiring-slot").scroll_into_view_if_needed()
    screenshot(page, "workbench-renewals")

    page.locator("#expiring-next").click()
    wait_for_rows(page, rows[0]["id"])
    assert page.locator("#expiring-page").inner_text() == f"第 2 / {pages} 页"
    second = expiring(site, site.bureau_token, primary="true", page_size=20, page=2)
    assert [r["id"] for r in shown(page)] == [item["id"] for item in second["items"]]
    assert {r["district"] for r in shown(page)} == {BUREAU}


def test_the_other_designations_are_behind_a_filter(open_page, site):
    page = open_workbench(open_page, site.bureau_token, LAPTOP)
    wait_for_rows(page)
    first = shown(page)[0]["id"]
    kinds = page.locator("#expiring-kinds")
    assert kinds.locator("[aria-pressed=true]").inner_text() == "梯度培育及头雁（需复核）"

    kinds.get_by_role("button", name="其他称号").click()
    wait_for_rows(page, first)
    others = expiring(site, site.bureau_token, primary="false", page_size=20)
    rows = shown(page)
    assert [r["id"] for r in rows] == [item["id"] for item in others["items"]]
    assert rows and not {r["tier"] for r in rows} & PRIMARY
    assert {r["district"] for r in rows} == {BUREAU}
    total = others["pagination"]["total"]
    assert page.locator("#expiring-count").inner_text() == f"红旗区：共 {total:,} 条"
    # A tier's label, never its key.
    assert all(r["cells"][3] == site.tiers[r["tier"]]["label_zh"] for r in rows)

    kinds.get_by_role("button", name="全部").click()
    everything = expiring(site, site.bureau_token, page_size=20)
    page.locator("#expiring-count").filter(
        has_text=f"共 {everything['pagination']['total']:,} 条"
    ).wait_for()

    # In English: the headers, the filters, the count and the tiers' labels.
    page.locator("#lang-toggle").click()
    page.locator("#expiring-count").filter(has_text="in all").wait_for()
    assert page.locator("#expiring-table thead th").all_inner_texts() == [
        "Firm",
        "Credit code",
        "District",
        "Tier",
        "Valid until",
        "Days left",
        "Firm",
    ]
    assert kinds.locator("[aria-pressed=true]").inner_text() == "All"
    rows = shown(page)
    assert all(r["cells"][3] == site.tiers[r["tier"]]["label_en"] for r in rows)
    assert all(r["cells"][5].endswith(" days") for r in rows)
    end = f"{others['as_of'][:4]}-12-31"
    assert page.locator("#expiring-about").inner_text().startswith(f"Titles valid until {end}")


def test_a_clerk_of_two_counties_reads_them_listed_in_the_pages_language(open_page, site):
    token = create_token(
        site.server.database_url,
        *("--role", "bureau", "--name", "两区工信局", "--district", BUREAU, "--district", OTHER),
    )
    page = open_workbench(open_page, token, LAPTOP)
    wait_for_rows(page)
    count = page.locator("#expiring-count")
    assert count.inner_text().startswith("红旗区、卫滨区：共")
    page.locator("#lang-toggle").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert count.inner_text().startswith("Hongqi District, Weibin District: ")


def test_the_admin_reads_the_city_and_chooses_a_county(open_page, site):
    admin = site.server.admin_token
    page = open_workbench(open_page, admin, LAPTOP)
    wait_for_rows(page)
    city = expiring(site, admin, primary="true", page_size=20)
    assert page.locator("#expiring-count").inner_text() == (
        f"全市：共 {city['pagination']['total']:,} 条"
    )
    assert len({r["district"] for r in shown(page)}) > 1

    page.locator("#expiring-district").select_option(OTHER)
    page.wait_for_function(
        """(code) => {
            const rows = [...document.querySelectorAll('#expiring-table tbody tr')];
            return rows.length && rows.every((row) => row.dataset.district === code);
        }""",
        arg=OTHER,
    )
    county = expiring(site, admin, primary="true", page_size=20, district=OTHER)
    assert [r["id"] for r in shown(page)] == [item["id"] for item in county["items"]]
    assert {r["district"] for r in shown(page)} == {OTHER}
    assert page.locator("#expiring-count").inner_text() == (
        f"卫滨区：共 {county['pagination']['total']:,} 条"
    )


def test_the_export_is_the_same_list(open_page, site):
    page = open_workbench(open_page, site.bureau_token, LAPTOP)
    wait_for_rows(page)
    with page.expect_download() as download:
        page.locator("#expiring-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    data = download.value.path().read_bytes()
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    total = expiring(site, site.bureau_token, primary="true")["pagination"]["total"]
    assert len(rows) == total
    assert {row[header.index("县（市、区）")] for row in rows} == {"红旗区"}


# --- the firm panel: the clerk's county, read-only elsewhere ----------------------------------


def test_the_register_form_defaults_to_the_clerks_county(open_page, site):
    token = create_token(
        site.server.database_url, "--role", "bureau", "--name", "卫滨区工信局", "--district", OTHER
    )
    page = open_workbench(open_page, token, LAPTOP)
    page.wait_for_function("() => document.getElementById('reg-district').value === '410703'")
    page.get_by_role("button", name="登记新企业").click()
    assert page.locator("#reg-district").input_value() == OTHER
    # …and its list is 卫滨区's.
    wait_for_rows(page)
    assert {r["district"] for r in shown(page)} == {OTHER}
    assert page.locator("#expiring-count").inner_text().startswith("卫滨区：共")


def test_a_clerk_signed_in_as_themselves_gets_their_county(open_page, site):
    once = account(site, "weibin.renewals", "bureau", OTHER)
    page = open_page("/login", LAPTOP)
    sign_in(page, "weibin.renewals", once)
    choose_password(page, "Weibin-2026-desk")
    page.goto(site.origin + "/workbench")
    page.wait_for_selector("#bench:not([hidden])")
    page.wait_for_function("() => document.getElementById('reg-district').value === '410703'")
    wait_for_rows(page)
    assert {r["district"] for r in shown(page)} == {OTHER}
    assert page.locator("#expiring-count").inner_text().startswith("卫滨区：共")


def test_another_countys_firm_opens_read_only(open_page, site):
    theirs = register(site, "rn-b-theirs", "新乡市卫滨区浏览器只读测试有限公司", OTHER)
    certify(site, theirs, "innovative_sme", "2026-05-20")
    mine = register(site, "rn-b-mine", "新乡市红旗区浏览器可写测试有限公司")
    page = open_workbench(open_page, site.bureau_token, LAPTOP)
    page.wait_for_function("() => document.getElementById('reg-district').value === '410702'")

    find(page, theirs)
    note = page.locator("#firm-readonly")
    assert note.is_visible() and note.inner_text() == "该企业属于卫滨区，仅可查看。"
    assert page.locator("#correct-form").is_hidden()
    assert page.locator("#certify-form").is_hidden()
    assert page.locator("#certs-table").get_by_role("button").count() == 0
    assert page.locator("#certs-revoke-col").is_hidden()
    screenshot(page, "workbench-read-only")

    find(page, mine)
    assert page.locator("#firm-readonly").is_hidden()
    assert page.locator("#correct-form").is_visible()
    assert page.locator("#certify-form").is_visible()


# --- revoking asks first ----------------------------------------------------------------------


def stored(site, code: str) -> dict:
    [cert] = site.server.call("GET", f"/enterprises/{code}/certifications").json["items"]
    return cert


@SIZES
def test_revoking_asks_first_and_keeps_the_reason(open_page, site, viewport):
    name = f"新乡市红旗区浏览器撤销确认{viewport['width']}有限公司"
    code = register(site, f"rn-revoke-{viewport['width']}", name)
    certify(site, code, "innovative_sme", "2026-06-20")
    page = open_workbench(open_page, site.bureau_token, viewport)
    find(page, code)
    row = page.locator('#certs-table tbody tr[data-tier="innovative_sme"]')
    dialog = page.locator("#revoke-dialog")

    # Cancel writes nothing.
    row.get_by_role("button", name="撤销 创新型中小企业（2026 年度）").click()
    dialog.wait_for(state="visible")
    text = dialog.inner_text()
    assert name in text and code in text
    assert "创新型中小企业（2026 年度，有效期至 2028-12-31）" in text
    assert "三年限制期" in text and "无法撤回" in text
    assert "专精特新中小企业" in text  # the whole ladder is barred
    assert (
        page.locator("#revoke-date").input_value()
        == dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    )
    fits(page)
    screenshot(page, "workbench-revoke-dialog")
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")
    assert stored(site, code)["status"] == "active"

    # A reason is required: the dialog says so and writes nothing.
    row.get_by_role("button", name="撤销 创新型中小企业（2026 年度）").click()
    page.locator("#revoke-reason").fill("   ")
    dialog.get_by_role("button", name="确认撤销").click()
    page.locator("#revoke-error").filter(has_text="请填写撤销原因").wait_for()
    assert page.locator("#revoke-reason").get_attribute("aria-invalid") == "true"
    assert stored(site, code)["status"] == "active"

    page.locator("#revoke-reason").fill("企业存在数据造假，经核查属实")
    dialog.get_by_role("button", name="确认撤销").click()
    page.locator("#firm-message").filter(has_text="已撤销该认定").wait_for()
    assert dialog.is_hidden()
    cert = stored(site, code)
    assert (cert["status"], cert["revocation_reason"]) == (
        "revoked",
        "企业存在数据造假，经核查属实",
    )
    assert row.get_attribute("data-status") == "revoked"
    assert row.get_by_role("button").count() == 0  # nothing left to revoke


def test_a_title_revoked_in_the_panel_leaves_the_list(open_page, site):
    year = int(site.api("/certifications?page_size=1", site.bureau_token)["as_of"][:4])
    code = register(site, "rn-revoke-listed", "新乡市红旗区浏览器到期撤销有限公司")
    certify(site, code, "innovative_sme", f"{year - 2}-06-20")  # ends on 31 December this year
    page = open_workbench(open_page, site.bureau_token, LAPTOP)
    total = expiring(site, site.bureau_token, primary="true")["pagination"]["total"]
    count = page.locator("#expiring-count")
    count.filter(has_text=f"红旗区：共 {total:,} 条").wait_for()
    find(page, code)
    row = page.locator('#certs-table tbody tr[data-tier="innovative_sme"]')
    row.get_by_role("button", name=f"撤销 创新型中小企业（{year - 2} 年度）").click()
    page.locator("#revoke-reason").fill("企业已注销")
    page.locator("#revoke-dialog").get_by_role("button", name="确认撤销").click()
    count.filter(has_text=f"红旗区：共 {total - 1:,} 条").wait_for()  # read again, not reloaded


def test_an_expired_title_has_no_revoke_control(open_page, site):
    code = register(site, "rn-expired", "新乡市红旗区浏览器过期认定有限公司")
    certify(site, code, "innovative_sme", "2022-06-20")  # valid until 2024-12-31
    certify(site, code, "innovative_sme", "2026-06-20")
    page = open_workbench(open_page, site.bureau_token, LAPTOP)
    find(page, code)
    rows = page.locator("#certs-table tbody tr")
    expired = rows.filter(has_text="2024-12-31")
    assert expired.get_attribute("data-status") == "expired"
    assert expired.get_by_role("button").count() == 0
    active = rows.filter(has_text="2028-12-31")
    assert active.get_by_role("button", name="撤销 创新型中小企业（2026 年度）").count() == 1


# --- the history ------------------------------------------------------------------------------


def test_the_history_in_words_and_in_the_registrys_time(open_page, site):
    code = register(site, "rn-history", "新乡市红旗区浏览器历史测试有限公司")
    cert = certify(site, code, "innovative_sme", "2026-06-20")
    revoked = site.server.call(
        "POST", f"/certifications/{cert['id']}/revoke", json_body={"reason": "主动申请撤销"}
    )
    assert revoked.status == 200, revoked.body
    events = site.server.call("GET", f"/enterprises/{code}/history").json
    assert events["time_zone"] == "Asia/Shanghai"
    zone = ZoneInfo(events["time_zone"])
    times = [
        dt.datetime.fromisoformat(e["at"]).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        for e in events["items"]
    ]

    page = open_workbench(open_page, site.bureau_token, LAPTOP)
    find(page, code)
    items = page.locator("#history li")
    items.nth(2).wait_for()
    lines = items.all_inner_texts()
    assert len(lines) == 3
    assert lines[0].startswith(f"{times[0]} 登记企业")
    assert lines[1].startswith(f"{times[1]} 认定：创新型中小企业 2026 年度")
    assert lines[2].startswith(f"{times[2]} 撤销认定：创新型中小企业 2026 年度")
    assert "原因：主动申请撤销" in lines[2]
    assert all(re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} ", line) for line in lines)
    assert not any("T" in line.split(" ")[0] or "+00:00" in line for line in lines)
    assert not any("enterprise." in line or "certification." in line for line in lines)

    page.locator("#lang-toggle").click()
    page.locator("#history li").first.filter(has_text="Registered the firm").wait_for()
    english = page.locator("#history li").all_inner_texts()
    assert english[2].startswith(f"{times[2]} Revoked a certification")
    assert "reason: 主动申请撤销" in english[2]
