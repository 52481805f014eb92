"""Concurrency over HTTP against gunicorn with several workers, on the engine under test:
many writers at once lose nothing; racing PATCHes with If-Match lose no update."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.codes import make_code
from tests.support.databases import query
from tests.support.servers import gunicorn_server, run_registry

WRITERS, PER_WRITER = 16, 50


@pytest.fixture
def server(tmp_path):
    with gunicorn_server(tmp_path, workers=4, name="races") as running:
        yield running


def test_sixteen_writers_lose_nothing_and_the_aggregates_equal_the_rows(server):
    year = dt.date.today().year - 1
    statuses: list[int] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        for i in range(PER_WRITER):
            code = make_code(f"writer-{number}-{i}")
            firm = server.call(
                "POST",
                "/enterprises",
                json_body={
                    "credit_code": code,
                    "name": f"新乡市并发{number}号{i}有限公司",
                    "district": ("410702", "410703", "410771", "410782")[number % 4],
                },
            )
            cert = server.call(
                "POST",
                f"/enterprises/{code}/certifications",
                json_body={"tier": "innovative_sme", "year": year, "certified_on": f"{year}-06-28"},
            )
            with lock:
                statuses.extend([firm.status, cert.status])

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))
    total = WRITERS * PER_WRITER
    assert statuses.count(201) == 2 * total, sorted(set(statuses))
    assert query(server.database_url, "SELECT COUNT(*) FROM enterprise") == [(total,)]
    assert query(server.database_url, "SELECT COUNT(*) FROM certification") == [(total,)]
    # The aggregates the dashboards read agree with the rows.
    stats = server.call("GET", "/stats/certifications?group_by=tier,district")
    assert sum(row["count"] for row in stats.json["rows"]) == total
    assert {row["district"] for row in stats.json["rows"]} == {
        "410702",
        "410703",
        "410771",
        "410782",
    }
    progress = server.call(
        "GET", f"/plans/xinxiang-2023-2025/progress?year={min(year, 2025)}&as_of={year}-12-31"
    )
    if year <= 2025:
        achieved = {r["tier"]: r["achieved"] for r in progress.json["targets"]}
        assert achieved["innovative_sme"] == total
    listed = server.call("GET", "/enterprises?page_size=1")
    assert listed.json["pagination"]["total"] == total
    # Every writer of a district incremented one tally row (UPSERT, n = n + 1): none was lost.
    shared = query(
        server.database_url,
        "SELECT district, n FROM certification_tally WHERE tier = 'innovative_sme' ORDER BY 1",
    )
    assert shared == [(d, total // 4) for d in ("410702", "410703", "410771", "410782")]
    assert "agree" in run_registry(server.database_url, "verify-aggregates").stdout


def test_racing_patches_get_200_or_412_and_lose_no_update(server):
    code = make_code("contended")
    assert (
        server.call(
            "POST",
            "/enterprises",
            json_body={
                "credit_code": code,
                "name": "新乡市争用企业有限公司",
                "district": "410702",
                "industry_chain": "0",
            },
        ).status
        == 201
    )
    url = f"/enterprises/{code}"
    # First: sixteen clients with the same ETag — one wins, fifteen are told they are stale.
    etag = server.call("GET", url).headers["etag"]
    barrier = threading.Barrier(WRITERS)

    def once(number: int) -> int:
        barrier.wait()
        return server.call(
            "PATCH", url, json_body={"name": f"第{number}号客户的名称"}, headers={"If-Match": etag}
        ).status

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(once, range(WRITERS)))
    assert sorted(set(statuses)) == [200, 412] and statuses.count(200) == 1, statuses

    # Then: read-modify-write increments, retried on 412 — none may be lost.
    increments = 5

    def count_up(_: int) -> list[int]:
        seen = []
        for _ in range(increments):
            while True:
                current = server.call("GET", url)
                value = int(current.json["industry_chain"])
                reply = server.call(
                    "PATCH",
                    url,
                    json_body={"industry_chain": str(value + 1)},
                    headers={"If-Match": current.headers["etag"]},
                )
                seen.append(reply.status)
                if reply.status == 200:
                    break
        return seen

    with ThreadPoolExecutor(WRITERS) as pool:
        seen = [status for statuses in pool.map(count_up, range(WRITERS)) for status in statuses]
    assert set(seen) <= {200, 412}, sorted(set(seen))
    assert server.call("GET", url).json["industry_chain"] == str(WRITERS * increments)
    updates = query(
        server.database_url, "SELECT COUNT(*) FROM event WHERE action = 'enterprise.updated'"
    )
    assert updates == [(1 + WRITERS * increments,)]
