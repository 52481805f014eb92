"""A firm's next step (services/advice.py) on the days around its turns: the bar's last day and
the day it ends, a top-tier title entering the expiring window; and the bureau it applies to."""

import datetime as dt

from registry.models import District, Enterprise
from registry.services import advice

D = dt.date.fromisoformat


def _step(app, code, day):
    with app.app_context():
        return advice.status(Enterprise.get(Enterprise.credit_code == code), D(day)).next_step


def test_the_bar_ends_three_years_after_the_revocation(app, client, auth, register, certify):
    code = register("next-bar")
    title = certify(code, "innovative_sme", "2023-03-01").json
    client.post(
        f"/api/v1/certifications/{title['id']}/revoke",
        json={"revoked_on": "2024-02-29", "reason": "重大安全事故"},
        headers=auth["admin"],
    )
    last_day = _step(app, code, "2027-02-27")
    assert (last_day.kind, last_day.barred_until) == (advice.BARRED, D("2027-02-28"))
    after = _step(app, code, "2027-02-28")  # the first day it may apply again
    assert (after.kind, after.apply_for) == (advice.APPLY_NEXT_TIER, "innovative_sme")
    before = _step(app, code, "2024-02-28")  # the day before the revocation: still active
    assert before.kind == advice.APPLY_NEXT_TIER


def test_the_top_tier_ending_soon_is_renewed(app, register, certify):
    code = register("next-top", district="410771")  # a zone
    certify(code, "innovative_sme", "2023-03-01")
    certify(code, "specialized_sme", "2023-06-01")
    certify(code, "little_giant", "2024-07-01")  # runs to 2026-12-31
    early = _step(app, code, "2026-06-30")  # 184 days left: outside the window
    assert (early.kind, early.valid_until) == (advice.TOP_TIER, D("2026-12-31"))
    late = _step(app, code, "2026-07-04")
    assert (late.kind, late.tier, late.renew_by, late.days_left) == (
        advice.RENEW,
        "little_giant",
        D("2026-12-31"),
        180,
    )
    assert late.bureau.name_zh == "新乡高新技术产业开发区工信部门"


def test_a_lapsed_higher_title_is_applied_for_again(app, register, certify):
    code = register("next-lapsed")
    certify(code, "innovative_sme", "2023-03-01")
    certify(code, "specialized_sme", "2023-06-01", valid_until="2025-06-30")
    certify(code, "innovative_sme", "2025-03-01", renewal=True)  # runs to 2027-12-31
    step = _step(app, code, "2026-01-10")
    assert (step.kind, step.tier, step.expired_on, step.apply_for) == (
        advice.REAPPLY,
        "specialized_sme",
        D("2025-06-30"),
        "specialized_sme",
    )


def test_the_bureau_of_each_kind_of_district(app):
    with app.app_context():
        county = advice.bureau_of(District.get_by_id("410782"))
        zone = advice.bureau_of(District.get_by_id("410772"))
    assert county.name_zh == "辉县市工业和信息化局"
    assert zone.name_zh == "新乡经济技术开发区工信部门"
    assert advice.bureau_of(None).name_zh == "所在县（市、区）工信部门"
