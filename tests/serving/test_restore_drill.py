"""A restore drill, on the engine under test: a registry in use (a list loaded, titles
certified and revoked, figures recorded) is backed up with `registry backup`, destroyed, and
restored with `registry restore`; every answer read before is the same after, ETags included
(the registry's version comes back with the data)."""

from pathlib import Path

from registry.db import database
from registry.services import tokens
from tests.support.apps import make_app
from tests.support.codes import DISTRICT
from tests.support.databases import destroy
from tests.support.http import bearer
from tests.support.imports import CLIMBER, post_list
from tests.support.paths import SAMPLE_LIST
from tests.support.servers import run_registry

API = "/api/v1"
PLAN = f"{API}/plans/xinxiang-2023-2025"
READS = [
    f"{PLAN}/progress",
    f"{PLAN}/progress?year=2024",
    f"{PLAN}/progress/districts?year=2024",
    f"{API}/stats/certifications?group_by=year&group_by=tier",
    f"{API}/stats/certifications?group_by=district&group_by=status&as_of=2025-06-30",
    f"{API}/enterprises/{CLIMBER}/history",
    f"{API}/enterprises?page_size=500",
]


def use_the_registry(app, client) -> dict:
    """A list loaded, a firm certified by hand and a title revoked, a figure recorded."""
    with app.app_context():
        _, admin = tokens.create_token("admin", "city admin")
    headers = bearer(admin)
    loaded = post_list(client, headers, SAMPLE_LIST.read_bytes())
    assert loaded.status_code == 200, loaded.json
    firm = client.get(f"{API}/enterprises/{CLIMBER}", headers=headers).json
    revoked = client.post(
        f"{API}/certifications/{firm['certifications'][0]['id']}/revoke",
        json={"reason": "重大安全事故", "revoked_on": "2025-05-10"},
        headers=headers,
    )
    assert revoked.status_code == 200, revoked.json
    figure = client.post(
        f"{API}/figures",
        json={"measure": "retrofit_projects", "year": 2024, "district": DISTRICT, "value": 3},
        headers=headers,
    )
    assert figure.status_code == 200, figure.json
    return headers


def the_trail(client, headers) -> list[dict]:
    """The whole audit trail, page by page."""
    events, after = [], 0
    while True:
        page = client.get(f"{API}/events?after={after}&limit=7", headers=headers)
        assert page.status_code == 200, page.json
        if not page.json["items"]:
            return events
        events += page.json["items"]
        after = page.json["next_after"]


def answers(client, headers) -> dict:
    seen = {}
    for url in READS:
        reply = client.get(url, headers=headers)
        assert reply.status_code == 200, (url, reply.json)
        seen[url] = (reply.json, reply.headers.get("ETag"))
    seen["events"] = the_trail(client, headers)
    return seen


def test_back_up_destroy_restore_and_every_answer_is_the_same(tmp_path):
    app = make_app(tmp_path)
    url = app.config["DATABASE_URL"]
    headers = use_the_registry(app, app.test_client())
    before = answers(app.test_client(), headers)
    assert before[f"{PLAN}/progress"][1]  # the progress answers carry an ETag
    assert len(before["events"]) > 10

    folder = tmp_path / "backups"
    folder.mkdir()
    backed_up = run_registry(url, "backup", str(folder))
    assert "Verified:" in backed_up.stdout, backed_up.stdout
    (backup,) = folder.iterdir()

    database.close()  # this process lets go of it too
    destroy(url)
    restored = run_registry(url, "restore", str(backup))
    assert "Restored" in restored.stdout, restored.stdout

    after_app = make_app(url, init=False)  # a new process's app: nothing kept from before
    assert answers(after_app.test_client(), headers) == before
    etag = before[f"{PLAN}/progress"][1]
    again = after_app.test_client().get(
        f"{PLAN}/progress", headers={**headers, "If-None-Match": etag}
    )
    assert again.status_code == 304

    # A second restore meets a live database: refused, nothing changed.
    refused = run_registry(url, "restore", str(backup), check=False)
    assert refused.returncode == 1
    assert "not empty" in refused.stdout and "Traceback" not in refused.stdout
    assert answers(after_app.test_client(), headers) == before
    assert Path(backup).name.startswith("registry-")
