"""Any plan is a data file: `registry load-plan` validates and loads one, progress reports on
it, districts see their own allocations, and the designations beyond the four tiers count like
the tiers."""

import json
from pathlib import Path

import pytest

from registry.models import Event, Target, TargetAllocation
from registry.services import catalog
from registry.services import progress as progress_service
from registry.services.clock import today
from registry.services.errors import Invalid
from tests.support.apps import invoke
from tests.support.codes import DISTRICT, OTHER_DISTRICT
from tests.support.paths import SAMPLE_PLAN

SAMPLE_ID = "xinxiang-2026-2028-sample"
PLAN = "/api/v1/plans/xinxiang-2023-2025"


def rows_of(client, headers, plan=SAMPLE_ID, **query) -> dict[str, dict]:
    reply = client.get(f"/api/v1/plans/{plan}/progress", query_string=query, headers=headers)
    assert reply.status_code == 200, reply.json
    return {row["key"]: row for row in reply.json["targets"]}


def write_plan(tmp_path, mutate) -> Path:
    data = json.loads(SAMPLE_PLAN.read_text("utf-8"))
    mutate(data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


# Loading ------------------------------------------------------------------------------------


def test_load_plan_loads_the_sample_and_repeating_it_changes_nothing(app, client):
    result = invoke(app, "load-plan", str(SAMPLE_PLAN))
    assert result.exit_code == 0, result.output
    assert f"Plan {SAMPLE_ID} loaded: 8 targets, 22 district allocations." in result.output
    with app.app_context():
        before = (Target.select().count(), TargetAllocation.select().count())
    assert invoke(app, "load-plan", str(SAMPLE_PLAN)).exit_code == 0
    with app.app_context():
        assert (Target.select().count(), TargetAllocation.select().count()) == before
        events = Event.select().where(Event.action == "plan.loaded")
        assert [e.subject for e in events] == [f"plan/{SAMPLE_ID}"] * 2
    assert {p["id"] for p in client.get("/api/v1/plans").json} == {
        "xinxiang-2023-2025",
        SAMPLE_ID,
    }
    plan = client.get(f"/api/v1/plans/{SAMPLE_ID}").json
    assert plan["years"] == [2026, 2027, 2028]
    first = plan["targets"][0]
    assert (first["key"], first["year"], first["value"]) == ("innovative_sme_new", 2026, 600)
    assert first["allocations"]["410783"] == 80 and sum(first["allocations"].values()) == 600
    by_key = {(t["key"], t["year"]): t for t in plan["targets"]}
    assert by_key[("high_tech_enterprises", 2028)]["kind"] == "by_plan_end"  # year: the last
    assert by_key[("high_tech_enterprises", 2028)]["comparator"] == "more_than"


def test_a_changed_plan_file_replaces_the_plan(app, tmp_path):
    assert invoke(app, "load-plan", str(SAMPLE_PLAN)).exit_code == 0

    def drop_training(data):
        data["targets"] = [t for t in data["targets"] if t["key"] != "entrepreneur_training"]
        data["targets"][0]["allocations"] = {"410702": 300, "410703": 300}

    assert invoke(app, "load-plan", str(write_plan(tmp_path, drop_training))).exit_code == 0
    with app.app_context():
        targets = catalog.targets(catalog.plan(SAMPLE_ID))
        assert "entrepreneur_training" not in {t.key for t in targets}
        assert targets[0].allocation_map == {"410702": 300, "410703": 300}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["targets"][0]["allocations"].update({"410702": 61}),
            "target innovative_sme_new (2026): the district allocations sum to 601, "
            "not the city target 600",
        ),
        (
            lambda d: d["targets"][0]["allocations"].update({"410799": 0}),
            "target innovative_sme_new (2026): unknown district 410799",
        ),
        (lambda d: d["targets"][1].update(tier="galaxy_sme"), "unknown tier galaxy_sme"),
        (lambda d: d["targets"][6].update(measure="moon_landings"), "unknown measure moon"),
        (lambda d: d["targets"][1].update(year=2030), "target year 2030 outside plan"),
        (lambda d: d["targets"][4].update(year=2026), "a by_plan_end target's year is the"),
        (lambda d: d["targets"][1].update(kind="forever"), "kind: Choose one of"),
        (lambda d: d["targets"][1].update(comparator="roughly"), "comparator: Choose one of"),
        (lambda d: d["targets"][1].update(measure="entrepreneur_training"), "either a tier"),
        (lambda d: d["targets"].append(dict(d["targets"][1])), "duplicate target"),
        (lambda d: d.update(years=[2026, 2028]), "consecutive years"),
    ],
)
def test_a_bad_plan_is_refused_with_a_clear_error_and_nothing_loaded(
    app, tmp_path, mutate, message
):
    result = invoke(app, "load-plan", str(write_plan(tmp_path, mutate)))
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert catalog.plans() == [catalog.plan("xinxiang-2023-2025")]


