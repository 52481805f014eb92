"""Rate limits: one count for the whole service (Redis, shared by every worker), a 429 problem
with Retry-After over it, a budget per address that refuses only requests without a valid
token, and limits that fail open when Redis is away (served, logged, and said by /health)."""

import logging
import os
import secrets
import signal
import subprocess

import pytest

from registry.services import tokens
from tests.support.apps import make_app
from tests.support.codes import DISTRICT
from tests.support.http import assert_problem, bearer
from tests.support.servers import call, create_token, make_run
from tests.support.waiting import wait_until

API = "/api/v1"
PROGRESS = f"{API}/plans/xinxiang-2023-2025/progress"


def limited_app(tmp_path, storage: str, **limits):
    """An app whose limits are on, counted in `storage`."""
    return make_app(
        tmp_path, name="limits", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, **limits
    )


def test_over_its_limit_a_token_gets_a_429_problem_with_retry_after(tmp_path, rate_limit_storage):
    app = limited_app(tmp_path, rate_limit_storage, RATELIMIT_DEFAULT="3 per minute")
    with app.app_context():
        _, first = tokens.create_token("bureau", "bureau one", districts=[DISTRICT])
        _, second = tokens.create_token("bureau", "bureau two", districts=[DISTRICT])
        _, screen = tokens.create_token("dashboard", "screen")
    client = app.test_client()
    url = f"{API}/enterprises"
    assert [client.get(url, headers=bearer(first)).status_code for _ in range(3)] == [200] * 3
    refused = client.get(url, headers=bearer(first))
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get(url, headers=bearer(second)).status_code == 200  # per token
    assert all(client.get(f"{API}/health").status_code == 200 for _ in range(5))
    # Polled aggregates come from the cache and are not counted: screens poll freely.
    assert {client.get(PROGRESS, headers=bearer(screen)).status_code for _ in range(6)} == {200}


@pytest.mark.parametrize("path", ["/enterprises", "/plans/xinxiang-2023-2025/progress"])
def test_requests_without_a_valid_token_are_limited_per_address_and_only_they(
    tmp_path, rate_limit_storage, path
):
    app = limited_app(tmp_path, rate_limit_storage, AUTH_FAILURE_LIMIT="5 per minute")
    with app.app_context():
        _, screen = tokens.create_token("dashboard", "screen")
        _, admin = tokens.create_token("admin", "city")
        revoked, stale = tokens.create_token("bureau", "old script", districts=[DISTRICT])
        tokens.revoke_token(revoked.id)
    client = app.test_client()
    made_up = [
        client.get(API + path, headers=bearer(secrets.token_urlsafe(16))).status_code
        for _ in range(3)
    ]
    revoked_too = [client.get(API + path, headers=bearer(stale)).status_code for _ in range(5)]
    assert made_up + revoked_too == [401] * 5 + [429] * 3
    refused = client.get(API + path, headers=bearer(secrets.token_urlsafe(16)))
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get(f"{API}/tiers").status_code == 429  # no token from that address: refused
    # A valid token from the same address is served: offices share one egress address.
    assert client.get(PROGRESS, headers=bearer(screen)).status_code == 200
    assert client.get(f"{API}/enterprises", headers=bearer(admin)).status_code == 200
    # Another address is not affected.
    elsewhere = {"REMOTE_ADDR": "127.0.0.2"}
    assert (
        client.get(API + path, headers=bearer("made-up"), environ_base=elsewhere).status_code == 401
    )


def test_valid_tokens_do_not_count_as_failures(tmp_path, rate_limit_storage):
    app = limited_app(tmp_path, rate_limit_storage, AUTH_FAILURE_LIMIT="2 per minute")
    with app.app_context():
        _, screen = tokens.create_token("dashboard", "screen")
    client = app.test_client()
    assert {client.get(PROGRESS, headers=bearer(screen)).status_code for _ in range(10)} == {200}


