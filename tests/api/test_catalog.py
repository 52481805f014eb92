"""The seeded catalog: what init-db loads and the public routes that show it."""

import json

import pytest

from registry.models import Event
from registry.services import catalog, version
from registry.services.aggregates import scan
from registry.services.errors import Invalid
from tests.support.databases import query
from tests.support.http import assert_problem
from tests.support.paths import PLAN_TARGETS, ROOT
from tests.support.servers import run_registry
from tests.support.statements import logged_statements

PROGRESS = "/api/v1/plans/xinxiang-2023-2025/progress"


def test_fifteen_districts_of_xinxiang(client):
    districts = client.get("/api/v1/districts").json
    assert len(districts) == 15
    by_code = {d["code"]: d for d in districts}
    assert by_code["410702"]["name_zh"] == "红旗区"
    assert by_code["410783"]["name_zh"] == "长垣市"
    assert by_code["410771"]["short_name_zh"] == "高新区"
    kinds = [d["kind"] for d in districts]
    assert (
        kinds.count("district"),
        kinds.count("county"),
        kinds.count("county_city"),
        kinds.count("zone"),
    ) == (4, 5, 3, 3)


def test_tiers_with_ladder_and_prerequisites(client):
    tiers = {t["key"]: t for t in client.get("/api/v1/tiers").json}
    assert set(tiers) == {
        "innovative_sme",
        "specialized_sme",
        "little_giant",
        "head_goose",
        "head_goose_candidate",
        "single_champion",
        # designations beyond the four tiers: the plan's other titles and attributes of a firm
        "above_scale",
        "revenue_10bn",
        "listed",
        "high_tech",
        "service_manufacturing",
        "green_factory",
        "green_factory_national",
        "green_supply_chain",
        "digital_navigator",
        "sme_digital_benchmark",
        "smart_factory",
        "cloud_enterprise",
        "industrial_design_centre",
        "industrial_design_centre_national",
    }
    assert tiers["specialized_sme"]["prerequisite"] == "innovative_sme"
    assert tiers["little_giant"]["prerequisite"] == "specialized_sme"
    assert tiers["little_giant"]["level"] == "nation"
    assert tiers["innovative_sme"]["label_zh"] == "创新型中小企业"
    assert [tiers[k]["rank"] for k in ("innovative_sme", "specialized_sme", "little_giant")] == [
        1,
        2,
        3,
    ]
    assert tiers["head_goose"]["rank"] > tiers["head_goose_candidate"]["rank"]
    assert not tiers["single_champion"]["has_quota"]
    assert all(t["label_en"] and t["validity_years"] for t in tiers.values())


def test_the_plan_and_its_quotas(client):
    assert [p["id"] for p in client.get("/api/v1/plans").json] == ["xinxiang-2023-2025"]
    plan = client.get("/api/v1/plans/xinxiang-2023-2025").json
    assert plan["years"] == [2023, 2024, 2025]
    targets = {(t["tier"], t["kind"], t["year"]): t["value"] for t in plan["targets"] if t["tier"]}
    for year in (2023, 2024, 2025):
        assert targets[("innovative_sme", "annual", year)] == 500
        assert targets[("specialized_sme", "annual", year)] == 50
        assert targets[("little_giant", "annual", year)] == 5
        assert targets[("listed", "annual", year)] == 2
    assert targets[("head_goose", "cumulative", 2025)] == 10
    assert targets[("high_tech", "by_plan_end", 2025)] == 800
    assert len(plan["targets"]) == 47  # 8 annual targets × 3 years, 23 stocks at the plan's end


def test_unknown_plan_is_a_404_problem(client):
    response = client.get("/api/v1/plans/nowhere-2099")
    assert_problem(response, 404)


# What the plan's registry_fit says a target is: a title of a firm, a measure, or neither.
FIRM_TITLES = {"tier", "certification", "enterprise_attribute"}
MEASURES = {"event_counter", "project", "amount", "platform", "cluster", "region", "infrastructure"}
COMPARATORS = {">=": "at_least", ">": "more_than", "about": "about"}


