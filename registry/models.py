"""All tables of the registry, in one place."""

import datetime as dt

import orjson
import peewee as pw

from registry.db import database, json_text


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class JSONField(pw.TextField):
    """JSON stored as text, the same on SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json_text(value)

    def python_value(self, value):
        return None if value is None else orjson.loads(value)


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class District(BaseModel):
    code = pw.CharField(primary_key=True, max_length=6)
    name_zh = pw.CharField()
    short_name_zh = pw.CharField(null=True)
    name_en = pw.CharField()
    kind = pw.CharField()  # district | county | county_city | zone


class Ladder(BaseModel):
    """A family of tiers; the primary ladder gives an enterprise its `current_tier`."""

    key = pw.CharField(primary_key=True)
    label_zh = pw.CharField()
    label_en = pw.CharField()
    primary = pw.BooleanField(default=False)
    # Prerequisites apply to certifications announced on or after this day (the SME ladder
    # began with MIIT's 办法 on 2022-08-01); None: always.
    starts_on = pw.DateField(null=True)


class Tier(BaseModel):
    key = pw.CharField(primary_key=True)
    ladder = pw.ForeignKeyField(Ladder, column_name="ladder", backref="tiers")
    rank = pw.IntegerField()
    label_zh = pw.CharField()
    label_en = pw.CharField()
    level = pw.CharField()  # province | nation
    validity_years = pw.IntegerField()
    prerequisite = pw.ForeignKeyField("self", null=True, column_name="prerequisite")
    has_quota = pw.BooleanField(default=True)

    class Meta:
        indexes = ((("ladder", "rank"), True),)


class Plan(BaseModel):
    id = pw.CharField(primary_key=True)
    title_zh = pw.CharField()
    title_en = pw.CharField()
    issuer_zh = pw.CharField(null=True)
    issued_on = pw.DateField(null=True)
    first_year = pw.IntegerField()
    last_year = pw.IntegerField()


class Measure(BaseModel):
    """A countable figure that is not a title of a firm (trainings, projects, money, platforms):
    bureaus record it per year and district (Figure)."""

    key = pw.CharField(primary_key=True)
    label_zh = pw.CharField()
    label_en = pw.CharField()
    unit_zh = pw.CharField()
    unit_en = pw.CharField()
    # flow: a year's figure is what happened in that year; level: the stock at its end
    tally = pw.CharField()


class Target(BaseModel):
    plan = pw.ForeignKeyField(Plan, backref="targets", on_delete="CASCADE")
    key = pw.CharField()  # the plan's name for it, e.g. innovative_sme_new
    position = pw.IntegerField(default=0)  # order in the plan file: the dashboards' order
    tier = pw.ForeignKeyField(Tier, column_name="tier", null=True)
    measure = pw.ForeignKeyField(Measure, column_name="measure", null=True)
    kind = pw.CharField()  # annual | cumulative | by_plan_end
    comparator = pw.CharField(default="at_least")  # at_least | more_than | about
    year = pw.IntegerField()
    value = pw.IntegerField()
    label_zh = pw.CharField(null=True)  # the plan's wording; default: the tier's or measure's
    label_en = pw.CharField(null=True)
    quote_zh = pw.TextField(null=True)

    class Meta:
        indexes = ((("plan", "key", "year"), True),)


class TargetAllocation(BaseModel):
    """A district's share of a city target, as the plan divides it."""

    target = pw.ForeignKeyField(Target, backref="allocations", on_delete="CASCADE")
    district = pw.ForeignKeyField(District, column_name="district")
    value = pw.IntegerField()

    class Meta:
        indexes = ((("target", "district"), True),)


class Alias(BaseModel):
    """How published lists print a header, tier, district, region or yes/no (seeds/aliases.json)."""

    kind = pw.CharField()  # header | tier | district | region | answer
    name = pw.CharField()  # as printed
    value = pw.CharField()  # a column, tier key, district code, region kind, yes or no

    class Meta:
        indexes = ((("kind", "name"), True),)


