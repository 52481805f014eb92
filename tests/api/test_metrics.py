"""GET /metrics through the test client (one process, counting in memory): who may scrape it
(loopback, a metrics token, the admin), and what a request, a poll, an import and a sign-in
count. The counts are the process's own since it began: each test compares before and after.
Across gunicorn's workers: tests/serving/test_metrics.py."""

import shutil
from pathlib import Path

import pytest

from registry.db import database
from registry.services import tokens
from tests.support.apps import make_app
from tests.support.codes import make_code
from tests.support.databases import ENGINE
from tests.support.http import assert_problem, bearer
from tests.support.imports import post_rows, row
from tests.support.metrics import parsed, value

ELSEWHERE = {"REMOTE_ADDR": "203.0.113.5"}
PROGRESS = "/api/v1/plans/xinxiang-2023-2025/progress?year=2025"


def scrape(client, **kwargs) -> dict:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    return parsed(response.get_data(as_text=True))


@pytest.fixture
def metrics_token(app) -> str:
    with app.app_context():
        return tokens.create_token("metrics", "prometheus")[1]


# --- who may scrape ----------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"])
def test_a_client_on_loopback_scrapes_without_a_credential(client, address):
    samples = scrape(client, environ_base={"REMOTE_ADDR": address})
    assert value(samples, "registry_database_up") == 1


def test_elsewhere_a_scrape_needs_a_metrics_token_or_the_admins(client, auth, metrics_token):
    anonymous = client.get("/metrics", environ_base=ELSEWHERE)
    assert_problem(anonymous, 401, code="auth.credentials_required")
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = client.get("/metrics", environ_base=ELSEWHERE, headers=bearer("ecr_guess"))
    assert_problem(unknown, 401, code="auth.invalid_token")
    for role in ("dashboard", "bureau", "enterprise"):
        refused = client.get("/metrics", environ_base=ELSEWHERE, headers=auth[role])
        assert_problem(refused, 403, code="auth.role_refused")
    scrape(client, environ_base=ELSEWHERE, headers=bearer(metrics_token))
    scrape(client, environ_base=ELSEWHERE, headers=auth["admin"])


def test_a_metrics_token_reads_nothing_else(client, metrics_token):
    for path in ("/api/v1/enterprises", "/api/v1/events", PROGRESS):
        assert_problem(client.get(path, headers=bearer(metrics_token)), 403)
    assert client.get("/api/v1/me", headers=bearer(metrics_token)).status_code == 403


def test_behind_nginx_the_address_nginx_names_decides(tmp_path):
    """nginx connects from loopback and names the client last in X-Forwarded-For; a client
    cannot pass for loopback by sending its own X-Forwarded-For first."""
    client = make_app(tmp_path, TRUSTED_PROXIES=1).test_client()
    via_nginx = {"REMOTE_ADDR": "127.0.0.1"}

    def forwarded(chain: str):
        return client.get("/metrics", environ_base=via_nginx, headers={"X-Forwarded-For": chain})

    assert forwarded("127.0.0.1").status_code == 200  # a scraper on the machine, through nginx
    assert_problem(forwarded("203.0.113.9"), 401)
    assert_problem(forwarded("127.0.0.1, 203.0.113.9"), 401)  # spoofed first, nginx's last


# --- what is counted ---------------------------------------------------------------------------


def test_requests_are_counted_by_route_template_method_and_status(client, auth):
    before = scrape(client)
    codes = [make_code(f"metrics-{n}") for n in range(3)]
    for code in codes:  # three paths, one route
        assert client.get(f"/api/v1/enterprises/{code}", headers=auth["admin"]).status_code == 404
    client.get("/api/v1/no-such-thing")
    client.delete("/api/v1/tiers")
    after = scrape(client)

    template = "/api/v1/enterprises/{credit_code}"
    counted = {"route": template, "method": "GET", "status": "404"}
    assert (
        value(after, "registry_http_requests_total", **counted)
        - value(before, "registry_http_requests_total", **counted)
        == 3
    )
    latency = {"route": template, "method": "GET"}
    name = "registry_http_request_duration_seconds_count"
    assert value(after, name, **latency) - value(before, name, **latency) == 3
    assert not any(code in str(labels) for (_, labels) in after for code in codes)
    unmatched = {"route": "unmatched"}
    assert (
        value(after, "registry_http_requests_total", **unmatched)
        - value(before, "registry_http_requests_total", **unmatched)
        == 2
    )  # the 404 and the 405 of no route


