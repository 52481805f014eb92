"""The bureaus' figures of the plan's other measures, for a demo city (registry.demo.city)."""

import datetime as dt
import random
from decimal import Decimal

from registry.db import bulk_insert
from registry.demo.shares import split
from registry.models import Figure, Measure, Plan, Target

FIELDS = [
    Figure.measure,
    Figure.year,
    Figure.district,
    Figure.value,
    Figure.note,
    Figure.recorded_at,
    Figure.recorded_by,
]


def insert_figures(rng: random.Random, plan: Plan, city, scale: float) -> int:
    """Write the figures (`_figures`); how many."""
    rows = _figures(rng, plan, city, scale)
    bulk_insert(Figure, FIELDS, rows)
    return len(rows)


def _figures(rng: random.Random, plan: Plan, city, scale: float) -> list[tuple]:
    """The bureaus' yearly figures of each measure the plan sets a target for: flows about the
    yearly target, levels growing toward the plan's end; small counts (clusters, zones) are the
    city's own, the rest recorded by the counties."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = {}
    measures = {m.key: m for m in Measure.select()}
    targets = Target.select().where((Target.plan == plan) & Target.measure.is_null(False))
    for target in targets:
        measure = measures[target.measure_id]
        reach = rng.uniform(0.7, 1.1)
        span = plan.last_year - plan.first_year + 1
        for year in range(plan.first_year, min(plan.last_year, city.last_day.year) + 1):
            if target.kind == "annual" and target.year != year:
                continue
            done = min(1.0, (city.last_day - dt.date(year, 1, 1)).days / 365)
            step = (year - plan.first_year + 1) / span
            if target.kind == "annual":
                value = target.value * rng.uniform(0.85, 1.15) * done
            elif measure.tally == "flow":
                value = target.value * reach / span * done
            else:
                value = target.value * reach * (0.55 + 0.45 * step)
            value *= scale
            places = 2 if measure.unit_zh == "亿元" else 0
            if target.value < 20:
                parts = {"": round(value)}
            else:
                parts = split(round(value), city.weights(year))
            for district, part in parts.items():
                if places:  # money: not in round figures
                    part = round(part * (1 + rng.uniform(-0.05, 0.05)), places)
                rows[(measure.key, year, district)] = (
                    measure.key,
                    year,
                    district,
                    Decimal(str(part)),
                    "示例数据",
                    now,
                    "demo-data",
                )
    return list(rows.values())
