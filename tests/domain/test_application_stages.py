"""An application's stages: forward only (skipping allowed), closed by an outcome, a rejection
needs a reason, one open application per firm, tier and year; every move dated and tallied."""

import pytest

from registry.models import Application, Enterprise, PipelineTally, Tier
from registry.services import applications
from registry.services.errors import Conflict, Invalid
from registry.services.scope import CLI_ACTOR
from tests.support.codes import DISTRICT


def _tally():
    return {(t.tier, t.year, t.stage, t.highest): t.n for t in PipelineTally.select() if t.n}


def _new(code, stage="applied"):
    firm = Enterprise.get(Enterprise.credit_code == code)
    tier = Tier.get_by_id("specialized_sme")
    return applications.create(CLI_ACTOR, firm, tier, 2026, stage=stage)


def test_moves_go_forward_and_skip(app, register):
    code = register("stages-forward")
    with app.app_context():
        application = _new(code, "candidate")
        application.enterprise = Enterprise.get(Enterprise.credit_code == code)
        moved = applications.move(CLI_ACTOR, application, "reviewed")
        assert (moved.stage, moved.highest) == ("reviewed", "reviewed")
        with pytest.raises(Conflict):
            applications.move(CLI_ACTOR, moved, "applied")
        with pytest.raises(Conflict):
            applications.move(CLI_ACTOR, moved, "reviewed")
        with pytest.raises(Invalid):
            applications.move(CLI_ACTOR, moved, "rejected", reason="  ")
        closed = applications.move(CLI_ACTOR, moved, "rejected", reason="研发投入不足")
        assert (closed.stage, closed.highest, closed.is_open) == ("rejected", "reviewed", False)
        with pytest.raises(Conflict):
            applications.move(CLI_ACTOR, closed, "publicized")
        assert [m.stage for m in closed.moves.order_by("id")] == [
            "candidate",
            "reviewed",
            "rejected",
        ]
        assert _tally() == {("specialized_sme", 2026, "rejected", "reviewed"): 1}
        assert PipelineTally.get().district == DISTRICT


def test_one_open_application_per_firm_tier_and_year(app, register):
    code = register("stages-once")
    with app.app_context():
        first = _new(code)
        with pytest.raises(Conflict):
            _new(code)
        first.enterprise = Enterprise.get(Enterprise.credit_code == code)
        applications.move(CLI_ACTOR, first, "withdrawn")
        again = _new(code)  # a closed one may be followed by another
        assert again.is_open
        assert Application.select().count() == 2


def test_a_certification_closes_the_open_application(app, client, auth, register, certify):
    code = register("stages-certified")
    certify(code, "innovative_sme", "2025-03-01")
    with app.app_context():
        _new(code, "publicized")
    assert certify(code, "specialized_sme", "2026-06-01").status_code == 201
    with app.app_context():
        closed = Application.get()
        assert (closed.stage, closed.highest) == ("certified", "publicized")
        assert _tally() == {("specialized_sme", 2026, "certified", "publicized"): 1}
        with pytest.raises(Conflict):  # the title is held: nothing to apply for
            _new(code)
