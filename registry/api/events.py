"""The audit trail."""

from flask.views import MethodView

from registry.auth import current_actor
from registry.extensions import Blueprint
from registry.services import events
from schemas.events import EventPageSchema, EventQueryArgsSchema

blp = Blueprint("events", __name__, url_prefix="/api/v1", description="The audit trail")


@blp.route("/events")
class Events(MethodView):
    @blp.access("bureau", "admin")
    @blp.arguments(EventQueryArgsSchema(), location="query")
    @blp.response(200, EventPageSchema)
    def get(self, args):
        """Audit events, oldest first, after the id given (a bureau: its districts' events)"""
        actor = current_actor()
        districts = actor.districts if actor.role == "bureau" else None
        items = events.feed(
            after=args["after"],
            limit=args["limit"],
            districts=districts,
            request_id=args.get("request_id"),
        )
        return {"items": items, "next_after": items[-1].id if items else args["after"]}
