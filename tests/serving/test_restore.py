"""`registry restore FILE`: only into an empty database, only a backup of the engine
configured; an older schema brought up to date after it."""

import contextlib
import sqlite3

from registry.migrations import LATEST
from tests.support.apps import make_app
from tests.support.databases import ON_POSTGRES, fresh_url, query, sqlite_only
from tests.support.servers import run_registry


def a_backup(tmp_path, app) -> str:
    folder = tmp_path / "backups"
    folder.mkdir(exist_ok=True)
    run_registry(app.config["DATABASE_URL"], "backup", str(folder))
    (made,) = folder.iterdir()
    return str(made)


def test_restore_refuses_a_live_database_and_changes_nothing(tmp_path):
    app = make_app(tmp_path)
    backup = a_backup(tmp_path, app)
    other = make_app(tmp_path, name="other")  # the seeds loaded: live
    url = other.config["DATABASE_URL"]
    before = query(url, "SELECT COUNT(*) FROM district")
    result = run_registry(url, "restore", backup, check=False)
    assert result.returncode == 1
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith("Error: the database is not empty (rows in ")
    assert "never over a live one" in line
    assert query(url, "SELECT COUNT(*) FROM district") == before


def test_restore_refuses_what_is_not_a_backup_of_its_engine(tmp_path):
    empty = fresh_url(tmp_path, "empty")
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    result = run_registry(empty, "restore", str(text), check=False)
    assert result.returncode == 1 and "neither a SQLite backup nor a pg_dump" in result.stdout
    foreign = tmp_path / "foreign"
    foreign.write_bytes(b"SQLite format 3\x00" if ON_POSTGRES else b"PGDMP\x01\x0e")
    result = run_registry(empty, "restore", str(foreign), check=False)
    assert result.returncode == 1
    mine, theirs = ("postgresql", "sqlite") if ON_POSTGRES else ("sqlite", "postgresql")
    assert f"is a {theirs} backup; the configured database is {mine}" in result.stdout
    missing = run_registry(empty, "restore", str(tmp_path / "nowhere.dump"), check=False)
    assert missing.returncode == 2 and "does not exist" in missing.stdout


@sqlite_only
def test_restore_of_an_older_schema_migrates_it(tmp_path):
    app = make_app(tmp_path)
    backup = a_backup(tmp_path, app)
    with contextlib.closing(sqlite3.connect(backup)) as old:  # as step 8 left it
        old.execute("ALTER TABLE event DROP COLUMN actor_login")
        old.execute("UPDATE schema_version SET version = 8")
        old.commit()
    url = fresh_url(tmp_path, "restored")
    result = run_registry(url, "restore", backup)
    assert f"schema {LATEST} (migrations: 9" in result.stdout
    columns = {row[1] for row in query(url, "PRAGMA table_info(event)")}
    assert "actor_login" in columns
