"""Reading applications: one by id within the caller's reach, the list with its filters, and
each with its firm and its history (the moves of a page read in one query).

Applications carry a contact's name and telephone: the admin reads them all, a bureau only
its districts' (a list answers it those whatever it asks; one of another district is 403, as
a firm of another district is to a write)."""

import datetime as dt
from collections import defaultdict

import peewee as pw

from registry.models import Application, ApplicationMove, Enterprise
from registry.services import scope
from registry.services.catalog import check_district
from registry.services.errors import NotFound
from registry.services.scope import Actor


def _with_firm() -> pw.ModelSelect:
    return Application.select(Application, Enterprise).join(Enterprise)


def get(actor: Actor, app_id: int) -> Application:
    """The application with its firm and history, if `actor` reaches it (a bureau: of its
    districts); raises NotFound or Forbidden."""
    found = _with_firm().where(Application.id == app_id).get_or_none()
    if found is None:
        raise NotFound("application.not_found", id=app_id)
    scope.ensure_writes_in(actor, found.enterprise.district_id)
    return with_history([found])[0]


def search(
    actor: Actor,
    *,
    year: int | None = None,
    tier: str | None = None,
    stage: str | None = None,
    district: str | None = None,
    q: str | None = None,
    open: bool | None = None,
) -> pw.ModelSelect:
    """Applications matching every filter given, with their firms, newest year first, then by
    district and credit code; a bureau's limited to its districts. An unknown district is
    refused (Invalid)."""
    check_district(district)
    query = _with_firm()
    reach = scope.writes_only_in(actor)
    if reach is not None:
        query = query.where(Enterprise.district.in_(sorted(reach)))
    if district:
        query = query.where(Enterprise.district == district)
    if year is not None:
        query = query.where(Application.year == year)
    if tier:
        query = query.where(Application.tier == tier)
    if stage:
        query = query.where(Application.stage == stage)
    if open is not None:
        query = query.where(Application.is_open == open)
    if q:
        q = q.strip()
        query = query.where(
            Enterprise.name.contains(q) | Enterprise.credit_code.startswith(q.upper())
        )
    return query.order_by(
        Application.year.desc(),
        Enterprise.district,
        Enterprise.credit_code,
        Application.tier,
        Application.id,
    )


def with_history(applications: list[Application]) -> list[Application]:
    """The applications, each with `history`: its moves, oldest first (one query for all)."""
    moves = defaultdict(list)
    ids = [a.id for a in applications]
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        for found in (
            ApplicationMove.select()
            .where(ApplicationMove.application.in_(chunk))
            .order_by(ApplicationMove.id)
        ):
            moves[found.application_id].append(found)
    for application in applications:
        application.history = moves[application.id]
    return applications


def since(application: Application) -> dt.date | None:
    """The day of the application's last move (with its `history` loaded)."""
    return application.history[-1].on if application.history else None


def open_of(enterprise: Enterprise) -> list[Application]:
    """The firm's open applications with their history, by year then tier."""
    found = list(
        Application.select()
        .where((Application.enterprise == enterprise.id) & Application.is_open)
        .order_by(Application.year, Application.tier, Application.id)
    )
    for application in with_history(found):
        application.enterprise = enterprise
        application.since = since(application)
    return found
