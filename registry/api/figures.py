"""Yearly figures of the plan's measures that are not titles of a firm."""

from flask.views import MethodView

from registry.services import figures
from registry.web.api import Blueprint
from registry.web.auth import current_actor
from registry.web.paging import paginate
from schemas.figures import (
    FigurePageSchema,
    FigureQueryArgsSchema,
    FigureRecordSchema,
    FigureSchema,
)

blp = Blueprint("figures", __name__, description="Yearly figures of other measures")


@blp.route("/figures")
class Figures(MethodView):
    @blp.access("dashboard", "viewer", "bureau", "admin")
    @blp.arguments(FigureQueryArgsSchema, location="query")
    @blp.response(200, FigurePageSchema)
    def get(self, args):
        """Recorded figures, by measure, year and district (city-wide last)"""
        page, page_size = args.pop("page"), args.pop("page_size")
        query = figures.search(
            measure=args.get("measure"), year=args.get("year"), district=args.get("district")
        )
        return paginate(query, page, page_size)

    @blp.access("bureau", "admin")
    @blp.arguments(
        FigureRecordSchema,
        example={
            "measure": "entrepreneur_training",
            "year": 2024,
            "district": "410702",
            "value": 120,
            "note": "2024年红旗区企业家培训班两期",
        },
    )
    @blp.response(200, FigureSchema)
    def post(self, data):
        """Record a measure's figure for a year and district, or correct it (a bureau: in its
        own districts; city-wide figures: the admin)"""
        return figures.record_figure(current_actor(), data)