class Enterprise(BaseModel):
    credit_code = pw.CharField(unique=True, max_length=18)
    name = pw.CharField(max_length=200)
    # The name folded for matching (services.names.name_key): lists print brackets and spaces
    # in several widths, and name firms without their credit code.
    name_key = pw.CharField(
        max_length=200, index=True, default="", constraints=[pw.SQL("DEFAULT ''")]
    )
    district = pw.ForeignKeyField(District, column_name="district", index=True)
    industry_chain = pw.CharField(null=True, max_length=100)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    # Bumped by every write that changes what GET /enterprises/{code} shows: the ETag and the
    # conditional UPDATE behind If-Match both rest on it.
    version = pw.IntegerField(default=1)


class FormerName(BaseModel):
    """A name an enterprise had before a correction: lists published earlier still print it."""

    enterprise = pw.ForeignKeyField(Enterprise, backref="former_names", index=True)
    name = pw.CharField(max_length=200)
    name_key = pw.CharField(max_length=200, index=True)
    replaced_at = pw.DateTimeField(default=utcnow)


class Certification(BaseModel):
    # No index of their own: the unique (enterprise, tier, year) and the (tier, year) indexes
    # begin with them and serve every query by either; each index costs every insert.
    enterprise = pw.ForeignKeyField(Enterprise, backref="certifications", index=False)
    tier = pw.ForeignKeyField(Tier, column_name="tier", index=False)
    year = pw.IntegerField()
    certified_on = pw.DateField()
    valid_until = pw.DateField()
    renewal = pw.BooleanField(default=False)
    document_no = pw.CharField(null=True, max_length=100)
    batch = pw.CharField(null=True, max_length=100)
    revoked_on = pw.DateField(null=True)
    revocation_reason = pw.TextField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("enterprise", "tier", "year"), True),
            (("tier", "year"), False),
            (("valid_until",), False),  # the renewal season: titles expiring by a date
        )


CITY_WIDE = ""


class Figure(BaseModel):
    """A bureau's yearly figure of a measure in a district, or city-wide."""

    measure = pw.ForeignKeyField(Measure, column_name="measure")
    year = pw.IntegerField()
    # A district code, or CITY_WIDE: not null, so that the unique index holds on every engine.
    district = pw.CharField(max_length=6, default="")
    value = pw.DecimalField(max_digits=16, decimal_places=2)
    note = pw.TextField(null=True)
    recorded_at = pw.DateTimeField(default=utcnow)
    recorded_by = pw.CharField()

    class Meta:
        indexes = ((("measure", "year", "district"), True),)


class Token(BaseModel):
    name = pw.CharField()
    role = pw.CharField()  # admin | bureau | dashboard | enterprise | metrics
    districts = JSONField(default=list)  # a bureau's scope
    credit_code = pw.CharField(null=True, max_length=18)  # an enterprise's scope
    secret_hash = pw.CharField(unique=True, max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    revoked_at = pw.DateTimeField(null=True)


class User(BaseModel):
    """A person with an account: a clerk, a viewer, the auditor, the system administrator."""

    login = pw.CharField(unique=True, max_length=64)
    name = pw.CharField(max_length=100)
    role = pw.CharField()  # admin | bureau | viewer | auditor
    districts = JSONField(default=list)  # a bureau clerk's scope
    password_hash = pw.CharField(max_length=200)  # argon2id, with its parameters
    previous_hashes = JSONField(default=list)  # the last ones, newest first: not to be reused
    password_set_at = pw.DateTimeField(default=utcnow)
    # A password someone else set (created, reset): good only for choosing one, until then.
    one_time_until = pw.DateTimeField(null=True)
    disabled = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)


