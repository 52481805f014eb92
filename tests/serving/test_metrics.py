"""GET /metrics through `make run` (nginx in front of gunicorn's workers, Redis counting the rate
limits): after known traffic, the scrape counts every request once, whichever worker answered
it, a worker that died included."""

import os
import signal
import subprocess

from registry.migrations import LATEST
from tests.support.codes import DISTRICT, make_code
from tests.support.metrics import parsed, value
from tests.support.servers import call, create_token, make_run
from tests.support.waiting import wait_until

WORKERS = 3
TIERS = 12  # public GETs of one route
NOT_MODIFIED = 9  # polls answered 304
PROGRESS = "/plans/xinxiang-2023-2025/progress?year=2025"


def _scrape(served) -> dict:
    reply = call("GET", f"http://127.0.0.1:{served.port}/metrics")  # loopback, through nginx
    assert reply.status == 200, reply.body[:300]
    return parsed(reply.body.decode())


def _workers(served) -> list[int]:
    """gunicorn's workers: the processes of its command line whose parent is one of them."""
    found = subprocess.run(
        ["pgrep", "-f", f"unix:{served.run_dir()}/gunicorn.sock"], stdout=subprocess.PIPE, text=True
    )
    pids = {int(pid) for pid in found.stdout.split()}
    return sorted(pid for pid in pids if _parent(pid) in pids)


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def _known_traffic(served) -> None:
    admin = create_token(served.database_url, "--role", "admin", "--name", "metrics admin")
    screen = create_token(served.database_url, "--role", "dashboard", "--name", "screen")
    assert [call("GET", served.url("/tiers")).status for _ in range(TIERS)] == [200] * TIERS
    first = call("GET", served.url(PROGRESS), token=screen)
    assert first.status == 200
    again = {"If-None-Match": first.headers["etag"]}
    polls = [
        call("GET", served.url(PROGRESS), token=screen, headers=again) for _ in range(NOT_MODIFIED)
    ]
    assert [reply.status for reply in polls] == [304] * NOT_MODIFIED
    firm = {"credit_code": make_code("metrics-e2e"), "name": "新乡市指标有限公司"}
    written = call(
        "POST", served.url("/enterprises"), token=admin, json_body=firm | {"district": DISTRICT}
    )
    assert written.status == 201, written.body[:300]
    assert call("GET", served.url(PROGRESS), token=screen, headers=again).status == 200
    wrong = {"login": "nobody", "password": "Wrong-pass-2026"}
    assert call("POST", served.url("/session"), json_body=wrong).status == 401
    assert call("GET", served.url("/enterprises"), token="ecr_guess").status == 401
    assert call("GET", served.url("/enterprises"), token="ecr_guess").status == 429


def _assert_counted(samples: dict) -> None:
    tiers = {"route": "/api/v1/tiers", "method": "GET"}
    assert value(samples, "registry_http_requests_total", **tiers, status="200") == TIERS
    assert value(samples, "registry_http_request_duration_seconds_count", **tiers) == TIERS
    assert value(samples, "registry_polls_total", status="304") == NOT_MODIFIED
    assert value(samples, "registry_polls_total", status="200") == 2
    progress = {"route": "/api/v1/plans/{plan_id}/progress", "status": "304"}
    assert value(samples, "registry_http_requests_total", **progress) == NOT_MODIFIED
    # Each worker computes an answer once a version: the first, and again after the write.
    assert 2 <= value(samples, "registry_poll_answers_computed_total") <= 2 * WORKERS
    assert value(samples, "registry_sign_ins_total", outcome="failed") == 1
    assert value(samples, "registry_rate_limited_total", limit="failed_authentication") == 1
    assert value(samples, "registry_rate_limited_total") == 1
    assert value(samples, "registry_http_requests_total", status="429") == 1
    assert value(samples, "registry_database_errors_total") == 0


def test_make_run_counts_known_traffic_once_across_its_workers(tmp_path):
    with make_run(
        tmp_path,
        WEB_CONCURRENCY=str(WORKERS),
        REGISTRY_RATE_LIMIT_ENABLED="1",
        REGISTRY_AUTH_FAILURE_LIMIT="2 per minute",
    ) as served:
        _known_traffic(served)
        samples = _scrape(served)
        _assert_counted(samples)
        assert value(samples, "registry_build_info", version="0.1.0") == 1
        assert value(samples, "registry_schema_version") == LATEST
        assert value(samples, "registry_database_up") == 1
        assert list((served.run_dir() / "metrics").glob("*.db"))  # every worker's own files

        # A worker killed: gunicorn starts another; what the dead one counted still counts.
        workers = _workers(served)
        assert len(workers) == WORKERS
        os.kill(workers[0], signal.SIGKILL)
        wait_until(
            lambda: len(set(_workers(served)) - set(workers)) == 1,
            what="gunicorn replacing its killed worker",
        )
        _assert_counted(_scrape(served))
