"""Fixtures: a database of its own per test (SQLite, or PostgreSQL when asked), the seeds
loaded, one token of each kind, and a Redis for the rate limits. Helpers are in tests/support/."""

import pytest

from registry.services import tokens
from tests.support.apps import make_app
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.databases import ENGINE, drop_created
from tests.support.http import bearer
from tests.support.servers import redis_server


@pytest.fixture
def app(tmp_path):
    """An app on a fresh database of the engine under test, the seeds loaded."""
    return make_app(tmp_path)


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def rate_limit_storage(redis_server_url) -> str:
    """A Redis for an app's rate limits, its counts emptied before each test."""
    import redis

    with redis.Redis(unix_socket_path=redis_server_url.removeprefix("redis+unix://")) as connection:
        connection.flushall()
    return redis_server_url


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def enterprise_code():
    return make_code("fixture-enterprise")


@pytest.fixture
def auth(app, client, enterprise_code):
    """Headers for each role; the enterprise token belongs to `enterprise_code` (registered)."""
    with app.app_context():
        _, admin = tokens.create_token("admin", "city admin")
        _, bureau = tokens.create_token("bureau", "红旗区工信局", districts=[DISTRICT])
        _, other = tokens.create_token("bureau", "卫滨区工信局", districts=[OTHER_DISTRICT])
        _, dashboard = tokens.create_token("dashboard", "big screen")
    response = client.post(
        "/api/v1/enterprises",
        json={
            "credit_code": enterprise_code,
            "name": "新乡市红旗精密机械有限公司",
            "district": DISTRICT,
        },
        headers=bearer(admin),
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        _, firm = tokens.create_token("enterprise", "the firm", credit_code=enterprise_code)
    return {
        "admin": bearer(admin),
        "bureau": bearer(bureau),
        "other_bureau": bearer(other),
        "dashboard": bearer(dashboard),
        "enterprise": bearer(firm),
    }


@pytest.fixture
def register(client, auth):
    """Register an enterprise as the admin; returns its credit code."""

    def _register(seed, *, district=DISTRICT, name=None):
        code = make_code(seed)
        response = client.post(
            "/api/v1/enterprises",
            json={
                "credit_code": code,
                "name": name or f"新乡测试企业{seed}有限公司",
                "district": district,
            },
            headers=auth["admin"],
        )
        assert response.status_code == 201, response.json
        return code

    return _register


@pytest.fixture
def certify(client, auth):
    """Record a certification as the admin; returns the response."""

    def _certify(code, tier, certified_on, *, headers=None, **extra):
        return client.post(
            f"/api/v1/enterprises/{code}/certifications",
            json={"tier": tier, "certified_on": certified_on, **extra},
            headers=headers or auth["admin"],
        )

    return _certify


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases():
    yield
    drop_created()


def pytest_report_header(config):
    return f"database engine: {ENGINE}"
