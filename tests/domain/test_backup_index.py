"""Monitoring reads when the last backup completed through an index of the backups' events
alone: the same answer as reading the trail, without reading the trail back."""

import datetime as dt

from registry.db import database, is_sqlite
from registry.models import BACKUPS_ONLY, Event
from registry.services import health
from registry.services.backups import COMPLETED


def _event(action: str, at: dt.datetime) -> None:
    Event.create(at=at, actor_name="cli", actor_role="admin", action=action, subject="x", data={})


def test_the_newest_backup_is_read_through_its_own_index(app):
    assert COMPLETED in BACKUPS_ONLY.sql  # the index's condition names the backups' action
    with app.app_context():
        assert health.last_backup_at() is None
        day = dt.datetime(2026, 12, 1, 2, 0)
        _event(COMPLETED, day)
        _event(COMPLETED, day + dt.timedelta(days=1))
        for hour in range(5):
            _event("certification.recorded", day + dt.timedelta(days=1, hours=hour + 1))
        assert health.last_backup_at() == day + dt.timedelta(days=1)
        if is_sqlite():
            sql, params = Event.select(Event.at).where(BACKUPS_ONLY).order_by(Event.id.desc()).sql()
            plan = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            assert "event_backups" in str(plan), plan
