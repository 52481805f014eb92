"""Writes are safe under concurrency on SQLite: many gunicorn workers, many clients, one file."""

import contextlib
import datetime as dt
import sqlite3
import threading
from collections import Counter

import peewee as pw
import pytest

from registry import db
from registry.models import District, Enterprise
from tests.support.codes import DISTRICT, make_code
from tests.support.databases import query, sqlite_only
from tests.support.servers import gunicorn_server

THREADS = 8
PER_THREAD = 25


def _read(server, sql: str) -> list[tuple]:
    """Rows from the server's database, on a connection of our own."""
    return query(server.database_url, sql)


def _events(server) -> int:
    return _read(server, "SELECT COUNT(*) FROM event")[0][0]


@pytest.fixture
def server(tmp_path):
    with gunicorn_server(tmp_path, workers=4, name="concurrency") as running:
        yield running


def test_concurrent_registrations_and_certifications_all_succeed(server):
    certified_on = dt.date.today() - dt.timedelta(days=10)
    statuses: Counter = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)
    events_before = _events(server)

    def client(worker: int) -> None:
        start.wait()  # every thread writes at once
        for i in range(PER_THREAD):
            code = make_code(f"concurrency-{worker}-{i}")
            steps = [
                (
                    "/enterprises",
                    {
                        "credit_code": code,
                        "name": f"新乡并发测试{worker}-{i}有限公司",
                        "district": DISTRICT,
                    },
                ),
                (
                    f"/enterprises/{code}/certifications",
                    {"tier": "innovative_sme", "certified_on": certified_on.isoformat()},
                ),
            ]
            for path, body in steps:
                try:
                    reply = server.call("POST", path, json_body=body)
                    status, detail = reply.status, reply.body[:300]
                except OSError as exc:  # a reset or a timeout counts as a failure too
                    status, detail = 0, repr(exc)
                with lock:
                    statuses[status] += 1
                    if status != 201:
                        failures.append(f"POST {path}: {status} {detail!r}")
                if status != 201:
                    break

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "clients still running"

    total = THREADS * PER_THREAD
    assert not failures, f"{statuses}: {failures[:5]}\n{server.log()[-3000:]}"
    assert statuses == {201: 2 * total}

    expected = {
        make_code(f"concurrency-{w}-{i}") for w in range(THREADS) for i in range(PER_THREAD)
    }
    listed = server.call("GET", "/enterprises?page_size=500")
    assert listed.status == 200
    assert listed.json["pagination"]["total"] == total
    assert {item["credit_code"] for item in listed.json["items"]} == expected
    certified = server.call("GET", "/enterprises?tier=innovative_sme&page_size=500")
    assert certified.json["pagination"]["total"] == total
    assert {item["credit_code"] for item in certified.json["items"]} == expected

    # The file itself: one certification per enterprise, and one audit event per write.
    per_enterprise = _read(
        server,
        "SELECT e.credit_code, COUNT(c.id) FROM enterprise e "
        "LEFT JOIN certification c ON c.enterprise_id = e.id AND c.tier = 'innovative_sme' "
        "GROUP BY e.id",
    )
    assert {code for code, _ in per_enterprise} == expected
    assert all(n == 1 for _, n in per_enterprise)
    assert _events(server) - events_before == 2 * total  # one audit event per write
    assert "Traceback" not in server.log()


def _race(server, path: str, body: dict) -> Counter:
    """THREADS clients POST the same thing at the same moment; the statuses they got."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def client() -> None:
        start.wait()
        try:
            status = server.call("POST", path, json_body=body).status
        except OSError:
            status = 0
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_racing_duplicates_give_one_201_and_409s(server):
    """The same firm registered, and the same certification recorded, by 8 clients at once."""
    code = make_code("racing-duplicate")
    events_before = _events(server)
    registered = _race(
        server,
        "/enterprises",
        {"credit_code": code, "name": "新乡市竞争写入有限公司", "district": DISTRICT},
    )
    assert registered == {201: 1, 409: THREADS - 1}
    certified_on = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    certified = _race(
        server,
        f"/enterprises/{code}/certifications",
        {"tier": "innovative_sme", "certified_on": certified_on},
    )
    assert certified == {201: 1, 409: THREADS - 1}
    assert _read(server, "SELECT COUNT(*) FROM enterprise") == [(1,)]
    assert _read(server, "SELECT COUNT(*) FROM certification") == [(1,)]
    assert _events(server) - events_before == 2  # the refused writes left no trace
    assert "Traceback" not in server.log()


# The settings behind it (registry.db.open_database).


@pytest.fixture
def connected(app):
    """The app's database, connected as a request would be."""
    with app.app_context():
        db.database.connect(reuse_if_open=True)
        try:
            yield db.database
        finally:
            db.database.close()


@pytest.fixture
def other(tmp_path):
    """A second connection to the app fixture's file: autocommit (BEGIN is ours), no waiting."""
    with contextlib.closing(
        sqlite3.connect(tmp_path / "registry.db", timeout=0, isolation_level=None)
    ) as conn:
        yield conn


def _can_begin_immediate(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "database is locked" in str(exc)
        return False
    conn.execute("ROLLBACK")
    return True


@sqlite_only
def test_a_write_transaction_begins_immediate(connected, other):
    assert _can_begin_immediate(other)  # free outside a write transaction
    with db.write_transaction():
        # Nothing written, nothing read yet: only BEGIN IMMEDIATE can hold the write lock now.
        assert not _can_begin_immediate(other)
    assert _can_begin_immediate(other)  # committed: free again


@sqlite_only
def test_a_read_inside_a_write_transaction_already_holds_the_write_lock(connected, other):
    """A deferred BEGIN would read first and fail on its first write with "database is locked"
    (no busy wait can help an upgrade); IMMEDIATE takes the write lock before the read."""
    with db.write_transaction():
        assert District.select().count() == 15
        assert not _can_begin_immediate(other)


@sqlite_only
def test_sqlite_pragmas_wal_and_foreign_keys(connected, tmp_path):
    assert db.is_sqlite()
    assert connected.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connected.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connected.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000
    # Foreign keys are enforced, not just declared: no enterprise in an unknown district.
    with pytest.raises(pw.IntegrityError, match="FOREIGN KEY"), db.write_transaction():
        Enterprise.create(credit_code=make_code("orphan"), name="孤儿", district="000000")
    # WAL is a property of the file: a fresh connection sees it too.
    with contextlib.closing(sqlite3.connect(tmp_path / "registry.db")) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
