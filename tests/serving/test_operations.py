"""Running it for real: schema upgrades, request ids, the database going away."""

import contextlib
import datetime as dt
import hashlib
import json
import socket
import threading

import peewee as pw
import pytest

from registry import migrations
from registry.cli import init_db
from registry.db import database
from registry.migrations import SchemaVersion
from registry.models import (
    Alias,
    BaseModel,
    CertificationTally,
    Enterprise,
    Event,
    FormerName,
    Ladder,
    Plan,
    TakeoverTally,
    Target,
    Tier,
)
from tests.support.apps import make_app
from tests.support.codes import DISTRICT, make_code
from tests.support.databases import ON_POSTGRES, SERVER_URL, fresh_url, query
from tests.support.http import assert_problem, bearer
from tests.support.servers import gunicorn_server

# Schema upgrades ---------------------------------------------------------------------------


def test_init_db_upgrades_the_previous_schema_in_place(tmp_path):
    """Build the schema as release 1 had it (no event.request_id, no schema_version), fill
    it, and upgrade: the column appears, nothing is lost, and init-db is a no-op afterwards."""
    url = fresh_url(tmp_path, "upgrade")
    app = make_app(url, init=False)
    with app.app_context(), database.connection_context():
        init_db()
        database.execute_sql('ALTER TABLE "event" DROP COLUMN "request_id"')
        database.execute_sql('DROP TABLE "schema_version"')
        _rewind_targets_to_release_2()
        _rewind_names_to_release_3()
        _rewind_events_to_release_4()
        assert migrations.current_version() == 1
    client = app.test_client()
    secret = "ecr_made-before-the-upgrade-0123456789abcdef"
    # Release-1 rows, written with release-1 SQL (the models have the new column already).
    with app.app_context(), database.connection_context():
        mark = database.obj.param
        database.execute_sql(
            'INSERT INTO "enterprise" (credit_code, name, district, created_at, updated_at, '
            f"version) VALUES ({mark}, '旧版本企业有限公司', '410702', '2024-01-02 03:04:05', "
            "'2024-01-02 03:04:05', 1)",
            (make_code("old"),),
        )
        database.execute_sql(
            'INSERT INTO "token" (name, role, districts, secret_hash, created_at) '
            f"VALUES ('ops', 'admin', '[]', {mark}, '2024-01-02 03:04:05')",
            (hashlib.sha256(secret.encode()).hexdigest(),),
        )
        database.execute_sql(
            'INSERT INTO "event" (at, actor_name, actor_role, action, subject, data) '
            "VALUES ('2024-01-02 03:04:05', 'cli', 'admin', 'token.created', 'token/1', '{}')"
        )
    with app.app_context():
        assert migrations.upgrade() == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        assert migrations.current_version() == migrations.LATEST
        assert migrations.upgrade() == []  # safe to repeat
        init_db()
        assert Enterprise.select().count() == 1
        assert Event.select().where(Event.action == "token.created").count() == 1
        columns = {c.name for c in database.get_columns("event")}
    assert "request_id" in columns
    # The token made before the upgrade still works, and new events carry the request id.
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": make_code("new"), "name": "新版本企业有限公司", "district": DISTRICT},
        headers={**bearer(secret), "X-Request-ID": "after-upgrade-1"},
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        assert Event.select().order_by(Event.id.desc()).get().request_id == "after-upgrade-1"


class _ReleaseTwoTarget(BaseModel):
    """The target table as releases 1 and 2 had it: a tier, a kind, a year, a value."""

    plan = pw.ForeignKeyField(Plan, on_delete="CASCADE")
    tier = pw.ForeignKeyField(Tier, column_name="tier")
    kind = pw.CharField()
    year = pw.IntegerField()
    value = pw.IntegerField()

    class Meta:
        table_name = "target"
        indexes = ((("plan", "tier", "kind", "year"), True),)


def _rewind_targets_to_release_2() -> None:
    """Replace the current target tables with release 2's, holding release 2's seeded rows."""
    for table in ("target_allocation", "figure", "target", "measure"):
        database.execute_sql(f'DROP TABLE "{table}"')
    database.create_tables([_ReleaseTwoTarget])
    for tier, value in (("innovative_sme", 500), ("specialized_sme", 50), ("little_giant", 5)):
        for year in (2023, 2024, 2025):
            _ReleaseTwoTarget.create(
                plan="xinxiang-2023-2025", tier=tier, kind="annual", year=year, value=value
            )
    _ReleaseTwoTarget.create(
        plan="xinxiang-2023-2025", tier="head_goose", kind="cumulative", year=2025, value=10
    )


