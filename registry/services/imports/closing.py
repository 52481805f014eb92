"""A final list's applications: those of the firms it lists closed as certified, and those it
leaves out named.

The titles are written first (in this process, or piped from the forked child that decided
them); then, in the same write transaction, each listed firm's open application for the title's
tier and year (found as the rows were decided: `Applied.closing`) is closed as certified by the
applications' own move: its history row, audit event and tally change, as a single
certification closes it. Applications are few beside a list's rows: one move each.

`not_on_final_list` names the applications of the list's tier and year (and batch, when both
the list and the application state one) still at publicized that the list did not close: the
proposed list named them, the final one did not. Only those in the importer's reach are named:
the districts loaded (own_districts_only, or those asked for), else a bureau's own.
"""

from registry.models import Application, Enterprise
from registry.services import applications, scope
from registry.services.imports.result import Applied
from registry.services.scope import Actor


def settle(actor: Actor, parts: list[tuple[dict, Applied]], only, write: bool) -> None:
    """Close the listed firms' applications (for a real import) and name the ones left out,
    for every final list of the import (each list's facts, as the answer shows them, and its
    Applied)."""
    closed = {entry[0] for _, applied in parts for entry in applied.closing}
    if write:
        for _, applied in parts:
            _close(actor, applied.closing)
    districts = only if only is not None else scope.writes_only_in(actor)
    for listed, applied in parts:
        titles = applied.titles | _title_of(listed)
        applied.not_on_final_list = left_out(titles, districts, closed)


def _title_of(listed: dict) -> set[tuple]:
    """The title the list grants as a whole (its tier, 年度 and batch given once, not by a
    column), even when none of its rows is in the districts loaded; none for a renewal list."""
    facts = listed["facts"]
    tier, year, day = (facts[name]["value"] for name in ("tier", "year", "certified_on"))
    if facts["renewal"]["value"] or any(facts[n]["column"] for n in ("tier", "year", "batch")):
        return set()
    if year is None and day is not None:
        year = int(day[:4])  # a list that states no 年度 counts toward its announcement's year
    return {(tier, year, facts["batch"]["value"])} if tier and year else set()


def _close(actor: Actor, closing: list[tuple]) -> None:
    """Each application (id, credit code, day) closed as certified on the title's day."""
    if not closing:
        return
    # Once each: a forked child that forgot a firm between its rows may name its one twice.
    once: dict[int, tuple] = {}
    for entry in closing:
        once.setdefault(entry[0], entry)
    closing = list(once.values())
    ids = [entry[0] for entry in closing]
    firms = {
        application.id: application.enterprise
        for application in Application.select(Application.id, Enterprise)
        .join(Enterprise)
        .where(Application.id.in_(ids))
    }
    for id_, _, on in closing:
        application = Application(id=id_)
        application.enterprise = firms[id_]
        applications.move(actor, application, "certified", on=on)


def left_out(titles: set[tuple], districts, closed: set[int]) -> list[dict]:
    """The applications still at publicized for the titles (tier, year, batch) that the list
    did not close, in `districts` (None: every district), by district and firm."""
    found: dict[int, dict] = {}
    for tier, year, batch in sorted(titles, key=str):
        query = (
            Application.select(Application, Enterprise)
            .join(Enterprise)
            .where(
                (Application.tier == tier)
                & (Application.year == year)
                & (Application.stage == "publicized")
            )
        )
        if batch is not None:
            query = query.where(Application.batch.is_null() | (Application.batch == batch))
        if districts is not None:
            query = query.where(Enterprise.district.in_(sorted(districts)))
        for application in query:
            if application.id not in closed:
                found[application.id] = _entry(application)
    return sorted(found.values(), key=lambda e: (e["district"], e["credit_code"], e["id"]))


def _entry(application: Application) -> dict:
    firm = application.enterprise
    return {
        "id": application.id,
        "credit_code": firm.credit_code,
        "name": firm.name,
        "district": firm.district_id,
        "tier": application.tier_id,
        "year": application.year,
        "batch": application.batch,
    }
