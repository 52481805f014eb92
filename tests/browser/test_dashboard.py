"""The big screen as a room sees it, in chromium against gunicorn serving the demo city: one
screen with no scrolling at 1920×1080 and 3840×2160, the API's numbers on it, the counties
ranked, the trend by month, the other targets turning by themselves, the plan-end 头雁 in every
year, conditional polls that update it in place; a phone scrolls one column. Photographed in
tests/artifacts/."""

import pytest

from tests.browser.support import (
    DESKTOP,
    PHONE,
    PLAN,
    WALL_4K,
    assert_no_missing_values,
    number,
    screenshot,
)
from tests.support.codes import make_code

YEAR = 2024
MID_PLAN = "2024-09-30"  # the pace shows while the plan runs (after it: final results)
PACE_ZH = {"achieved": "已完成", "ahead": "超前", "on_track": "正常", "behind": "落后"}
HEADLINE_LADDERS = {"sme", "head_goose"}


def open_dashboard(open_page, site, *, viewport=DESKTOP, extra: str = "", year=YEAR):
    page = open_page(f"/dashboard#token={site.dashboard_token}&year={year}{extra}", viewport)
    page.wait_for_selector("#targets .card")
    page.wait_for_selector("#trend-chart svg text")
    return page


def board(site, year=YEAR, as_of=None) -> dict:
    query = f"?year={year}" + (f"&as_of={as_of}" if as_of else "")
    return site.api(f"/plans/{PLAN}/progress/districts{query}")


def is_headline(site, row) -> bool:
    return bool(row["tier"]) and site.tiers[row["tier"]]["ladder"] in HEADLINE_LADDERS


def shown_cards(page, selector="#targets .card") -> dict[str, dict]:
    rows = page.eval_on_selector_all(
        selector,
        """cards => cards.map(card => ({
            key: card.dataset.key, pace: card.dataset.pace,
            name: card.querySelector('.tier').textContent,
            kind: card.querySelector('.kind').textContent,
            pace_text: card.querySelector('.pace').textContent,
            achieved: card.querySelector('.achieved').textContent,
            target: card.querySelector('.target-value').textContent,
            completion: card.querySelector('.completion').textContent,
            // while the plan runs (after it, a final result has no pace)
            expected: card.querySelector('.expected')?.textContent ?? null,
            remaining: card.querySelector('.remaining')?.textContent ?? null,
            fill: card.querySelector('.bar-fill').style.width,
            mark: card.querySelector('.bar-expected')?.style.left ?? null,
            valuenow: card.querySelector('.bar').getAttribute('aria-valuenow'),
        }))""",
    )
    return {row["key"]: row for row in rows}


def assert_card_is_the_row(seen: dict, row: dict, label: str) -> None:
    assert seen["name"] == label
    assert number(seen["achieved"]) == row["achieved"]
    assert number(seen["target"]) == row["target"]
    assert number(seen["remaining"]) == row["remaining"]
    assert number(seen["completion"]) == pytest.approx(row["completion"] * 100, abs=0.05 + 1e-9)
    # to one decimal as the page rounds (2.25 shows as 2.3)
    assert number(seen["expected"]) == pytest.approx(row["expected"], abs=0.05 + 1e-9)
    assert seen["pace"] == row["pace"]
    assert PACE_ZH[row["pace"]] in seen["pace_text"]  # the pace in words, not only colour
    assert int(number(seen["valuenow"])) == int(row["achieved"])
    fill = min(row["achieved"] / row["target"], 1) * 100 if row["target"] else 100
    assert float(seen["fill"].rstrip("%")) == pytest.approx(fill)
    mark = min(row["expected"] / row["target"], 1) * 100 if row["target"] else 100
    assert float(seen["mark"].rstrip("%")) == pytest.approx(mark)


