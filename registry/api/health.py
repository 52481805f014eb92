"""Liveness with a real database round-trip, and where the rate limits are counted."""

from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from registry.db import database, drop_connection
from registry.messages import Message
from registry.web.api import Blueprint
from registry.web.limits import shared_counts
from registry.web.problems import problem
from schemas import Schema

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(Schema):
    status = fields.String(
        metadata={"example": "ok", "description": "`ok`, or `degraded` (serving, see below)"}
    )
    database = fields.String(metadata={"example": "ok"})
    rate_limits = fields.String(
        metadata={
            "example": "shared",
            "description": "`shared`: counted in Redis for every worker; `unreachable`: Redis "
            "does not answer, so the limits fail open to each worker's own count; `off`",
        }
    )


@blp.route("/health")
class Health(MethodView):
    @blp.public
    @blp.response(200, HealthSchema)
    @blp.problem_response(503, "The database does not answer")
    def get(self):
        """200 only when the database answers a query (rate limits that fail open still serve)"""
        try:
            database.execute_sql("SELECT 1")
        except Exception:
            drop_connection()
            return problem(503, Message("database.unavailable"), headers={"Retry-After": "5"})
        limits = shared_counts(current_app)
        status = "degraded" if limits == "unreachable" else "ok"
        return {"status": status, "database": "ok", "rate_limits": limits}
