"""An enterprise's status on a fixed day (2026-10-15), one firm for each case its page speaks
to: revoked and barred (until when), expiring (renew by when, with which bureau), expired
(apply again as new), holding the top tier, on its way up; its titles newest first."""

import pytest

from tests.support.codes import DISTRICT, OTHER_DISTRICT

API = "/api/v1"
DAY = "2026-10-15"  # the expiring window (180 days) holds 2026-12-31


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    import datetime as dt

    from registry.api import enterprises, tokens

    for module in (enterprises, tokens):
        monkeypatch.setattr(module, "today", lambda: dt.date.fromisoformat(DAY))


@pytest.fixture
def status(client, auth):
    def _status(code, headers=None):
        response = client.get(f"{API}/enterprises/{code}/status", headers=headers or auth["admin"])
        assert response.status_code == 200, response.json
        return response.json

    return _status


@pytest.fixture
def revoke(client, auth):
    def _revoke(cert_id, on, reason):
        response = client.post(
            f"{API}/certifications/{cert_id}/revoke",
            json={"revoked_on": on, "reason": reason},
            headers=auth["admin"],
        )
        assert response.status_code == 200, response.json

    return _revoke


def test_a_revoked_firm_is_barred_until_three_years_after_and_told_why(
    register, certify, revoke, status
):
    code = register("status-revoked")
    certify(code, "innovative_sme", "2023-03-01")
    title = certify(code, "specialized_sme", "2024-05-10").json
    revoke(title["id"], "2025-03-20", "提供虚假材料")

    body = status(code)
    step = body["next_step"]
    assert step["kind"] == "barred"
    assert (step["tier"], step["revoked_on"], step["reason"]) == (
        "specialized_sme",
        "2025-03-20",
        "提供虚假材料",
    )
    assert step["barred_until"] == "2028-03-20"
    assert step["apply_for"] is None  # nothing to apply for while barred
    assert step["bureau"]["name_zh"] == "红旗区工业和信息化局"
    revoked = next(c for c in body["certifications"] if c["status"] == "revoked")
    assert (revoked["revoked_on"], revoked["revocation_reason"]) == ("2025-03-20", "提供虚假材料")
    assert revoked["barred_until"] == "2028-03-20"


def test_an_expiring_firm_renews_by_the_titles_end_with_its_county_bureau(
    register, certify, status
):
    code = register("status-expiring", district=OTHER_DISTRICT)
    certify(code, "innovative_sme", "2023-03-01")
    certify(code, "specialized_sme", "2024-05-10")  # runs to 2026-12-31: 77 days left

    body = status(code)
    step = body["next_step"]
    assert step["kind"] == "renew"
    assert (step["tier"], step["apply_for"]) == ("specialized_sme", "specialized_sme")
    assert (step["renew_by"], step["days_left"]) == ("2026-12-31", 77)
    assert step["bureau"] == {
        "district": OTHER_DISTRICT,
        "district_name_zh": "卫滨区",
        "district_name_en": "Weibin District",
        "name_zh": "卫滨区工业和信息化局",
        "name_en": "the Weibin District Bureau of Industry and Information Technology",
    }
    assert body["district"] == OTHER_DISTRICT


def test_an_expired_firm_applies_again_as_new(register, certify, status):
    code = register("status-expired")
    certify(code, "innovative_sme", "2023-03-01")  # ended 2025-12-31

    body = status(code)
    assert body["current_tier"] is None
    step = body["next_step"]
    assert step["kind"] == "reapply"
    assert (step["tier"], step["expired_on"]) == ("innovative_sme", "2025-12-31")
    assert step["apply_for"] == "innovative_sme"
    assert step["bureau"]["name_zh"] == "红旗区工业和信息化局"


def test_the_top_tier_has_no_next_tier_and_says_when_it_ends(register, certify, status):
    code = register("status-top")
    certify(code, "innovative_sme", "2023-03-01")
    certify(code, "specialized_sme", "2023-06-01")
    certify(code, "little_giant", "2025-07-01")  # runs to 2027-12-31

    body = status(code)
    assert (body["current_tier"], body["next_tier"]) == ("little_giant", None)
    step = body["next_step"]
    assert step["kind"] == "top_tier"
    assert (step["tier"], step["valid_until"], step["days_left"]) == (
        "little_giant",
        "2027-12-31",
        442,
    )
    assert step["apply_for"] is None


def test_titles_are_listed_newest_first(register, certify, status):
    code = register("status-order")
    certify(code, "innovative_sme", "2023-03-01")
    certify(code, "specialized_sme", "2023-06-01")
    certify(code, "little_giant", "2025-07-01")
    certify(code, "head_goose", "2024-02-01")

    announced = [c["certified_on"] for c in status(code)["certifications"]]
    assert announced == ["2025-07-01", "2024-02-01", "2023-06-01", "2023-03-01"]


def test_a_firm_on_its_way_up_applies_for_the_next_tier(client, auth, certify, enterprise_code):
    certify(enterprise_code, "innovative_sme", "2025-03-01")  # runs to 2027-12-31
    for url in (f"{API}/enterprises/{enterprise_code}/status", f"{API}/me"):
        body = client.get(url, headers=auth["enterprise"]).json
        step = (body.get("status") or body)["next_step"]  # /me: the firm's status in `status`
        assert (step["kind"], step["tier"], step["apply_for"]) == (
            "apply_next_tier",
            "innovative_sme",
            "specialized_sme",
        )
        assert step["bureau"]["district"] == DISTRICT


def test_a_firm_without_titles_applies_for_the_first_tier(register, status):
    step = status(register("status-none"))["next_step"]
    assert (step["kind"], step["tier"], step["apply_for"]) == (
        "apply_next_tier",
        None,
        "innovative_sme",
    )
