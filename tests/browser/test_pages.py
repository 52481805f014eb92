"""The pages as a person sees them, in chromium against gunicorn with 2000 demo enterprises:
the dashboard's numbers are the API's, its district table adds up, it updates in place; the
status page shows the firm's tier; the docs list every operation and try one with a token.
Each page is also photographed at 1920×1080 and on a 390×844 phone (tests/artifacts/)."""

import re

import pytest

from tests.browser.support import DESKTOP, PHONE, PLAN, screenshot, valid_code

YEAR = 2024
PACE_ZH = {"achieved": "已完成", "ahead": "超前", "on_track": "正常", "behind": "落后"}
STATUS_ZH = {"active": "有效", "expired": "已过期", "revoked": "已撤销"}


def number(text: str) -> float:
    return float(text.replace(",", "").strip())


def assert_no_missing_values(page) -> None:
    """A value the script failed to fill shows as null, undefined or NaN."""
    text = page.locator("body").inner_text()
    assert not re.search(r"(?<![A-Za-z])(null|undefined|NaN)(?![A-Za-z])", text), text


def open_dashboard(open_page, site, *, viewport=DESKTOP, extra: str = ""):
    page = open_page(f"/dashboard#token={site.dashboard_token}&year={YEAR}{extra}", viewport)
    page.wait_for_selector("#targets .target")
    return page


def shown_targets(page) -> dict[str, dict]:
    rows = page.eval_on_selector_all(
        "#targets .target",
        """items => items.map(item => ({
            key: item.dataset.key, tier: item.dataset.tier, kind: item.dataset.kind,
            pace: item.dataset.pace,
            name: item.querySelector('.tier').textContent,
            pace_text: item.querySelector('.pace').textContent,
            achieved: item.querySelector('.achieved').textContent,
            target: item.querySelector('.target-value').textContent,
            completion: item.querySelector('.completion').textContent,
            expected: item.querySelector('.expected').textContent,
            remaining: item.querySelector('.remaining').textContent,
            fill: item.querySelector('.bar-fill').style.width,
            mark: item.querySelector('.bar-expected').style.left,
            valuenow: item.querySelector('.bar').getAttribute('aria-valuenow'),
        }))""",
    )
    return {row["key"]: row for row in rows}


def shown_districts(page) -> dict[str, dict[str, int]]:
    """{district code or 'city': {target key: achieved}} as the table shows it."""
    rows = page.eval_on_selector_all(
        "#district-table tbody tr, #district-table tfoot tr",
        """rows => rows.map(row => [row.dataset.district, [...row.querySelectorAll('td')].map(
            cell => [cell.dataset.key, cell.querySelector('.count').textContent])])""",
    )
    return {code: {key: int(number(text)) for key, text in cells} for code, cells in rows}


def designations(api) -> dict[str, int]:
    """{target key: achieved} of the targets that count a designation (the district table's)."""
    return {r["key"]: r["achieved"] for r in api["targets"] if r["tier"]}


def test_the_dashboard_shows_the_apis_numbers(open_page, site):
    page = open_dashboard(open_page, site)
    api = site.api(f"/plans/{PLAN}/progress?year={YEAR}")
    shown = shown_targets(page)
    assert set(shown) == {row["key"] for row in api["targets"]}
    for row in api["targets"]:
        seen = shown[row["key"]]
        label = site.tiers[row["tier"]]["label_zh"] if row["tier"] else row["label_zh"]
        assert seen["name"] == label
        assert number(seen["achieved"]) == row["achieved"]
        assert number(seen["target"]) == row["target"]
        assert number(seen["remaining"]) == row["remaining"]
        assert seen["completion"] == f"{row['completion'] * 100:.1f}%"
        assert number(seen["expected"]) == round(row["expected"], 1)
        assert seen["pace"] == row["pace"]
        assert PACE_ZH[row["pace"]] in seen["pace_text"]  # the pace in words, not only colour
        assert int(seen["valuenow"]) == row["achieved"]
        fill = min(row["achieved"] / row["target"], 1) * 100
        assert float(seen["fill"].rstrip("%")) == pytest.approx(fill)
        mark = min(row["expected"] / row["target"], 1) * 100
        assert float(seen["mark"].rstrip("%")) == pytest.approx(mark)
    assert page.locator("#year-select").input_value() == str(YEAR)
    assert "token" not in page.url, "the token stays out of the address bar"
    assert_no_missing_values(page)
    screenshot(page, "dashboard")


def test_the_district_table_adds_up_to_the_city(open_page, site):
    page = open_dashboard(open_page, site)
    table = shown_districts(page)
    districts = site.api("/districts")
    assert set(table) == {d["code"] for d in districts} | {"city"}
    api = site.api(f"/plans/{PLAN}/progress?year={YEAR}")
    city = designations(api)
    assert table["city"] == city
    for key, achieved in city.items():
        assert sum(table[d["code"]][key] for d in districts) == achieved, key
    for district in districts:  # and each district is the API's own count for it
        api = site.api(f"/plans/{PLAN}/progress?year={YEAR}&district={district['code']}")
        assert table[district["code"]] == designations(api)


