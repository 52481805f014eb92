"""Certifications through HTTP: record, list, revoke, and the enterprise's status page."""

import datetime as dt

from registry.services.clock import today
from tests.support.codes import make_code
from tests.support.http import assert_problem


def test_record_and_list(client, auth, enterprise_code, certify):
    response = certify(
        enterprise_code,
        "innovative_sme",
        "2023-03-15",
        year=2022,
        document_no="豫工信企业〔2023〕45号",
        batch="2022年度第一批",
        headers=auth["bureau"],
    )
    assert response.status_code == 201
    cert = response.json
    assert cert["valid_until"] == "2025-12-31"
    assert cert["status"] == ("active" if today() <= dt.date(2025, 12, 31) else "expired")
    assert cert["document_no"] == "豫工信企业〔2023〕45号"
    listed = client.get(
        f"/api/v1/enterprises/{enterprise_code}/certifications", headers=auth["enterprise"]
    )
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json["items"]] == [cert["id"]]


def test_ladder_violation_is_a_409_naming_the_missing_tier(client, enterprise_code, certify):
    response = certify(enterprise_code, "specialized_sme", "2024-01-10")
    assert_problem(response, 409, code="certification.prerequisite_missing")
    assert "Innovative SME" in response.json["detail"]


def test_duplicate_tier_and_year_is_a_409(enterprise_code, certify):
    assert certify(enterprise_code, "innovative_sme", "2024-01-10").status_code == 201
    assert certify(enterprise_code, "innovative_sme", "2024-06-10").status_code == 409


def test_future_date_is_a_422_naming_the_field(enterprise_code, certify):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = certify(enterprise_code, "innovative_sme", tomorrow)
    assert response.status_code == 422
    assert "certified_on" in response.json["errors"]["json"]


def test_unknown_fields_and_read_only_status_are_422(enterprise_code, certify):
    response = certify(enterprise_code, "innovative_sme", "2024-01-10", status="active")
    assert response.status_code == 422
    assert "status" in response.json["errors"]["json"]


def test_revoke_then_three_year_bar(client, auth, enterprise_code, certify):
    cert = certify(enterprise_code, "innovative_sme", "2023-03-01").json
    revoked = client.post(
        f"/api/v1/certifications/{cert['id']}/revoke",
        json={"reason": "重大安全事故", "revoked_on": "2024-05-10"},
        headers=auth["bureau"],
    )
    assert revoked.status_code == 200
    assert revoked.json["status"] == "revoked"
    assert revoked.json["revocation_reason"] == "重大安全事故"
    again = client.post(
        f"/api/v1/certifications/{cert['id']}/revoke",
        json={"reason": "twice"},
        headers=auth["bureau"],
    )
    assert again.status_code == 409
    barred = certify(enterprise_code, "innovative_sme", "2025-03-01")
    assert barred.status_code == 409
    assert "2024-05-10" in barred.json["detail"]


def test_revoke_needs_a_reason_and_a_known_certification(client, auth, enterprise_code, certify):
    cert = certify(enterprise_code, "innovative_sme", "2023-03-01").json
    url = f"/api/v1/certifications/{cert['id']}/revoke"
    assert client.post(url, json={}, headers=auth["admin"]).status_code == 422
    missing = client.post(
        "/api/v1/certifications/99999/revoke", json={"reason": "x"}, headers=auth["admin"]
    )
    assert missing.status_code == 404


def test_status_page_of_the_enterprise(client, auth, enterprise_code, certify):
    day = today()  # titles of this year and last: still valid whenever the test runs
    earlier = day - dt.timedelta(days=365)
    certify(enterprise_code, "innovative_sme", earlier.isoformat(), year=earlier.year)
    certify(enterprise_code, "specialized_sme", day.isoformat(), year=day.year)
    certify(enterprise_code, "head_goose", day.isoformat(), year=day.year)
    response = client.get(
        f"/api/v1/enterprises/{enterprise_code}/status", headers=auth["enterprise"]
    )
    assert response.status_code == 200
    body = response.json
    assert body["credit_code"] == enterprise_code
    assert (body["current_tier"], body["next_tier"]) == ("specialized_sme", "little_giant")
    assert body["designations"] == ["head_goose"]
    lines = {c["tier"]: c for c in body["certifications"]}
    runs_to = dt.date(day.year + 2, 12, 31)  # 31 December of the announcement's year + 3 − 1
    assert lines["specialized_sme"]["valid_until"] == runs_to.isoformat()
    assert lines["specialized_sme"]["status"] == "active"
    assert lines["specialized_sme"]["days_to_expiry"] == (runs_to - today()).days
    assert response.headers["ETag"]


def test_certifying_an_unknown_enterprise_is_a_404(client, auth, certify):
    response = certify(make_code("nobody"), "innovative_sme", "2024-03-01")
    assert_problem(response, 404)
