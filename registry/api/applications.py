"""Applications: a firm's road to a title, opened, moved, listed."""

from flask import url_for
from flask.views import MethodView

from registry.services import enterprises
from registry.services.applications import moves, read, submit
from registry.web.api import ID_CONVERTER, Blueprint
from registry.web.auth import current_actor
from registry.web.paging import paginate
from registry.web.problems import language, spoken_in
from schemas.applications import (
    ApplicationCreatedSchema,
    ApplicationCreateSchema,
    ApplicationListSchema,
    ApplicationPageSchema,
    ApplicationQueryArgsSchema,
    ApplicationSchema,
    BulkMoveSchema,
    MoveSchema,
)

blp = Blueprint("applications", __name__, description="Applications on the road to a title")


@blp.route("/enterprises/<string:credit_code>/applications")
class EnterpriseApplications(MethodView):
    @blp.access("bureau", "admin")
    @blp.loads(enterprise=enterprises.writable)
    @blp.arguments(
        ApplicationCreateSchema,
        example={
            "tier": "specialized_sme",
            "year": 2026,
            "batch": "第一批",
            "contact_name": "王丽",
            "contact_phone": "0373-3051234",
        },
    )
    @blp.response(201, ApplicationCreatedSchema)
    @blp.problem_response(404, "No such enterprise")
    @blp.problem_response(
        409, "The firm has an open application for the tier and year, or holds that title"
    )
    def post(self, data, enterprise):
        """Open an application (a bureau: of a firm in its districts), at `applied` unless a
        stage is given; `warnings` say what the ladder would refuse today (a missing lower
        title), which does not stop it"""
        application, warnings = submit.submit(current_actor(), enterprise, data)
        spoken = language()
        application.warnings = [{"code": w.code, "detail": w.text(spoken)} for w in warnings]
        read.with_history([application])
        location = url_for(".ApplicationItem", app_id=application.id)
        return application, 201, {"Location": location, **spoken_in()}


@blp.route("/applications")
class Applications(MethodView):
    @blp.access("bureau", "admin")
    @blp.arguments(ApplicationQueryArgsSchema, location="query")
    @blp.response(200, ApplicationPageSchema)
    def get(self, args):
        """Applications, filtered, a page at a time (newest year first, by district and
        credit code), each with its firm and history; a bureau: its districts' only"""
        page, page_size = args.pop("page"), args.pop("page_size")
        found = paginate(read.search(current_actor(), **args), page, page_size)
        read.with_history(found["items"])
        return found


@blp.route(f"/applications/<{ID_CONVERTER}:app_id>")
class ApplicationItem(MethodView):
    @blp.access("bureau", "admin")
    @blp.loads(application=read.get)
    @blp.response(200, ApplicationSchema)
    @blp.problem_response(404, "No such application")
    def get(self, application):
        """An application with its firm and history (a bureau: of its districts)"""
        return application

    @blp.access("bureau", "admin")
    @blp.loads(application=read.get)
    @blp.arguments(MoveSchema, example={"stage": "recommended"})
    @blp.response(200, ApplicationSchema)
    @blp.problem_response(404, "No such application")
    @blp.problem_response(409, "A move backward, or the application is closed")
    def patch(self, data, application):
        """Move the application forward (stages may be skipped) or close it (certified,
        rejected with a `reason`, withdrawn); checked against its stage now, no If-Match"""
        moved = moves.move_one(
            current_actor(), application, data["stage"], reason=data["reason"], on=data["on"]
        )
        return read.with_history([moved])[0]


@blp.route("/applications/moves")
class ApplicationMoves(MethodView):
    @blp.access("bureau", "admin")
    @blp.arguments(BulkMoveSchema, example={"ids": [12, 15], "stage": "recommended"})
    @blp.response(200, ApplicationListSchema)
    @blp.problem_response(404, "No such application (the problem's `application_id`)")
    @blp.problem_response(409, "One of them would move backward or is closed: none moved")
    def post(self, data):
        """Move several applications to one stage, all or none: the first refused names its
        application (`application_id`) and nothing is moved"""
        moved = moves.move_many(
            current_actor(), data["ids"], data["stage"], reason=data["reason"], on=data["on"]
        )
        return {"applications": read.with_history(moved)}
