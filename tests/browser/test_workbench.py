"""The clerk's workbench in chromium against gunicorn serving the demo city, with a 红旗区 bureau
token: a names-only provincial list dropped on the page, its date given once, one name resolved
by picking a candidate, the preview row by row with filters, the load and the audit events it
wrote; a correction that races another gets a plain 412 message; register, certify, revoke.
Photographed in tests/artifacts/."""

import pytest

from tests.browser.support import (
    BUREAU,
    PHONE,
    assert_no_missing_values,
    screenshot,
)
from tests.support.codes import make_code

WIDE = {"width": 1440, "height": 1000}


def open_workbench(open_page, site, viewport=WIDE):
    page = open_page(f"/workbench#token={site.bureau_token}", viewport)
    page.wait_for_selector("#bench:not([hidden])")
    return page


def register(site, seed: str, name: str) -> str:
    code = make_code(seed, BUREAU)
    reply = site.server.call(
        "POST", "/enterprises", json_body={"credit_code": code, "name": name, "district": BUREAU}
    )
    assert reply.status == 201, reply.body
    return code


def drop_file(page, name: str, text: str) -> None:
    """Drag a file onto the drop zone, as a clerk drags the list from the notice's folder."""
    page.evaluate(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, {type: "text/csv"}));
            const zone = document.getElementById("drop");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
        }""",
        [name, text],
    )


def shown_rows(page) -> dict[int, dict]:
    rows = page.eval_on_selector_all(
        "#rows-table tbody tr[data-row]",
        """rows => rows.map(r => ({row: r.dataset.row, kinds: r.dataset.kinds.split(' '),
            text: r.innerText}))""",
    )
    return {int(r["row"]): r for r in rows if r["row"]}


def test_a_names_only_list_loaded_through_the_workbench(open_page, site):
    names = ["新乡市红旗区浏览器精工机械有限公司", "新乡市红旗区浏览器智能装备有限公司"]
    codes = [register(site, f"wb-{i}", name) for i, name in enumerate(names)]
    near = register(site, "wb-near", "新乡市红旗区浏览器电子科技有限公司")
    typo = "新乡市红旗区浏览器电子科技有限责任公司"  # the province's wording of `near`
    listed = [
        "附件",
        "2025年度河南省创新型中小企业名单（第三批）",
        "序号,所属地市,企业名称",
        "1,郑州市,郑州宇通客车股份有限公司",
        f"2,新乡市,{names[0]}",
        f"3,新乡市,{names[1]}",
        f"4,新乡市,{typo}",
    ]
    page = open_workbench(open_page, site)
    drop_file(page, "创新型中小企业名单.csv", "\r\n".join(listed) + "\r\n")

    # The facts read from the title are filled in; the date the list does not state is asked for.
    page.wait_for_selector("#facts-form:not([hidden])")
    page.wait_for_function("() => document.getElementById('fact-tier').value !== ''")
    assert page.locator("#fact-tier").input_value() == "innovative_sme"
    assert page.locator("#fact-year").input_value() == "2025"
    assert page.locator("#fact-batch").input_value() == "第三批"
    assert page.locator("#source-tier").text_content() == "读自标题"
    assert page.locator("#source-certified_on").text_content() == "名单未写明，请填写"
    assert page.locator("#fact-certified_on").get_attribute("aria-invalid") == "true"
    assert page.locator("#commit").is_disabled()

    page.locator("#fact-certified_on").fill("2025-12-15")
    page.locator("#fact-certified_on").press("Enter")  # the keyboard submits the facts
    page.wait_for_selector("#rows-table select[data-name]")
    rows = shown_rows(page)
    assert rows[4]["kinds"] == ["skipped"]  # 郑州市: another city
    assert rows[5]["kinds"] == ["created", "matched"] and codes[0] in rows[5]["text"]
    assert rows[6]["kinds"] == ["created", "matched"] and codes[1] in rows[6]["text"]
    assert rows[7]["kinds"] == ["unresolved"]
    screenshot(page, "workbench-preview")

    # One name to resolve: its likeliest firm is offered, picked by the clerk.
    resolver = page.locator(f'#rows-table select[data-name="{typo}"]')
    assert near in resolver.locator("option").nth(1).get_attribute("value")
    resolver.select_option(near)
    page.locator("#apply-resolve").click()
    page.locator("#import-status.success").wait_for()
    rows = shown_rows(page)
    assert rows[7]["kinds"] == ["created", "resolved"] and near in rows[7]["text"]
    assert not page.locator("#commit").is_disabled()

    # Filters: the rows matched by name, then all of them again.
    page.locator('#filters button[data-kind="matched"]').click()
    assert set(shown_rows(page)) == {5, 6}
    assert page.locator('#filters button[data-kind="matched"]').get_attribute("aria-pressed") == (
        "true"
    )
    page.locator('#filters button[data-kind="all"]').click()
    assert set(shown_rows(page)) == {4, 5, 6, 7}

    page.locator("#commit").click()
    page.wait_for_selector("#result-area:not([hidden])")
    result = page.locator("#result").text_content()
    assert "新增认定 3 条" in result and "跳过 1 行" in result
    page.wait_for_selector("#events-table tbody tr")
    events = page.eval_on_selector_all(
        "#events-table tbody tr", "rows => rows.map(r => r.innerText)"
    )
    assert len(events) == 3 and all("import.row" in e for e in events)
    for code in [*codes, near]:  # what the page says, the registry holds
        certs = site.server.call("GET", f"/enterprises/{code}/certifications").json["items"]
        assert [(c["tier"], c["year"], c["certified_on"]) for c in certs] == [
            ("innovative_sme", 2025, "2025-12-15")
        ]
        assert any(code in e for e in events)
    assert_no_missing_values(page)
    screenshot(page, "workbench-loaded", full_page=True)


def test_a_correction_racing_another_shows_a_plain_412(open_page, site):
    code = register(site, "wb-race", "新乡市红旗区浏览器并发测试有限公司")
    page = open_workbench(open_page, site)
    page.locator("#find-code").fill(code)
    page.locator("#find-code").press("Enter")
    page.wait_for_selector("#firm:not([hidden])")
    assert page.locator("#fix-name").input_value() == "新乡市红旗区浏览器并发测试有限公司"

    # Meanwhile, another clerk corrects the same firm.
    tag = site.server.call("GET", f"/enterprises/{code}").headers["etag"]
    other = site.server.call(
        "PATCH",
        f"/enterprises/{code}",
        json_body={"name": "新乡市红旗区浏览器并发测试股份有限公司"},
        headers={"If-Match": tag},
    )
    assert other.status == 200, other.body

    page.locator("#fix-name").fill("新乡市红旗区浏览器并发测试集团有限公司")
    page.get_by_role("button", name="保存更正").click()
    message = page.locator("#firm-message")
    message.filter(has_text="412").wait_for()
    assert "已被他人修改" in message.text_content()
    assert site.server.call("GET", f"/enterprises/{code}").json["name"] == (
        "新乡市红旗区浏览器并发测试股份有限公司"
    ), "the stale correction wrote nothing"
    screenshot(page, "workbench-412")

    page.get_by_role("button", name="重新载入").click()
    page.wait_for_function(
        "() => document.getElementById('fix-name').value.endsWith('股份有限公司')"
    )
    page.locator("#fix-name").fill("新乡市红旗区浏览器并发测试集团有限公司")
    page.get_by_role("button", name="保存更正").click()
    message.filter(has_text="已保存更正").wait_for()
    assert site.server.call("GET", f"/enterprises/{code}").json["name"] == (
        "新乡市红旗区浏览器并发测试集团有限公司"
    )


def test_register_certify_and_revoke_on_the_workbench(open_page, site):
    code = make_code("wb-new-firm", BUREAU)
    page = open_workbench(open_page, site)
    page.locator("#find-code").fill(code)
    page.get_by_role("button", name="登记新企业").click()
    assert page.locator("#reg-code").input_value() == code
    page.locator("#reg-name").fill("新乡市红旗区浏览器登记测试有限公司")
    page.locator("#reg-district").select_option(BUREAU)
    page.get_by_role("button", name="登记", exact=True).click()
    page.locator("#firm-message").filter(has_text="已登记").wait_for()

    page.locator("#cert-tier").select_option("innovative_sme")
    page.locator("#cert-year").fill("2026")
    page.locator("#cert-date").fill("2026-06-20")
    page.locator("#cert-doc").fill("豫工信企业〔2026〕52号")
    page.get_by_role("button", name="记录", exact=True).click()
    page.locator("#firm-message").filter(has_text="已记录认定").wait_for()
    row = page.locator('#certs-table tbody tr[data-tier="innovative_sme"]')
    assert "2028-12-31" in row.inner_text()  # 31 December of the announcement's year + 3 − 1
    assert row.get_attribute("data-status") == "active"

    row.get_by_role("button", name="撤销 创新型中小企业（2026 年度）").click()
    page.locator("#revoke-reason").fill("数据造假")
    page.locator("#revoke-dialog").get_by_role("button", name="确认撤销").click()
    page.locator("#firm-message").filter(has_text="已撤销该认定").wait_for()
    assert (
        page.locator('#certs-table tbody tr[data-tier="innovative_sme"]').get_attribute(
            "data-status"
        )
        == "revoked"
    )
    [cert] = site.server.call("GET", f"/enterprises/{code}/certifications").json["items"]
    assert (cert["status"], cert["revocation_reason"]) == ("revoked", "数据造假")
    screenshot(page, "workbench-firm", full_page=True)


def test_a_bureau_cannot_write_outside_its_districts_and_is_told(open_page, site):
    page = open_workbench(open_page, site)
    page.locator("#find-code").fill(make_code("wb-elsewhere", "410703"))
    page.get_by_role("button", name="登记新企业").click()
    page.locator("#reg-name").fill("新乡市卫滨区浏览器越权测试有限公司")
    page.locator("#reg-district").select_option("410703")
    page.get_by_role("button", name="登记", exact=True).click()
    page.locator("#firm-message").filter(has_text="403").wait_for()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_the_workbench_in_english_and_on_a_phone(open_page, site, viewport):
    page = open_page(f"/workbench#token={site.bureau_token}&lang=en", viewport)
    page.wait_for_selector("#bench:not([hidden])")
    assert page.locator("h1").text_content() == "Bureau workbench"
    assert page.locator("#drop").inner_text().startswith("Drop the list here")
    # the renewal season's slot shows once the registry answers GET /certifications
    page.locator("#expiring-slot").wait_for(state="visible")
    assert page.locator("#expiring-heading").text_content() != "本年度到期、尚未复核的认定"
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    screenshot(page, "workbench-en", full_page=True)


def test_the_workbench_refuses_a_dashboard_token(open_page, site):
    page = open_page(f"/workbench#token={site.dashboard_token}")
    page.get_by_role("alert").filter(has_text="无权使用工作台").wait_for()
    assert page.locator("#bench").is_hidden()
