"""Each rule of recording and counting (docs/rules.md §2 and §4) at the service level, without
HTTP."""

import datetime as dt

import pytest

from registry.models import Certification, Enterprise, Event
from registry.services import certifications, enterprises
from registry.services.errors import Conflict, Invalid, Stale
from registry.services.scope import Actor
from registry.services.standing import standing, status_on
from tests.support.codes import make_code

ACTOR = Actor(name="红旗区工信局", role="bureau", token_id=None, districts=("410702",))
D = dt.date


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def firm(ctx):
    return enterprises.register(
        ACTOR,
        {"credit_code": make_code("rules"), "name": "新乡市规则测试有限公司", "district": "410702"},
    )


def certify(firm, tier, on, **extra):
    return certifications.certify(ACTOR, firm, {"tier": tier, "certified_on": on, **extra})


# Rule 2: the ladder


def test_specialized_needs_an_innovative_sme(firm):
    with pytest.raises(Conflict, match="needs an active Innovative SME") as refused:
        certify(firm, "specialized_sme", D(2023, 6, 1))
    assert refused.value.code == "certification.prerequisite_missing"


def test_little_giant_needs_a_specialized_sme_not_just_innovative(firm):
    certify(firm, "innovative_sme", D(2022, 6, 1))
    with pytest.raises(Conflict, match="needs an active Specialized, refined"):
        certify(firm, "little_giant", D(2023, 6, 1))


def test_the_ladder_climbed_in_order(firm):
    certify(firm, "innovative_sme", D(2022, 3, 1))
    certify(firm, "specialized_sme", D(2023, 3, 1))
    cert = certify(firm, "little_giant", D(2024, 7, 1))
    assert cert.tier_id == "little_giant"


def test_prerequisite_must_be_active_on_the_certification_date(firm):
    certify(firm, "innovative_sme", D(2019, 3, 1), year=2019)  # valid through 2022-12-31
    with pytest.raises(Conflict, match="needs an active Innovative SME"):
        certify(firm, "specialized_sme", D(2023, 3, 1))


def test_prerequisite_certified_later_does_not_count(firm):
    certify(firm, "innovative_sme", D(2023, 9, 1))
    with pytest.raises(Conflict):
        certify(firm, "specialized_sme", D(2023, 8, 1))


def test_a_higher_tier_satisfies_the_prerequisite_for_a_renewal(firm):
    certify(firm, "innovative_sme", D(2022, 9, 1), year=2022)  # to 2024-12-31
    certify(firm, "specialized_sme", D(2023, 5, 30), year=2023)  # to 2025-12-31
    # innovative lapsed at the end of 2024; the 复核 renewal rests on the specialized title
    renewal = certify(firm, "specialized_sme", D(2025, 6, 1), year=2025, renewal=True)
    assert renewal.renewal is True


def test_a_firm_holding_a_higher_tier_is_not_certified_again_for_a_lower_one(firm):
    certify(firm, "innovative_sme", D(2022, 3, 1))
    certify(firm, "specialized_sme", D(2023, 3, 1))
    with pytest.raises(Conflict, match="already holds the Specialized, refined"):
        certify(firm, "innovative_sme", D(2024, 3, 1))


# Rule 3: three years after a revocation


def test_no_certification_in_the_ladder_within_three_years_of_a_revocation(firm):
    cert = certify(firm, "innovative_sme", D(2022, 3, 1))
    certifications.revoke(ACTOR, cert, reason="重大安全事故", revoked_on=D(2023, 5, 10))
    for on in (D(2023, 5, 10), D(2024, 1, 1), D(2026, 5, 9)):
        with pytest.raises(Conflict, match="revoked on 2023-05-10"):
            certify(firm, "innovative_sme", on)


def test_the_bar_ends_after_three_years(firm):
    cert = certify(firm, "innovative_sme", D(2020, 3, 1), year=2020)
    certifications.revoke(ACTOR, cert, reason="偷税", revoked_on=D(2023, 5, 10))
    again = certify(firm, "innovative_sme", D(2026, 5, 10))
    assert again.year == 2026


def test_history_from_before_the_revocation_can_still_be_recorded(firm):
    cert = certify(firm, "innovative_sme", D(2022, 3, 1))
    certifications.revoke(ACTOR, cert, reason="数据造假", revoked_on=D(2023, 5, 10))
    earlier = certify(firm, "innovative_sme", D(2019, 3, 1), year=2019)
    assert earlier.certified_on == D(2019, 3, 1)


def test_the_bar_is_per_ladder(firm):
    cert = certify(firm, "innovative_sme", D(2022, 3, 1))
    certifications.revoke(ACTOR, cert, reason="重大质量事故", revoked_on=D(2023, 5, 10))
    assert certify(firm, "head_goose", D(2024, 2, 1)).tier_id == "head_goose"


def test_revocation_checks(firm):
    cert = certify(firm, "innovative_sme", D(2022, 3, 1))
    with pytest.raises(Invalid, match="revocation date"):
        certifications.revoke(ACTOR, cert, reason="x", revoked_on=D(2022, 2, 1))
    with pytest.raises(Invalid, match="future"):
        certifications.revoke(ACTOR, cert, reason="x", revoked_on=D.today() + dt.timedelta(3))
    for blank in ("", "   ", "\u3000"):
        with pytest.raises(Invalid) as refused:
            certifications.revoke(ACTOR, cert, reason=blank, revoked_on=D(2023, 1, 1))
        assert set(refused.value.fields) == {"reason"}
    certifications.revoke(ACTOR, cert, reason=" x ", revoked_on=D(2023, 1, 1))
    assert Certification.get_by_id(cert.id).revocation_reason == "x"
    with pytest.raises(Conflict, match="already revoked"):
        certifications.revoke(ACTOR, cert, reason="y", revoked_on=D(2023, 2, 1))


