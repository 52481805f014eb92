"""Errors: RFC 9457 problem details for every failure, and nothing half-written.

Every error answer is `application/problem+json` with `type`, `title`, `status` and `detail`;
validation errors add `errors`, keyed by location (json, query) and then field.
"""

import json
import logging

import pytest

from registry.models import Certification, Enterprise, Event
from registry.services import tokens
from tests.support.apps import make_app
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.http import assert_problem, bearer
from tests.support.paths import ROOT

API = "/api/v1"
PLAN_ID = "xinxiang-2023-2025"


def assert_invalid(response, location: str, field: str) -> dict:
    """A 422 whose `errors` names the location and the field, with a message."""
    body = assert_problem(response, 422)
    messages = body["errors"][location][field]
    assert messages and all(isinstance(m, str) and m for m in messages), body
    return body


def firm(code=None, **fields):
    return {
        "credit_code": code or make_code("errors"),
        "name": "新乡市错误测试有限公司",
        "district": DISTRICT,
        **fields,
    }


def counts(app) -> tuple[int, int, int]:
    """(enterprises, certifications, audit events) as stored."""
    with app.app_context():
        return Enterprise.select().count(), Certification.select().count(), Event.select().count()


# ---------------------------------------------------------------------------------------------
# 404, 405


@pytest.mark.parametrize(
    "url", ["/no-such-page", f"{API}/no-such-resource", f"{API}/plans/no-such-plan"]
)
def test_404_unknown_url(client, url):
    assert_problem(client.get(url), 404)


def test_404_unknown_enterprise(client, auth):
    code = make_code("never-registered")
    body = assert_problem(client.get(f"{API}/enterprises/{code}", headers=auth["admin"]), 404)
    assert code in body["detail"]
    for suffix in ("/certifications", "/status"):
        response = client.get(f"{API}/enterprises/{code}{suffix}", headers=auth["admin"])
        assert_problem(response, 404)


def test_404_unknown_certification(client, auth):
    response = client.post(
        f"{API}/certifications/999999/revoke", json={"reason": "错误"}, headers=auth["admin"]
    )
    assert_problem(response, 404)


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", f"{API}/tiers", {"GET"}),
        ("POST", f"{API}/health", {"GET"}),
        ("PUT", f"{API}/enterprises/{make_code('x')}", {"GET", "PATCH"}),
        ("DELETE", f"{API}/enterprises", {"GET", "POST"}),
    ],
)
def test_405_names_the_allowed_methods(client, method, url, allowed):
    response = client.open(url, method=method)
    assert_problem(response, 405)
    methods = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed <= methods
    assert method not in methods


# ---------------------------------------------------------------------------------------------
# 413, 500: apps of their own


def test_413_body_over_the_configured_limit(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'errors.db'}", MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        _, admin = tokens.create_token("admin", "admin")
    client = app.test_client()

    response = client.post(
        f"{API}/enterprises", json=firm(industry_chain="链" * 2000), headers=bearer(admin)
    )

    assert_problem(response, 413)
    assert counts(app)[0] == 0
    small = client.post(f"{API}/enterprises", json=firm(), headers=bearer(admin))
    assert small.status_code == 201, small.json  # the limit, not the request, refused it


def test_500_hides_the_exception(app, caplog):
    secret = "database password is hunter2"

    def explode():
        raise RuntimeError(secret)

    explode._access = ()  # public: the failure, not the auth check, must answer
    app.add_url_rule(f"{API}/explode", "explode", explode)

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get(f"{API}/explode")

    body = assert_problem(response, 500)
    text = response.get_data(as_text=True)
    for leak in (secret, "RuntimeError", "Traceback", ".py", "explode()"):
        assert leak not in text, body
    assert secret in caplog.text  # the operator still finds it in the log


# ---------------------------------------------------------------------------------------------
# 400: broken JSON, on every operation with a JSON body


def test_400_broken_json(client, auth, enterprise_code):
    cert = client.post(
        f"{API}/enterprises/{enterprise_code}/certifications",
        json={"tier": "innovative_sme", "year": 2023, "certified_on": "2023-06-30"},
        headers=auth["admin"],
    )
    etag = client.get(f"{API}/enterprises/{enterprise_code}", headers=auth["admin"]).headers["ETag"]
    for method, url, extra in (
        ("POST", f"{API}/enterprises", {}),
        ("PATCH", f"{API}/enterprises/{enterprise_code}", {"If-Match": etag}),
        ("POST", f"{API}/enterprises/{enterprise_code}/certifications", {}),
        ("POST", f"{API}/certifications/{cert.json['id']}/revoke", {}),
    ):
        response = client.open(
            url,
            method=method,
            data='{"name": "新乡',
            content_type="application/json",
            headers={**auth["admin"], **extra},
        )
        body = assert_problem(response, 400)
        assert "JSON" in body["detail"], (method, url, body)


