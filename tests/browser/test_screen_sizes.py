"""The big screen on the office screens it hangs on (1920×1080, 1366×768, 1280×720, 3840×2160):
nothing drawn over anything, nothing cut, every county in sight, text a room can read; and the
plan's end: on a day after 2025 it says the period has ended and shows final results (完成 /
未完成, no pace), the renewal panel of the calendar year; during the plan, the pace. The day is
fixed with `as_of` (the registry as it stood that day), whatever the demo city's own date. The
funnel in the trend's place is measured alike (pinned by `panel=funnel`; else the two take turns).
Photographed in tests/artifacts/ (screen-<state>-<size>.png)."""

import re

import pytest

from tests.browser.screen_layout import layout_problems
from tests.browser.support import DESKTOP, PLAN, WALL_4K, number, screenshot

LAPTOP = {"width": 1366, "height": 768}
HD = {"width": 1280, "height": 720}
SIZES = [DESKTOP, LAPTOP, HD, WALL_4K]
ENDED = "2026-12-06"  # a year after the plan's last (2023–2025)
MID_PLAN = "2024-09-30"
STATES = {
    "ended": f"&as_of={ENDED}",
    "running": f"&year=2024&as_of={MID_PLAN}",
    # the funnel in the trend's place (it takes turns with it; pinned here)
    "funnel": f"&year=2024&as_of={MID_PLAN}&panel=funnel",
}
PACE_WORDS = ("已完成", "超前", "正常", "落后")
BANNER = "规划期（2023—2025年）已结束 · 最终结果"


def open_screen(open_page, site, state: str, viewport=DESKTOP, extra: str = ""):
    page = open_page(f"/dashboard#token={site.dashboard_token}{STATES[state]}{extra}", viewport)
    page.wait_for_selector("#targets .card")
    if state == "funnel":  # in the trend's place
        page.wait_for_selector("#funnel-panel:not([hidden]) #funnel-table tbody")
    else:
        page.wait_for_selector("#trend-chart svg text")
    return page


def size_id(viewport) -> str:
    return f"{viewport['width']}x{viewport['height']}"


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("viewport", SIZES, ids=[size_id(v) for v in SIZES])
def test_the_screen_fits_with_nothing_over_or_cut(open_page, site, viewport, state):
    page = open_screen(open_page, site, state, viewport, extra="&rotate=1")
    # text a room can read: at 1920×1080 nothing under 14 px (the base follows the screen)
    min_font = 14 if viewport == DESKTOP else 0
    indicator = page.locator("#others-page")
    pages = int(indicator.text_content().split("/")[1])
    assert pages > 1
    screenshot(page, f"screen-{state}")
    for _ in range(pages):  # every page of the other targets, as it turns
        current = indicator.text_content()
        found = layout_problems(page, min_font=min_font)
        assert found["rows"] == 15
        assert found["fragments"] > 200  # the board is measured, not an empty page
        assert not found["problems"], f"page {current}:\n" + "\n".join(found["problems"])
        page.wait_for_function(
            "before => document.getElementById('others-page').textContent !== before",
            arg=current,
        )


def board(site, query: str) -> dict:
    return site.api(f"/plans/{PLAN}/progress/districts?{query}")


def cards(page) -> dict[str, dict]:
    rows = page.eval_on_selector_all(
        "#targets .card, #others .card",
        """cards => cards.map(card => ({
            key: card.dataset.key, result: card.dataset.result || null,
            status: card.querySelector('.pace').textContent,
            achieved: card.querySelector('.achieved').textContent,
            expected: card.querySelectorAll('.expected, .remaining, .bar-expected').length,
            completion: card.querySelector('.completion').textContent}))""",
    )
    return {row["key"]: row for row in rows}


def trend_legend(page, year: int) -> float:
    """The count the trend's legend gives a year ("2025 年：534 家")."""
    texts = page.eval_on_selector_all("#trend-chart svg text", "ts => ts.map(t => t.textContent)")
    shown = [t for t in texts if t.startswith(f"{year} 年：")]
    assert len(shown) == 1, texts
    return number(re.search(r"：([\d,]+)", shown[0]).group(1))


