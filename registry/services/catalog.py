"""The seeded catalog: districts, tier ladders, plans and their targets."""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import marshmallow as ma
import peewee as pw

from registry.db import write_transaction
from registry.models import (
    Alias,
    District,
    Ladder,
    Measure,
    Plan,
    Target,
    TargetAllocation,
    Tier,
)
from registry.services import aggregates, version
from registry.services.audit import record
from registry.services.errors import Invalid, NotFound, invalid_field
from registry.services.scope import CLI_ACTOR, Actor
from registry.services.versioned_cache import VersionedCache
from schemas.seeds import (
    SeedAliasesFileSchema,
    SeedDistrictsFileSchema,
    SeedMeasuresFileSchema,
    SeedPlanSchema,
    SeedTiersFileSchema,
)

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


def _read(path: Path, schema: ma.Schema) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return schema.load(raw)
    except (OSError, json.JSONDecodeError) as exc:
        raise Invalid("catalog.invalid", reason=f"{path}: {exc}") from exc
    except ma.ValidationError as exc:
        raise Invalid(
            "catalog.invalid", reason=f"{path}: {'; '.join(_flatten(exc.messages))}"
        ) from exc


def _flatten(messages, where: str = "") -> list[str]:
    """Marshmallow's nested messages as `targets.3.year: message` lines."""
    if isinstance(messages, dict):
        return [
            line
            for key, inner in messages.items()
            for line in _flatten(inner, f"{where}.{key}" if where else str(key))
        ]
    if isinstance(messages, list):
        return [line for inner in messages for line in _flatten(inner, where)]
    return [f"{where}: {messages}" if where else str(messages)]


def _upsert(model: type[pw.Model], rows: list[dict], conflict_target: list) -> None:
    """Insert rows, or update the ones already there: repeating a load changes nothing."""
    for row in rows:
        update = {k: v for k, v in row.items() if k not in {f.name for f in conflict_target}}
        (model.insert(**row).on_conflict(conflict_target=conflict_target, update=update).execute())


def _check_references(plan: dict, tiers: set[str], measures: set[str], districts: set[str]):
    """What a plan names must exist: its tiers, measures and districts."""
    problems = []
    for target in plan["targets"]:
        where = f"target {target['key']} ({target['year']})"
        if target["tier"] is not None and target["tier"] not in tiers:
            problems.append(f"{where}: unknown tier {target['tier']}")
        if target["measure"] is not None and target["measure"] not in measures:
            problems.append(f"{where}: unknown measure {target['measure']}")
        unknown = sorted(set(target["allocations"]) - districts)
        if unknown:
            problems.append(f"{where}: unknown district {', '.join(unknown)} in allocations")
    if problems:
        raise Invalid("catalog.invalid", reason=f"plan {plan['id']}: " + "; ".join(problems))


def _plan_row(plan: dict) -> dict:
    years = plan["years"]
    return {
        "id": plan["id"],
        "title_zh": plan["title_zh"],
        "title_en": plan["title_en"],
        "issuer_zh": plan["issuer_zh"],
        "issued_on": plan["issued_on"],
        "first_year": min(years),
        "last_year": max(years),
    }


TARGET_FIELDS = (
    "plan",
    "key",
    "position",
    "tier",
    "measure",
    "kind",
    "comparator",
    "year",
    "value",
    "label_zh",
    "label_en",
    "quote_zh",
)


def _target_rows(plan: dict) -> list[dict]:
    return [
        {
            "plan": plan["id"],
            "key": t["key"],
            "position": position,
            "tier": t["tier"],
            "measure": t["measure"],
            "kind": t["kind"],
            "comparator": t["comparator"],
            "year": t["year"],
            "value": t["value"],
            "label_zh": t["label_zh"],
            "label_en": t["label_en"],
            "quote_zh": t["quote_zh"],
        }
        for position, t in enumerate(plan["targets"])
    ]


def _store_plan(plan: dict) -> dict[str, int]:
    """Write one validated plan: the plan row, its targets and allocations. Targets and
    allocations the file no longer has are removed (a plan file is the whole plan)."""
    _upsert(Plan, [_plan_row(plan)], [Plan.id])
    kept, allocations = [], 0
    for row, t in zip(_target_rows(plan), plan["targets"], strict=True):
        _upsert(Target, [row], [Target.plan, Target.key, Target.year])
        target = Target.get(
            (Target.plan == plan["id"]) & (Target.key == t["key"]) & (Target.year == t["year"])
        )
        kept.append(target.id)
        TargetAllocation.delete().where(
            (TargetAllocation.target == target)
            & TargetAllocation.district.not_in(list(t["allocations"]) or [""])
        ).execute()
        _upsert(
            TargetAllocation,
            [
                {"target": target.id, "district": code, "value": value}
                for code, value in t["allocations"].items()
            ],
            [TargetAllocation.target, TargetAllocation.district],
        )
        allocations += len(t["allocations"])
    gone = Target.select(Target.id).where((Target.plan == plan["id"]) & Target.id.not_in(kept))
    TargetAllocation.delete().where(TargetAllocation.target.in_(gone)).execute()
    Target.delete().where((Target.plan == plan["id"]) & Target.id.not_in(kept)).execute()
    return {"targets": len(kept), "allocations": allocations}


