"""`registry backup`: a consistent online copy of the database, checked, into a file or a
folder of dated backups; restoring a SQLite copy by hand.

The copy is taken while gunicorn serves and a writer keeps registering enterprises over HTTP;
restoring is what an operator does: stop the server, copy the file over the database (without
the old -wal and -shm), start it again.
"""

import contextlib
import re
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from registry.db import database as db
from registry.models import Enterprise, Event
from registry.services import backups
from registry.services.scope import CLI_ACTOR
from tests.support.apps import invoke, make_app
from tests.support.codes import DISTRICT, make_code
from tests.support.databases import ON_POSTGRES, postgres_only, sqlite_only
from tests.support.servers import gunicorn_server, run_registry
from tests.support.waiting import wait_until

TABLES = {"district", "tier", "plan", "target", "enterprise", "certification", "token", "event"}


def read_only(path: Path) -> sqlite3.Connection:
    return contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


class Writer(threading.Thread):
    """Registers and certifies firms one after another; `committed` lists the acknowledged."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.committed: list[str] = []
        self.failures: list = []
        self.stop = threading.Event()

    def run(self):
        number = 0
        while not self.stop.is_set():
            code = make_code(f"backup-writer-{number}")
            number += 1
            registered = self.server.call(
                "POST",
                "/enterprises",
                json_body={
                    "credit_code": code,
                    "name": f"新乡市备份{number}有限公司",
                    "district": DISTRICT,
                },
            )
            certified = self.server.call(
                "POST",
                f"/enterprises/{code}/certifications",
                json_body={"tier": "innovative_sme", "certified_on": "2024-06-28"},
            )
            if (registered.status, certified.status) != (201, 201):
                self.failures.append((registered.status, certified.status, certified.body[:300]))
                return
            self.committed.append(code)


@sqlite_only
def test_backup_while_serving_and_restore(tmp_path):
    backup = tmp_path / "copy-of-live.db"
    with gunicorn_server(tmp_path, workers=2, name="live") as server:
        writer = Writer(server)
        writer.start()
        try:
            wait_until(lambda: len(writer.committed) >= 15 or writer.failures)
            before = list(writer.committed)  # acknowledged before the backup began

            result = run_registry(server.database_url, "backup", str(backup))

            at_end = len(writer.committed)
            wait_until(lambda: len(writer.committed) >= at_end + 5 or writer.failures)
        finally:
            writer.stop.set()
            writer.join(timeout=15)
        assert not writer.failures, writer.failures  # the server kept serving during the copy
        assert "Backed up" in result.stdout
        # One self-contained file: nothing left in a -wal beside it.
        assert not Path(f"{backup}-wal").exists()
        committed = list(writer.committed)

    # The copy: a sound database with every table and the rows committed before the backup.
    with read_only(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables >= TABLES
        codes = {r[0] for r in copy.execute("SELECT credit_code FROM enterprise")}
        certified = copy.execute(
            "SELECT COUNT(*) FROM certification JOIN enterprise ON enterprise.id = enterprise_id"
        ).fetchone()[0]
        registered_events = copy.execute(
            "SELECT COUNT(*) FROM event WHERE action = 'enterprise.registered'"
        ).fetchone()[0]
        assert copy.execute("SELECT COUNT(*) FROM district").fetchone()[0] == 15
    assert set(before) <= codes
    # A point in time: each write with its audit event, nothing from after the copy finished
    # (one request may have been in flight when `registry backup` returned).
    assert codes <= set(committed)
    assert codes.isdisjoint(committed[at_end + 1 :]) and committed[at_end + 1 :]
    assert registered_events == len(codes)
    assert certified in (len(codes) - 1, len(codes))  # the last firm's certification may follow

    # Restore: the server is stopped; the copy replaces the database, old -wal/-shm removed.
    database = server.database_path
    shutil.copyfile(backup, database)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    with gunicorn_server(tmp_path, workers=2, name="restored", share=server) as restored:
        listed = restored.call("GET", "/enterprises?page_size=500")
        assert listed.status == 200, listed.body
        assert {e["credit_code"] for e in listed.json["items"]} == codes
        for code in before[:: max(1, len(before) // 5)]:
            firm = restored.call("GET", f"/enterprises/{code}")
            assert firm.status == 200, firm.body
            assert firm.json["current_tier"] == "innovative_sme"
        for code in committed[at_end + 1 :][:3]:  # written after the copy: gone
            assert restored.call("GET", f"/enterprises/{code}").status == 404
        # The restored registry takes writes again, and the audit trail goes on from the copy.
        code = make_code("after-restore")
        again = restored.call(
            "POST",
            "/enterprises",
            json_body={"credit_code": code, "name": "新乡市恢复后有限公司", "district": DISTRICT},
        )
        assert again.status == 201, again.body
        events = restored.call("GET", "/events?limit=1000").json["items"]
        assert events[-1]["action"] == "enterprise.registered"
        assert events[-1]["subject"] == f"enterprise/{code}"
        assert sum(e["action"] == "enterprise.registered" for e in events) == len(codes) + 1


@sqlite_only
def test_backup_leaves_out_an_uncommitted_write(app, tmp_path):
    """The copy is a committed state: a write transaction open during the backup is not in it."""
    database = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    target = tmp_path / "copy.db"
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO enterprise (credit_code, name, district, created_at, updated_at, version)"
            " VALUES (?, ?, ?, '2024-01-01', '2024-01-01', 1)",
            (make_code("uncommitted"), "新乡市未提交有限公司", DISTRICT),
        )
        heard = []

        def commit_once_copied(line):  # the open write commits once the copy is made
            heard.append(line)
            if line.startswith("Checking the copy"):
                other.execute("COMMIT")

        with app.app_context(), db.connection_context():
            done = backups.back_up(CLI_ACTOR, target, keep=None, say=commit_once_copied)
    assert done.counts["enterprise"] == 0
    assert "Verified: integrity_check ok." in heard
    with read_only(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT COUNT(*) FROM enterprise").fetchone()[0] == 0
    with app.app_context():
        assert Enterprise.select().count() == 1  # committed after the copy


@postgres_only
def test_backup_to_a_file_on_postgresql_is_a_checked_dump(app, tmp_path):
    target = tmp_path / "copy.dump"
    result = invoke(app, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert "pg_dump" in result.output and "Verified: pg_restore reads it." in result.output
    assert target.read_bytes().startswith(b"PGDMP")
    assert [p.name for p in tmp_path.iterdir()] == ["copy.dump"]  # no partial file left


def test_backup_into_a_folder_dated_verified_recorded(app, tmp_path):
    """A dated file, its checks printed, a `backup.completed` event with what it holds."""
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "README.txt").write_text("not a backup")
    with app.app_context():
        Enterprise.create(
            credit_code=make_code("backed-up"), name="新乡市备份有限公司", district=DISTRICT
        )
    result = invoke(app, "backup", str(folder))
    assert result.exit_code == 0, result.output

    (made,) = (p for p in folder.iterdir() if p.name != "README.txt")
    suffix = "dump" if ON_POSTGRES else "sqlite3"
    assert re.fullmatch(rf"registry-\d{{8}}T\d{{6}}Z\.{suffix}", made.name)
    if not ON_POSTGRES:
        assert "Verified: integrity_check ok." in result.output
    assert (
        "Verified: rows as in the source at the backup's moment: 1 enterprise, 0 certification"
        in result.output
    )
    assert "Backed up" in result.output and str(made) in result.output
    with app.app_context():
        event = Event.select().order_by(Event.id.desc()).first()
    assert event.action == "backup.completed" and event.subject == f"backup/{made.name}"
    assert event.data["file"] == made.name and event.data["size"] == made.stat().st_size
    assert event.data["counts"]["enterprise"] == 1
    assert event.data["engine"] == ("postgresql" if ON_POSTGRES else "sqlite")


def test_backup_keeps_what_it_is_told_and_nothing_else_is_touched(app, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    suffix = "dump" if ON_POSTGRES else "sqlite3"
    old = [f"registry-202601{day:02d}T021500Z.{suffix}" for day in range(1, 11)]
    for name in [*old, "registry.db", "registry-latest.sqlite3"]:
        (folder / name).write_bytes(b"old")
    result = invoke(
        app, "backup", str(folder), "--keep-daily", "2", "--keep-weekly", "0", "--keep-monthly", "0"
    )
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in folder.iterdir())
    assert "registry.db" in left and "registry-latest.sqlite3" in left
    dated = [name for name in left if name.startswith("registry-2")]
    assert len(dated) == 2 and dated[0] == old[-1]  # the newest old one, and the new one
    assert f"Removed {old[0]}" in result.output


@sqlite_only
def test_backup_into_a_missing_folder_fails_in_one_line(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    run_registry(database_url, "init-db")
    target = tmp_path / "no" / "such" / "folder" / "copy.db"
    result = run_registry(database_url, "backup", str(target), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith("Error:") and "no folder" in line and str(target.parent) in line
    assert not target.exists()


@sqlite_only
@pytest.mark.parametrize("target", ["live.db", "./live.db", "live.db-wal", "link-to-live.db"])
def test_backup_onto_the_live_database_is_refused(tmp_path, target):
    live = tmp_path / "live.db"
    database_url = f"sqlite:///{live}"
    run_registry(database_url, "init-db")
    (tmp_path / "link-to-live.db").symlink_to(live)
    before = live.read_bytes()
    result = run_registry(database_url, "backup", str(tmp_path / target), check=False)
    assert result.returncode == 1, result.stdout
    assert "Backed up" not in result.stdout and "Traceback" not in result.stdout
    (line,) = result.stdout.strip().splitlines()
    assert "live database" in line
    assert live.read_bytes() == before
    with read_only(live) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@sqlite_only
def test_a_backup_whose_event_cannot_be_recorded_says_so(tmp_path):
    """The copy stands, but the command fails: monitoring must not take it for recorded."""
    app = make_app(tmp_path, SQLITE_BUSY_TIMEOUT_MS=100)
    live = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    target = tmp_path / "copy.db"
    with contextlib.closing(sqlite3.connect(live, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # a writer that keeps the lock throughout
        result = invoke(app, "backup", str(target))
        other.execute("ROLLBACK")
    assert result.exit_code == 1
    assert "written and verified, but its backup.completed event could not be recorded" in (
        result.output
    )
    with read_only(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@sqlite_only
def test_a_backup_in_steps_copies_one_snapshot(app, tmp_path, monkeypatch):
    """Writes committed between the backup's steps are not in the copy, which stays sound and
    holds the rows counted at its start."""
    from registry.db import backup as sqlite_backup

    monkeypatch.setattr(sqlite_backup, "STEP_PAGES", 2)
    live = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    target = tmp_path / "copy.db"
    heard = []
    with contextlib.closing(sqlite3.connect(live, isolation_level=None)) as other:

        def write_between_steps(line):
            heard.append(line)
            if line.startswith("Copied"):
                other.execute(
                    "INSERT INTO enterprise (credit_code, name, district, created_at, updated_at,"
                    " version) VALUES (?, ?, ?, '2024-01-01', '2024-01-01', 1)",
                    (
                        make_code(f"between-{len(heard)}"),
                        f"新乡市步间{len(heard)}有限公司",
                        DISTRICT,
                    ),
                )

        with app.app_context(), db.connection_context():
            done = backups.back_up(CLI_ACTOR, target, keep=None, say=write_between_steps)
    steps = [line for line in heard if line.startswith("Copied")]
    assert len(steps) >= 3 and steps[-1].endswith("(100%).")
    assert done.counts["enterprise"] == 0
    with read_only(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM enterprise").fetchone()[0] == 0
    with app.app_context():
        assert Enterprise.select().count() == len(steps)  # all committed, after the snapshot


def test_a_copy_that_fails_its_check_is_not_kept(app, tmp_path, monkeypatch):
    """Rows in the copy other than the source's: no file, no event, exit status 1."""
    checker = "check_sqlite_copy" if not ON_POSTGRES else "check_dump"
    monkeypatch.setattr(backups, checker, lambda *args: {"enterprise": -1})
    folder = tmp_path / "backups"
    folder.mkdir()
    result = invoke(app, "backup", str(folder))
    assert result.exit_code == 1
    assert "the copy does not hold the source's rows" in result.output
    assert list(folder.iterdir()) == []
    with app.app_context():
        assert not Event.select().where(Event.action == "backup.completed").exists()
