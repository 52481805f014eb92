"""The seeded catalog: districts, tiers, plans."""

from flask.views import MethodView

from registry.messages.labels import STAGES
from registry.models import OUTCOMES
from registry.services import catalog
from registry.web.api import Blueprint
from schemas.catalog import (
    DistrictSchema,
    MeasureSchema,
    PlanSchema,
    PlanSummarySchema,
    StageSchema,
    TierSchema,
)

blp = Blueprint("catalog", __name__, description="Districts, tiers, measures, plans")


@blp.route("/districts")
class Districts(MethodView):
    @blp.public
    @blp.etag
    @blp.response(200, DistrictSchema(many=True))
    def get(self):
        """The 15 county-level divisions and zones of the city"""
        return catalog.districts()


@blp.route("/tiers")
class Tiers(MethodView):
    @blp.public
    @blp.etag
    @blp.response(200, TierSchema(many=True))
    def get(self):
        """Every tier (designation), by ladder and rank"""
        return catalog.tiers()


@blp.route("/stages")
class Stages(MethodView):
    @blp.public
    @blp.etag
    @blp.response(200, StageSchema(many=True))
    def get(self):
        """An application's stages in order (the open ones, then the outcomes), with the
        labels the pages and the 推荐汇总表 print"""
        return [
            {"key": key, "label_en": en, "label_zh": zh, "open": key not in OUTCOMES}
            for key, (en, zh) in STAGES.items()
        ]


@blp.route("/measures")
class Measures(MethodView):
    @blp.public
    @blp.etag
    @blp.response(200, MeasureSchema(many=True))
    def get(self):
        """Measures that are not titles of a firm: bureaus record their yearly figures"""
        return catalog.measures()


@blp.route("/plans")
class Plans(MethodView):
    @blp.public
    @blp.etag
    @blp.response(200, PlanSummarySchema(many=True))
    def get(self):
        """The loaded plans"""
        return catalog.plans()


@blp.route("/plans/<string:plan_id>")
class PlanItem(MethodView):
    @blp.public
    @blp.etag
    @blp.response(200, PlanSchema)
    @blp.problem_response(404, "No such plan")
    def get(self, plan_id):
        """A plan with its targets"""
        plan = catalog.plan(plan_id)
        plan.target_list = catalog.targets(plan)
        return plan