def test_every_countable_target_of_the_published_plan_is_seeded(client):
    """Each target of the published plan (tests/data/plan-targets.json) with a number and a
    count (not a ratio) is a target of the seeded plan after init-db, with its value, years,
    kind and comparator; the firms' titles count a designation, the rest a measure."""
    published = json.loads(PLAN_TARGETS.read_text(encoding="utf-8"))
    plan = client.get("/api/v1/plans/xinxiang-2023-2025").json
    tiers = {t["key"] for t in client.get("/api/v1/tiers").json}
    measures = {m["key"] for m in client.get("/api/v1/measures").json}
    seeded = json.loads((ROOT / "seeds/plans/xinxiang-2023-2025.json").read_text("utf-8"))
    source_of = {t["key"]: t["source_key"] for t in seeded["targets"]}
    by_source: dict[str, list[dict]] = {}
    for target in plan["targets"]:
        by_source.setdefault(source_of[target["key"]], []).append(target)
    not_tracked = {n["key"] for n in seeded["not_tracked"]}
    assert len(published["targets"]) == 34
    for source in published["targets"]:
        key, fit = source["key"], source["registry_fit"]
        if fit == "out_of_scope" or source["value"] is None:
            assert key in not_tracked, key
            assert key not in by_source, key
            continue
        rows = by_source[key]
        years = [row["year"] for row in rows]
        if source["mode"] == "per_year":
            assert years == [2023, 2024, 2025], key
            assert {row["kind"] for row in rows} == {"annual"}, key
        else:
            assert set(years) == {2025}, key
            assert {row["kind"] for row in rows} <= {"by_plan_end", "cumulative"}, key
        assert {row["comparator"] for row in rows} == {COMPARATORS[source["comparator"]]}, key
        values = source["value"] if isinstance(source["value"], dict) else {"": source["value"]}
        numbers = [v for part, v in values.items() if not part.endswith("_pct")]
        assert sorted({row["value"] for row in rows}) == sorted(set(numbers)), key
        # 上市挂牌 is an event_counter there, but a listing is held by a firm: a designation
        if fit in FIRM_TITLES or key == "listed_companies_new":
            assert all(row["tier"] in tiers and row["measure"] is None for row in rows), key
        else:
            assert fit in MEASURES, key
            assert all(row["measure"] in measures and row["tier"] is None for row in rows), key
    # 单项冠军 has no number, yet it is a designation a firm can hold
    assert "single_champion" in tiers


def test_every_designation_with_a_quota_has_a_target(client):
    tiers = client.get("/api/v1/tiers").json
    targeted = {t["tier"] for t in client.get("/api/v1/plans/xinxiang-2023-2025").json["targets"]}
    for tier in tiers:
        if tier["has_quota"]:
            assert tier["key"] in targeted, tier["key"]


def test_loading_twice_changes_nothing(app):
    with app.app_context():
        before = (
            len(catalog.districts()),
            len(catalog.tiers()),
            len(catalog.targets(catalog.plan("xinxiang-2023-2025"))),
        )
        catalog.load_seeds()
        catalog.load_seeds()
        after = (
            len(catalog.districts()),
            len(catalog.tiers()),
            len(catalog.targets(catalog.plan("xinxiang-2023-2025"))),
        )
    assert before == after == (15, 20, 47)


def _copy_seeds(tmp_path):
    target = tmp_path / "seeds"
    (target / "plans").mkdir(parents=True)
    for path in (ROOT / "seeds").rglob("*.json"):
        (target / path.relative_to(ROOT / "seeds")).write_bytes(path.read_bytes())
    return target


@pytest.mark.parametrize(
    ("file", "mutate", "message"),
    [
        ("districts.json", lambda d: d["districts"][0].update(kind="village"), "kind"),
        ("districts.json", lambda d: d["districts"].append(dict(d["districts"][0])), "unique"),
        ("tiers.json", lambda d: d["tiers"][1].update(prerequisite="nothing"), "prerequisite"),
        ("tiers.json", lambda d: d["tiers"][0].update(level="galaxy"), "level"),
        ("plans/xinxiang-2023-2025.json", lambda d: d["targets"][0].update(year=2031), "year"),
        ("plans/xinxiang-2023-2025.json", lambda d: d["targets"][0].update(tier="x"), "tier"),
    ],
)
def test_bad_seeds_are_refused_before_anything_is_written(app, tmp_path, file, mutate, message):
    seeds = _copy_seeds(tmp_path)
    data = json.loads((seeds / file).read_text("utf-8"))
    mutate(data)
    (seeds / file).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with app.app_context(), pytest.raises(Invalid, match=message):
        catalog.load_seeds(seeds)


