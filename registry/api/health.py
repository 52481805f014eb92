"""Liveness with a real database round-trip."""

from flask.views import MethodView
from marshmallow import fields

from registry.db import database, drop_connection
from registry.web.api import Blueprint
from registry.web.problems import problem
from schemas import Schema

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})
    database = fields.String(metadata={"example": "ok"})


@blp.route("/health")
class Health(MethodView):
    @blp.public
    @blp.response(200, HealthSchema)
    @blp.problem_response(503, "The database does not answer")
    def get(self):
        """200 only when the database answers a query"""
        try:
            database.execute_sql("SELECT 1")
        except Exception:
            drop_connection()
            return problem(503, "The database does not answer.", headers={"Retry-After": "5"})
        return {"status": "ok", "database": "ok"}
