"""`registry demo-data`: realistic, valid, and consistent with every rule of the registry."""

import datetime as dt
import re
from collections import Counter

from registry import create_app
from registry.cli import init_db
from registry.config import TestConfig
from registry.models import Certification, District, Enterprise, Event
from registry.services import certifications, demo, enterprises
from registry.services.audit import Actor
from schemas.credit_code import is_valid

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
    other = create_app(
        {
            **{k: v for k, v in vars(TestConfig).items() if k.isupper()},
            "DATABASE_URL": f"sqlite:///{tmp_path / 'again.db'}",
        }
    )
    with other.app_context():
        init_db()
        demo.generate(50, seed=3)
        again = [(e.credit_code, e.name) for e in Enterprise.select().order_by(Enterprise.id)]
    assert first == again


def test_every_demo_row_passes_the_registry_rules(app, tmp_path):
    """Replay the generated registry through the services into an empty one: nothing refused."""
    with app.app_context():
        demo.generate(400, seed=5)
        firms = {
            e.id: {"credit_code": e.credit_code, "name": e.name, "district": e.district_id}
            for e in Enterprise.select()
        }
        history = list(
            Certification.select().order_by(Certification.certified_on, Certification.id)
        )
    replay = create_app(
        {
            **{k: v for k, v in vars(TestConfig).items() if k.isupper()},
            "DATABASE_URL": f"sqlite:///{tmp_path / 'replay.db'}",
        }
    )
    with replay.app_context():
        init_db()
        registered = {key: enterprises.register(ACTOR, data) for key, data in firms.items()}
        recorded = []
        for cert in history:
            fields = {
                "tier": cert.tier_id,
                "year": cert.year,
                "certified_on": cert.certified_on,
                "valid_until": cert.valid_until,
                "renewal": cert.renewal,
            }
            recorded.append(
                (cert, certifications.certify(ACTOR, registered[cert.enterprise_id], fields))
            )
        for original, copy in recorded:
            if original.revoked_on:
                certifications.revoke(
                    ACTOR, copy, reason=original.revocation_reason, revoked_on=original.revoked_on
                )
        assert Certification.select().count() == len(history)
