"""The funnel's tally: a firm's move carries its applications to its new district; `registry
verify-aggregates` compares the tally with a scan of the applications and `--repair` rebuilds
it; a poll of the funnel reads the tallies, never the applications."""

from registry.db import database
from registry.models import Enterprise, PipelineTally, Tier
from registry.services import applications
from registry.services.aggregates import scan
from registry.services.applications import tally
from registry.services.scope import CLI_ACTOR
from tests.support.codes import DISTRICT, OTHER_DISTRICT
from tests.support.servers import run_registry
from tests.support.statements import logged_statements

API = "/api/v1"


def _apply(code, stage="applied", year=2025):
    firm = Enterprise.get(Enterprise.credit_code == code)
    return applications.create(CLI_ACTOR, firm, Tier.get_by_id("innovative_sme"), year, stage=stage)


def test_a_firm_moved_takes_its_applications_with_it(app, client, auth, register):
    code = register("tally-moving")
    with app.app_context():
        _apply(code, "reviewed")
        _apply(code, "candidate", year=2024)
    url = f"{API}/enterprises/{code}"
    etag = client.get(url, headers=auth["admin"]).headers["ETag"]
    reply = client.patch(
        url, json={"district": OTHER_DISTRICT}, headers={**auth["admin"], "If-Match": etag}
    )
    assert reply.status_code == 200, reply.json
    with app.app_context():
        assert tally.stored() == {
            ("innovative_sme", 2025, OTHER_DISTRICT, "reviewed", "reviewed"): 1,
            ("innovative_sme", 2024, OTHER_DISTRICT, "candidate", "candidate"): 1,
        }
        assert tally.stored() == tally.scanned()
        assert not scan.verify(answers=False)


def test_verify_aggregates_checks_and_repairs_the_funnel(app, register):
    code = register("tally-verified")
    with app.app_context():
        _apply(code, "publicized")
    url = app.config["DATABASE_URL"]
    assert "agree" in run_registry(url, "verify-aggregates").stdout
    with app.app_context(), database.connection_context():
        PipelineTally.update(n=PipelineTally.n + 2).execute()
        PipelineTally.insert(
            tier="little_giant", year=2025, district=DISTRICT, stage="applied", highest="applied"
        ).execute()
    broken = run_registry(url, "verify-aggregates", check=False)
    assert broken.returncode == 1
    assert (
        f"applications (innovative_sme, 2025, {DISTRICT}, publicized, publicized): "
        "stored 3, scanned 1"
    ) in broken.stdout
    assert f"applications (little_giant, 2025, {DISTRICT}, applied, applied): stored 0" not in (
        broken.stdout
    )  # a row of zero is no difference
    repaired = run_registry(url, "verify-aggregates", "--repair", check=False)
    assert "rebuilt" in repaired.stdout
    assert "agree" in run_registry(url, "verify-aggregates").stdout


def test_a_poll_of_the_funnel_reads_the_tallies_never_the_applications(app, client, auth, register):
    code = register("tally-polled")
    with app.app_context():
        _apply(code, "publicized")
    with logged_statements() as handler:
        reply = client.get(
            f"{API}/plans/xinxiang-2023-2025/pipeline?year=2025", headers=auth["dashboard"]
        )
        assert reply.status_code == 200, reply.json
    assert any('"pipeline_tally"' in sql for sql in handler.sql)
    assert not [sql for sql in handler.sql if '"application"' in sql], handler.sql
    assert not [sql for sql in handler.sql if '"certification"' in sql], handler.sql
