"""The audit trail."""

from flask.views import MethodView

from registry.services import events
from registry.web.api import Blueprint
from registry.web.auth import current_actor
from schemas.events import EventPageSchema, EventQueryArgsSchema

blp = Blueprint("events", __name__, description="The audit trail")


@blp.route("/events")
class Events(MethodView):
    @blp.access("bureau", "admin", "auditor")
    @blp.arguments(EventQueryArgsSchema(), location="query")
    @blp.response(200, EventPageSchema)
    def get(self, args):
        """Audit events, oldest first, after the id given (a bureau: its districts' events; the
        auditor and the admin: all, sign-ins and accounts among them)"""
        code = args.get("credit_code")
        items = events.feed(
            current_actor(),
            after=args["after"],
            limit=args["limit"],
            credit_code=code.upper() if code else None,
            request_id=args.get("request_id"),
            action=args.get("action"),
        )
        return {"items": items, "next_after": items[-1].id if items else args["after"]}