def fits_the_screen(page) -> None:
    """No scrolling either way, and every panel shown wholly on the screen."""
    size = page.evaluate(
        """() => ({height: document.documentElement.scrollHeight, width:
            document.documentElement.scrollWidth, vh: innerHeight, vw: innerWidth})"""
    )
    assert size["height"] <= size["vh"], size
    assert size["width"] <= size["vw"], size
    panels = page.eval_on_selector_all(
        "#board .panel:not([hidden])",  # the funnel and the trend take turns in one place
        "ps => ps.map(p => { const r = p.getBoundingClientRect(); return [p.className, r.left,"
        " r.top, r.right, r.bottom, p.scrollHeight - p.clientHeight]; })",
    )
    assert len(panels) == 5
    for name, left, top, right, bottom, overflow in panels:
        assert left >= 0 and top >= 0, name
        assert right <= size["vw"] and bottom <= size["vh"], name
        assert overflow <= 1, f"{name}: its content is cut off by {overflow}px"


@pytest.mark.parametrize("viewport", [DESKTOP, WALL_4K], ids=["1920x1080", "3840x2160"])
def test_the_dashboard_is_one_screen_without_scrolling(open_page, site, viewport):
    page = open_dashboard(open_page, site, viewport=viewport)
    fits_the_screen(page)
    # read from across a room: the headline figures are large, scaled with the screen
    figure = page.eval_on_selector(
        "#targets .card .achieved", "n => parseFloat(getComputedStyle(n).fontSize)"
    )
    assert figure >= viewport["height"] / 30
    assert "token" not in page.url, "the token stays out of the address bar"
    assert_no_missing_values(page)
    screenshot(page, "dashboard")


def test_the_headline_targets_are_the_apis_numbers_with_their_pace(open_page, site):
    page = open_dashboard(open_page, site, extra="&as_of=2024-09-30")
    api = board(site, as_of="2024-09-30")
    headline = [row for row in api["targets"] if is_headline(site, row)]
    shown = shown_cards(page)
    assert list(shown) == [row["key"] for row in headline]
    for row in headline:
        assert_card_is_the_row(shown[row["key"]], row, site.tiers[row["tier"]]["label_zh"])
    assert "2024-09-30" in page.locator("#freshness").text_content()
    assert page.locator("#year-select").input_value() == str(YEAR)
    screenshot(page, "dashboard-mid-year")


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_head_goose_by_2025_is_on_the_screen_in_every_year(open_page, site, year):
    page = open_dashboard(open_page, site, year=year, extra=f"&as_of={MID_PLAN}")
    goose = page.locator('#targets .card[data-key="toupyan_total_2025"]')
    row = {r["key"]: r for r in board(site, year, MID_PLAN)["targets"]}["toupyan_total_2025"]
    assert number(goose.locator(".target-value").text_content()) == 10
    assert number(goose.locator(".achieved").text_content()) == row["achieved"]
    kind = goose.locator(".kind").text_content()
    assert kind == ("2025 年末累计" if year == 2025 else "到 2025 年末")
    assert PACE_ZH[row["pace"]] in goose.locator(".pace").text_content()


