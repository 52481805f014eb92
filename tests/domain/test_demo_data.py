"""`registry demo-data`: realistic, valid, and consistent with every rule of the registry; with
no option, a city mid-plan that looks like Xinxiang's."""

import datetime as dt
import re
from collections import Counter

from registry import demo
from registry.cli import init_db
from registry.models import (
    Application,
    Certification,
    District,
    Enterprise,
    Event,
    Figure,
    Tier,
)
from registry.services import catalog, certifications, enterprises, pipeline, progress
from registry.services.aggregates import scan
from registry.services.clock import today
from registry.services.scope import Actor
from schemas.credit_code import is_valid
from tests.support.apps import make_app

ACTOR = Actor(name="replay", role="admin")


def test_demo_data_is_plausible(app):
    with app.app_context():
        before = Event.select().count()
        written = demo.generate(600, seed=11)
        firms = list(Enterprise.select())
        certs = list(Certification.select())
        assert written == {"enterprises": 600, "certifications": len(certs)}
        assert Event.select().count() == before + 1  # one audit event for the whole load
        districts = {d.code for d in District.select()}
    assert all(is_valid(f.credit_code) for f in firms)
    assert len({f.credit_code for f in firms}) == 600
    assert {f.district_id for f in firms} == districts  # all 15 in use
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{6,}(有限公司|有限责任公司)", f.name) for f in firms)
    tiers = Counter(c.tier_id for c in certs)
    assert tiers["innovative_sme"] > tiers["specialized_sme"] > tiers["little_giant"] > 0
    assert {c.year for c in certs} <= set(range(2019, 2027))
    assert any(c.renewal for c in certs)
    assert any(c.revoked_on for c in certs)
    assert all(c.certified_on <= dt.date.today() + dt.timedelta(days=1) for c in certs)


def test_same_seed_same_data(app, tmp_path):
    with app.app_context():
        demo.generate(50, seed=3)
        first = [(e.credit_code, e.name) for e in Enterprise.select().order_by(Enterprise.id)]
    other = make_app(f"sqlite:///{tmp_path / 'again.db'}", init=False)
    with other.app_context():
        init_db()
        demo.generate(50, seed=3)
        again = [(e.credit_code, e.name) for e in Enterprise.select().order_by(Enterprise.id)]
    assert first == again


def replay(app, tmp_path) -> None:
    """Replay the registry of `app` through the services into an empty one, in date order, the
    revocations last: nothing may be refused, and every default validity is the demo's own."""
    with app.app_context():
        firms = {
            e.id: {"credit_code": e.credit_code, "name": e.name, "district": e.district_id}
            for e in Enterprise.select()
        }
        history = list(
            Certification.select().order_by(Certification.certified_on, Certification.id)
        )
    again = make_app(f"sqlite:///{tmp_path / 'replay.db'}", init=False)
    with again.app_context():
        init_db()
        registered = {key: enterprises.register(ACTOR, data) for key, data in firms.items()}
        recorded = []
        for cert in history:
            fields = {
                "tier": cert.tier_id,
                "year": cert.year,
                "certified_on": cert.certified_on,
                "renewal": cert.renewal,
            }  # valid_until left to the registry's default (the year + validity − 1, 31 Dec)
            copy = certifications.certify(ACTOR, registered[cert.enterprise_id], fields)
            assert copy.valid_until == cert.valid_until, cert.tier_id
            recorded.append((cert, copy))
        for original, copy in recorded:
            if original.revoked_on:
                certifications.revoke(
                    ACTOR, copy, reason=original.revocation_reason, revoked_on=original.revoked_on
                )
        assert Certification.select().count() == len(history)


def test_every_demo_row_passes_the_registry_rules(app, tmp_path):
    with app.app_context():
        demo.generate(400, seed=5)
    replay(app, tmp_path)


# A city mid-plan: `registry demo-data` with no option ----------------------------------------

PLAN = "xinxiang-2023-2025"


