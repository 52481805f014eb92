"""What dashboards poll: progress against the plan, the funnel of applications and its
forecast, and certification statistics."""

from flask.views import MethodView

from registry.services import catalog, pipeline, progress
from registry.services.clock import today
from registry.web.api import Blueprint
from registry.web.caching import cached_json
from schemas.dashboards import (
    DistrictsProgressQueryArgsSchema,
    DistrictsProgressSchema,
    ProgressQueryArgsSchema,
    ProgressSchema,
    StatsQueryArgsSchema,
    StatsSchema,
)
from schemas.pipeline import PipelineQueryArgsSchema, PipelineSchema

blp = Blueprint("dashboards", __name__, description="Progress and statistics")


def _plan_year(name: str, plan_id: str, args: dict, schema, answer):
    """A plan year's answer (`answer(plan, year=, as_of=, district=)`) for one district or the
    city, the year defaulting to the plan's current one; kept per registry version."""
    as_of = args.get("as_of") or today()
    year, district = args.get("year"), args.get("district")

    def compute():
        plan = catalog.plan(plan_id)
        year_ = year or progress.default_year(plan, as_of)
        return answer(plan, year=year_, as_of=as_of, district=district)

    return cached_json((name, plan_id, year, district, as_of), schema, compute)


@blp.route("/plans/<string:plan_id>/progress")
class Progress(MethodView):
    @blp.access("dashboard", "viewer", "bureau", "admin")
    @blp.polled
    @blp.arguments(ProgressQueryArgsSchema(), location="query")
    @blp.response(200, ProgressSchema, headers={"ETag": {"$ref": "#/components/headers/ETAG"}})
    @blp.problem_response(404, "No such plan")
    def get(self, args, plan_id):
        """Each target of a plan year: achieved, expected by now, and the pace"""
        return _plan_year("progress", plan_id, args, ProgressSchema, progress.progress)


@blp.route("/plans/<string:plan_id>/progress/districts")
class DistrictsProgress(MethodView):
    @blp.access("dashboard", "viewer", "bureau", "admin")
    @blp.polled
    @blp.arguments(DistrictsProgressQueryArgsSchema(), location="query")
    @blp.response(
        200, DistrictsProgressSchema, headers={"ETag": {"$ref": "#/components/headers/ETAG"}}
    )
    @blp.problem_response(404, "No such plan")
    def get(self, args, plan_id):
        """The city's progress and every district's, in one answer (one request per screen)"""
        as_of = args.get("as_of") or today()
        year = args.get("year")

        def compute():
            plan = catalog.plan(plan_id)
            return progress.districts_progress(
                plan, year=year or progress.default_year(plan, as_of), as_of=as_of
            )

        return cached_json(
            ("progress-districts", plan_id, year, as_of), DistrictsProgressSchema, compute
        )


@blp.route("/plans/<string:plan_id>/pipeline")
class Pipeline(MethodView):
    @blp.access("dashboard", "viewer", "bureau", "admin")
    @blp.polled
    @blp.arguments(PipelineQueryArgsSchema(), location="query")
    @blp.response(200, PipelineSchema, headers={"ETag": {"$ref": "#/components/headers/ETAG"}})
    @blp.problem_response(404, "No such plan")
    def get(self, args, plan_id):
        """Per tier of a plan year: quota, certified, open applications per stage, closed
        ones, the rates earlier years give and the forecast, at risk or not"""
        return _plan_year("pipeline", plan_id, args, PipelineSchema, pipeline.pipeline)


@blp.route("/stats/certifications")
class CertificationStats(MethodView):
    @blp.access("dashboard", "viewer", "bureau", "admin")
    @blp.polled
    @blp.arguments(StatsQueryArgsSchema(), location="query")
    @blp.response(200, StatsSchema, headers={"ETag": {"$ref": "#/components/headers/ETAG"}})
    def get(self, args):
        """Certification counts grouped by any of year, tier, district, status, month, renewal,
        expiry_year"""
        as_of = args.pop("as_of", None) or today()
        group_by = list(dict.fromkeys(args.pop("group_by")))
        keys = ("year", "tier", "district", "status", "renewal", "expiry_year")
        filters = {k: args.get(k) for k in keys}
        key = ("stats", tuple(group_by), tuple(sorted(filters.items())), as_of)
        return cached_json(
            key,
            StatsSchema,
            lambda: progress.certification_stats(group_by=group_by, as_of=as_of, filters=filters),
        )
