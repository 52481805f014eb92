"""Creating and moving applications: each write dated, by whom, with its history row, its
audit event and its tally change, in one transaction. Call `create` and `move` with a firm
the caller may change (`enterprises.writable`, or an import's scope)."""

import datetime as dt

import peewee as pw

from registry.db import write_transaction
from registry.models import Application, ApplicationMove, Certification, Enterprise, Tier, utcnow
from registry.services import enterprises
from registry.services.applications import tally
from registry.services.applications.stages import OPEN, check_move, highest_after
from registry.services.audit import record
from registry.services.clock import today
from registry.services.errors import Conflict, invalid_field
from registry.services.scope import Actor

DETAILS = ("batch", "contact_name", "contact_phone", "note")


def key_of(application: Application, district: str) -> tally.Key:
    """The application's key in the funnel's tally (its firm being in `district`)."""
    return (
        application.tier_id,
        application.year,
        district,
        application.stage,
        application.highest,
    )


def _subject(enterprise: Enterprise, application: Application) -> str:
    return f"enterprise/{enterprise.credit_code}/application/{application.id}"


def _history(actor: Actor, application: Application, on: dt.date, reason: str | None) -> None:
    ApplicationMove.create(
        application=application,
        stage=application.stage,
        on=on,
        actor_name=actor.name,
        actor_login=actor.login,
        reason=reason,
    )


def create(
    actor: Actor,
    enterprise: Enterprise,
    tier: Tier,
    year: int,
    *,
    stage: str = "applied",
    on: dt.date | None = None,
    **details,
) -> Application:
    """A new open application of `enterprise` for `tier` and `year` at `stage` (an open one);
    409 when the firm has an open one for them already, or holds that title of that year."""
    if stage not in OPEN:
        raise invalid_field("stage", "application.open_stage", stage=stage)
    on = on or today()
    with write_transaction():
        enterprises.lock(enterprise.id)
        _ensure_none_open(enterprise, tier, year)
        try:
            with write_transaction():  # a savepoint: the unique index decides a race
                application = Application.create(
                    enterprise=enterprise,
                    tier=tier,
                    year=year,
                    stage=stage,
                    highest=stage,
                    **{k: details.get(k) for k in DETAILS},
                )
        except pw.IntegrityError as exc:
            raise _open_already(enterprise, tier, year) from exc
        _history(actor, application, on, None)
        tally.change(None, key_of(application, enterprise.district_id))
        enterprises.touch(enterprise.id)  # the firm's status changes with it: a new ETag
        record(
            actor,
            "application.created",
            _subject(enterprise, application),
            district=enterprise.district_id,
            data={
                "id": application.id,
                "tier": tier.key,
                "year": year,
                "stage": stage,
                "on": on.isoformat(),
                **{k: details.get(k) for k in DETAILS if details.get(k) is not None},
            },
        )
    return application


def _open_already(enterprise: Enterprise, tier: Tier, year: int) -> Conflict:
    return Conflict(
        "application.open_already", credit_code=enterprise.credit_code, tier=tier.key, year=year
    )


def _ensure_none_open(enterprise: Enterprise, tier: Tier, year: int) -> None:
    held = Certification.select().where(
        (Certification.enterprise == enterprise.id)
        & (Certification.tier == tier.key)
        & (Certification.year == year)
    )
    if held.exists():
        raise Conflict(
            "application.title_held", credit_code=enterprise.credit_code, tier=tier.key, year=year
        )
    if (
        Application.select()
        .where(
            (Application.enterprise == enterprise.id)
            & (Application.tier == tier.key)
            & (Application.year == year)
            & Application.is_open
        )
        .exists()
    ):
        raise _open_already(enterprise, tier, year)


def move(
    actor: Actor,
    application: Application,
    stage: str,
    *,
    reason: str | None = None,
    on: dt.date | None = None,
) -> Application:
    """Move `application` (with its `enterprise` loaded) to `stage`: forward, or closed by an
    outcome; checked against the stage it has now, in the transaction (409 otherwise)."""
    on = on or today()
    enterprise = application.enterprise
    with write_transaction():
        enterprises.lock(enterprise.id)
        current = Application.get_by_id(application.id)  # the stage as it stands now
        reason = check_move(current.stage, stage, reason)
        before = key_of(current, enterprise.district_id)
        current.highest = highest_after(current.highest, stage)
        current.stage, current.is_open = stage, stage in OPEN
        current.updated_at = utcnow()
        current.save(
            only=[
                Application.stage,
                Application.highest,
                Application.is_open,
                Application.updated_at,
            ]
        )
        _history(actor, current, on, reason)
        tally.change(before, key_of(current, enterprise.district_id))
        enterprises.touch(enterprise.id)
        record(
            actor,
            "application.moved",
            _subject(enterprise, current),
            district=enterprise.district_id,
            data={
                "id": current.id,
                "tier": current.tier_id,
                "year": current.year,
                "from": before[3],
                "to": stage,
                "on": on.isoformat(),
                **({"reason": reason} if reason else {}),
            },
        )
    current.enterprise = enterprise
    return current


def close_certified(actor: Actor, enterprise: Enterprise, tier: str, year: int, on: dt.date) -> int:
    """A title of `tier` for `year` was recorded for `enterprise` in the open write
    transaction: its open application for them, if any, is closed as certified. How many
    were closed (0 or 1)."""
    found = (
        Application.select()
        .where(
            (Application.enterprise == enterprise.id)
            & (Application.tier == tier)
            & (Application.year == year)
            & Application.is_open
        )
        .get_or_none()
    )
    if found is None:
        return 0
    found.enterprise = enterprise
    move(actor, found, "certified", on=on)
    return 1