def test_the_counties_are_ranked_by_count_with_their_share_and_no_city_target(open_page, site):
    page = open_dashboard(open_page, site)
    api = board(site)
    lead = next(row for row in api["targets"] if is_headline(site, row))
    assert lead["key"] == "innovative_sme_new" and not lead["allocated"]
    rows = page.eval_on_selector_all(
        "#league-table tbody tr",
        """rows => rows.map(r => ({district: r.dataset.district, rank: Number(r.dataset.rank),
            cells: [...r.querySelectorAll('td[data-key]')].map(c => ({key: c.dataset.key,
              count: c.querySelector('.count').textContent,
              share: (c.querySelector('.share') || {}).textContent || null,
              pace: c.dataset.pace || null}))}))""",
    )
    counts = {d["district"]: {t["key"]: t for t in d["targets"]} for d in api["districts"]}
    expected = sorted(counts, key=lambda code: (-counts[code][lead["key"]]["achieved"], code))
    assert [r["district"] for r in rows] == expected  # ranked by count, ties by code
    previous = None
    for i, row in enumerate(rows):
        achieved = counts[row["district"]][lead["key"]]["achieved"]
        rank = i + 1 if achieved != previous else rows[i - 1]["rank"]
        assert row["rank"] == rank, row  # equal counts share a rank
        previous = achieved
        for cell in row["cells"]:
            api_cell = counts[row["district"]][cell["key"]]
            assert number(cell["count"]) == api_cell["achieved"]
            assert cell["pace"] is None  # no district target: never "behind" the city's
        share = counts[row["district"]][lead["key"]]["share"]
        assert f"{share * 100:.1f}%" in row["cells"][0]["share"]
    assert sum(number(r["cells"][0]["count"]) for r in rows) == lead["achieved"]
    text = page.locator("#league-panel, .league-panel").first.inner_text()
    assert "落后" not in text
    assert "规划未分解到县区" in page.locator("#league-caption").text_content()


def test_the_trend_is_each_years_new_titles_by_month_against_the_pro_rata_line(open_page, site):
    page = open_dashboard(open_page, site)
    stats = site.api(
        "/stats/certifications?group_by=year,month,status&tier=innovative_sme&renewal=false"
    )
    table = page.eval_on_selector_all(
        "#trend-table tbody tr",
        "rows => rows.map(r => [...r.querySelectorAll('td')].map(c => c.textContent))",
    )
    assert len(table) == 12
    for column, year in enumerate((2023, 2024, 2025)):
        # a revoked title counts nowhere (as on the cards)
        total = sum(
            r["count"] for r in stats["rows"] if r["year"] == year and r["status"] != "revoked"
        )
        cumulative = [number(row[column]) for row in table if row[column] != "–"]
        assert cumulative == sorted(cumulative), year  # cumulative: never falls
        assert cumulative[-1] == total, year
    assert [number(row[3]) for row in table][-1] == 500  # the pro-rata line ends at the quota
    # the chart is SVG: its legend and axes are text a reader can find
    texts = page.eval_on_selector_all("#trend-chart svg text", "ts => ts.map(t => t.textContent)")
    assert any(t.startswith("2024 年：") for t in texts), texts
    assert "12月" in texts
    assert page.locator("#trend-chart svg").count() == 1