def test_the_month_chart_is_the_monthly_statistics(open_page, site):
    page = open_dashboard(open_page, site)
    bars = page.eval_on_selector_all(
        "#month-chart .month",
        "items => items.map(i => [i.dataset.month, i.querySelector('.month-count').textContent])",
    )
    shown = {month: int(number(count)) for month, count in bars}
    rows = site.api(f"/stats/certifications?group_by=month&year={YEAR}")["rows"]
    assert rows, "demo data has certifications in the year"
    assert {m: c for m, c in shown.items() if c} == {r["month"]: r["count"] for r in rows}
    assert [f"{YEAR}-{m:02d}" for m in range(1, 13)] == list(shown)[:12]
    total = sum(r["count"] for r in rows)
    assert f"{total:,}" in page.locator("#month-caption").text_content()


def test_the_dashboard_polls_with_etags_and_updates_in_place(open_page, site):
    requests, answers = [], []
    page = open_dashboard(open_page, site, extra="&poll=2")
    page.on("request", lambda r: requests.append((r.url, r.headers.get("if-none-match"))))
    page.on("response", lambda r: answers.append((r.url, r.status)))
    page.evaluate("window.loadedOnce = true")
    city = f"/progress?year={YEAR}"
    page.wait_for_timeout(4500)  # two polls, nothing written
    polls = [(url, tag) for url, tag in requests if url.endswith(city)]
    assert len(polls) >= 2 and all(tag for _, tag in polls), "polls carry If-None-Match"
    assert all(status == 304 for url, status in answers if url.endswith(city))
    assert not [url for url, _ in requests if "district=" in url], "304: nothing else fetched"

    before = shown_targets(page)["innovative_sme_new"]
    before_district = shown_districts(page)["410702"]["innovative_sme_new"]
    code = valid_code("browser-update")
    created = site.server.call(
        "POST",
        "/enterprises",
        json_body={"credit_code": code, "name": "新乡市看板测试有限公司", "district": "410702"},
    )
    assert created.status == 201, created.body
    certified = site.server.call(
        "POST",
        f"/enterprises/{code}/certifications",
        json_body={"tier": "innovative_sme", "year": YEAR, "certified_on": f"{YEAR}-12-30"},
    )
    assert certified.status == 201, certified.body
    expected = f"{int(number(before['achieved'])) + 1:,}"
    page.wait_for_function(
        """expected => document.querySelector('#targets .target[data-tier="innovative_sme"]'
            + ' .achieved').textContent === expected""",
        arg=expected,
        timeout=10_000,
    )
    assert page.evaluate("window.loadedOnce") is True, "updated without a reload"
    assert shown_districts(page)["410702"]["innovative_sme_new"] == before_district + 1
    api = site.api(f"/plans/{PLAN}/progress?year={YEAR}")
    assert designations(api) == shown_districts(page)["city"]


def test_the_dashboard_asks_for_a_token_and_works_by_keyboard(open_page, site):
    page = open_page("/dashboard")
    page.wait_for_selector("#token-input:focus")  # the form is shown, ready to type in
    page.keyboard.type("not-a-token")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    alert.filter(has_text="令牌无效").wait_for()
    assert page.locator("#board").is_hidden()
    page.keyboard.type(site.dashboard_token)
    page.keyboard.press("Enter")
    page.wait_for_selector("#targets .target")
    assert page.evaluate("sessionStorage.getItem('registry.dashboard.token')") == (
        site.dashboard_token
    )
    for _ in range(10):  # Tab through the header to the language switch, and press it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "lang-toggle":
            break
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").text_content() == "Cultivation progress dashboard"
    assert page.locator("#lang-toggle").text_content() == "中文"
    page.reload()  # the token is kept for the tab, the language for the browser
    page.wait_for_selector("#targets .target")
    assert page.locator("h1").text_content() == "Cultivation progress dashboard"
    page.select_option("#year-select", "2025")
    page.wait_for_selector('#targets .target[data-tier="head_goose"]')
    assert "year=2025" in page.url
    assert_no_missing_values(page)
    screenshot(page, "dashboard-en")


def test_the_dashboard_on_a_phone(open_page, site):
    page = open_dashboard(open_page, site, viewport=PHONE)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "nothing wider than the phone (tables scroll in their box)"
    assert_no_missing_values(page)
    screenshot(page, "dashboard", full_page=True)


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
    other = valid_code("someone-else")
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
    page.locator(".modal-ux input").fill(site.dashboard_token)
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
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
    page = open_dashboard(open_page, site)
    page.reload()
    page.wait_for_selector("#targets .target")
    log = site.server.log()
    assert "/dashboard" in log  # the access log is there, and saw the pages
    assert site.dashboard_token not in log
    assert site.enterprise_token not in log