# ---------------------------------------------------------------------------------------------
# 422: unknown and read-only fields, unknown query parameters, bad values


def test_422_unknown_json_field(app, client, auth):
    before = counts(app)
    response = client.post(f"{API}/enterprises", json=firm(owner="张三"), headers=auth["admin"])
    body = assert_invalid(response, "json", "owner")
    assert "owner" in body["detail"]
    assert counts(app) == before


@pytest.mark.parametrize(
    "field",
    ["current_tier", "credit_code", "next_tier", "certifications", "created_at", "version"],
)
def test_422_read_only_field_on_patch(client, auth, enterprise_code, field):
    url = f"{API}/enterprises/{enterprise_code}"
    before = client.get(url, headers=auth["admin"])
    value = make_code("other") if field == "credit_code" else before.json.get(field, 2)
    response = client.patch(
        url,
        json={"name": "新乡市新名字有限公司", field: value},
        headers={**auth["admin"], "If-Match": before.headers["ETag"]},
    )
    assert_invalid(response, "json", field)
    assert client.get(url, headers=auth["admin"]).json == before.json  # not even the name


def test_422_read_only_field_on_certification(client, auth, enterprise_code):
    response = client.post(
        f"{API}/enterprises/{enterprise_code}/certifications",
        json={
            "tier": "innovative_sme",
            "year": 2023,
            "certified_on": "2023-06-30",
            "status": "active",
        },
        headers=auth["admin"],
    )
    assert_invalid(response, "json", "status")


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/enterprises?district={DISTRICT}&sort=name",  # with a query schema
        f"{API}/tiers?sort=name",  # without one
        f"{API}/plans/{PLAN_ID}?sort=name",
        f"{API}/health?sort=name",
    ],
)
def test_422_unknown_query_parameter(client, auth, url):
    body = assert_invalid(client.get(url, headers=auth["admin"]), "query", "sort")
    assert set(body["errors"]["query"]) == {"sort"}  # the known `district` is fine


def test_422_unknown_query_parameter_on_an_enterprise(client, auth, enterprise_code):
    url = f"{API}/enterprises/{enterprise_code}?verbose=1"
    assert_invalid(client.get(url, headers=auth["admin"]), "query", "verbose")


def test_422_unknown_query_parameter_on_a_write(app, client, auth):
    response = client.post(f"{API}/enterprises?force=1", json=firm(), headers=auth["admin"])
    assert_invalid(response, "query", "force")
    assert counts(app)[0] == 1  # only the fixture's firm


@pytest.mark.parametrize(
    ("query", "field"),
    [("page_size=501", "page_size"), ("page_size=0", "page_size"), ("page=0", "page")],
)
def test_422_page_out_of_range(client, auth, query, field):
    response = client.get(f"{API}/enterprises?{query}", headers=auth["admin"])
    assert_invalid(response, "query", field)


def test_page_size_500_is_the_maximum_allowed(client, auth):
    response = client.get(f"{API}/enterprises?page_size=500", headers=auth["admin"])
    assert response.status_code == 200
    assert response.json["pagination"]["page_size"] == 500


def test_422_names_every_bad_field_by_location(client, auth):
    response = client.post(
        f"{API}/enterprises",
        json={"credit_code": "91410702MA9F3K2L2", "name": "", "district": "红旗区"},
        headers=auth["admin"],
    )
    body = assert_problem(response, 422)
    assert set(body["errors"]) == {"json"}
    assert set(body["errors"]["json"]) == {"credit_code", "name", "district"}
    # The summary names the first field by its label, and carries its code.
    assert body["detail"].startswith("unified social credit code: "), body
    assert body["code"] == "credit_code.length"


