"""`registry events export`: the audit trail for a log store, as JSON lines, oldest first, in
batches; and nothing in the application ever deletes an event."""

import datetime as dt
import json
import re
from pathlib import Path

from registry.db import database
from registry.models import Event
from registry.services import audit_export
from tests.support.apps import invoke
from tests.support.servers import run_registry

FIELDS = [
    "id",
    "at",
    "action",
    "subject",
    "credit_code",
    "district",
    "actor",
    "actor_role",
    "actor_login",
    "request_id",
    "data",
]


def dated_trail(app, register) -> list[int]:
    """Six firms registered; their events moved to 2025-01-01 … 2025-01-06 (UTC noon)."""
    codes = [register(f"export-{n}", name=f"新乡市导出{n}有限公司") for n in range(6)]
    with app.app_context(), database.connection_context():
        ids = []
        for day, code in enumerate(codes, start=1):
            event = Event.get(Event.subject == f"enterprise/{code}")
            Event.update(at=dt.datetime(2025, 1, day, 12)).where(Event.id == event.id).execute()
            ids.append(event.id)
        Event.update(at=dt.datetime(2024, 6, 1)).where(Event.id.not_in(ids)).execute()
    return ids


def lines_of(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_export_since_until_as_json_lines(app, register):
    ids = dated_trail(app, register)
    result = invoke(app, "events", "export", "--since", "2025-01-02", "--until", "2025-01-05")
    assert result.exit_code == 0, result.output
    exported = lines_of(result.output)
    assert [e["id"] for e in exported] == ids[1:4]  # since inclusive, until exclusive, id order
    first = exported[0]
    assert list(first) == FIELDS
    assert first["at"] == "2025-01-02T12:00:00+00:00"
    assert first["action"] == "enterprise.registered"
    assert first["subject"] == f"enterprise/{first['credit_code']}"
    assert first["actor"] == "city admin" and first["actor_role"] == "admin"
    assert first["data"]["name"] == "新乡市导出1有限公司"  # UTF-8 as it is
    assert '"name":"新乡市导出1有限公司"' in result.output
    assert "Exported 3 events." in result.output


def test_export_a_moment_with_an_offset_to_a_file(app, register, tmp_path):
    ids = dated_trail(app, register)
    target = tmp_path / "trail.jsonl"
    result = invoke(
        app, "events", "export", "--since", "2025-01-06T19:00:00+08:00", "--output", str(target)
    )
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [e["id"] for e in exported] == ids[5:]  # 11:00 UTC: the last day's noon only


def test_export_streams_in_batches_the_same_trail(app, register):
    ids = dated_trail(app, register)
    with app.app_context(), database.connection_context():
        whole = list(audit_export.records(dt.datetime(2000, 1, 1)))
        batched = audit_export.records(dt.datetime(2000, 1, 1), batch=2)
        assert next(batched) == whole[0]  # a generator: the first batch before the rest
        assert [whole[0], *batched] == whole
    assert [e["id"] for e in whole] == sorted(e["id"] for e in whole)
    assert set(ids) <= {e["id"] for e in whole}


def test_a_bad_date_is_a_usage_error(app):
    result = invoke(app, "events", "export", "--since", "last tuesday")
    assert result.exit_code == 2
    assert "is not a date" in result.output
    assert invoke(app, "events", "export").exit_code == 2  # --since is required


def test_export_through_the_command(app, register):
    dated_trail(app, register)
    result = run_registry(app.config["DATABASE_URL"], "events", "export", "--since", "2025-01-01")
    assert len(lines_of(result.stdout)) == 6


def test_nothing_in_the_application_deletes_an_event():
    """The audit trail is never pruned: no code deletes or truncates events."""
    source = Path(__file__).resolve().parents[2] / "registry"
    deleting = re.compile(
        r"Event\.delete|Event\.truncate|DELETE\s+FROM\s+\"?event\b|TRUNCATE[^;\n]*\bevent\b",
        re.IGNORECASE,
    )
    found = [
        f"{path}:{number}"
        for path in source.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if deleting.search(line)
    ]
    assert found == []
