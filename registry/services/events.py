"""The audit trail as a feed: oldest first, resumable from the last id a reader saw."""

from registry.models import Event


def feed(
    *,
    after: int = 0,
    limit: int = 100,
    districts: tuple[str, ...] | None = None,
    request_id: str | None = None,
) -> list:
    """Events with an id above `after`; with `districts`, only the events of those districts;
    with `request_id`, only those that request wrote."""
    query = Event.select().where(Event.id > after)
    if districts is not None:
        query = query.where(Event.district.in_(list(districts)))
    if request_id is not None:
        query = query.where(Event.request_id == request_id)
    return list(query.order_by(Event.id).limit(limit))