def test_seeds_with_unbalanced_allocations_are_refused(app, tmp_path):
    seeds = tmp_path / "seeds"
    (seeds / "plans").mkdir(parents=True)
    for name in ("districts.json", "tiers.json", "measures.json"):
        (seeds / name).write_bytes((catalog.DEFAULT_SEEDS_DIR / name).read_bytes())
    write_plan(seeds / "plans", lambda d: d["targets"][3]["allocations"].update({"410702": 11}))
    with app.app_context(), pytest.raises(Invalid, match="sum to 61, not the city target 60"):
        catalog.load_seeds(seeds)


# Progress on any plan, and allocations -------------------------------------------------------


@pytest.fixture
def sample(app):
    assert invoke(app, "load-plan", str(SAMPLE_PLAN)).exit_code == 0


def test_the_sample_plan_reports(sample, client, auth, register, certify):
    for i in range(4):
        certify(register(f"new-{i}"), "innovative_sme", "2026-05-20", year=2026)
    certify(register("there", district=OTHER_DISTRICT), "innovative_sme", "2026-05-20", year=2026)
    certify(register("listed"), "listed", "2026-03-02", year=2026)
    rows = rows_of(client, auth["dashboard"], year=2026, as_of="2026-06-30")
    assert list(rows) == [
        "innovative_sme_new",
        "zjtx_sme_new",
        "high_tech_enterprises",
        "listed_companies_new",
        "entrepreneur_training",
        "five_basics_technologies",
    ]
    assert rows["innovative_sme_new"]["achieved"] == 5
    assert rows["innovative_sme_new"]["target"] == rows["innovative_sme_new"]["city_target"] == 600
    assert rows["innovative_sme_new"]["allocated"] is False
    assert rows["listed_companies_new"]["achieved"] == 1
    assert rows["listed_companies_new"]["label_zh"] == "上市挂牌企业"  # the tier's, by default
    assert rows["innovative_sme_new"]["label_zh"] == "新增创新型中小企业"  # the plan's own
    # a target by the plan's end: expected pro rata over the plan's three years
    high_tech = rows["high_tech_enterprises"]
    assert (high_tech["kind"], high_tech["year"], high_tech["target"]) == (
        "by_plan_end",
        2028,
        1000,
    )
    assert high_tech["expected"] == round(1000 * 181 / 1096, 2)  # 2026-06-30: day 181 of 1096
    assert set(rows_of(client, auth["dashboard"], year=2027)) == {
        "innovative_sme_new",
        "high_tech_enterprises",
        "five_basics_technologies",
    }


def test_by_district_a_target_shows_the_district_allocation(
    sample, client, auth, register, certify
):
    for i in range(3):
        certify(register(f"hq-{i}"), "innovative_sme", "2026-05-20", year=2026)
    certify(register("wb", district=OTHER_DISTRICT), "innovative_sme", "2026-05-20", year=2026)
    here = rows_of(client, auth["bureau"], year=2026, as_of="2026-12-31", district=DISTRICT)
    innovative = here["innovative_sme_new"]
    assert (innovative["target"], innovative["city_target"], innovative["allocated"]) == (
        60,
        600,
        True,
    )
    assert (innovative["achieved"], innovative["remaining"]) == (3, 57)
    assert innovative["completion"] == 0.05 and innovative["expected"] == 60
    # a district the plan gives no share of an allocated target: a target of 0
    zjtx = rows_of(client, auth["bureau"], year=2026, district="410724")["zjtx_sme_new"]
    assert (zjtx["target"], zjtx["allocated"], zjtx["pace"]) == (0, True, "achieved")
    # a target without allocations: the city target, counts of the district (as before)
    high_tech = here["high_tech_enterprises"]
    assert (high_tech["target"], high_tech["allocated"]) == (1000, False)
    there = rows_of(client, auth["bureau"], year=2026, as_of="2026-12-31", district=OTHER_DISTRICT)
    assert (there["innovative_sme_new"]["target"], there["innovative_sme_new"]["achieved"]) == (
        40,
        1,
    )