def _comparable(rows) -> set[tuple]:
    """Rows as a set of (field, value) tuples, dates as ISO text: what is stored against what
    a seed file says."""
    return {
        tuple(sorted((k, v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()))
        for row in rows
    }


def _stored_as(model: type[pw.Model], rows: list[dict]) -> bool:
    """Whether every row is stored with exactly these values (rows beyond them are left)."""
    if not rows:
        return True
    fields = [getattr(model, name) for name in rows[0]]
    key = model._meta.primary_key
    stored = model.select(*fields).where(key.in_([row[key.name] for row in rows])).dicts()
    return _comparable(rows) <= _comparable(stored)


def _plan_stored(plan: dict) -> bool:
    """Whether the plan, all its targets and their allocations are stored as the file says."""
    targets = _target_rows(plan)
    stored = Target.select(*(getattr(Target, name) for name in TARGET_FIELDS)).where(
        Target.plan == plan["id"]
    )
    given = {
        (t["key"], t["year"], code, value)
        for t in plan["targets"]
        for code, value in t["allocations"].items()
    }
    allocated = set(
        TargetAllocation.select(
            Target.key, Target.year, TargetAllocation.district, TargetAllocation.value
        )
        .join(Target)
        .where(Target.plan == plan["id"])
        .tuples()
    )
    return (
        _stored_as(Plan, [_plan_row(plan)])
        and _comparable(stored.dicts()) == _comparable(targets)
        and allocated == given
    )


def _ladders_of(tiers: list[dict]) -> set[tuple]:
    return {(t["key"], t["ladder"], t["rank"]) for t in tiers}


def _aliases(found: dict, tiers: set[str], districts: set[str]) -> list[dict]:
    """seeds/aliases.json as Alias rows, each checked against what it names."""
    rows, problems = [], []

    def add(kind: str, value: str, names: list[str], known) -> None:
        if value not in known:
            problems.append(f"{kind} aliases: unknown {kind} {value!r}")
        rows.extend({"kind": kind, "name": name, "value": value} for name in names)

    for column, names in found["headers"].items():  # the schema checked the columns
        add("header", column, names, (column,))
    for tier, names in found["tiers"].items():
        add("tier", tier, names, tiers)
    for code, names in found.get("districts", {}).items():
        add("district", code, names, districts)
    for kind, names in found["regions"].items():
        add("region", kind, names, (kind,))
    for answer in ("yes", "no"):
        add("answer", answer, found["answers"][answer], (answer,))
    seen = {}
    for row in rows:
        key = (row["kind"], row["name"])
        if seen.setdefault(key, row["value"]) != row["value"]:
            problems.append(f"{row['kind']} alias {row['name']!r} names two things")
    if problems:
        raise Invalid("catalog.invalid", reason="seeds/aliases.json: " + "; ".join(problems))
    return list({(r["kind"], r["name"]): r for r in rows}.values())


@dataclass
class Seeds:
    """The catalog as seeds/ gives it, validated."""

    districts: list[dict]
    ladders: list[dict]
    tiers: list[dict]
    measures: list[dict]
    plans: list[dict]
    aliases: list[dict]

    def counts(self) -> dict[str, int]:
        return {
            "districts": len(self.districts),
            "tiers": len(self.tiers),
            "measures": len(self.measures),
            "plans": len(self.plans),
            "aliases": len(self.aliases),
        }


def read_seeds(seeds_dir: Path) -> Seeds:
    """Every file of seeds/, validated against its schema and the others; raises Invalid."""
    districts = _read(seeds_dir / "districts.json", SeedDistrictsFileSchema())["districts"]
    tiers_file = _read(seeds_dir / "tiers.json", SeedTiersFileSchema())
    measures_path, aliases_path = seeds_dir / "measures.json", seeds_dir / "aliases.json"
    measures = (
        _read(measures_path, SeedMeasuresFileSchema())["measures"] if measures_path.exists() else []
    )
    plans = [_read(p, SeedPlanSchema()) for p in sorted((seeds_dir / "plans").glob("*.json"))]
    tier_keys = {t["key"] for t in tiers_file["tiers"]}
    codes = {d["code"] for d in districts}
    aliases = (
        _aliases(_read(aliases_path, SeedAliasesFileSchema()), tier_keys, codes)
        if aliases_path.exists()
        else []
    )
    for plan in plans:
        _check_references(plan, tier_keys, {m["key"] for m in measures}, codes)
    return Seeds(districts, tiers_file["ladders"], tiers_file["tiers"], measures, plans, aliases)


def _seeds_stored(seeds: Seeds) -> bool:
    return (
        _stored_as(District, seeds.districts)
        and _stored_as(Ladder, seeds.ladders)
        and _stored_as(Tier, seeds.tiers)
        and _stored_as(Measure, seeds.measures)
        and _comparable(Alias.select(Alias.kind, Alias.name, Alias.value).dicts())
        == _comparable(seeds.aliases)
        and all(_plan_stored(plan) for plan in seeds.plans)
    )


def load_seeds(seeds_dir: Path | None = None) -> dict[str, int]:
    """Validate every file of seeds/ first, then load them all in one transaction (nothing
    written, no event, the version and ETags kept, when the catalog is stored as they say)."""
    seeds = read_seeds(Path(seeds_dir or DEFAULT_SEEDS_DIR))
    counts = seeds.counts()
    if _seeds_stored(seeds):
        return counts
    stored_ladders = _ladders_of(Tier.select(Tier.key, Tier.ladder, Tier.rank).dicts())
    with write_transaction():
        _upsert(District, seeds.districts, [District.code])
        _upsert(Ladder, seeds.ladders, [Ladder.key])
        # Tiers first without prerequisites, then the links: a tier may name one defined later.
        _upsert(Tier, [{**t, "prerequisite": None} for t in seeds.tiers], [Tier.key])
        for tier in seeds.tiers:
            Tier.update(prerequisite=tier["prerequisite"]).where(Tier.key == tier["key"]).execute()
        _upsert(Measure, seeds.measures, [Measure.key])
        Alias.delete().execute()  # the file is the whole set: a wording removed there is gone
        if seeds.aliases:
            Alias.insert_many(seeds.aliases).execute()
        for plan in seeds.plans:
            _store_plan(plan)
        if not _ladders_of(seeds.tiers) <= stored_ladders:
            aggregates.rebuild()  # who holds which tier follows the ladders
        aggregates.catalog_changed()
        record(CLI_ACTOR, "catalog.loaded", "catalog", district=None, data=counts)
    return counts


def read_plan(path: Path) -> dict:
    """A plan file, validated against its schema and the loaded catalog; raises Invalid."""
    plan = _read(Path(path), SeedPlanSchema())
    _check_references(
        plan,
        {t.key for t in Tier.select(Tier.key)},
        {m.key for m in Measure.select(Measure.key)},
        district_codes(),
    )
    return plan


def load_plan(actor: Actor, path: Path) -> dict:
    """Validate and load one plan file (`registry load-plan`); repeating it changes nothing."""
    plan = read_plan(path)
    with write_transaction():
        counts = _store_plan(plan)
        aggregates.catalog_changed()
        record(
            actor,
            "plan.loaded",
            f"plan/{plan['id']}",
            district=None,
            data={"id": plan["id"], "file": Path(path).name, **counts},
        )
    return {"id": plan["id"], **counts}


def districts() -> list[District]:
    return list(District.select().order_by(District.code))


def tiers() -> list[Tier]:
    return list(
        Tier.select(Tier).join(Ladder).order_by(Ladder.primary.desc(), Ladder.key, Tier.rank)
    )


def plans() -> list[Plan]:
    return list(Plan.select().order_by(Plan.id))


# A plan as read, kept per process until the catalog changes: every screen refresh asks for it.
_PLANS = VersionedCache(size=64)


def plan(plan_id: str) -> Plan:
    found = version.per_catalog(_PLANS, plan_id, lambda: Plan.get_or_none(Plan.id == plan_id))
    if found is None:
        raise NotFound("plan.not_found", plan=plan_id)
    return found


def targets(plan: Plan) -> list[Target]:
    """A plan's targets by year, in the plan's order, each with its `allocation_list`."""
    found = list(Target.select().where(Target.plan == plan).order_by(Target.year, Target.position))
    shares: dict[int, dict[str, int]] = {}
    for allocation in TargetAllocation.select().join(Target).where(Target.plan == plan):
        shares.setdefault(allocation.target_id, {})[allocation.district_id] = allocation.value
    for target in found:
        target.allocation_map = shares.get(target.id, {})
    return found


def measures() -> list[Measure]:
    return list(Measure.select().order_by(Measure.key))


def district_codes() -> set[str]:
    return {d.code for d in District.select(District.code)}


def check_district(code: str | None) -> None:
    """A district named in a request must be a seeded one (None: none named); raises Invalid."""
    if code is not None and not District.select().where(District.code == code).exists():
        raise invalid_field("district", "district.unknown", district=code)
