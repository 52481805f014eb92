"""Schema changes, applied in order by `registry init-db` (peewee's own migrator).

A new database gets the current tables at once. An existing one is upgraded in place: each step
whose number is above the stored schema version runs in its own transaction, and the version is
stored with it, so an interrupted upgrade resumes where it stopped. A database from before this
module (tables, no `schema_version`) is version 1.
"""

from collections.abc import Callable

import peewee as pw
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from registry.db import database, is_sqlite
from registry.models import (
    MODELS,
    Application,
    ApplicationMove,
    BaseModel,
    CertificationTally,
    Enterprise,
    Event,
    HoldingTally,
    Ladder,
    Measure,
    PipelineTally,
    TakeoverTally,
    Target,
)
from registry.services import aggregates
from registry.services.names import name_key


class SchemaVersion(BaseModel):
    """One row: the number of the last migration applied."""

    id = pw.IntegerField(primary_key=True)
    version = pw.IntegerField()


def _migrator():
    return SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)


def _event_request_id() -> None:
    """2: each audit event names the request that wrote it (X-Request-ID)."""
    migrate(_migrator().add_column("event", "request_id", Event.request_id))


def _targets_of_any_plan() -> None:
    """3: targets name a tier or a measure, with a key, comparator and order of their own.

    Existing targets get the key `<tier>_<kind>`; `init-db` then reloads the plans, which
    replaces them with the keys of the plan files."""
    database.create_tables([Measure], safe=True)
    for index in database.get_indexes("target"):
        if index.unique and "tier" in index.columns:
            migrate(_migrator().drop_index("target", index.name))
    migrator = _migrator()
    migrate(
        migrator.drop_not_null("target", "tier"),
        migrator.add_column("target", "key", pw.CharField(default="")),
        migrator.add_column("target", "position", Target.position),
        migrator.add_column("target", "measure", Target.measure),
        migrator.add_column("target", "comparator", Target.comparator),
        migrator.add_column("target", "label_zh", Target.label_zh),
        migrator.add_column("target", "label_en", Target.label_en),
        migrator.add_column("target", "quote_zh", Target.quote_zh),
    )
    Target.update(key=Target.tier.concat("_").concat(Target.kind)).execute()
    migrate(_migrator().add_index("target", ("plan_id", "key", "year"), unique=True))


def _names_for_matching() -> None:
    """4: names-only lists: each firm's folded name (the migrator indexes it as the model
    does), former names and aliases (new tables, created whole), the ladder's start."""
    migrator = _migrator()
    migrate(
        migrator.add_column("enterprise", "name_key", Enterprise.name_key),
        migrator.add_column("ladder", "starts_on", Ladder.starts_on),
    )
    last = 0
    while batch := list(
        Enterprise.select(Enterprise.id, Enterprise.name)
        .where(Enterprise.id > last)
        .order_by(Enterprise.id)
        .limit(5000)
        .tuples()
    ):
        mark = database.obj.param
        database.cursor().executemany(
            f"UPDATE enterprise SET name_key = {mark} WHERE id = {mark}",
            [(name_key(name), id_) for id_, name in batch],
        )
        last = batch[-1][0]


def _events_by_firm() -> None:
    """5: each audit event names its firm (a firm's history, the feed by firm) and a move the
    district it left; certifications are indexed by their end (the renewal season)."""
    migrator = _migrator()
    migrate(
        migrator.add_column("event", "credit_code", Event.credit_code),
        migrator.add_column("event", "former_district", Event.former_district),
        migrator.add_index("certification", ("valid_until",), unique=False),
    )
    Event.update(credit_code=pw.fn.SUBSTR(Event.subject, 12, 18)).where(
        Event.subject.startswith("enterprise/")
    ).execute()
    for event in Event.select(Event.id, Event.district, Event.data).where(
        Event.action == "enterprise.updated"
    ):
        left = (event.data or {}).get("previous_district")
        if left and left != event.district:
            Event.update(former_district=left).where(Event.id == event.id).execute()


def _tallies() -> None:
    """6: the tallies dashboards read (registry.services.aggregates), filled once from the
    certifications; every write keeps them from then on."""
    database.create_tables([CertificationTally, HoldingTally, TakeoverTally])
    aggregates.rebuild()


def _tally_indexes() -> None:
    """7: the tallies indexed for the sums dashboards read (a year's titles, the titles ending
    in a year, a renewal season): flat in the number of days and districts tallied."""
    for model in (CertificationTally, TakeoverTally):
        model._schema.create_indexes(safe=True)  # step 6 made them already, from version 5


def _covered_indexes() -> None:
    """8: the certifications' indexes on their firm alone and on their tier alone dropped: the
    unique (firm, tier, year) and the (tier, year) indexes begin with them and serve every
    query that used them, and every insert wrote all of them (a large import's certifications
    go in a third faster without)."""
    for name in ("certification_enterprise_id", "certification_tier"):
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def _people() -> None:
    """9: events name the person (their login) who wrote them; the people's tables are new."""
    if "actor_login" not in {column.name for column in database.get_columns("event")}:
        migrate(_migrator().add_column("event", "actor_login", Event.actor_login))


def _applications() -> None:
    """10: applications on the road to a title, their moves and the funnel's tally (new
    tables, created whole)."""
    database.create_tables([Application, ApplicationMove, PipelineTally], safe=True)


def _backups_index() -> None:
    """11: the backups' events indexed on their own (monitoring asks for the newest)."""
    Event._schema.create_indexes(safe=True)


STEPS: list[tuple[int, Callable[[], None]]] = [
    (2, _event_request_id),
    (3, _targets_of_any_plan),
    (4, _names_for_matching),
    (5, _events_by_firm),
    (6, _tallies),
    (7, _tally_indexes),
    (8, _covered_indexes),
    (9, _people),
    (10, _applications),
    (11, _backups_index),
]
LATEST = max(number for number, _ in STEPS)


def current_version() -> int | None:
    """The stored schema version; None for an empty database."""
    tables = set(database.get_tables())
    if SchemaVersion._meta.table_name in tables:
        return SchemaVersion.get_by_id(1).version
    return 1 if Event._meta.table_name in tables else None


def upgrade() -> list[int]:
    """Bring the schema to LATEST; returns the steps applied."""
    version = current_version()
    if version is None:
        with database.atomic():
            database.create_tables([*MODELS, SchemaVersion])
            SchemaVersion.create(id=1, version=LATEST)
        return []
    applied = []
    database.create_tables([SchemaVersion], safe=True)
    for number, step in STEPS:
        if number <= version:
            continue
        with database.atomic():
            step()
            SchemaVersion.insert(id=1, version=number).on_conflict(
                conflict_target=[SchemaVersion.id], update={SchemaVersion.version: number}
            ).execute()
        applied.append(number)
    database.create_tables(MODELS, safe=True)  # tables added since: created whole
    return applied
