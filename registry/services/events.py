"""The audit trail as a feed: oldest first, resumable from the last id a reader saw."""

from registry.models import Event
from registry.services import scope
from registry.services.audit import Actor


def feed(actor: Actor, *, after: int = 0, limit: int = 100) -> list[Event]:
    """Events with an id above `after` that `actor` may read (a bureau: its districts')."""
    query = Event.select().where(Event.id > after)
    districts = scope.visible_districts(actor)
    if districts is not None:
        query = query.where(Event.district.in_(list(districts)))
    return list(query.order_by(Event.id).limit(limit))
