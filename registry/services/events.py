"""The audit trail as a feed: oldest first, resumable from the last id a reader saw."""

from registry.models import Event
from registry.services import scope
from registry.services.scope import Actor


def feed(
    actor: Actor,
    *,
    after: int = 0,
    limit: int = 100,
    credit_code: str | None = None,
    request_id: str | None = None,
    action: str | None = None,
) -> list[Event]:
    """Events with an id above `after` that `actor` may read (a bureau: its districts', and the
    moves of firms that left them); of one firm with `credit_code`; with `request_id`, only
    those that request wrote; with `action`, only actions beginning so (`user.`)."""
    query = Event.select().where(Event.id > after)
    districts = scope.visible_districts(actor)
    if districts is not None:
        query = query.where(
            Event.district.in_(list(districts)) | Event.former_district.in_(list(districts))
        )
    if credit_code is not None:
        query = query.where(Event.credit_code == credit_code)
    if request_id is not None:
        query = query.where(Event.request_id == request_id)
    if action is not None:
        query = query.where(Event.action.startswith(action))
    return list(query.order_by(Event.id).limit(limit))
