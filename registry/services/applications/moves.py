"""Moving applications through the API: one, dated no later than today; or several at once,
all of them or none (one write transaction; the first refusal names its application)."""

import datetime as dt

from registry.db import write_transaction
from registry.messages import Message
from registry.models import Application, Enterprise
from registry.services import scope
from registry.services.applications.write import move
from registry.services.clock import today
from registry.services.errors import DomainError, NotFound, invalid_field
from registry.services.scope import Actor


def check_day(on: dt.date | None) -> None:
    """A move happened on a day gone by, or today (422 naming `on` otherwise)."""
    if on is not None and on > today():
        raise invalid_field("on", "field.in_future")


def move_one(
    actor: Actor,
    application: Application,
    stage: str,
    *,
    reason: str | None = None,
    on: dt.date | None = None,
) -> Application:
    """Move `application` (as `read.get` gave it) as `write.move` does, on a day not to come."""
    check_day(on)
    return move(actor, application, stage, reason=reason, on=on)


def move_many(
    actor: Actor,
    ids: list[int],
    stage: str,
    *,
    reason: str | None = None,
    on: dt.date | None = None,
) -> list[Application]:
    """Move every application of `ids` to `stage` (each checked as `move` checks one), in the
    order given; one refused (unknown, out of the actor's reach, or by the stage rules)
    refuses them all, its problem naming it (`application_id`)."""
    check_day(on)
    ids = list(dict.fromkeys(ids))  # the same id twice moves it once
    found = {
        a.id: a
        for a in Application.select(Application, Enterprise)
        .join(Enterprise)
        .where(Application.id.in_(ids))
    }
    moved = {}
    with write_transaction():
        # Firms locked in one order (theirs, then the applications'): no two moves deadlock.
        for app_id in sorted(ids, key=lambda i: _order(found.get(i), i)):
            try:
                application = found.get(app_id)
                if application is None:
                    raise NotFound("application.not_found", id=app_id)
                scope.ensure_writes_in(actor, application.enterprise.district_id)
                moved[app_id] = move(actor, application, stage, reason=reason, on=on)
            except DomainError as error:
                raise naming(error, app_id) from error
    return [moved[app_id] for app_id in ids]


def _order(application: Application | None, app_id: int) -> tuple[int, int]:
    return (-1 if application is None else application.enterprise_id, app_id)


def naming(error: DomainError, app_id: int) -> DomainError:
    """The same refusal, its detail and problem naming the application it is about."""
    error.message = Message("application.in_batch", id=app_id, message=error.message)
    error.extra = {"application_id": app_id}
    return error
