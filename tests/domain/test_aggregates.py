"""The tallies dashboards read: kept by every write in its own transaction,
equal after every step to a scan of the certifications (the funnel's, of the applications), on
the engine under test; verified and repaired by `registry verify-aggregates`; filled by the
upgrade that adds them."""

import datetime as dt
import io
import json
import threading

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from registry import migrations
from registry.db import database
from registry.models import (
    Certification,
    CertificationTally,
    Enterprise,
    Event,
    FormerName,
    HoldingTally,
    TakeoverTally,
    Tier,
)
from registry.services import certifications, imports, tokens
from registry.services.aggregates import counts, scan
from registry.services.clock import today
from registry.services.scope import CLI_ACTOR
from tests.support import application_rules
from tests.support.codes import make_code
from tests.support.databases import postgres_only, query
from tests.support.http import bearer
from tests.support.servers import run_registry
from tests.support.statements import logged_statements

API = "/api/v1"
DISTRICTS = ("410702", "410703", "410782")
TIERS = ("innovative_sme", "specialized_sme", "little_giant", "head_goose")
FIRST_DAY = dt.date(2019, 1, 1)
# The days the answers are compared on: year ends, a day inside a year, and today.
DAYS = (
    dt.date(2020, 12, 31),
    dt.date(2022, 7, 1),
    dt.date(2023, 12, 31),
    dt.date(2024, 12, 31),
    dt.date(2025, 6, 30),
)


def days(first: dt.date = FIRST_DAY) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=first, max_value=today())


class Registry(application_rules.ApplicationRules, RuleBasedStateMachine):
    """Random registrations, certifications (renewals among them), revocations, moves and
    imports (of titles and of revocations) through the HTTP API, and applications created,
    moved and closed; after every step the tallies' answers equal the scan's."""

    def __init__(self, app, admin):
        super().__init__()
        self.app, self.client, self.admin = app, app.test_client(), bearer(admin)
        self.codes: list[str] = []  # the firms registered
        with app.app_context(), database.connection_context():
            for model in (
                *application_rules.MODELS,
                FormerName,
                Certification,
                Enterprise,
                Event,
                CertificationTally,
                HoldingTally,
                TakeoverTally,
            ):
                model.delete().execute()

    def _new_code(self) -> str:
        return make_code(f"machine-{len(self.codes)}-{self.seeds()}")

    def seeds(self) -> int:
        self._seed = getattr(self, "_seed", 0) + 1
        return self._seed

    def _firm(self, data) -> str:
        return data.draw(st.sampled_from(self.codes), label="firm")

    @initialize(district=st.sampled_from(DISTRICTS))
    def first_firm(self, district):
        self.register(district)

    @rule(district=st.sampled_from(DISTRICTS))
    def register(self, district):
        code = self._new_code()
        body = {
            "credit_code": code,
            "name": f"新乡市状态机{code[-6:]}有限公司",
            "district": district,
        }
        reply = self.client.post(f"{API}/enterprises", json=body, headers=self.admin)
        assert reply.status_code == 201, reply.json
        self.codes.append(code)

    @rule(
        data=st.data(),
        tier=st.sampled_from(TIERS),
        on=days(),
        back=st.integers(0, 2),
        renewal=st.booleans(),
        years_valid=st.none() | st.integers(0, 4),
    )
    def certify(self, data, tier, on, back, renewal, years_valid):
        body = {"tier": tier, "certified_on": on.isoformat(), "year": on.year - back}
        body["renewal"] = renewal
        if years_valid is not None:
            body["valid_until"] = dt.date(on.year + years_valid, 12, 31).isoformat()
        reply = self.client.post(
            f"{API}/enterprises/{self._firm(data)}/certifications", json=body, headers=self.admin
        )
        assert reply.status_code in (201, 409), reply.json  # 409: the ladder's rules

    @rule(data=st.data())
    def revoke(self, data):
        with self.app.app_context(), database.connection_context():
            # In a fixed order: hypothesis replays a draw by its index (PostgreSQL's heap order
            # moves with updates and vacuum, which made the draw flaky).
            query = Certification.select(Certification.id, Certification.certified_on)
            titles = list(query.order_by(Certification.id))
        if not titles:
            return
        title = data.draw(st.sampled_from(titles), label="title")
        on = data.draw(days(title.certified_on), label="revoked_on")
        reply = self.client.post(
            f"{API}/certifications/{title.id}/revoke",
            json={"reason": "数据造假", "revoked_on": on.isoformat()},
            headers=self.admin,
        )
        assert reply.status_code in (200, 409), reply.json  # 409: revoked already

    @rule(data=st.data(), district=st.sampled_from(DISTRICTS))
    def move(self, data, district):
        url = f"{API}/enterprises/{self._firm(data)}"
        etag = self.client.get(url, headers=self.admin).headers["ETag"]
        reply = self.client.patch(
            url, json={"district": district}, headers={**self.admin, "If-Match": etag}
        )
        assert reply.status_code == 200, reply.json

    @rule(
        data=st.data(),
        rows=st.lists(
            st.tuples(st.sampled_from(TIERS), days(), st.booleans(), st.sampled_from(DISTRICTS)),
            min_size=1,
            max_size=4,
        ),
    )
    def import_titles(self, data, rows):
        """A published list: each row a new firm or a registered one (the list is the
        authority on its titles: a missing prerequisite is only a warning)."""
        listed, new = [], []
        for tier, on, renewal, district in rows:
            if data.draw(st.booleans(), label="registered firm"):
                code = self._firm(data)
                with self.app.app_context(), database.connection_context():
                    firm = Enterprise.get(Enterprise.credit_code == code)
                name, district = firm.name, firm.district_id
            else:
                code = self._new_code()
                name = f"新乡市导入状态机{code[-6:]}有限公司"
                new.append(code)
            listed.append(
                {
                    "credit_code": code,
                    "name": name,
                    "district": district,
                    "tier": tier,
                    "year": on.year,
                    "certified_on": on.isoformat(),
                    "renewal": renewal,
                }
            )
        reply = self.client.post(
            f"{API}/imports",
            data=json.dumps({"rows": listed}),
            content_type="application/json",
            headers=self.admin,
        )
        assert reply.status_code in (200, 422), reply.json  # 422: all or nothing
        if reply.status_code == 200:
            self.codes.extend(dict.fromkeys(new))

    @rule(data=st.data(), tier=st.sampled_from(TIERS), on=days(dt.date(2023, 1, 1)))
    def import_revocation(self, data, tier, on):
        listed = {"rows": [{"credit_code": self._firm(data), "tier": tier}]}
        reply = self.client.post(
            f"{API}/imports?action=revoke&revoked_on={on.isoformat()}&reason=严重失信",
            data=json.dumps(listed),
            content_type="application/json",
            headers=self.admin,
        )
        assert reply.status_code in (200, 422), reply.json  # 422: no such title to revoke

    @invariant()
    def the_tallies_answer_as_the_scan(self):
        with self.app.app_context(), database.connection_context():
            differences = scan.verify(answers=False)  # every row; the answers below
            assert not differences, differences
            tiers = list(Tier.select().where(Tier.key.in_(TIERS)))
            years = [y for (y,) in Certification.select(Certification.year).distinct().tuples()]
            for day in boundaries():
                flows = {}
                for year in years:
                    flows.update(
                        {
                            (d, year, t): n
                            for (d, t), n in counts.annual_counts_by_district(year, day).items()
                        }
                    )
                assert flows == scan.annual_counts_by_district(day), day
                for tier in tiers:
                    held = counts.stock_counts_by_district(tier, day)
                    assert held == scan.stock_counts_by_district(tier, day), (tier.key, day)
            for day in (DAYS[2], today()):
                group_by = ["year", "tier", "district", "status", "month"]
                mine = counts.certification_stats(group_by=group_by, as_of=day, filters={})
                scanned = scan.certification_stats(group_by=group_by, as_of=day, filters={})
                assert mine == scanned


