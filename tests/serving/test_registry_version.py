"""The registry's version as a process knows it (registry.services.version).

SQLite: the row is read for every request, so a write in any process is seen at once.
PostgreSQL: each process LISTENs, every bump NOTIFYs at its commit, and the process reads the
row again only when told, after a write of its own, or when what it read is a second old.
"""

import time

import psycopg
import pytest

from registry.db import database, write_transaction
from registry.services import version
from tests.support.databases import ON_POSTGRES, postgres_only

BUMP = "UPDATE registry_version SET value = value + 1 WHERE id = 1"


def _seen(wanted: int, within_s: float = 2.0) -> int:
    """The version read again and again until it is `wanted` (or the time is up)."""
    deadline = time.monotonic() + within_s
    seen = version.current()
    while seen != wanted and time.monotonic() < deadline:
        time.sleep(0.001)
        seen = version.current()
    return seen


@pytest.fixture
def other(app):
    """A connection of another process's kind: what it commits, this one learns of only by
    reading the database or being told."""
    if not ON_POSTGRES:
        import sqlite3

        connection = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
        connection.isolation_level = None
        yield connection.execute
        connection.close()
        return
    with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as connection:
        yield connection.execute


@pytest.fixture
def ctx(app):
    with app.app_context(), database.connection_context():
        version.current()
        yield


def test_a_write_of_this_process_is_seen_at_once_after_it_commits(ctx):
    before = version.current()
    with write_transaction():
        version.increment()
    assert version.current() == before + 1  # never waiting for a notification


def test_a_write_of_another_process_is_seen_by_the_next_read_or_when_told(ctx, other):
    before = version.current()
    other(f"{BUMP}; NOTIFY {version.CHANNEL}" if ON_POSTGRES else BUMP)
    if ON_POSTGRES:
        assert _seen(before + 1) == before + 1  # as soon as the notification is delivered
    else:
        assert version.current() == before + 1


def test_a_rolled_back_write_leaves_the_version_as_it_was(ctx):
    before = version.current()
    with pytest.raises(RuntimeError), write_transaction():
        version.increment()
        raise RuntimeError("the write fails")
    assert version.current() == before
    with write_transaction():
        version.increment()
    assert version.current() == before + 1


@postgres_only
def test_without_a_notification_the_row_is_not_read_again_until_what_was_read_is_old(
    ctx, other, monkeypatch
):
    """What spares each poll a round trip to the server: a bump that notifies nobody (no
    writer of the registry does that) is seen only once what was read is old (a second)."""
    monkeypatch.setattr(version, "TRUSTED_FOR_S", 3600.0)  # what is read stays new
    before = _seen(version.current())
    other(BUMP)
    assert version.current() == before  # kept: nobody said
    monkeypatch.setattr(version, "TRUSTED_FOR_S", -1.0)  # what was read is old
    assert version.current() == before + 1


@postgres_only
def test_a_lost_listening_connection_falls_back_to_reading_and_listens_again(ctx, other):
    before = version.current()
    listener = version._watch.connection.info.backend_pid
    other(f"SELECT pg_terminate_backend({listener})")
    other(BUMP)  # no notification, and the listener is gone: the next read must see it
    assert _seen(before + 1, within_s=0.5) == before + 1
    other(f"{BUMP}; NOTIFY {version.CHANNEL}")
    assert _seen(before + 2) == before + 2