def test_polls_count_200s_304s_and_answers_computed_again_after_a_write(client, auth):
    before = scrape(client)
    first = client.get(PROGRESS, headers=auth["dashboard"])
    etag = {"If-None-Match": first.headers["ETag"]}
    for _ in range(3):
        assert client.get(PROGRESS, headers={**auth["dashboard"], **etag}).status_code == 304
    created = client.post(
        "/api/v1/enterprises",
        json={
            "credit_code": make_code("metrics-w"),
            "name": "新乡市计量测试有限公司",
            "district": "410702",
        },
        headers=auth["admin"],
    )
    assert created.status_code == 201
    assert client.get(PROGRESS, headers={**auth["dashboard"], **etag}).status_code == 200
    after = scrape(client)

    def grew(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("registry_polls_total", status="200") == 2
    assert grew("registry_polls_total", status="304") == 3
    assert grew("registry_polls_total", status="304", by="front") == 3  # repeats, in front
    assert grew("registry_poll_answers_computed_total") == 2  # the first, and after the write
    route = "/api/v1/plans/{plan_id}/progress"
    assert grew("registry_http_requests_total", route=route, status="304") == 3


def test_imports_count_their_outcome_rows_and_time(client, auth):
    before = scrape(client)
    rows = [row(f"metrics-import-{n}") for n in range(4)]
    assert post_rows(client, auth["admin"], rows, dry_run=True).status_code == 200
    assert post_rows(client, auth["admin"], rows).status_code == 200
    bad = [row("metrics-bad", year="never")]
    assert post_rows(client, auth["admin"], bad).status_code == 422
    after = scrape(client)

    def grew(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    for outcome, rows_seen in (("dry_run", 4), ("loaded", 4), ("rejected", 1)):
        assert grew("registry_imports_total", outcome=outcome) == 1, outcome
        assert grew("registry_import_rows_total", outcome=outcome) == rows_seen, outcome
        assert grew("registry_import_duration_seconds_count", outcome=outcome) == 1


def test_sign_ins_count_failures_a_lockout_and_refusals_during_it(client):
    before = scrape(client)
    wrong = {"login": "nobody-metrics", "password": "Wrong-pass-2026"}
    statuses = [client.post("/api/v1/session", json=wrong).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [423]
    after = scrape(client)

    def grew(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("registry_sign_ins_total", outcome="failed") == 5
    assert grew("registry_sign_ins_total", outcome="locked") == 1
    assert grew("registry_sign_in_lockouts_total") == 1


def test_the_release_and_the_schemas_migration_level_are_read_at_the_scrape(client):
    from registry.migrations import LATEST

    samples = scrape(client)
    assert value(samples, "registry_build_info", version="0.1.0") == 1
    assert value(samples, "registry_schema_version") == LATEST
    assert value(samples, "registry_schema_latest_version") == LATEST
    assert value(samples, "registry_data_version") >= 1
    assert value(samples, "registry_backup_last_success_timestamp_seconds") == 0  # never


def test_the_last_backup_is_its_newest_event(app, client):
    import datetime as dt

    from registry.models import Event

    with app.app_context():
        database.connect(reuse_if_open=True)
        for day in (1, 2):
            Event.create(
                at=dt.datetime(2026, 3, day, 2, 30),
                actor_name="backup",
                actor_role="operator",
                action="backup.completed",
                subject="backup",
                data={},
            )
    samples = scrape(client)
    newest = dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC).timestamp()
    assert value(samples, "registry_backup_last_success_timestamp_seconds") == newest


def test_registry_backup_sets_the_last_backups_time(app, client, tmp_path):
    import time

    from tests.support.apps import invoke

    before = time.time()
    result = invoke(app, "backup", str(tmp_path / "backups"))
    assert result.exit_code == 0, result.output
    told = value(scrape(client), "registry_backup_last_success_timestamp_seconds")
    assert before - 1 <= told <= time.time() + 1


@pytest.mark.skipif(ENGINE != "sqlite", reason="the SQLite form of a database away")
def test_with_the_database_away_the_scrape_says_so(tmp_path):
    volume = tmp_path / "volume"
    volume.mkdir()
    client = make_app(f"sqlite:///{volume / 'registry.db'}").test_client()
    before = scrape(client)
    assert value(before, "registry_database_up") == 1
    database.close()
    moved = Path(shutil.move(volume, tmp_path / "elsewhere"))
    try:
        assert client.get("/api/v1/districts").status_code == 503
        samples = scrape(client)
    finally:
        moved.rename(volume)
    assert value(samples, "registry_database_up") == 0
    assert ("registry_schema_version", frozenset()) not in samples
    assert value(samples, "registry_database_errors_total") > value(
        before, "registry_database_errors_total"
    )
    assert value(samples, "registry_http_requests_total", status="503") >= 1