def _rewind_events_to_release_4() -> None:
    """Remove what release 5 added: events by firm and by the district a firm left, the
    certifications' index by their end."""
    for index in ("event_credit_code", "event_former_district", "certification_valid_until"):
        database.execute_sql(f'DROP INDEX "{index}"')
    database.execute_sql('ALTER TABLE "event" DROP COLUMN "credit_code"')
    database.execute_sql('ALTER TABLE "event" DROP COLUMN "former_district"')


def _rewind_names_to_release_3() -> None:
    """Remove what release 4 added for names-only lists: folded names, former names, aliases,
    the ladder's start."""
    database.execute_sql('DROP INDEX "enterprise_name_key"')
    database.execute_sql('ALTER TABLE "enterprise" DROP COLUMN "name_key"')
    database.execute_sql('ALTER TABLE "ladder" DROP COLUMN "starts_on"')
    database.execute_sql('DROP TABLE "former_name"')
    database.execute_sql('DROP TABLE "alias"')


def test_init_db_upgrades_release_3_for_names_only_lists(tmp_path):
    """Release 3's firms get their folded names (a names-only list finds them at once), the
    aliases and the ladder's start are loaded, former names have a table."""
    app = make_app(tmp_path, name="names", init=False)
    with app.app_context(), database.connection_context():
        init_db()
        SchemaVersion.update(version=3).execute()
        _rewind_names_to_release_3()
        _rewind_events_to_release_4()
        mark = database.obj.param
        for seed, name in (("a", "瑞德（长垣）机械 有限公司"), ("b", "新乡市华瑞机械制造有限公司")):
            database.execute_sql(
                'INSERT INTO "enterprise" (credit_code, name, district, created_at, updated_at, '
                f"version) VALUES ({mark}, {mark}, '410783', '2024-01-02', '2024-01-02', 1)",
                (make_code(seed), name),
            )
    with app.app_context(), database.connection_context():
        assert migrations.upgrade() == [4, 5, 6, 7, 8, 9, 10, 11]
        init_db()
        keys = {e.credit_code: e.name_key for e in Enterprise.select()}
        assert keys[make_code("a")] == "瑞德(长垣)机械有限公司"
        assert keys[make_code("b")] == "新乡市华瑞机械制造有限公司"
        assert Ladder.get_by_id("sme").starts_on == dt.date(2022, 8, 1)
        assert Alias.select().where(Alias.kind == "tier").count() > 10
        assert FormerName.select().count() == 0
        assert migrations.upgrade() == []


def test_init_db_upgrades_release_4_events_to_events_by_firm(tmp_path):
    """Release 4's events: those of a firm learn its credit code, a move the district left."""
    app = make_app(tmp_path, name="events", init=False)
    code = make_code("moved")
    with app.app_context(), database.connection_context():
        init_db()
        SchemaVersion.update(version=4).execute()
        _rewind_events_to_release_4()
        mark = database.obj.param
        for action, subject, district, data in (
            ("enterprise.registered", f"enterprise/{code}", "410702", "{}"),
            (
                "enterprise.updated",
                f"enterprise/{code}",
                "410703",
                '{"previous_district": "410702"}',
            ),
            ("certification.recorded", f"enterprise/{code}/certification/3", "410703", "{}"),
            ("token.created", "token/1", None, "{}"),
        ):
            database.execute_sql(
                'INSERT INTO "event" (at, actor_name, actor_role, action, subject, district, data) '
                f"VALUES ('2024-01-02', 'cli', 'admin', {mark}, {mark}, {mark}, {mark})",
                (action, subject, district, data),
            )
    with app.app_context(), database.connection_context():
        assert migrations.upgrade() == [5, 6, 7, 8, 9, 10, 11]
        rows = [
            (e.action, e.credit_code, e.former_district) for e in Event.select().order_by(Event.id)
        ]
    assert rows[-4:] == [
        ("enterprise.registered", code, None),
        ("enterprise.updated", code, "410702"),
        ("certification.recorded", code, None),
        ("token.created", None, None),
    ]


