"""The big screen's funnel, in chromium against gunicorn serving the demo city: per tier the open
applications at each stage and the titles against the quota, the forecast and the at-risk mark,
each as the pipeline answer gives it for the same plan, year and day; the funnel takes turns with
the trend; it fits the screen at 1920×1080 with nothing under 14 px. The applications are seeded
through the API: an earlier year's, closed, give the rates; this year's are open."""

import math

import pytest

from tests.browser.screen_layout import layout_problems
from tests.browser.support import DESKTOP, PLAN, number, screenshot
from tests.browser.test_workbench_renewals import register

YEAR = 2025
AS_OF = "2025-03-31"  # early in the year: few of its titles yet
TIER = "specialized_sme"
STAGES = ["candidate", "applied", "recommended", "reviewed", "publicized"]


def open_application(site, code: str, year: int, stage: str) -> dict:
    reply = site.server.call(
        "POST",
        f"/enterprises/{code}/applications",
        json_body={"tier": TIER, "year": year, "stage": stage},
    )
    assert reply.status == 201, reply.body
    return reply.json


@pytest.fixture(scope="module")
def seeded(site):
    """Last year: three reached 公示 and were rejected (the rates); this year: two at 公示 and
    one applied."""
    for i in range(3):
        code = register(site, f"funnel-past-{i}", f"漏斗往年企业{i}")
        made = open_application(site, code, YEAR - 1, "publicized")
        moved = site.server.call(
            "PATCH",
            f"/applications/{made['id']}",
            json_body={"stage": "rejected", "reason": "不符合条件"},
        )
        assert moved.status == 200, moved.body
    for i, stage in enumerate(["publicized", "publicized", "applied"]):
        code = register(site, f"funnel-now-{i}", f"漏斗本年企业{i}")
        open_application(site, code, YEAR, stage)
    return site.api(f"/plans/{PLAN}/pipeline?year={YEAR}&as_of={AS_OF}")


def open_funnel(open_page, site, viewport=DESKTOP, extra="&panel=funnel"):
    page = open_page(
        f"/dashboard#token={site.dashboard_token}&year={YEAR}&as_of={AS_OF}{extra}", viewport
    )
    page.wait_for_selector("#targets .card")
    return page


def shown(page) -> dict[str, dict]:
    rows = page.eval_on_selector_all(
        "#funnel-table tbody",
        """groups => groups.map(g => ({
            tier: g.dataset.tier,
            name: g.querySelector('.funnel-name').textContent,
            forecast: g.querySelector('.funnel-forecast').textContent,
            risk: g.querySelector('.funnel-tier').dataset.atRisk,
            cells: Object.fromEntries([...g.querySelectorAll('.funnel-stage')].map(
                c => [c.dataset.stage, c.querySelector('.funnel-n').textContent]))}))""",
    )
    return {row["tier"]: row for row in rows}


def test_the_funnel_shows_the_pipeline_answer_with_its_forecast_and_risk(open_page, site, seeded):
    page = open_funnel(open_page, site)
    page.wait_for_selector("#funnel-panel:not([hidden]) #funnel-table tbody")
    assert page.locator("#trend-panel").is_hidden()
    assert page.locator("#funnel-heading").inner_text() == f"{YEAR} 年度培育进度：申报到认定"
    assert page.locator("#funnel-table thead th").all_inner_texts() == [
        "培育库",
        "已申报",
        "县级推荐",
        "市级审核",
        "公示",
        "已认定 / 目标",
    ]
    rows = shown(page)
    answer = {row["tier"]: row for row in seeded["tiers"]}
    assert set(rows) <= set(answer) and TIER in rows
    for key, row in rows.items():
        api = answer[key]
        assert row["name"] == api["label_zh"]
        for stage in STAGES:
            assert number(row["cells"][stage]) == api["stages"][stage], (key, stage)
        quota = "—" if api["quota"] is None else f"{api['quota']:,}"
        assert row["cells"]["certified"] == f"{api['certified']:,} / {quota}"
        if api["forecast"] is None:
            assert row["forecast"] == api["forecast_reason_zh"]
            assert row["risk"] == ""
            continue
        expected = math.floor(api["forecast"]["expected"] + 0.5)  # as the page rounds
        assert row["forecast"].startswith(f"预计完成 {expected:,} 家"), row["forecast"]
        low, high = (math.floor(api["forecast"][k] + 0.5) for k in ("low", "high"))
        if low != high:  # the 90 % range, when anything is open
            assert f"（{low:,}—{high:,}）" in row["forecast"], row["forecast"]
        assert row["risk"] == ("" if api["at_risk"] is None else str(api["at_risk"]).lower())
        assert ("有风险" in row["forecast"]) == bool(api["at_risk"])

    # the seeded tier: two at 公示, one applied, none of last year's certified: at risk
    mine = answer[TIER]
    assert mine["stages"]["publicized"] >= 2 and mine["stages"]["applied"] >= 1
    assert mine["rates"]["publicized"] is not None
    assert mine["at_risk"] is True
    assert rows[TIER]["forecast"].endswith(f"/ 目标 {mine['quota']:,} 家▼ 有风险")

    # one screen at 1920×1080: nothing over or cut, nothing under 14 px
    found = layout_problems(page, min_font=14)
    assert not found["problems"], "\n".join(found["problems"])
    screenshot(page, "screen-funnel")

    # in English too
    page.locator("#lang-toggle").click()
    page.wait_for_function(
        "() => document.getElementById('funnel-heading').textContent.startsWith('2025:')"
    )
    assert "At risk" in shown(page)[TIER]["forecast"]
    assert not funnel_problems(page, min_font=14)


def funnel_problems(page, min_font: float = 0) -> list[str]:
    """The funnel's own (the English screen cuts long names elsewhere with an ellipsis)."""
    found = layout_problems(page, min_font=min_font)["problems"]
    return [line for line in found if "funnel" in line]


def test_the_funnel_fits_a_laptop_in_english(open_page, site, seeded):
    page = open_funnel(open_page, site, {"width": 1366, "height": 768}, "&panel=funnel&lang=en")
    page.wait_for_selector("#funnel-panel:not([hidden]) #funnel-table tbody")
    page.wait_for_function(
        "() => document.getElementById('funnel-heading').textContent.startsWith('2025:')"
    )
    assert not funnel_problems(page)
    screenshot(page, "screen-funnel-en")


def test_the_funnel_takes_turns_with_the_trend(open_page, site, seeded):
    page = open_funnel(open_page, site, extra="&rotate=1")
    page.wait_for_selector("#funnel-panel:not([hidden])")
    assert page.locator("#trend-panel").is_hidden()
    page.wait_for_selector("#trend-panel:not([hidden])")
    assert page.locator("#funnel-panel").is_hidden()
    page.wait_for_selector("#trend-chart svg text")
