"""The registry's metrics, in Prometheus' terms: what is counted as it happens (requests, polls,
imports, sign-ins, rate-limit refusals, database errors) and what is read from the database
when scraped (the release, the schema's migration level, the data's version, the last backup).
No Flask: registry.web.metrics measures the requests and serves GET /metrics.

Under gunicorn each worker counts in files of its own in PROMETHEUS_MULTIPROC_DIR (set up,
empty, by registry/gunicorn_conf.py before the app is loaded), and a scrape sums every worker's,
the workers gone included; a single process (`flask run`, the test client) counts in memory.
"""

import datetime as dt
import os

import peewee as pw
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from registry import migrations
from registry.db import drop_connection
from registry.services import health, version

CONTENT_TYPE = CONTENT_TYPE_LATEST
MULTIPROCESS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"
# Set at each scrape from the newest `backup.completed` event (0: never): `registry backup`
# runs as a command of its own, so the database is where a scrape learns of it.
BACKUP_LAST_SUCCESS = "registry_backup_last_success_timestamp_seconds"

REQUESTS = Counter(
    "registry_http_requests",
    "Requests answered, by route template (never the raw path), method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "registry_http_request_duration_seconds",
    "Time to answer a request, by route template and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
POLLS = Counter(
    "registry_polls",
    "Polls of a polled aggregate, by status (200, 304) and by who answered: `front` (repeats, "
    "in front of the app) or `app`",
    ["status", "by"],
)
ANSWERS_COMPUTED = Counter(
    "registry_poll_answers_computed",
    "Polled aggregates' answers computed: a first poll's, or again after a write",
)
IMPORTS = Counter(
    "registry_imports",
    "Published lists loaded over the API, by outcome (`loaded`, `dry_run`, `rejected`, `error`)",
    ["outcome"],
)
IMPORT_ROWS = Counter(
    "registry_import_rows", "Rows of the lists loaded over the API, by outcome", ["outcome"]
)
IMPORT_SECONDS = Histogram(
    "registry_import_duration_seconds",
    "Time an import over the API took, by outcome",
    ["outcome"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
SIGN_INS = Counter(
    "registry_sign_ins",
    "Sign-ins, by outcome (`success`, `failed`, `locked`: refused during a lock)",
    ["outcome"],
)
LOCKOUTS = Counter("registry_sign_in_lockouts", "Logins locked after failed sign-ins")
RATE_LIMITED = Counter(
    "registry_rate_limited",
    "Requests refused over a rate limit (429), by limit: `requests` (a token's or an "
    "address's) or `failed_authentication` (an address's requests without a valid credential)",
    ["limit"],
)
DATABASE_ERRORS = Counter(
    "registry_database_errors",
    "Database errors answered 503 (down, restarting, locked) and failed health checks",
)


def request_served(route: str, method: str, status: str, seconds: float) -> None:
    REQUESTS.labels(route, method, status).inc()
    LATENCY.labels(route, method).observe(seconds)


def poll_answered(status: int, by: str) -> None:
    POLLS.labels(str(status), by).inc()


def answer_computed() -> None:
    ANSWERS_COMPUTED.inc()


def import_finished(outcome: str, rows: int, seconds: float) -> None:
    IMPORTS.labels(outcome).inc()
    IMPORT_ROWS.labels(outcome).inc(rows)
    IMPORT_SECONDS.labels(outcome).observe(seconds)


def signed_in(outcome: str, *, locked_out: bool = False) -> None:
    SIGN_INS.labels(outcome).inc()
    if locked_out:
        LOCKOUTS.inc()


def rate_limited(limit: str) -> None:
    RATE_LIMITED.labels(limit).inc()


def database_error() -> None:
    DATABASE_ERRORS.inc()


class _Registry:
    """What the database says at the scrape (a collector of prometheus_client's)."""

    def collect(self):
        release = InfoMetricFamily("registry_build", "The registry's release")
        release.add_metric([], {"version": health.release()})
        yield release
        yield _gauge(
            "registry_schema_latest_version",
            "The latest schema migration this release knows",
            migrations.LATEST,
        )
        try:
            level, data, backup = health.schema_level(), version.current(), health.last_backup_at()
        except pw.PeeweeException:  # the database does not answer: say so, and nothing more
            drop_connection()
            yield _gauge("registry_database_up", "Whether the database answers (1) or not", 0)
            return
        yield _gauge("registry_database_up", "Whether the database answers (1) or not", 1)
        yield _gauge(
            "registry_schema_version",
            "The database's schema migration level (0: empty)",
            level.current or 0,
        )
        yield _gauge("registry_data_version", "The registry's version: writes seen", data)
        yield _gauge(
            BACKUP_LAST_SUCCESS,
            "When the newest verified backup completed (Unix time; 0: never)",
            _unix(backup) if backup else 0,
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _unix(moment: dt.datetime) -> float:
    return moment.replace(tzinfo=dt.UTC).timestamp()


class _ThisProcess:
    """This process's own counts (one process alone, no multiprocess folder)."""

    def collect(self):
        yield from REGISTRY.collect()


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_FOLDER))


def exposition() -> bytes:
    """The metrics in Prometheus' text format: every worker's counts, and the database's."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess():
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(_Registry())
    return generate_latest(registry)