class SignInFailure(BaseModel):
    """A failed sign-in, by the login tried (known or not: both lock alike, so that a lock
    tells nobody whether a login exists)."""

    login = pw.CharField(max_length=64)
    at = pw.DateTimeField(default=utcnow)
    address = pw.CharField(null=True, max_length=64)

    class Meta:
        indexes = ((("login", "at"), False),)


class SignInLock(BaseModel):
    """A login locked after too many failed sign-ins, until a time (or an admin lifts it)."""

    login = pw.CharField(primary_key=True, max_length=64)
    until = pw.DateTimeField()


class Session(BaseModel):
    """A person signed in: the cookie carries a random id, stored here only as its hash."""

    id_hash = pw.CharField(primary_key=True, max_length=64)
    user = pw.ForeignKeyField(User, on_delete="CASCADE", index=True)
    csrf_token = pw.CharField(max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    last_seen_at = pw.DateTimeField(default=utcnow)
    ended_at = pw.DateTimeField(null=True)
    address = pw.CharField(null=True, max_length=64)


class Event(BaseModel):
    """The audit trail: append-only, one row per write, written in the write's transaction."""

    at = pw.DateTimeField(default=utcnow)
    actor_name = pw.CharField()
    actor_role = pw.CharField()
    actor_login = pw.CharField(null=True, max_length=64)  # a person's (a token has none)
    action = pw.CharField()
    subject = pw.CharField()
    district = pw.CharField(null=True, index=True)
    # A firm moved elsewhere: the district it left, whose bureau still reads the move.
    former_district = pw.CharField(null=True, max_length=6, index=True)
    credit_code = pw.CharField(null=True, max_length=18, index=True)  # the firm it concerns
    data = JSONField()
    request_id = pw.CharField(null=True, max_length=64)  # X-Request-ID of the writing request


# Monitoring's question "when did the last backup complete?" answered from a tiny index
# (the backups' events only) rather than by reading the trail back from its newest event.
BACKUPS_ONLY = pw.SQL("\"action\" = 'backup.completed'")
Event.add_index(Event.index(Event.id, name="event_backups").where(BACKUPS_ONLY))


# A certification never revoked, in the tallies' keys: a date, since a NULL would not match
# itself in a unique key on every engine (SQLite and PostgreSQL alike), and UPSERTs need it to.
NEVER = dt.date.max


class CertificationTally(BaseModel):
    """How many certifications share every fact the counting rules read (docs/rules.md §4):
    kept by each write in its own transaction (registry.services.aggregates), so annual flows
    and statistics at any date are sums over this small table, never a scan of certifications.
    """

    year = pw.IntegerField()
    tier = pw.CharField()
    district = pw.CharField(max_length=6)
    renewal = pw.BooleanField()
    certified_on = pw.DateField()
    valid_until = pw.DateField()
    revoked_on = pw.DateField()  # NEVER when not revoked
    n = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey(
            "year", "tier", "district", "renewal", "certified_on", "valid_until", "revoked_on"
        )
        # Covering the dashboards' two sums (a year's new titles; the titles ending in a year),
        # so each reads the rows it sums and no others, however many days and districts there are.
        indexes = (
            (("year", "renewal", "certified_on", "revoked_on", "tier", "n"), False),
            (("valid_until", "revoked_on", "certified_on", "tier", "n"), False),
        )


class HoldingTally(BaseModel):
    """Firms that begin (`starts`) or cease (`ends`, after that day) to hold `tier` or a higher
    tier of its ladder in a district on a day: a stock on any day is a sum over the rows from
    that day on (every holding ends, so what began before it and ended after it is what is left).
    """

    tier = pw.CharField()
    day = pw.DateField()
    district = pw.CharField(max_length=6)
    starts = pw.IntegerField(default=0)
    ends = pw.IntegerField(default=0)  # the holding's last day is `day`

    class Meta:
        primary_key = pw.CompositeKey("tier", "day", "district")


class TakeoverTally(BaseModel):
    """The renewal season: titles ending in `expiry_year` (not revoked before their end) that
    begin (`starts`) or cease (`ends`, after that day) to be taken over on a day, by a later title
    of their tier or an active higher one (docs/rules.md §2.8). How many are taken over on a
    day is a sum over the rows from that day on, as for HoldingTally."""

    tier = pw.CharField()
    expiry_year = pw.IntegerField()
    district = pw.CharField(max_length=6)
    day = pw.DateField()
    starts = pw.IntegerField(default=0)
    ends = pw.IntegerField(default=0)  # the last day taken over is `day` (NEVER: still is)

    class Meta:
        primary_key = pw.CompositeKey("tier", "expiry_year", "district", "day")
        indexes = ((("expiry_year", "day", "tier", "starts", "ends"), False),)  # a season's sum


# The road to a title: the open stages in order, then how an application is closed.
STAGES = ("candidate", "applied", "recommended", "reviewed", "publicized")
OUTCOMES = ("certified", "rejected", "withdrawn")


class Application(BaseModel):
    """A firm on its way to a title of `tier` for `year`: in the pool (`candidate`), applied,
    recommended by its county, reviewed by the city, publicized by the province or MIIT
    (公示), then closed by an outcome. `highest` is the furthest open stage it reached (the
    forecast's rates read it once the application is closed)."""

    enterprise = pw.ForeignKeyField(Enterprise, backref="applications", index=False)
    tier = pw.ForeignKeyField(Tier, column_name="tier", index=False)
    year = pw.IntegerField()
    batch = pw.CharField(null=True, max_length=100)
    contact_name = pw.CharField(null=True, max_length=100)
    contact_phone = pw.CharField(null=True, max_length=40)
    note = pw.TextField(null=True)
    stage = pw.CharField(max_length=16)  # one of STAGES while open, of OUTCOMES once closed
    highest = pw.CharField(max_length=16)  # one of STAGES
    is_open = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("enterprise", "tier", "year"), False),
            (("year", "tier", "stage"), False),
        )