def boundaries() -> list[dt.date]:
    """Every day an answer may change on, and the day before it: a certification's first day,
    the day after its last, the day it was revoked; and a few fixed days."""
    one = dt.timedelta(days=1)
    found = set(DAYS) | {today()}
    for on, until, revoked in Certification.select(
        Certification.certified_on, Certification.valid_until, Certification.revoked_on
    ).tuples():
        found |= {on - one, on, until, until + one}
        if revoked is not None:
            found |= {revoked - one, revoked}
    return sorted(found)


def test_incremental_answers_equal_the_scan_after_every_step(app):
    with app.app_context():
        _, admin = tokens.create_token("admin", "state machine")
    run_state_machine_as_test(
        lambda: Registry(app, admin),
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# --- what a poll reads -----------------------------------------------------------------------


def test_polls_after_a_write_read_the_tallies_never_the_certifications(
    client, auth, register, certify
):
    code = register("poll-after-write")
    assert certify(code, "innovative_sme", "2024-03-15", year=2024).status_code == 201
    with logged_statements() as handler:
        for path in (
            "/plans/xinxiang-2023-2025/progress?year=2024",
            "/plans/xinxiang-2023-2025/progress?year=2025&district=410702",
            "/stats/certifications?group_by=year,tier,district,status,month",
        ):
            reply = client.get(API + path, headers=auth["dashboard"])
            assert reply.status_code == 200, reply.json
    assert any('"certification_tally"' in sql for sql in handler.sql)
    assert any('"holding_tally"' in sql for sql in handler.sql)
    assert not [sql for sql in handler.sql if '"certification"' in sql], handler.sql


# --- verify-aggregates, and the upgrade that fills the tallies -------------------------------


def test_verify_aggregates_names_each_difference_and_repairs(app, register, certify):
    code = register("verified")
    assert certify(code, "innovative_sme", "2023-03-15", year=2022).status_code == 201
    assert certify(code, "specialized_sme", "2023-07-10", year=2023).status_code == 201
    url = app.config["DATABASE_URL"]
    clean = run_registry(url, "verify-aggregates")
    assert "agree" in clean.stdout

    with app.app_context(), database.connection_context():
        CertificationTally.update(n=CertificationTally.n + 2).where(
            CertificationTally.tier == "specialized_sme"
        ).execute()
        HoldingTally.delete().where(HoldingTally.tier == "innovative_sme").execute()
    broken = run_registry(url, "verify-aggregates", check=False)
    assert broken.returncode == 1, broken.stdout
    assert "certifications (2023, specialized_sme, 410702" in broken.stdout
    assert "stored 3, scanned 1" in broken.stdout
    assert "holdings begun (innovative_sme, 2023-03-15, 410702): stored 0, scanned 1" in (
        broken.stdout
    )
    assert "stock innovative_sme on" in broken.stdout  # the answers dashboards read, too

    repaired = run_registry(url, "verify-aggregates", "--repair", check=False)
    assert repaired.returncode == 1 and "rebuilt" in repaired.stdout
    assert "agree" in run_registry(url, "verify-aggregates").stdout
    assert query(url, "SELECT action FROM event ORDER BY id DESC LIMIT 1") == [
        ("aggregates.rebuilt",)
    ]


def test_an_upgrade_fills_the_tallies_from_the_certifications(app, register, certify):
    """A registry from before the tallies (schema 5) is upgraded by init-db: the tallies are
    made and filled from its certifications, once."""
    code = register("upgraded")
    assert certify(code, "innovative_sme", "2023-03-15", year=2022).status_code == 201
    with app.app_context(), database.connection_context():
        database.drop_tables([CertificationTally, HoldingTally, TakeoverTally])
        database.execute_sql("UPDATE schema_version SET version = 5")
    url = app.config["DATABASE_URL"]
    run_registry(url, "init-db")
    assert query(url, "SELECT version FROM schema_version") == [(migrations.LATEST,)]
    assert query(url, "SELECT SUM(n) FROM certification_tally") == [(1,)]
    assert "agree" in run_registry(url, "verify-aggregates").stdout


def test_demo_data_keeps_the_tallies(app):
    """`registry demo-data` writes firms with their histories in bulk, and the tallies with
    them (the bench runs it at 1,000,000 firms: bench/RESULTS.md)."""
    url = app.config["DATABASE_URL"]
    run_registry(url, "demo-data", "--enterprises", "3000")
    assert "agree" in run_registry(url, "verify-aggregates").stdout


def test_the_demo_city_keeps_the_tallies(app):
    """The demo city (renewals, revocations, 头雁) writes its tallies from what it writes,
    without reading its titles back: a scan agrees."""
    url = app.config["DATABASE_URL"]
    run_registry(url, "demo-data")
    assert "agree" in run_registry(url, "verify-aggregates").stdout


# --- writers sharing tally rows ---------------------------------------------------------------


@postgres_only
def test_a_long_import_holds_no_row_other_writers_share(app, register):
    """An import holds the firms it writes, and the rows every writer shares (the tallies, the
    version) only for its last moment: a certification counted in the same tally row commits
    while the import is still running (PostgreSQL; SQLite has one writer at a time)."""
    code = register("beside-the-import")
    inside, release, failures = threading.Event(), threading.Event(), []
    rows = [
        {
            "credit_code": make_code(f"imported-{i}"),
            "name": f"新乡市长导入{i}有限公司",
            "district": "410702",
            "tier": "innovative_sme",
            "year": 2024,
            "certified_on": "2024-06-28",
        }
        for i in range(3)
    ]

    def held_open(done: int, total: int) -> None:
        inside.set()  # the import's rows are written; its transaction is still open
        release.wait(30)

    def load() -> None:
        try:
            with app.app_context(), database.connection_context():
                upload = imports.Upload(
                    io.BytesIO(json.dumps({"rows": rows}).encode()), "list.json", "application/json"
                )
                imports.run_import(CLI_ACTOR, upload, on_progress=held_open)
        except Exception as exc:  # reported below, in the test's thread
            failures.append(exc)

    importer = threading.Thread(target=load)
    importer.start()
    try:
        assert inside.wait(30)
        with app.app_context(), database.connection_context():
            database.execute_sql("SET lock_timeout = '3s'")  # waiting on the import fails
            firm = Enterprise.get(Enterprise.credit_code == code)
            data = {"tier": "innovative_sme", "year": 2024, "certified_on": dt.date(2024, 6, 28)}
            certifications.certify(CLI_ACTOR, firm, data)
    finally:
        release.set()
        importer.join(30)
    assert not failures, failures
    with app.app_context(), database.connection_context():
        assert counts.annual_counts(2024, today()) == {"innovative_sme": 4}
        assert not scan.verify()
