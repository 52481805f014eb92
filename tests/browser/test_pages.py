"""The status page and the docs as a person sees them, in chromium against gunicorn serving the
demo city: the status page shows the firm's tier; the docs list every operation and try one with
a token; no token reaches the server's log. The big screen is in test_dashboard.py, the
workbench in test_workbench.py. Each page is photographed (tests/artifacts/)."""

import re

from tests.browser.support import PHONE, assert_no_missing_values, screenshot
from tests.support.codes import make_code

YEAR = 2024
STATUS_ZH = {"active": "有效", "expired": "已过期", "revoked": "已撤销"}


def test_the_status_page_shows_the_firms_tier(open_page, site):
    status = site.status
    page = open_page("/status")
    page.get_by_label("统一社会信用代码").fill(site.enterprise_code.lower())
    page.get_by_label("企业令牌").fill(site.enterprise_token)
    page.get_by_label("企业令牌").press("Enter")
    page.wait_for_selector("#result:not([hidden])")
    assert page.locator("#firm-name").text_content() == status["name"]
    assert (
        page.locator("#current-tier .tier-name").text_content()
        == (site.tiers[status["current_tier"]]["label_zh"])
    )
    assert (
        page.locator("#next-tier .tier-name").text_content()
        == (site.tiers[status["next_tier"]]["label_zh"])
    )
    current = page.locator('#ladder [aria-current="step"]')
    assert current.get_attribute("data-tier") == status["current_tier"]
    rows = page.eval_on_selector_all(
        "#certs tbody tr",
        "rows => rows.map(r => [r.dataset.tier, r.dataset.status, r.innerText])",
    )
    assert len(rows) == len(status["certifications"])
    for (tier, state, text), cert in zip(rows, status["certifications"], strict=True):
        assert (tier, state) == (cert["tier"], cert["status"])
        assert cert["valid_until"] in text
        assert STATUS_ZH[cert["status"]] in text  # the status in words, not only colour
        if cert["days_to_expiry"] is not None:
            assert f"{cert['days_to_expiry']:,} 天" in text
    assert_no_missing_values(page)
    screenshot(page, "status")
    assert "token" not in page.url


def test_the_status_page_needs_only_the_enterprises_token(open_page, site):
    """The token says which firm it is (GET /me): a firm types no credit code."""
    page = open_page(f"/status#token={site.enterprise_token}")
    page.wait_for_selector("#result:not([hidden])")
    assert page.locator("#firm-name").text_content() == site.status["name"]
    assert page.locator("#firm-code").text_content() == site.enterprise_code


def test_the_status_page_refuses_another_firms_code(open_page, site):
    other = make_code("someone-else")
    page = open_page(f"/status#code={other}&token={site.enterprise_token}")
    page.get_by_role("alert").filter(has_text="此令牌不属于该企业").wait_for()
    assert page.locator("#result").is_hidden()


def test_the_status_page_on_a_phone(open_page, site):
    page = open_page(f"/status#code={site.enterprise_code}&token={site.enterprise_token}", PHONE)
    page.wait_for_selector("#result:not([hidden])")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    assert_no_missing_values(page)
    screenshot(page, "status", full_page=True)


def test_the_docs_list_every_operation_and_try_one_with_a_token(open_page, site):
    spec = site.api("/openapi.json")
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "put", "delete"}
    }
    page = open_page("/api/v1/docs")
    page.wait_for_selector(".opblock")
    shown = page.eval_on_selector_all(
        ".opblock",
        """blocks => blocks.map(b => [b.querySelector('.opblock-summary-method').textContent,
                                      b.querySelector('.opblock-summary-path').dataset.path])""",
    )
    assert {(method, path) for method, path in shown} == operations
    screenshot(page, "docs")

    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    # The bearer token's scheme (the session cookie's is listed beside it).
    scheme = page.locator(".modal-ux .auth-container", has=page.locator("#auth-bearer-value"))
    scheme.locator("input").fill(site.dashboard_token)
    scheme.locator("button.authorize").click()
    page.locator(".modal-ux button.btn-done").first.click()  # one Close per scheme: any closes
    block = page.locator(
        ".opblock-get",
        has=page.locator('.opblock-summary-path[data-path="/api/v1/stats/certifications"]'),
    )
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.locator('input[placeholder="year"]').fill(str(YEAR))
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table tr.response .response-col_status").first
    status.wait_for()
    assert status.text_content().strip() == "200"
    assert "Authorization: Bearer" in block.locator(".curl-command").first.text_content()


def test_the_docs_on_a_phone(open_page, site):
    page = open_page("/api/v1/docs", PHONE)
    page.wait_for_selector(".opblock")
    screenshot(page, "docs")


def test_tokens_never_reach_the_server_log(open_page, site):
    page = open_page(f"/dashboard#token={site.dashboard_token}&year=2024")
    page.wait_for_selector("#targets .card")
    page.reload()
    page.wait_for_selector("#targets .card")
    bench = open_page(f"/workbench#token={site.bureau_token}")
    bench.wait_for_selector("#bench:not([hidden])")
    log = site.server.log()
    assert "/dashboard" in log and "/workbench" in log  # the access log saw the pages
    for token in (site.dashboard_token, site.enterprise_token, site.bureau_token):
        assert token not in log
