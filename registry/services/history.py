"""A firm's history: every event of it, oldest first, and the firm as it stood on a day.

Each audit event names the firm it concerns (Event.credit_code); a correction records the
values it replaced beside the new ones, so the history shows both and a day's view undoes the
corrections made after it.
"""

import datetime as dt

from registry.models import Enterprise, Event
from registry.services.clock import end_of
from registry.services.enterprises import EDITABLE


def events_of(enterprise: Enterprise) -> list[Event]:
    """Every event of the firm, oldest first, each with its `changes` (a correction's fields,
    old and new; empty for other events)."""
    found = list(
        Event.select().where(Event.credit_code == enterprise.credit_code).order_by(Event.id)
    )
    for event in found:
        event.changes = changes(event)
    return found


def changes(event: Event) -> list[dict]:
    """A correction's changed fields with their old and new values. Corrections recorded
    before old values were kept know the old district only."""
    if event.action != "enterprise.updated":
        return []
    data = event.data or {}
    previous = data.get("previous") or {"district": data.get("previous_district")}
    return [
        {"field": field, "old": previous.get(field), "new": new}
        for field, new in (data.get("changes") or {}).items()
    ]


def as_it_stood(enterprise: Enterprise, day: dt.date) -> Enterprise:
    """A copy of the firm with the corrections made after `day` undone (newest first), whenever
    the firm was entered into the registry."""
    stood = Enterprise(**enterprise.__data__)
    later = (
        Event.select(Event.action, Event.data)
        .where(
            (Event.credit_code == enterprise.credit_code)
            & (Event.action == "enterprise.updated")
            & (Event.at >= end_of(day))
        )
        .order_by(Event.id.desc())
    )
    for event in later:
        for change in changes(event):
            if change["old"] is not None or change["field"] == "industry_chain":
                setattr(stood, EDITABLE[change["field"]], change["old"])
    return stood
