"""The status page shows the firm's open applications under its titles, each at its stage since
its last move (Chinese first, the English switch), at 1366×768; a closed one is not shown, and
a firm with none shows no such section. The audit page names the applications' actions."""

import datetime as dt

from registry.services.clock import today
from tests.browser.support import assert_no_missing_values, screenshot
from tests.browser.test_people import signed_in_afresh
from tests.support.codes import make_code

SMALL = {"width": 1366, "height": 768}


def _call(site, method, path, body=None):
    reply = site.server.call(method, path, json_body=body)
    assert reply.status < 300, (path, reply.status, reply.body[:300])
    return reply.json


def _firm(site, seed, name):
    code = make_code(f"status-applications-{seed}")
    _call(site, "POST", "/enterprises", {"credit_code": code, "name": name, "district": "410702"})
    token = _call(
        site, "POST", "/tokens", {"role": "enterprise", "name": name, "credit_code": code}
    )["secret"]
    return code, token


def test_the_firm_sees_its_open_applications_and_their_stage(open_page, site):
    code, token = _firm(site, "open", "新乡市申报测试有限公司")
    year = today().year
    since = (today() - dt.timedelta(days=20)).isoformat()
    opened = _call(
        site,
        "POST",
        f"/enterprises/{code}/applications",
        {"tier": "innovative_sme", "year": year, "batch": "第一批"},
    )
    _call(site, "PATCH", f"/applications/{opened['id']}", {"stage": "reviewed", "on": since})
    closed = _call(
        site, "POST", f"/enterprises/{code}/applications", {"tier": "specialized_sme", "year": year}
    )
    _call(site, "PATCH", f"/applications/{closed['id']}", {"stage": "withdrawn"})

    page = open_page(f"/status#token={token}", SMALL)
    page.wait_for_selector("#applications:not([hidden]) li")
    assert page.locator("#applications-heading").inner_text() == "在办申报"
    items = page.locator("#application-list li")
    assert items.count() == 1
    assert (
        items.first.inner_text() == f"{year} 年度 创新型中小企业（第一批） · 市级审核（{since} 起）"
    )
    # Under the firm's titles, before the next step.
    order = page.evaluate(
        """() => [...document.querySelectorAll('.standing, #applications, #advice')]
                 .map((node) => node.id || node.className)"""
    )
    assert order == ["standing", "applications", "advice"], order
    assert_no_missing_values(page)
    screenshot(page, "status-applications", full_page=True)

    page.locator("#lang-toggle").click()
    assert page.locator("#applications-heading").inner_text() == "Applications under way"
    english = items.first.inner_text()
    assert english == f"Innovative SME, {year} (第一批) · reviewed by the city (since {since})"


def test_a_firm_without_open_applications_shows_none(open_page, site):
    _, token = _firm(site, "none", "新乡市无申报测试有限公司")
    page = open_page(f"/status#token={token}", SMALL)
    page.wait_for_selector("#advice[data-kind]:not([hidden])")
    assert page.locator("#applications").is_hidden()


def test_the_audit_page_names_the_applications_actions(open_page, site):
    code, _ = _firm(site, "audit", "新乡市审计测试有限公司")
    opened = _call(
        site, "POST", f"/enterprises/{code}/applications", {"tier": "innovative_sme", "year": 2026}
    )
    _call(site, "PATCH", f"/applications/{opened['id']}", {"stage": "recommended"})
    page = signed_in_afresh(open_page, site, "pipeline.auditor", "auditor", "Pipeline-2026-ok")
    page.wait_for_selector("#audit-panel:not([hidden])")
    page.locator("#audit-kind").select_option("application.")
    page.wait_for_function(
        "() => { const rows = [...document.querySelectorAll('#audit-table tbody tr')];"
        " return rows.some(r => r.dataset.action === 'application.moved')"
        " && rows.every(r => r.dataset.action.startsWith('application.')); }"
    )
    rows = page.eval_on_selector_all("#audit-table tbody tr", "rows => rows.map(r => r.innerText)")
    assert any("登记申报（application.created）" in row for row in rows)
    assert any("变更申报阶段（application.moved）" in row for row in rows)
    page.locator("#lang-toggle").click()
    page.wait_for_function(
        "() => document.querySelector('#audit-table tbody tr').innerText.includes('application')"
        " && document.documentElement.lang === 'en'"
    )
    rows = page.eval_on_selector_all("#audit-table tbody tr", "rows => rows.map(r => r.innerText)")
    assert any("Moved an application (application.moved)" in row for row in rows)
