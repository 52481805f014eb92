"""The audit trail handed to a log store: every event in a span of time, oldest first, as plain
records with stable field names, read in batches (a trail of millions is never loaded at once).

The application never deletes or alters an event: what is exported stays in the database too.
"""

import datetime as dt
import json
from collections.abc import Iterator

from registry.models import Event

BATCH = 2000
FIELDS = (
    Event.id,
    Event.at,
    Event.action,
    Event.subject,
    Event.credit_code,
    Event.district,
    Event.actor_name,
    Event.actor_role,
    Event.actor_login,
    Event.request_id,
    Event.data,
)
NAMES = (
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
)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A moment as the trail stores it: naive, in UTC (a naive moment is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def records(
    since: dt.datetime, until: dt.datetime | None = None, *, batch: int = BATCH
) -> Iterator[dict]:
    """The events at or after `since` (and before `until`), in id order, as records."""
    last = 0
    while True:
        query = Event.select(*FIELDS).where(Event.id > last, Event.at >= as_utc(since))
        if until is not None:
            query = query.where(Event.at < as_utc(until))
        rows = list(query.order_by(Event.id).limit(batch).tuples())
        for row in rows:
            record = dict(zip(NAMES, row, strict=True))
            record["at"] = _moment(record["at"])
            yield record
        if len(rows) < batch:
            return
        last = rows[-1][0]


def _moment(value) -> str:
    if isinstance(value, str):  # as SQLite may hand it back
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC).isoformat()


def json_lines(events: Iterator[dict]) -> Iterator[str]:
    """One JSON object a line (UTF-8 as it is, no spaces)."""
    for record in events:
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
