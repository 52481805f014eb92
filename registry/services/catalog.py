"""The seeded catalog: districts, tier ladders, plans and their targets."""

import json
from pathlib import Path

import marshmallow as ma
import peewee as pw

from registry.db import write_transaction
from registry.models import District, Ladder, Plan, Target, Tier
from registry.services.audit import CLI_ACTOR, record
from registry.services.errors import Invalid, NotFound
from schemas.seeds import SeedDistrictsFileSchema, SeedPlanSchema, SeedTiersFileSchema

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


def _read(path: Path, schema: ma.Schema) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return schema.load(raw)
    except (OSError, json.JSONDecodeError) as exc:
        raise Invalid(f"{path}: {exc}") from exc
    except ma.ValidationError as exc:
        raise Invalid(f"{path}: {exc.messages}") from exc


def _upsert(model: type[pw.Model], rows: list[dict], conflict_target: list) -> None:
    """Insert rows, or update the ones already there: repeating a load changes nothing."""
    for row in rows:
        update = {k: v for k, v in row.items() if k not in {f.name for f in conflict_target}}
        (model.insert(**row).on_conflict(conflict_target=conflict_target, update=update).execute())


def load_seeds(seeds_dir: Path | None = None) -> dict[str, int]:
    """Validate every file of seeds/ first, then load them all in one transaction."""
    seeds_dir = Path(seeds_dir or DEFAULT_SEEDS_DIR)
    districts = _read(seeds_dir / "districts.json", SeedDistrictsFileSchema())["districts"]
    tiers_file = _read(seeds_dir / "tiers.json", SeedTiersFileSchema())
    plans = [_read(p, SeedPlanSchema()) for p in sorted((seeds_dir / "plans").glob("*.json"))]
    tier_keys = {t["key"] for t in tiers_file["tiers"]}
    for plan in plans:
        for target in plan["targets"]:
            if target["tier"] not in tier_keys:
                raise Invalid(f"plan {plan['id']}: unknown tier {target['tier']}")

    with write_transaction():
        _upsert(District, districts, [District.code])
        _upsert(Ladder, tiers_file["ladders"], [Ladder.key])
        # Tiers first without prerequisites, then the links: a tier may name one defined later.
        tiers = [{**t, "prerequisite": None} for t in tiers_file["tiers"]]
        _upsert(Tier, tiers, [Tier.key])
        for tier in tiers_file["tiers"]:
            Tier.update(prerequisite=tier["prerequisite"]).where(Tier.key == tier["key"]).execute()
        for plan in plans:
            years = plan["years"]
            _upsert(
                Plan,
                [
                    {
                        "id": plan["id"],
                        "title_zh": plan["title_zh"],
                        "title_en": plan["title_en"],
                        "issuer_zh": plan["issuer_zh"],
                        "issued_on": plan["issued_on"],
                        "first_year": min(years),
                        "last_year": max(years),
                    }
                ],
                [Plan.id],
            )
            _upsert(
                Target,
                [
                    {
                        "plan": plan["id"],
                        "tier": t["tier"],
                        "kind": t["kind"],
                        "year": t["year"],
                        "value": t["value"],
                    }
                    for t in plan["targets"]
                ],
                [Target.plan, Target.tier, Target.kind, Target.year],
            )
        counts = {"districts": len(districts), "tiers": len(tiers), "plans": len(plans)}
        record(CLI_ACTOR, "catalog.loaded", "catalog", district=None, data=counts)
    return counts


def districts() -> list[District]:
    return list(District.select().order_by(District.code))


def tiers() -> list[Tier]:
    return list(
        Tier.select(Tier).join(Ladder).order_by(Ladder.primary.desc(), Ladder.key, Tier.rank)
    )


def plans() -> list[Plan]:
    return list(Plan.select().order_by(Plan.id))


def plan(plan_id: str) -> Plan:
    found = Plan.get_or_none(Plan.id == plan_id)
    if found is None:
        raise NotFound(f"no plan {plan_id!r}")
    return found


def targets(plan: Plan) -> list[Target]:
    return list(
        Target.select().where(Target.plan == plan).order_by(Target.year, Target.kind, Target.tier)
    )


def district_codes() -> set[str]:
    return {d.code for d in District.select(District.code)}
