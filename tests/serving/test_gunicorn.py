"""End to end: the `registry` command prepares a database, gunicorn serves it, urllib talks HTTP."""

import datetime as dt

import pytest

from tests.support.codes import DISTRICT, make_code
from tests.support.http import assert_problem
from tests.support.servers import call, gunicorn_server


@pytest.fixture
def server(tmp_path):
    with gunicorn_server(tmp_path, workers=2, name="e2e") as running:
        yield running


def test_register_certify_and_read_status_over_http(server):
    health = call("GET", server.url("/health"))
    assert health.status == 200
    told = {k: health.json[k] for k in ("status", "database", "rate_limits")}
    assert told == {"status": "ok", "database": "ok", "rate_limits": "off"}

    # No token: 401 with a Bearer challenge, as problem+json, and nothing about the schema.
    anonymous = call("GET", server.url("/enterprises"))
    assert_problem(anonymous, 401)
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    bad_token = call("GET", server.url("/enterprises"), token="ecr_not-a-real-token")
    assert bad_token.status == 401

    code = make_code("e2e-firm")
    registered = server.call(
        "POST",
        "/enterprises",
        json_body={"credit_code": code, "name": "新乡市端到端测试有限公司", "district": DISTRICT},
    )
    assert registered.status == 201, registered.body
    assert registered.headers["location"].endswith(f"/api/v1/enterprises/{code}")
    assert registered.json["credit_code"] == code

    certified_on = dt.date.today() - dt.timedelta(days=30)
    certified = server.call(
        "POST",
        f"/enterprises/{code}/certifications",
        json_body={
            "tier": "innovative_sme",
            "certified_on": certified_on.isoformat(),
            "year": certified_on.year,
            "document_no": "豫工信企业〔2026〕1号",
        },
    )
    assert certified.status == 201, certified.body
    assert certified.json["tier"] == "innovative_sme"
    # Valid to 31 December of (the announcement's year + 3 − 1).
    assert certified.json["valid_until"] == f"{certified_on.year + 2}-12-31"

    # Read it back several times: with two workers, at least one read is likely served by a
    # process other than the one that wrote.
    for _ in range(4):
        status = server.call("GET", f"/enterprises/{code}/status")
        assert status.status == 200, status.body
        body = status.json
        assert body["credit_code"] == code
        assert body["name"] == "新乡市端到端测试有限公司"
        assert body["current_tier"] == "innovative_sme"
        assert body["next_tier"] == "specialized_sme"
        [cert] = body["certifications"]
        assert cert["tier"] == "innovative_sme"
        assert cert["status"] == "active"
        assert cert["certified_on"] == certified_on.isoformat()

    # Unknown enterprise: 404 as problem+json.
    missing = server.call("GET", f"/enterprises/{make_code('nobody')}")
    assert_problem(missing, 404)

    # An unknown path is a problem+json 404 as well.
    nowhere = call("GET", server.url("/no-such-resource"))
    assert_problem(nowhere, 404)

    assert server.process.poll() is None, server.log()
    assert "Traceback" not in server.log()
