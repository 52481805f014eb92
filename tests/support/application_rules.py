"""The applications' share of the tallies' state machine (tests/domain/test_aggregates.py):
creating one at a stage, moving it forward, closing it; a firm's move and a certification that
closes one are the machine's own rules. Its invariant compares every tally row, the funnel's
among them, with a scan after each step."""

import contextlib

from hypothesis import strategies as st
from hypothesis.stateful import rule

from registry.db import database
from registry.models import Application, ApplicationMove, Enterprise, PipelineTally, Tier
from registry.services import applications
from registry.services.errors import Conflict
from registry.services.scope import CLI_ACTOR

TIERS = ("innovative_sme", "specialized_sme", "little_giant", "head_goose")
YEARS = st.integers(2022, 2026)
# Deleted before the firms when the machine starts again
MODELS = (ApplicationMove, Application, PipelineTally)


class ApplicationRules:
    """Rules mixed into a RuleBasedStateMachine that has `app` and `_firm(data)`."""

    @rule(
        data=st.data(),
        tier=st.sampled_from(TIERS),
        year=YEARS,
        stage=st.sampled_from(applications.STAGES),
    )
    def apply(self, data, tier, year, stage):
        code = self._firm(data)
        with self.app.app_context(), database.connection_context():
            firm = Enterprise.get(Enterprise.credit_code == code)
            # refused: one open a firm, tier and year, and none for a title it holds
            with contextlib.suppress(Conflict):
                applications.create(CLI_ACTOR, firm, Tier.get_by_id(tier), year, stage=stage)

    @rule(
        data=st.data(),
        stage=st.sampled_from(applications.STAGES + applications.OUTCOMES),
    )
    def advance(self, data, stage):
        """Forward, or closed by an outcome (a move backward or of a closed one is refused)."""
        with self.app.app_context(), database.connection_context():
            found = list(Application.select(Application.id).order_by(Application.id))
        if not found:
            return
        chosen = data.draw(st.sampled_from(found), label="application")
        with self.app.app_context(), database.connection_context():
            application = Application.get_by_id(chosen.id)
            application.enterprise = Enterprise.get_by_id(application.enterprise_id)
            with contextlib.suppress(Conflict):
                applications.move(CLI_ACTOR, application, stage, reason="状态机")