def test_422_missing_required_fields(client, auth):
    response = client.post(f"{API}/enterprises", json={}, headers=auth["admin"])
    body = assert_problem(response, 422)
    assert set(body["errors"]["json"]) == {"credit_code", "name", "district"}


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91410702MA9F3K2L2", "18"),  # length
        ("91410702MA9F3K2LIU", "character"),  # I is not in the charset
        ("91410702MA9F3K2L2A", "check character"),  # should end in U
    ],
)
def test_422_credit_code_says_why(client, auth, code, reason):
    response = client.post(f"{API}/enterprises", json=firm(code), headers=auth["admin"])
    body = assert_invalid(response, "json", "credit_code")
    assert reason in body["errors"]["json"]["credit_code"][0]


def test_422_unknown_district_names_the_field(client, auth):
    response = client.post(
        f"{API}/enterprises", json=firm(district="999999"), headers=auth["admin"]
    )
    assert_invalid(response, "json", "district")


def _district_filters() -> list[str]:
    """Every operation of the committed spec that filters by `district` in its query."""
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    return sorted(
        path
        for path, operations in spec["paths"].items()
        if any(
            p.get("in") == "query" and p.get("name") == "district"
            for p in operations.get("get", {}).get("parameters", [])
        )
    )


@pytest.mark.parametrize("path", _district_filters())
def test_every_district_filter_refuses_an_unknown_district_alike(client, auth, path):
    """410799 is well-formed but no district of the city: the list of firms refuses it as the
    certifications, figures, statistics, progress and exports do, never an empty answer."""
    url = API + path.removeprefix(API).replace("{plan_id}", "xinxiang-2023-2025")
    query = "?district=410799&year=2024" if "progress" in path else "?district=410799"
    body = assert_invalid(client.get(url + query, headers=auth["admin"]), "query", "district")
    assert "410799" in body["errors"]["query"]["district"][0]


def test_the_district_filters_include_the_list_of_firms():
    assert "/api/v1/enterprises" in _district_filters()


def test_422_unknown_tier_names_the_field(client, auth, enterprise_code):
    response = client.post(
        f"{API}/enterprises/{enterprise_code}/certifications",
        json={"tier": "gold_star", "certified_on": "2023-06-30"},
        headers=auth["admin"],
    )
    assert_invalid(response, "json", "tier")


# ---------------------------------------------------------------------------------------------
# 409, and nothing half-written


def test_409_duplicate_credit_code(app, client, auth, enterprise_code):
    before = counts(app)
    for code in (enterprise_code, f"  {enterprise_code.lower()} "):  # normalized the same
        response = client.post(
            f"{API}/enterprises",
            json=firm(code, name="新乡市冒名有限公司", district=OTHER_DISTRICT),
            headers=auth["admin"],
        )
        body = assert_problem(response, 409)
        assert enterprise_code in body["detail"]
    assert counts(app) == before
    stored = client.get(f"{API}/enterprises/{enterprise_code}", headers=auth["admin"]).json
    assert stored["district"] == DISTRICT


@pytest.mark.parametrize(
    ("role", "body", "status"),
    [
        ("bureau", firm(owner="张三"), 422),
        ("admin", firm(district="999999"), 422),
        ("bureau", firm("91410702MA9F3K2L2A"), 422),
        ("bureau", firm(district=OTHER_DISTRICT), 403),
    ],
    ids=["unknown field", "unknown district", "bad check character", "other district"],
)
def test_rejected_registration_writes_nothing(app, client, auth, role, body, status):
    before = counts(app)
    response = client.post(f"{API}/enterprises", json=body, headers=auth[role])
    assert_problem(response, status)
    assert counts(app) == before


def test_rejected_certification_writes_nothing(app, client, auth, enterprise_code):
    before = counts(app)
    url = f"{API}/enterprises/{enterprise_code}/certifications"
    # 专精特新 without an active 创新型: the ladder refuses it.
    response = client.post(
        url, json={"tier": "specialized_sme", "certified_on": "2023-06-30"}, headers=auth["admin"]
    )
    body = assert_problem(response, 409, code="certification.prerequisite_missing")
    assert "Innovative SME" in body["detail"]
    assert counts(app) == before


def test_failed_audit_write_rolls_back_the_registration(app, client, auth, monkeypatch):
    """The enterprise and its audit event commit together or not at all."""

    def fail(self, *args, **kwargs):
        raise RuntimeError("audit store unavailable")

    before = counts(app)
    monkeypatch.setattr(Event, "save", fail)
    response = client.post(f"{API}/enterprises", json=firm(), headers=auth["admin"])
    monkeypatch.undo()

    assert_problem(response, 500)
    assert counts(app) == before
    code = make_code("errors")
    assert_problem(client.get(f"{API}/enterprises/{code}", headers=auth["admin"]), 404)
