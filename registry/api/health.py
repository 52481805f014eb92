"""Health for an operator: 200 only when the database answers a query, with what else matters
as detail (the rate limits' Redis, the schema's migration level, the release, the disk free
under SQLite)."""

from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from registry import metrics
from registry.db import database, drop_connection
from registry.messages import Message
from registry.services import health
from registry.web.api import Blueprint
from registry.web.limits import shared_counts
from registry.web.problems import problem
from schemas import Schema

blp = Blueprint("health", __name__, description="Service health")


class MigrationsSchema(Schema):
    current = fields.Integer(
        allow_none=True,
        metadata={"example": 9, "description": "The database's schema version (null: empty)"},
    )
    latest = fields.Integer(metadata={"example": 9, "description": "The latest this release knows"})


class HealthSchema(Schema):
    status = fields.String(
        metadata={
            "example": "ok",
            "description": "`ok`, or `degraded` (serving: the rate limits' Redis does not "
            "answer, or the schema is not at the latest migration; see below)",
        }
    )
    database = fields.String(metadata={"example": "ok"})
    rate_limits = fields.String(
        metadata={
            "example": "shared",
            "description": "`shared`: counted in Redis for every worker; `unreachable`: Redis "
            "does not answer, so the limits fail open to each worker's own count; `off`",
        }
    )
    migrations = fields.Nested(
        MigrationsSchema,
        metadata={
            "description": "The schema's migration level: `registry init-db` brings `current` "
            "to `latest` after an upgrade"
        },
    )
    version = fields.String(metadata={"example": "0.1.0", "description": "The release"})
    disk_free_bytes = fields.Integer(
        allow_none=True,
        metadata={
            "example": 52_613_349_376,
            "description": "Bytes free on the filesystem of the SQLite database's file (null "
            "on PostgreSQL, whose server watches its own disk)",
        },
    )


@blp.route("/health")
class Health(MethodView):
    @blp.public
    @blp.response(200, HealthSchema)
    @blp.problem_response(503, "The database does not answer")
    def get(self):
        """200 only when the database answers a query (rate limits that fail open still serve,
        as does a schema behind the release's: both make the status `degraded`)"""
        try:
            database.execute_sql("SELECT 1")
            level = health.schema_level()
        except Exception:
            metrics.database_error()
            drop_connection()
            return problem(503, Message("database.unavailable"), headers={"Retry-After": "5"})
        limits = shared_counts(current_app)
        degraded = limits == "unreachable" or level.behind
        return {
            "status": "degraded" if degraded else "ok",
            "database": "ok",
            "rate_limits": limits,
            "migrations": {"current": level.current, "latest": level.latest},
            "version": health.release(),
            "disk_free_bytes": health.disk_free_bytes(),
        }
