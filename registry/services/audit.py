"""The audit trail: every write records one event in its own transaction."""

import datetime as dt
from decimal import Decimal

from playhouse.shortcuts import model_to_dict

from registry.db import bulk_insert
from registry.models import Event
from registry.services import aggregates
from registry.services.scope import Actor


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance) -> dict:
    """The stored columns of a model instance as JSON-ready values (foreign keys as ids)."""
    return {k: _plain(v) for k, v in model_to_dict(instance, recurse=False).items()}


def firm_of(subject: str) -> str | None:
    """The credit code an event's subject names (`enterprise/<code>[/…]`), if any."""
    return subject.split("/", 2)[1] if subject.startswith("enterprise/") else None


EVENT_FIELDS = [
    Event.at,
    Event.actor_name,
    Event.actor_role,
    Event.actor_login,
    Event.action,
    Event.subject,
    Event.credit_code,
    Event.district,
    Event.data,
    Event.request_id,
]


def record_many(actor: Actor, events: list[tuple[str, str, str | None, dict]]) -> None:
    """Append many events (action, subject, district, data) in one insert; one version bump."""
    insert_rows(event_rows(actor, events))


def event_rows(actor: Actor, events: list[tuple[str, str, str | None, dict]]) -> list[tuple]:
    """`record_many`'s rows, built (in the order of EVENT_FIELDS, the data encoded) but not
    inserted: a bulk writer may build them in one process and insert them in another."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" ")
    encoded = Event.data.db_value
    return [
        (
            now,
            actor.name,
            actor.role,
            actor.login,
            action,
            subject,
            firm_of(subject),
            district,
            encoded(data),
            actor.request_id,
        )
        for action, subject, district, data in events
    ]


def insert_rows(rows: list[tuple]) -> None:
    """Append events built by `event_rows` in one insert; one version bump."""
    if not rows:
        return
    aggregates.bump()
    bulk_insert(Event, EVENT_FIELDS, rows, converted=True)


def record(
    actor: Actor,
    action: str,
    subject: str,
    *,
    district: str | None,
    data: dict,
    former_district: str | None = None,
    bump: bool = True,
) -> Event:
    """Append one event and bump the registry's version; call it inside the write's transaction.
    `former_district`: the district a moved firm left (its bureau still reads the move).
    `bump=False`: the write changes nothing kept per version (a sign-in, an account), so the
    screens' answers and their ETags stay as they are."""
    if bump:
        aggregates.bump()
    return Event.create(
        actor_name=actor.name,
        actor_role=actor.role,
        actor_login=actor.login,
        action=action,
        subject=subject,
        credit_code=firm_of(subject),
        district=district,
        former_district=former_district,
        data=data,
        request_id=actor.request_id,
    )
