"""Yearly figures of the measures that are not titles of a firm (trainings, projects, money,
platforms): a bureau records one per measure, year and district; progress sums them."""

from decimal import Decimal

import peewee as pw

from registry.db import write_transaction
from registry.models import CITY_WIDE, Figure, Measure
from registry.services import scope
from registry.services.audit import record
from registry.services.catalog import check_district
from registry.services.clock import today
from registry.services.errors import invalid_field
from registry.services.scope import Actor


def _cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _measure(key: str) -> Measure:
    found = Measure.get_or_none(Measure.key == key)
    if found is None:
        raise invalid_field("measure", "figure.unknown_measure", measure=key)
    return found


def search(*, measure: str | None, year: int | None, district: str | None) -> pw.ModelSelect:
    """Figures in a stable order (measure, year, district), filtered by any of those."""
    if measure is not None:
        _measure(measure)
    check_district(district)
    query = Figure.select().order_by(Figure.measure, Figure.year, Figure.district)
    if measure is not None:
        query = query.where(Figure.measure == measure)
    if year is not None:
        query = query.where(Figure.year == year)
    if district is not None:
        query = query.where(Figure.district == district)
    return query


def record_figure(actor: Actor, data: dict) -> Figure:
    """Record a measure's figure for a year and district (None: city-wide, the admin's), or
    replace the one recorded before; one audit event with the previous value."""
    measure = _measure(data["measure"])
    district = data.get("district")
    check_district(district)
    scope.ensure_writes_in(actor, district)
    if data["year"] > today().year:
        raise invalid_field("year", "field.in_future")
    value = _cents(data["value"])
    stored_district = district or CITY_WIDE
    with write_transaction():
        before = Figure.get_or_none(
            (Figure.measure == measure)
            & (Figure.year == data["year"])
            & (Figure.district == stored_district)
        )
        fields = {
            "value": value,
            "note": data.get("note"),
            "recorded_at": Figure.recorded_at.default(),
            "recorded_by": actor.name,
        }
        if before is None:
            figure = Figure.create(
                measure=measure, year=data["year"], district=stored_district, **fields
            )
        else:
            Figure.update(**fields).where(Figure.id == before.id).execute()
            figure = Figure.get_by_id(before.id)
        record(
            actor,
            "figure.recorded",
            f"figure/{measure.key}/{data['year']}/{district or 'city'}",
            district=district,
            data={
                "measure": measure.key,
                "year": data["year"],
                "district": district,
                "value": str(value),
                "previous": None if before is None else str(_cents(before.value)),
                "note": data.get("note"),
            },
        )
    return figure