# Unique (enterprise, tier, year); dates; defaults


def test_one_certification_per_enterprise_tier_and_year(firm):
    certify(firm, "innovative_sme", D(2023, 3, 1), year=2023)
    with pytest.raises(Conflict, match="already holds the Innovative SME title of 2023"):
        certify(firm, "innovative_sme", D(2023, 9, 1), year=2023, renewal=True)


def test_validity_defaults_to_calendar_years_after_the_list_year(firm):
    # Valid to 31 December of the announcement's year + 3 − 1, whatever the list's year: the
    # 2022 list, announced March 2023, is valid to 2025-12-31.
    cert = certify(firm, "innovative_sme", D(2023, 3, 15), year=2022)
    assert cert.valid_until == D(2025, 12, 31)


def test_year_defaults_to_the_year_of_certified_on(firm):
    assert certify(firm, "innovative_sme", D(2024, 4, 2)).year == 2024


def test_explicit_valid_until_is_kept(firm):
    cert = certify(firm, "innovative_sme", D(2024, 4, 2), valid_until=D(2025, 6, 30))
    assert cert.valid_until == D(2025, 6, 30)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"certified_on": D.today() + dt.timedelta(days=2)}, "certified_on"),
        ({"valid_until": D(2022, 1, 1)}, "valid_until"),
        ({"year": 2026}, "year"),
        ({"year": 2019}, "year"),
        ({"tier": "platinum"}, "tier"),
    ],
)
def test_invalid_certifications_name_the_field(firm, extra, field):
    data = {"tier": "innovative_sme", "certified_on": D(2023, 3, 1), **extra}
    with pytest.raises(Invalid) as caught:
        certifications.certify(ACTOR, firm, data)
    assert field in caught.value.fields  # where it was sent is the web layer's to say


# Status and standing, derived at a date


def test_status_at_a_date(firm):
    cert = certify(firm, "innovative_sme", D(2022, 3, 1), year=2022)  # to 2024-12-31
    assert status_on(cert, D(2024, 1, 1)) == "active"
    assert status_on(cert, D(2024, 12, 31)) == "active"
    assert status_on(cert, D(2025, 1, 1)) == "expired"
    certifications.revoke(ACTOR, cert, reason="x", revoked_on=D(2024, 6, 1))
    cert = Certification.get_by_id(cert.id)
    assert status_on(cert, D(2024, 5, 31)) == "active"
    assert status_on(cert, D(2024, 6, 1)) == "revoked"
    assert status_on(cert, D(2027, 1, 1)) == "revoked"


def test_current_and_next_tier(firm):
    def at(day):
        return standing(enterprises.certifications_of(firm), day)

    assert (at(D(2021, 1, 1)).current_tier, at(D(2021, 1, 1)).next_tier) == (None, "innovative_sme")
    certify(firm, "innovative_sme", D(2022, 3, 1), year=2022)
    certify(firm, "specialized_sme", D(2023, 3, 1), year=2023)
    certify(firm, "little_giant", D(2024, 3, 1), year=2024)
    certify(firm, "head_goose", D(2024, 5, 1), year=2024)
    assert at(D(2022, 6, 1)).current_tier == "innovative_sme"
    assert at(D(2022, 6, 1)).next_tier == "specialized_sme"
    top = at(D(2024, 6, 1))
    assert (top.current_tier, top.next_tier) == ("little_giant", None)
    assert top.designations == ("head_goose",)
    assert at(D(2030, 1, 1)).current_tier is None  # everything expired


# Optimistic concurrency and the audit trail


def test_a_stale_version_is_refused_and_nothing_changes(firm):
    enterprises.update(ACTOR, firm, {"name": "新名字有限公司"}, expected_version=firm.version)
    with pytest.raises(Stale):
        enterprises.update(ACTOR, firm, {"name": "另一个名字"}, expected_version=firm.version)
    assert Enterprise.get_by_id(firm.id).name == "新名字有限公司"


def test_every_write_records_one_event_and_a_refused_one_none(firm):
    def events():
        return list(Event.select().order_by(Event.id))

    before = len(events())
    cert = certify(firm, "innovative_sme", D(2022, 3, 1))
    certifications.revoke(ACTOR, cert, reason="x", revoked_on=D(2023, 1, 1))
    enterprises.update(ACTOR, firm, {"industry_chain": "新能源"}, expected_version=firm.version + 2)
    with pytest.raises(Conflict):
        certify(firm, "innovative_sme", D(2023, 2, 1))
    new = events()[before:]
    assert [e.action for e in new] == [
        "certification.recorded",
        "certification.revoked",
        "enterprise.updated",
    ]
    assert all(e.actor_name == "红旗区工信局" and e.actor_role == "bureau" for e in new)
    assert all(e.district == "410702" for e in new)
    assert new[0].data["tier"] == "innovative_sme"