# One open application of a firm for a tier and a year (a closed one may be followed by another).
Application.add_index(
    Application.index(
        Application.enterprise, Application.tier, Application.year, unique=True
    ).where(pw.SQL('"is_open"'))  # a boolean column, as both engines read it
)


class ApplicationMove(BaseModel):
    """An application's history: the stage it was created at, then every move, dated."""

    application = pw.ForeignKeyField(Application, backref="moves", on_delete="CASCADE", index=True)
    stage = pw.CharField(max_length=16)
    on = pw.DateField()  # the day it happened (a list's date, or the day it was recorded)
    at = pw.DateTimeField(default=utcnow)  # when it was recorded
    actor_name = pw.CharField()
    actor_login = pw.CharField(null=True, max_length=64)
    reason = pw.TextField(null=True)


class PipelineTally(BaseModel):
    """How many applications share a tier, year, district, stage (an open one's, or the
    outcome that closed it) and highest open stage reached: the funnel and its forecast are
    sums over it, kept by every write to an application (registry.services.applications)."""

    tier = pw.CharField()
    year = pw.IntegerField()
    district = pw.CharField(max_length=6)
    stage = pw.CharField(max_length=16)
    highest = pw.CharField(max_length=16)
    n = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("tier", "year", "district", "stage", "highest")


class RegistryVersion(BaseModel):
    """One row: how many writes the registry has seen. Cached aggregates are keyed by it."""

    id = pw.IntegerField(primary_key=True)
    value = pw.BigIntegerField(default=0)


MODELS = (
    District,
    Ladder,
    Tier,
    Alias,
    Plan,
    Measure,
    Target,
    TargetAllocation,
    Enterprise,
    FormerName,
    Certification,
    Figure,
    Token,
    User,
    SignInFailure,
    SignInLock,
    Session,
    Event,
    RegistryVersion,
    CertificationTally,
    HoldingTally,
    TakeoverTally,
    Application,
    ApplicationMove,
    PipelineTally,
)