def test_the_seeded_plan_by_district_without_allocations_is_unchanged(client, auth):
    row = rows_of(
        client, auth["dashboard"], plan="xinxiang-2023-2025", year=2024, district=DISTRICT
    )
    assert row["innovative_sme_new"]["target"] == 500
    assert row["innovative_sme_new"]["allocated"] is False


# Comparators ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("achieved", "target", "comparator", "pace"),
    [
        (800, 800, "at_least", "achieved"),
        (800, 800, "more_than", "on_track"),  # 突破800: 800 is not yet more than 800
        (801, 800, "more_than", "achieved"),
        (3, 3, "about", "achieved"),
        (2.7, 3, "about", "achieved"),  # 左右: within 10 %
        (2.6, 3, "about", "on_track"),
        (5, 3, "about", "achieved"),  # more than about 3 is no failure
        (719, 800, "about", "on_track"),
        (720, 800, "about", "achieved"),
    ],
)
def test_pace_respects_the_comparator(achieved, target, comparator, pace):
    assert progress_service.pace(achieved, target, achieved, comparator) == pace


def test_remaining_for_more_than_is_one_above_the_target():
    assert progress_service.remaining(800, 800, "more_than") == 1
    assert progress_service.remaining(790, 800, "at_least") == 10
    assert progress_service.remaining(900, 800, "more_than") == 0


# Designations beyond the four tiers, through the existing endpoints ---------------------------


def test_designations_count_in_the_seeded_plan(client, auth, register, certify):
    for i in range(2):
        assert certify(register(f"ht-{i}"), "high_tech", "2023-11-20", year=2023).status_code == 201
    certify(register("ht-expired"), "high_tech", "2022-11-20", year=2022)  # to 2024-12-31
    assert (
        certify(register("svc"), "service_manufacturing", "2024-08-01", year=2024).status_code
        == 201
    )
    big = register("big")
    certify(big, "above_scale", "2024-03-01", year=2024)
    certify(big, "revenue_10bn", "2025-03-01", year=2025)
    scale_only = register("scale")
    certify(scale_only, "above_scale", "2025-03-01", year=2025)
    design = register("design")
    assert (
        certify(design, "industrial_design_centre_national", "2024-05-01", year=2024).status_code
        == 409
    )
    certify(design, "industrial_design_centre", "2023-05-01", year=2023)
    assert (
        certify(design, "industrial_design_centre_national", "2024-05-01", year=2024).status_code
        == 201
    )

    rows = rows_of(
        client, auth["dashboard"], plan="xinxiang-2023-2025", year=2025, as_of="2025-12-31"
    )
    assert rows["high_tech_enterprises"]["achieved"] == 2
    assert rows["high_tech_enterprises"]["comparator"] == "more_than"
    assert rows["hundred_billion_mfg_2025"]["achieved"] == 1
    assert rows["above_scale_industrial"]["achieved"] == 2  # a 百亿 firm is a 规上 firm too
    assert rows["industrial_design_centres"]["achieved"] == 1  # 省级及以上: the national one
    y2024 = rows_of(
        client, auth["dashboard"], plan="xinxiang-2023-2025", year=2024, as_of="2024-12-31"
    )
    assert y2024["service_mfg_demo"]["achieved"] == 1
    assert y2024["service_mfg_demo"]["comparator"] == "about"
    assert y2024["high_tech_enterprises"]["achieved"] == 3  # the 2022 one is valid to 2024-12-31
    # Designations stand beside the tier: this year's 百亿 title, not last year's 规上 (a
    # one-year title ends with its announcement's year).
    day = today()
    now_big = register("big-now")
    certify(now_big, "above_scale", f"{day.year - 1}-03-01", year=day.year - 1)
    certify(now_big, "revenue_10bn", day.isoformat(), year=day.year)
    status = client.get(f"/api/v1/enterprises/{now_big}/status", headers=auth["admin"]).json
    assert status["current_tier"] is None
    assert status["designations"] == ["revenue_10bn"]