def test_the_city_meets_about_the_plans_quotas_in_the_months_lists_come_out(app):
    with app.app_context():
        written = demo.generate_city(seed=2, scale=0.4)
        certs = list(Certification.select())
        tiers = {t.key: t for t in Tier.select()}
        figures = Figure.select().count()
        plan = catalog.plan(PLAN)
        views = {
            y: progress.districts_progress(plan, year=y, as_of=dt.date(y, 12, 31))
            for y in (2023, 2024, 2025)
        }
    assert written["certifications"] == len(certs) and written["figures"] == figures > 0
    for year, view in views.items():
        rows = {r["key"]: r for r in view["targets"]}
        # new titles of the year: about the plan's quota (scaled), never 4× it
        for key, quota in [("innovative_sme_new", 500), ("zjtx_sme_new", 50)]:
            assert 0.75 * quota * 0.4 <= rows[key]["achieved"] <= 1.25 * quota * 0.4, (year, key)
        assert rows["toupyan_total_2025"]["achieved"] <= 10  # 头雁 toward 10 by 2025
    goose = [views[y]["targets"] for y in (2023, 2025)]
    first, last = ({r["key"]: r["achieved"] for r in rows}["toupyan_total_2025"] for rows in goose)
    assert 1 <= first <= last
    # lists come out in their season: innovative SMEs from late spring to December (none in
    # the first months), MIIT's 小巨人 batch around July; a few dates a year, not every day
    months = Counter(c.certified_on.month for c in certs if c.tier_id == "innovative_sme")
    assert set(months) <= set(range(5, 13))
    assert {c.certified_on.month for c in certs if c.tier_id == "little_giant"} <= {6, 7, 8}
    days = {c.certified_on for c in certs if c.tier_id == "innovative_sme" and c.year == 2024}
    assert 1 <= len(days) <= 3
    assert any(c.renewal for c in certs) and any(c.revoked_on for c in certs)
    assert all(
        c.valid_until == certifications.default_valid_until(tiers[c.tier_id], c.certified_on)
        for c in certs
    )
    assert all(c.certified_on <= dt.date.today() + dt.timedelta(days=1) for c in certs)
    # counties differ: the strongest has several times the weakest's titles of a year
    shares = [
        {r["key"]: r for r in d["targets"]}["innovative_sme_new"]["achieved"]
        for d in views[2024]["districts"]
    ]
    assert min(shares) > 0 and max(shares) >= 2.5 * min(shares)


def test_every_city_row_passes_the_registry_rules(app, tmp_path):
    with app.app_context():
        demo.generate_city(seed=4, scale=0.08)
    replay(app, tmp_path)


def test_demo_data_with_no_option_makes_the_city(app):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo-data", "--seed", "3"])
        assert result.exit_code == 0, result.output
        assert "a city mid-plan" in result.output
        assert Enterprise.select().count() > 5000
        assert Figure.select().count() > 0
        plan = catalog.plan(PLAN)
        paces = {
            y: {
                r["pace"]
                for r in progress.progress(plan, year=y, as_of=dt.date(y, 9, 30))["targets"]
            }
            for y in (2023, 2024, 2025)
        }
        shown = progress.default_year(plan, today())
        funnel = {
            row["tier"]: row for row in pipeline.pipeline(plan, year=shown, as_of=today())["tiers"]
        }
    # at full scale, a real city's mix: some targets met, some ahead, some behind
    assert all(len(p) >= 3 for p in paces.values()), paces
    # the funnel of the year shown: 创新型 on track, 专精特新 short of its quota
    assert funnel["innovative_sme"]["at_risk"] is False
    assert funnel["specialized_sme"]["at_risk"] is True
    for tier in ("innovative_sme", "specialized_sme"):
        assert funnel[tier]["forecast"] and all(funnel[tier]["stages"].values()), funnel[tier]


def test_the_citys_applications_are_its_titles_and_a_funnel(app):
    """Each certified application is a new title of that firm, tier and year, and each new
    title of the ladder from the plan's first year to the year shown has one; earlier years
    convert about as bureaus see (publicized ~90 %, applied ~25 %); the year shown has open
    ones at every stage; the funnel's tally agrees with a scan."""
    with app.app_context():
        written = demo.generate_city(seed=2, scale=0.4)
        plan = catalog.plan(PLAN)
        shown = progress.default_year(plan, today())
        apps = list(Application.select())
        titles = {
            (c.enterprise_id, c.tier_id, c.year)
            for c in Certification.select().where(
                Certification.year.between(plan.first_year, shown)
                & (Certification.renewal == False)  # noqa: E712
                & Certification.tier.in_(["innovative_sme", "specialized_sme", "little_giant"])
            )
        }
        funnel = pipeline.pipeline(plan, year=shown, as_of=today())
        assert not scan.verify(answers=False)
    assert written["applications"] == len(apps)
    certified = {(a.enterprise_id, a.tier_id, a.year) for a in apps if a.stage == "certified"}
    assert certified == titles
    assert all(a.highest == "publicized" for a in apps if a.stage == "certified")
    assert {a.stage for a in apps if not a.is_open} == {"certified", "rejected", "withdrawn"}
    assert {a.year for a in apps if a.is_open} == {shown}
    rates = {row["tier"]: row["rates"] for row in funnel["tiers"]}["innovative_sme"]
    assert 0.8 <= rates["publicized"] <= 1 and 0.15 <= rates["applied"] <= 0.35, rates
    stages = {row["tier"]: row["stages"] for row in funnel["tiers"]}["innovative_sme"]
    assert all(stages.values()), stages