def expiry(page) -> tuple[str, list[dict]]:
    items = page.eval_on_selector_all(
        "#expiry .expiry-item",
        """items => items.map(i => ({tier: i.dataset.tier, expiring: Number(i.dataset.expiring),
            days: i.dataset.daysLeft, text: i.textContent}))""",
    )
    return page.locator("#expiry-heading").text_content(), items


def test_after_the_plan_the_screen_shows_final_results(open_page, site):
    page = open_screen(open_page, site, "ended")
    api = board(site, f"as_of={ENDED}")
    assert (api["period"], api["year"], api["renewal_year"]) == ("ended", 2025, 2026)
    banner = page.locator("#period-banner")
    assert banner.is_visible() and banner.text_content() == BANNER
    assert page.locator("#year-select").input_value() == "2025"  # the last year: final
    shown = cards(page)
    for row in api["targets"]:
        if row["key"] not in shown:
            continue  # another page of the other targets
        card = shown[row["key"]]
        assert card["result"] == ("met" if row["met"] else "unmet"), row["key"]
        assert card["status"] == ("✓ 完成" if row["met"] else "✗ 未完成"), row["key"]
        assert card["expected"] == 0, "no 应完成, 尚差 nor expected mark after the plan"
        assert number(card["completion"]) == pytest.approx(row["completion"] * 100, abs=0.051)
    text = page.locator("#board").text_content()  # the trend's table and SVG legend too
    for word in (*PACE_WORDS, "应完成", "尚差", "按时间进度"):
        assert word not in text, word
    assert "最终结果" in page.locator("#pace-legend").text_content()
    # the renewal panel is the calendar year's: titles ending in 2026, with the days left
    heading, items = expiry(page)
    assert heading == "2026 年到期及复核"
    season = {row["tier"]: row for row in api["renewals"]}
    assert any(item["expiring"] for item in items)
    for item in items:
        row = season.get(item["tier"])
        if row:
            assert item["expiring"] == row["expiring"]
            assert row["ends_on"] == "2026-12-31" and row["days_left"] == 25
            assert f"待复核 {row['open']:,} 家 · 12月31日到期 · 剩 25 天" in item["text"]
    # one figure, one number: the card and the trend's legend count alike
    achieved = number(shown["innovative_sme_new"]["achieved"])
    assert trend_legend(page, 2025) == achieved == api["targets"][0]["achieved"]
    screenshot(page, "screen-ended")

    # another plan year: its results, and still the calendar year's renewals
    page.select_option("#year-select", "2023")
    page.wait_for_function("() => location.hash.includes('year=2023')")
    page.wait_for_function(
        "() => document.querySelector('#pace-legend').textContent.includes('2023')"
    )
    assert page.locator("#period-banner").is_visible()
    assert expiry(page)[0] == "2026 年到期及复核"
    earlier = board(site, f"year=2023&as_of={ENDED}")
    assert trend_legend(page, 2023) == number(cards(page)["innovative_sme_new"]["achieved"])
    assert trend_legend(page, 2023) == earlier["targets"][0]["achieved"]


def test_during_the_plan_the_screen_shows_the_pace(open_page, site):
    page = open_screen(open_page, site, "running")
    api = board(site, f"year=2024&as_of={MID_PLAN}")
    assert (api["period"], api["renewal_year"]) == ("running", 2024)
    assert page.locator("#period-banner").is_hidden()
    shown = cards(page)
    for key, card in shown.items():
        assert card["result"] is None
        assert any(word in card["status"] for word in PACE_WORDS), key
        assert card["expected"] == 3, key  # 应完成, 尚差 and the expected mark
    assert "应完成" in page.locator("#pace-legend").text_content()
    assert expiry(page)[0] == "2024 年到期及复核"
    assert trend_legend(page, 2024) == number(shown["innovative_sme_new"]["achieved"])
    assert trend_legend(page, 2024) == api["targets"][0]["achieved"]