def test_with_redis_unreachable_the_limits_fail_open_logged_and_told_by_health(tmp_path, caplog):
    """Redis away: every request is served, never a 500; the worker counts for itself (nothing
    refused that the shared count would have let through), says so once in its log, and
    /health answers 200 `degraded`."""
    away = f"redis+unix://{tmp_path / 'no-redis.sock'}"
    app = limited_app(tmp_path, away, RATELIMIT_DEFAULT="5 per minute")
    with app.app_context():
        _, admin = tokens.create_token("admin", "city")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        statuses = [client.get(f"{API}/enterprises", headers=bearer(admin)) for _ in range(5)]
    assert [r.status_code for r in statuses] == [200] * 5
    assert [r.levelname for r in caplog.records] == ["WARNING"]  # once, not per request
    assert "unreachable" in caplog.records[0].getMessage()
    health = client.get(f"{API}/health")
    assert health.status_code == 200
    told = {k: health.json[k] for k in ("status", "database", "rate_limits")}
    assert told == {"status": "degraded", "database": "ok", "rate_limits": "unreachable"}
    # A client may send nothing that makes it a 500 meanwhile: unknown tokens, a refusal.
    assert client.get(f"{API}/enterprises", headers=bearer("nobody")).status_code == 401
    assert client.get(f"{API}/enterprises", headers=bearer(admin)).status_code == 429


def test_health_says_the_counts_are_shared_when_redis_answers(tmp_path, rate_limit_storage):
    app = limited_app(tmp_path, rate_limit_storage)
    health = app.test_client().get(f"{API}/health")
    told = {k: health.json[k] for k in ("status", "database", "rate_limits")}
    assert told == {"status": "ok", "database": "ok", "rate_limits": "shared"}


# Through `make run`: five workers, one count ---------------------------------------------------


def _redis_of(served) -> int:
    """The pid of the Redis that `make run` started."""
    found = subprocess.run(
        ["pgrep", "-f", f"redis-server.*{served.run_dir()}"], stdout=subprocess.PIPE, text=True
    )
    return int(found.stdout.split()[0])


def test_make_run_counts_a_tokens_requests_once_across_its_workers(tmp_path):
    with make_run(
        tmp_path,
        WEB_CONCURRENCY="5",
        REGISTRY_RATE_LIMIT_ENABLED="1",
        REGISTRY_RATE_LIMIT="20 per minute",
    ) as served:
        admin = create_token(served.database_url, "--role", "admin", "--name", "limits")
        replies = [call("GET", served.url("/enterprises"), token=admin) for _ in range(60)]
        health = call("GET", served.url("/health")).json

    statuses = [reply.status for reply in replies]
    assert 19 <= statuses.count(200) <= 21, statuses
    assert statuses == sorted(statuses, key=lambda s: s == 429)  # answered, then refused
    refused = replies[-1]
    assert_problem(refused, 429)
    assert 0 < int(refused.headers["retry-after"]) <= 61  # Redis keeps the window's end to 1 s
    assert health["rate_limits"] == "shared"


def test_make_run_keeps_serving_while_its_redis_is_away_and_starts_it_again(tmp_path):
    with make_run(tmp_path, WEB_CONCURRENCY="2", REGISTRY_RATE_LIMIT_ENABLED="1") as served:
        admin = create_token(served.database_url, "--role", "admin", "--name", "limits")
        redis = _redis_of(served)
        os.kill(redis, signal.SIGSTOP)  # there, but not answering
        try:
            away = [call("GET", served.url("/enterprises"), token=admin) for _ in range(6)]
            health = call("GET", served.url("/health"))
        finally:
            os.kill(redis, signal.SIGCONT)
        assert [reply.status for reply in away] == [200] * 6
        assert health.status == 200 and health.json["rate_limits"] == "unreachable"
        assert "falling back to in-memory storage" in served.log()

        os.kill(redis, signal.SIGKILL)  # gone: deploy/serve.py starts another
        wait_until(
            lambda: call("GET", served.url("/health")).json["rate_limits"] == "shared",
            what="a new Redis answering",
        )
        assert _redis_of(served) != redis
        assert call("GET", served.url("/enterprises"), token=admin).status == 200