def test_a_new_designation_is_a_change_to_seeds_only(app, tmp_path, client):
    seeds = _copy_seeds(tmp_path)
    data = json.loads((seeds / "tiers.json").read_text("utf-8"))
    data["tiers"].append(
        {
            "key": "quality_benchmark",
            "ladder": "single_champion",
            "rank": 2,
            "label_zh": "质量标杆企业",
            "label_en": "Quality benchmark enterprise",
            "level": "nation",
            "validity_years": 3,
        }
    )
    (seeds / "tiers.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with app.app_context():
        catalog.load_seeds(seeds)
    assert "quality_benchmark" in {t["key"] for t in client.get("/api/v1/tiers").json}


def test_catalog_answers_carry_an_etag(client):
    first = client.get("/api/v1/tiers")
    assert first.headers["ETag"]
    again = client.get("/api/v1/tiers", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def _writes_of(app, load) -> list[str]:
    """The statements that write, sent while `load()` runs (peewee's query log)."""
    with app.app_context(), logged_statements() as log:
        load()
    return [s for s in log.sql if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]


def _events_and_version(app) -> tuple[int, int]:
    with app.app_context():
        return Event.select().count(), version.current()


def test_an_unchanged_catalog_loads_without_a_write(app, client, auth):
    """A restart runs init-db: with the seeds unchanged it writes nothing (no event, no new
    version), so no screen's ETag changes."""
    etag = client.get(PROGRESS, headers=auth["dashboard"]).headers["ETag"]
    before = _events_and_version(app)
    assert _writes_of(app, catalog.load_seeds) == []
    assert _events_and_version(app) == before
    polled = client.get(PROGRESS, headers={**auth["dashboard"], "If-None-Match": etag})
    assert polled.status_code == 304
    # … and so does the command every `make run` starts with
    url = app.config["DATABASE_URL"]
    trail = "SELECT (SELECT COUNT(*) FROM event), (SELECT value FROM registry_version WHERE id = 1)"
    before = query(url, trail)
    run_registry(url, "init-db")
    assert query(url, trail) == before


@pytest.mark.parametrize(
    ("file", "mutate"),
    [
        ("districts.json", lambda d: d["districts"][0].update(name_en="Hongqi")),
        ("aliases.json", lambda d: d["tiers"]["innovative_sme"].append("创新型中小企")),
        ("plans/xinxiang-2023-2025.json", lambda d: d["targets"][0].update(value=501)),
        (
            "plans/xinxiang-2023-2025.json",
            lambda d: d["targets"][0].update(allocations={"410702": 500}),
        ),
        ("plans/xinxiang-2023-2025.json", lambda d: d["targets"].pop()),
        ("tiers.json", lambda d: d["ladders"][0].update(starts_on="2022-09-01")),
        ("measures.json", lambda d: d["measures"][0].update(unit_en="units")),
    ],
    ids=["district", "alias", "target", "allocations", "target-gone", "ladder", "measure"],
)
def test_a_changed_catalog_is_loaded_once(app, tmp_path, file, mutate):
    seeds = _copy_seeds(tmp_path)
    data = json.loads((seeds / file).read_text("utf-8"))
    mutate(data)
    (seeds / file).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    events, version = _events_and_version(app)
    assert _writes_of(app, lambda: catalog.load_seeds(seeds))
    assert _events_and_version(app) == (events + 1, version + 1)
    assert _writes_of(app, lambda: catalog.load_seeds(seeds)) == []  # now it is the catalog


def test_a_tier_moved_in_its_ladder_recounts_the_holdings(app, tmp_path, register, certify):
    code = register("ladder-changed")
    assert certify(code, "innovative_sme", "2023-03-20", year=2022).status_code == 201
    assert certify(code, "specialized_sme", "2023-05-30", year=2023).status_code == 201
    seeds = _copy_seeds(tmp_path)
    data = json.loads((seeds / "tiers.json").read_text("utf-8"))
    for tier in data["tiers"]:
        if tier["key"] == "innovative_sme":
            tier["rank"] = 9  # now above the others: a specialized firm no longer holds it
    (seeds / "tiers.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with app.app_context():
        catalog.load_seeds(seeds)
        assert not scan.verify()