def test_init_db_upgrades_release_6_tallies_with_the_indexes_dashboards_read(tmp_path):
    """Release 6's tallies had their primary keys only: the upgrade adds the indexes the
    dashboards' sums read (flat in the number of days and districts tallied), and keeps the rows."""
    app = make_app(tmp_path, name="tally-indexes", init=False)
    wanted = {
        (model._meta.table_name, tuple(fields))
        for model in (CertificationTally, TakeoverTally)
        for fields, _ in model._meta.indexes
    }

    def indexes() -> set:
        return {
            (table, tuple(index.columns))
            for table in ("certification_tally", "takeover_tally")
            for index in database.get_indexes(table)
        }

    with app.app_context(), database.connection_context():
        init_db()
        assert wanted <= indexes()
        SchemaVersion.update(version=6).execute()
        for table in ("certification_tally", "takeover_tally"):
            for index in database.get_indexes(table):
                if (table, tuple(index.columns)) in wanted:
                    database.execute_sql(f'DROP INDEX "{index.name}"')
        assert not wanted & indexes()
    with app.app_context(), database.connection_context():
        assert migrations.upgrade() == [7, 8, 9, 10, 11]
        assert wanted <= indexes()
        assert migrations.upgrade() == []


def test_init_db_drops_release_7s_certification_indexes_that_longer_ones_cover(tmp_path):
    """Release 7 indexed a certification's firm and its tier alone, beside the unique (firm,
    tier, year) and the (tier, year) indexes that begin with them: every insert wrote both for
    nothing. The upgrade drops them, keeps the rows, and a firm's titles are still found by
    an index."""
    app = make_app(tmp_path, name="covered-indexes", init=False)
    covered = {("enterprise_id",), ("tier",)}

    def columns() -> set:
        return {tuple(index.columns) for index in database.get_indexes("certification")}

    with app.app_context(), database.connection_context():
        init_db()
        assert not covered & columns()
        assert {("enterprise_id", "tier", "year"), ("tier", "year")} <= columns()
        SchemaVersion.update(version=7).execute()
        database.execute_sql(
            'CREATE INDEX "certification_enterprise_id" ON "certification" ("enterprise_id")'
        )
        database.execute_sql('CREATE INDEX "certification_tier" ON "certification" ("tier")')
        assert covered <= columns()
    with app.app_context(), database.connection_context():
        assert migrations.upgrade() == [8, 9, 10, 11]
        assert not covered & columns()
        assert migrations.upgrade() == []
        if not ON_POSTGRES:
            plan = database.execute_sql(
                'EXPLAIN QUERY PLAN SELECT * FROM "certification" WHERE "enterprise_id" = 1'
            ).fetchall()
            assert "certification_enterprise_id_tier_year" in str(plan), plan


def test_init_db_upgrades_release_2_targets_to_targets_of_any_plan(tmp_path):
    """Release 2's targets (a tier each, no key): the upgrade keys them, makes room for
    measures and allocations, and init-db then replaces them with the plan file's targets."""
    url = fresh_url(tmp_path, "targets")
    app = make_app(url, init=False)
    with app.app_context(), database.connection_context():
        init_db()
        SchemaVersion.update(version=2).execute()
        _rewind_targets_to_release_2()
        _rewind_names_to_release_3()
        _rewind_events_to_release_4()
    with app.app_context(), database.connection_context():
        assert migrations.upgrade() == [3, 4, 5, 6, 7, 8, 9, 10, 11]
        keys = {(t.key, t.year) for t in Target.select()}
        assert ("innovative_sme_annual", 2024) in keys and len(keys) == 10
        init_db()
        assert migrations.upgrade() == []
        targets = list(Target.select().where(Target.plan == "xinxiang-2023-2025"))
        assert len(targets) == 47
        assert not any(t.key.endswith("_annual") for t in targets)  # release 2's keys are gone
        by_key = {(t.key, t.year): t for t in targets}
        assert by_key[("innovative_sme_new", 2024)].value == 500
        assert by_key[("entrepreneur_training", 2024)].measure_id == "entrepreneur_training"
    client = app.test_client()
    with app.app_context():
        from registry.services import tokens

        _, secret = tokens.create_token("dashboard", "screen")
    reply = client.get(
        "/api/v1/plans/xinxiang-2023-2025/progress?year=2024", headers=bearer(secret)
    )
    assert reply.status_code == 200
    assert len(reply.json["targets"]) == 31  # 30 of the year or the plan's end, 头雁 by 2025


