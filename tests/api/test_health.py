"""The smoke test: the app answers its health check, with what an operator asks of it (the
database, the rate limits, the migration level, the release, the disk free under SQLite), and
the fixtures' enterprise token reads its firm."""

import pytest

from registry.db import database
from registry.migrations import LATEST, SchemaVersion
from tests.support.databases import ENGINE

BASICS = {"status": "ok", "database": "ok", "rate_limits": "off"}


def test_health(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json
    assert {k: body[k] for k in BASICS} == BASICS
    assert body["migrations"] == {"current": LATEST, "latest": LATEST}
    assert body["version"] == "0.1.0"  # pyproject.toml's
    if ENGINE == "sqlite":
        assert isinstance(body["disk_free_bytes"], int) and body["disk_free_bytes"] > 0
    else:
        assert body["disk_free_bytes"] is None
    assert set(body) == {*BASICS, "migrations", "version", "disk_free_bytes"}


def test_a_schema_behind_the_release_is_degraded_yet_serving(app, client):
    with app.app_context():
        database.connect(reuse_if_open=True)
        SchemaVersion.update(version=LATEST - 1).execute()
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["migrations"] == {"current": LATEST - 1, "latest": LATEST}


@pytest.mark.skipif(ENGINE != "sqlite", reason="a SQLite file's disk")
def test_disk_free_is_the_database_files_filesystems(app, client):
    import shutil
    from pathlib import Path

    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    free = shutil.disk_usage(path.parent).free
    told = client.get("/api/v1/health").json["disk_free_bytes"]
    assert abs(told - free) < 256 * 1024 * 1024  # other tests write meanwhile


def test_fixture_tokens(client, auth, enterprise_code):
    response = client.get(f"/api/v1/enterprises/{enterprise_code}", headers=auth["enterprise"])
    assert response.status_code == 200