def test_the_other_targets_turn_by_themselves(open_page, site):
    page = open_dashboard(open_page, site, extra=f"&rotate=1&as_of={MID_PLAN}")
    api = board(site, as_of=MID_PLAN)
    others = [row for row in api["targets"] if not is_headline(site, row)]
    indicator = page.locator("#others-page")
    pages = int(indicator.text_content().split("/")[1])
    assert pages == -(-len(others) // 6)
    seen: dict[str, dict] = {}
    for _ in range(pages):
        current = indicator.text_content()
        seen.update(shown_cards(page, "#others .card"))
        page.wait_for_function(
            "before => document.getElementById('others-page').textContent !== before",
            arg=current,
        )
    assert set(seen) == {row["key"] for row in others}  # every target, by turns
    for row in others:
        assert_card_is_the_row(seen[row["key"]], row, shown_label(site, row))


def shown_label(site, row) -> str:
    return site.tiers[row["tier"]]["label_zh"] if row["tier"] else row["label_zh"]


def test_the_expiring_titles_panel_shows_the_registrys_renewal_season(open_page, site):
    page = open_dashboard(open_page, site)
    season = {row["tier"]: row for row in board(site)["renewals"]}
    items = page.eval_on_selector_all(
        "#expiry .expiry-item",
        "items => items.map(i => [i.dataset.tier, Number(i.dataset.expiring),"
        " Number(i.dataset.renewed), i.textContent])",
    )
    assert [tier for tier, *_ in items] == ["innovative_sme", "specialized_sme", "little_giant"]
    assert any(expiring for _, expiring, _, _ in items)  # the demo city has a season
    for tier, expiring, renewed, text in items:
        row = season.get(tier, {"expiring": 0, "renewed_or_superseded": 0})
        assert (expiring, renewed) == (row["expiring"], row["renewed_or_superseded"])
        if expiring:
            assert f"到期 {expiring:,} 家" in text and f"已复核或晋级 {renewed:,} 家" in text


def test_the_dashboard_polls_with_etags_and_updates_in_place(open_page, site):
    requests, answers = [], []
    page = open_dashboard(open_page, site, extra="&poll=2")
    page.on("request", lambda r: requests.append((r.url, r.headers.get("if-none-match"))))
    page.on("response", lambda r: answers.append((r.url, r.status)))
    page.evaluate("window.loadedOnce = true")
    polled = f"/progress/districts?year={YEAR}"
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').filter(e => "
        "e.name.includes('/progress/districts')).length >= 3"
    )
    polls = [(url, tag) for url, tag in requests if url.endswith(polled)]
    assert len(polls) >= 2 and all(tag for _, tag in polls), "polls carry If-None-Match"
    assert all(status == 304 for url, status in answers if url.endswith(polled))
    assert not [url for url, _ in requests if "/stats/" in url], "304: nothing else fetched"
    assert not [url for url, _ in requests if "district=" in url], "one request per refresh"

    before = shown_cards(page)["innovative_sme_new"]
    code = make_code("browser-update")
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
        """expected => document.querySelector('#targets .card[data-key="innovative_sme_new"]'
            + ' .achieved').textContent === expected""",
        arg=expected,
        timeout=10_000,
    )
    assert page.evaluate("window.loadedOnce") is True, "updated without a reload"
    hongqi = page.locator(
        '#league-table tr[data-district="410702"] td[data-key="innovative_sme_new"]'
    )
    api = board(site)
    district = next(d for d in api["districts"] if d["district"] == "410702")
    assert number(hongqi.locator(".count").text_content()) == district["targets"][0]["achieved"]


def test_the_dashboard_asks_for_a_token_and_works_by_keyboard(open_page, site):
    page = open_page("/dashboard")
    page.wait_for_selector("#token-input:focus")  # the form is shown, ready to type in
    page.keyboard.type("not-a-token")
    page.keyboard.press("Enter")
    page.get_by_role("alert").filter(has_text="令牌无效").wait_for()
    assert page.locator("#board").is_hidden()
    page.keyboard.type(site.dashboard_token)
    page.keyboard.press("Enter")
    page.wait_for_selector("#targets .card")
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
    page.wait_for_selector("#targets .card")
    assert page.locator("h1").text_content() == "Cultivation progress dashboard"
    page.select_option("#year-select", "2023")
    page.wait_for_selector('#targets .card[data-key="toupyan_total_2025"]')
    page.wait_for_function("() => location.hash.includes('year=2023')")
    goose = page.locator('#targets .card[data-key="toupyan_total_2025"] .kind')
    page.wait_for_function(
        "() => document.querySelector('#targets .card[data-key=\"toupyan_total_2025\"] .kind')"
        ".textContent === 'by the end of 2025'"
    )
    assert goose.text_content() == "by the end of 2025"
    assert_no_missing_values(page)
    page.wait_for_selector("#trend-chart svg text")
    fits_the_screen(page)
    screenshot(page, "dashboard-en")


def test_the_dashboard_on_a_phone(open_page, site):
    page = open_dashboard(open_page, site, viewport=PHONE)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "nothing wider than the phone (tables scroll in their box)"
    # one column: every target on the page at once, nothing turning out of reach
    api = board(site)
    others = [row for row in api["targets"] if not is_headline(site, row)]
    assert page.locator("#others .card").count() == len(others)
    assert_no_missing_values(page)
    screenshot(page, "dashboard", full_page=True)