def test_a_new_database_starts_at_the_latest_schema(tmp_path):
    app = make_app(tmp_path, name="new", init=False)
    with app.app_context(), database.connection_context():
        init_db()
        assert migrations.current_version() == migrations.LATEST


# Request ids --------------------------------------------------------------------------------


def test_every_answer_carries_a_request_id_and_the_audit_trail_keeps_it(app, client, auth):
    generated = client.get("/api/v1/tiers").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/api/v1/nowhere").headers["X-Request-ID"]  # errors too
    echoed = client.get("/api/v1/tiers", headers={"X-Request-ID": "lb-7f3a.1"})
    assert echoed.headers["X-Request-ID"] == "lb-7f3a.1"
    unsafe = client.get("/api/v1/tiers", headers={"X-Request-ID": 'a b"<script>'})
    assert unsafe.headers["X-Request-ID"] != 'a b"<script>'
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": make_code("rid"), "name": "请求编号企业", "district": DISTRICT},
        headers={**auth["bureau"], "X-Request-ID": "req-42"},
    )
    assert response.headers["X-Request-ID"] == "req-42"
    with app.app_context():
        event = Event.select().order_by(Event.id.desc()).get()
    assert (event.action, event.request_id) == ("enterprise.registered", "req-42")


def test_gunicorn_writes_json_access_lines_with_the_request_id(tmp_path):
    with gunicorn_server(tmp_path, workers=1, name="access-log") as server:
        reply = server.call("GET", "/tiers?x=1", headers={"X-Request-ID": "log-me-1"})
        assert reply.status == 422
        server.call("GET", "/health")
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line["request_id"] == "log-me-1"]
    assert mine, server.log()
    assert mine[0]["path"] == "/api/v1/tiers" and mine[0]["status"] == 422
    assert mine[0]["query"] == "x=1" and mine[0]["method"] == "GET"
    assert isinstance(mine[0]["duration_ms"], float)


# The database going away ----------------------------------------------------------------------


class Relay:
    """A TCP relay in front of the database server: `cut()` drops every connection and refuses
    new ones (the database is unreachable); `mend()` serves again."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open.is_set():
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def cut(self):
        self.open.clear()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
        self.sockets.clear()

    def mend(self):
        self.open.set()

    def close(self):
        self.cut()
        self.listener.close()


def _assert_503(response):
    assert_problem(response, 503)
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.skipif(not ON_POSTGRES, reason="a database server to lose (PostgreSQL)")
def test_an_unreachable_database_is_a_503_and_the_service_recovers_by_itself(tmp_path, auth):
    from urllib.parse import urlsplit, urlunsplit

    url = urlsplit(fresh_url(tmp_path, "relay"))
    relay = Relay(url.hostname, url.port)
    try:
        relayed = urlunsplit(url._replace(netloc=f"{url.username}@127.0.0.1:{relay.port}"))
        app = make_app(relayed)
        client = app.test_client()
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/districts").status_code == 200
        relay.cut()
        _assert_503(client.get("/api/v1/districts"))  # the open connection breaks
        _assert_503(client.get("/api/v1/health"))  # and new ones are refused
        _assert_503(client.get("/api/v1/districts"))
        scraped = client.get("/metrics")  # on loopback: answered without it, saying so
        assert scraped.status_code == 200
        assert "registry_database_up 0.0" in scraped.get_data(as_text=True)
        relay.mend()
        assert client.get("/api/v1/health").status_code == 200  # no restart needed
        assert len(client.get("/api/v1/districts").json) == 15
    finally:
        relay.close()
    assert SERVER_URL


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite form of an unreachable database")
def test_a_missing_database_file_is_a_503_until_it_is_back(tmp_path):
    """SQLite's "unreachable": the volume holding the file is gone (unmounted, say)."""
    volume = tmp_path / "volume"
    volume.mkdir()
    url = f"sqlite:///{volume / 'registry.db'}"
    app = make_app(url)
    client = app.test_client()
    assert client.get("/api/v1/districts").status_code == 200
    moved = tmp_path / "elsewhere"
    database.close()
    volume.rename(moved)
    _assert_503(client.get("/api/v1/health"))
    _assert_503(client.get("/api/v1/districts"))
    moved.rename(volume)
    assert client.get("/api/v1/health").status_code == 200
    assert len(client.get("/api/v1/districts").json) == 15
    assert query(url, "SELECT COUNT(*) FROM district") == [(15,)]
