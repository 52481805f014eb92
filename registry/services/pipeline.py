"""The funnel and its forecast (docs/pipeline.md): per tier of a plan year, the quota, the titles
counted as progress counts them, the open applications per stage, the closed ones, and how many
of the open ones earlier years say will be certified.

Everything is a sum over the funnel's tally (PipelineTally, kept by every write to an
application) and the certifications' tallies: a poll reads small tables, never the applications.

rate(s): of the earlier years' closed applications of the tier (every district) whose highest
stage reached s, the share certified. expected = certified + Σ open(s) × rate(s); low and high
the 90 % interval expected ∓ 1.645 × sqrt(Σ open(s) × rate(s) × (1 − rate(s))), clipped to
[certified, certified + Σ open(s)]; expected, low and high rounded to one decimal. A stage with
open applications and no history leaves no forecast, and says why.
"""

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

from registry.messages import CHINESE, ENGLISH, Message
from registry.models import PipelineTally, Plan, Target, Tier
from registry.services import progress
from registry.services.aggregates import counts
from registry.services.applications.stages import OUTCOMES, RANK, STAGES
from registry.services.catalog import check_district
from registry.services.errors import invalid_field

Z90 = 1.645  # the two-sided 90 % interval of a normal approximation
# The tiers a funnel may show: the SME ladder's, and Henan's 头雁 (with a target or applications)
LADDERS = ("sme", "head_goose")


def check_year(plan: Plan, year: int) -> None:
    if not plan.first_year <= year <= plan.last_year:
        raise invalid_field(
            "year", "plan.year_outside", plan=plan.id, first=plan.first_year, last=plan.last_year
        )


@dataclass
class History:
    """A tier's earlier closed applications: {highest stage: closed}, {highest: certified}."""

    closed: Counter
    certified: Counter

    def rate(self, stage: str) -> float | None:
        """The share certified among those whose highest stage reached `stage` (None: none)."""
        reached = [h for h in STAGES if RANK[h] >= RANK[stage]]
        total = sum(self.closed[h] for h in reached)
        return sum(self.certified[h] for h in reached) / total if total else None


def forecast(certified: int, open_: dict[str, int], rates: dict[str, float | None]) -> dict:
    """{forecast: {expected, low, high} | None, reason: Message | None}."""
    lacking = [s for s in STAGES if open_.get(s) and rates.get(s) is None]
    if lacking:
        return {
            "forecast": None,
            "reason": Message("pipeline.no_history", stage=lacking[0]),
        }
    waiting = sum(open_.get(s, 0) for s in STAGES)
    gain = sum(open_.get(s, 0) * rates[s] for s in STAGES if open_.get(s))
    variance = sum(open_.get(s, 0) * rates[s] * (1 - rates[s]) for s in STAGES if open_.get(s))
    expected = certified + gain
    spread = Z90 * math.sqrt(variance)
    low = min(max(expected - spread, certified), certified + waiting)
    high = min(max(expected + spread, certified), certified + waiting)
    return {
        "forecast": {
            "expected": round(float(expected), 1),
            "low": round(float(low), 1),
            "high": round(float(high), 1),
        },
        "reason": None,
    }


def _tiers(plan: Plan, year: int, tally: list[tuple]) -> list[tuple[Tier, Target | None]]:
    """The tiers shown, the SME ladder's first, each with its annual target of the year (or
    None): those with a target of the year (an annual one, or 头雁's stock), and those with
    applications in the year."""
    targets = progress.targets_of(plan, year)
    annual = {t.tier_id: t for t in targets if t.tier_id and t.kind == "annual" and t.year == year}
    wanted = {t.tier_id for t in targets if t.tier_id} | {row[0] for row in tally if row[1] == year}
    tiers = Tier.select().where(Tier.ladder.in_(LADDERS) & Tier.key.in_(list(wanted)))
    ordered = sorted(tiers, key=lambda tier: (LADDERS.index(tier.ladder_id), tier.rank))
    return [(tier, annual.get(tier.key)) for tier in ordered]


def _quota(plan: Plan, year: int, target: Target | None, district: str | None) -> int | None:
    """The tier's annual target; with a district, its allocation if the plan allocates it."""
    if target is None:
        return None
    if district is None:
        return target.value
    allocations = progress.allocations_of(plan, year, progress.targets_of(plan, year))
    return allocations[target.id].get(district, 0) if target.id in allocations else None


def _tally(year: int) -> list[tuple]:
    """The funnel's tally of `year` and every earlier year: (tier, year, district, stage,
    highest, n)."""
    query = PipelineTally.select(
        PipelineTally.tier,
        PipelineTally.year,
        PipelineTally.district,
        PipelineTally.stage,
        PipelineTally.highest,
        PipelineTally.n,
    ).where((PipelineTally.year <= year) & (PipelineTally.n != 0))
    return list(query.tuples())


def _row(tier: Tier, quota, certified: int, rows: list[tuple], year: int, district) -> dict:
    """One tier's funnel from its tally rows."""
    history = History(Counter(), Counter())
    now: Counter = Counter()
    for _, row_year, row_district, stage, highest, n in rows:
        if row_year < year and stage in OUTCOMES:
            history.closed[highest] += n
            if stage == "certified":
                history.certified[highest] += n
        elif row_year == year and (district is None or row_district == district):
            now[stage] += n
    rates = {s: history.rate(s) for s in STAGES}
    stages = {s: now[s] for s in STAGES}
    told = forecast(certified, stages, rates)
    expected = told["forecast"]["expected"] if told["forecast"] else None
    reason = told["reason"]
    return {
        "tier": tier.key,
        "label_zh": tier.label_zh,
        "label_en": tier.label_en,
        "quota": quota,
        "certified": certified,
        "stages": stages,
        "closed": {o: now[o] for o in OUTCOMES},
        "rates": {s: None if r is None else round(r, 4) for s, r in rates.items()},
        "forecast": told["forecast"],
        "forecast_reason": reason.code if reason else None,
        "forecast_reason_zh": reason.text(CHINESE) if reason else None,
        "forecast_reason_en": reason.text(ENGLISH) if reason else None,
        "at_risk": None if expected is None or quota is None else expected < quota,
    }


def pipeline(plan: Plan, *, year: int, as_of: dt.date, district: str | None = None) -> dict:
    """The funnel of every tier `_tiers` shows for `year` (one district's, or the city's):
    quota (with a district, its allocation where the plan allocates, else null), certified
    (new titles of the year at as_of, as progress counts them), open applications per stage
    and closed ones (as they stand now), the rates from earlier years and the forecast."""
    check_year(plan, year)
    check_district(district)
    tally = _tally(year)
    flows = counts.annual_counts(year, as_of, district)
    tiers = []
    for tier, target in _tiers(plan, year, tally):
        rows = [row for row in tally if row[0] == tier.key]
        quota = _quota(plan, year, target, district)
        tiers.append(_row(tier, quota, flows.get(tier.key, 0), rows, year, district))
    return {"plan": plan.id, "year": year, "district": district, "as_of": as_of, "tiers": tiers}
