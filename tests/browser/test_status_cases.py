"""The status page for each case a firm can be in, as the firm sees it with its own token
(`/status#token=…`) at 1366×768 and 1920×1080: revoked and barred (the day, the reason, from
when it may apply again; no next tier), expiring (renew by when, with its county's bureau),
expired (apply again as new), the top tier (no next tier; until when). The words are checked
in Chinese, the English switch once, and nothing spills out of its box."""

import datetime as dt

import pytest

from registry.services.clock import today
from registry.services.standing import add_years
from tests.browser.support import assert_no_missing_values, screenshot
from tests.support.codes import make_code

SIZES = [{"width": 1366, "height": 768}, {"width": 1920, "height": 1080}]
TODAY = today()  # the city's day, as the server tells it; every date below is relative to it
REASON = "存在严重失信行为，依规撤销认定"


def _day(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


def _call(site, method, path, body=None):
    reply = site.server.call(method, path, json_body=body)
    assert reply.status < 300, (path, reply.status, reply.body[:300])
    return reply.json


def _firm(site, seed, district, name, titles):
    """Register a firm with `titles` (tier, certified_on, extra) and give it a token."""
    code = make_code(f"status-case-{seed}")
    _call(site, "POST", "/enterprises", {"credit_code": code, "name": name, "district": district})
    ids = [
        _call(
            site,
            "POST",
            f"/enterprises/{code}/certifications",
            {"tier": tier, "certified_on": on, **extra},
        )["id"]
        for tier, on, extra in titles
    ]
    token = _call(
        site, "POST", "/tokens", {"role": "enterprise", "name": name, "credit_code": code}
    )["secret"]
    return code, token, ids


@pytest.fixture(scope="module")
def firms(site):
    revoked = _firm(
        site, "revoked", "410702", "新乡市撤销测试有限公司", [("innovative_sme", _day(-400), {})]
    )
    _call(
        site,
        "POST",
        f"/certifications/{revoked[2][0]}/revoke",
        {"revoked_on": _day(-30), "reason": REASON},
    )
    expiring = _firm(
        site,
        "expiring",
        "410703",
        "新乡市到期测试有限公司",
        [("innovative_sme", _day(-400), {"valid_until": _day(60)})],
    )
    later = {"valid_until": _day(700)}
    top = _firm(
        site,
        "top",
        "410702",
        "新乡市小巨人测试有限公司",
        [
            ("innovative_sme", _day(-700), later),
            ("specialized_sme", _day(-600), later),
            ("little_giant", _day(-500), later),
        ],
    )
    expired = _firm(
        site,
        "expired",
        "410782",
        "新乡市过期测试有限公司",
        [("innovative_sme", _day(-800), {"valid_until": _day(-10)})],
    )
    return {"revoked": revoked, "expiring": expiring, "top": top, "expired": expired}


def _open(open_page, firms, case, viewport):
    _, token, _ = firms[case]
    page = open_page(f"/status#token={token}", viewport)
    page.wait_for_selector("#advice[data-kind]:not([hidden])")
    return page


def _text(page, selector) -> str:
    return page.locator(selector).inner_text()


def _assert_nothing_overflows(page):
    """The page does not scroll sideways, and no box's content spills out of it."""
    spilled = page.evaluate(
        """() => {
          const page = document.documentElement;
          const boxes = [...document.querySelectorAll(
            '#result, #advice, #advice p, .standing-item, .step, .table-wrap, #certs')];
          return [
            ...(page.scrollWidth > window.innerWidth ? ['html'] : []),
            ...boxes.filter((box) => box.scrollWidth > box.clientWidth + 1)
              .map((box) => box.id || box.className),
          ];
        }"""
    )
    assert spilled == [], spilled


def _rows(page):
    return page.eval_on_selector_all(
        "#certs tbody tr", "rows => rows.map(r => [r.dataset.tier, r.innerText])"
    )


@pytest.mark.parametrize("viewport", SIZES, ids=lambda v: f"{v['width']}x{v['height']}")
def test_a_revoked_firm_sees_the_revocation_and_the_bars_end(open_page, site, firms, viewport):
    page = _open(open_page, firms, "revoked", viewport)
    revoked_on = TODAY - dt.timedelta(days=30)
    bar_ends = add_years(revoked_on, 3)
    advice = _text(page, "#advice")
    assert "认定已撤销" in advice
    assert f"“创新型中小企业”认定已于 {revoked_on.isoformat()} 撤销" in advice
    assert f"撤销原因：{REASON}" in advice
    assert f"撤销之日起三年内不得再次申报，可于 {bar_ends.isoformat()} 起再次申报" in advice
    assert "可申报“" not in advice  # no next tier while barred
    assert "撤销之日起三年内不得申报" in _text(page, "#next-tier")
    assert page.locator("#next-tier .tier-name").inner_text() != "创新型中小企业"
    assert page.locator("#ladder .step-next").count() == 0
    [(tier, row)] = _rows(page)
    assert tier == "innovative_sme"
    assert "创新型中小企业" in row and "已撤销" in row
    assert f"{revoked_on.isoformat()} 撤销" in row and REASON in row
    _assert_nothing_overflows(page)
    assert_no_missing_values(page)
    screenshot(page, "status-revoked", full_page=True)


@pytest.mark.parametrize("viewport", SIZES, ids=lambda v: f"{v['width']}x{v['height']}")
def test_an_expiring_firm_is_told_to_renew_by_when_and_with_whom(open_page, site, firms, viewport):
    page = _open(open_page, firms, "expiring", viewport)
    ends = _day(60)
    advice = _text(page, "#advice")
    assert "请在到期前申请复核" in advice
    assert f"“创新型中小企业”认定将于 {ends} 到期（还有 60 天）" in advice
    assert f"请于 {ends} 前向卫滨区工业和信息化局申请复核" in advice
    _assert_nothing_overflows(page)
    assert_no_missing_values(page)
    screenshot(page, "status-expiring", full_page=True)

    page.locator("#lang-toggle").click()
    english = _text(page, "#advice")
    assert "Apply to the Weibin District Bureau of Industry and Information Technology" in english
    assert f"before {ends}" in english and "(60 days left)" in english
    assert "Innovative SME" in _text(page, "#certs")
    _assert_nothing_overflows(page)
    screenshot(page, "status-expiring-en", full_page=True)


@pytest.mark.parametrize("viewport", SIZES, ids=lambda v: f"{v['width']}x{v['height']}")
def test_the_top_tier_has_no_next_tier_and_says_when_it_ends(open_page, site, firms, viewport):
    page = _open(open_page, firms, "top", viewport)
    advice = _text(page, "#advice")
    assert "已是梯度培育最高层级" in advice
    assert "持有“专精特新“小巨人”企业”认定" in advice
    assert f"认定有效期至 {_day(700)}（还有 700 天）" in advice
    assert "已是梯度最高层级" in _text(page, "#next-tier")
    assert page.locator("#ladder .step-next").count() == 0
    # Newest first, in Chinese.
    rows = _rows(page)
    assert [tier for tier, _ in rows] == ["little_giant", "specialized_sme", "innovative_sme"]
    assert "专精特新“小巨人”企业" in rows[0][1] and "有效" in rows[0][1]
    _assert_nothing_overflows(page)
    assert_no_missing_values(page)
    screenshot(page, "status-top-tier", full_page=True)


def test_an_expired_firm_is_told_to_apply_again_as_new(open_page, site, firms):
    page = _open(open_page, firms, "expired", SIZES[0])
    advice = _text(page, "#advice")
    assert f"“创新型中小企业”认定已于 {_day(-10)} 到期，现已失效" in advice
    assert "须按新申报企业重新申报“创新型中小企业”，请向辉县市工业和信息化局咨询" in advice
    assert "已过期" in _text(page, "#certs")
    _assert_nothing_overflows(page)
    assert_no_missing_values(page)
