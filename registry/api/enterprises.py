"""Enterprises: register, list, read, correct; an enterprise's own status."""

import datetime as dt

from flask import url_for
from flask.views import MethodView

from registry.services import advice, clock, enterprises, history, known_names
from registry.services.clock import today
from registry.web.api import Blueprint
from registry.web.auth import current_actor
from registry.web.paging import paginate
from schemas.enterprises import (
    EnterpriseCreateSchema,
    EnterpriseHistorySchema,
    EnterprisePageSchema,
    EnterprisePatchSchema,
    EnterpriseQueryArgsSchema,
    EnterpriseReadArgsSchema,
    EnterpriseSchema,
    EnterpriseStatusSchema,
    KnownNameSchema,
    KnownNamesSchema,
)

blp = Blueprint("enterprises", __name__, description="Enterprises and their standing")


def etag_data(enterprise, day: dt.date | None = None) -> dict:
    # Standing is derived at a date (today's by default): the tag changes at midnight as well
    # as on writes.
    return {
        "credit_code": enterprise.credit_code,
        "version": enterprise.version,
        "day": (day or today()).isoformat(),
    }


def profile(enterprise, day: dt.date | None = None):
    """The firm on `day` (today)."""
    return enterprises.profile(enterprise, day or today())


@blp.route("/enterprises")
class Enterprises(MethodView):
    @blp.access("bureau", "admin", "viewer")
    @blp.arguments(EnterpriseQueryArgsSchema, location="query")
    @blp.response(200, EnterprisePageSchema)
    def get(self, args):
        """Enterprises, filtered, a page at a time (by credit code)"""
        page, page_size = args.pop("page"), args.pop("page_size")
        return paginate(enterprises.search(**args), page, page_size)

    @blp.access("bureau", "admin")
    @blp.arguments(
        EnterpriseCreateSchema,
        example={
            "credit_code": "91410702MA9F3K2L2U",
            "name": "新乡市红旗机械制造有限公司",
            "district": "410702",
            "industry_chain": "装备制造",
        },
    )
    @blp.response(201, EnterpriseSchema)
    @blp.problem_response(409, "The credit code is already registered")
    def post(self, data):
        """Register an enterprise (a bureau: in its own districts)"""
        enterprise = enterprises.register(current_actor(), data)
        location = url_for(".EnterpriseItem", credit_code=enterprise.credit_code)
        return profile(enterprise), 201, {"Location": location}


@blp.route("/enterprises/<string:credit_code>")
class EnterpriseItem(MethodView):
    @blp.access("bureau", "admin", "viewer", "enterprise")
    @blp.loads(enterprise=enterprises.get)
    @blp.etag
    @blp.arguments(EnterpriseReadArgsSchema, location="query")
    @blp.response(200, EnterpriseSchema)
    @blp.problem_response(404, "No such enterprise")
    def get(self, args, enterprise):
        """An enterprise with its certifications and current tier; with `as_of`, as it stood
        that day (later corrections undone, titles and their status then)"""
        day = args.get("as_of")
        blp.set_etag(etag_data(enterprise, day))
        if day is None:
            return profile(enterprise)
        return profile(history.as_it_stood(enterprise, day), day)

    @blp.access("bureau", "admin")
    @blp.loads(enterprise=enterprises.writable)
    @blp.etag
    @blp.arguments(EnterprisePatchSchema, example={"name": "新乡市红旗智能装备有限公司"})
    @blp.response(200, EnterpriseSchema)
    @blp.problem_response(404, "No such enterprise")
    def patch(self, changes, enterprise):
        """Correct name, district or industry chain; needs If-Match with the current ETag"""
        blp.check_etag(etag_data(enterprise))
        updated = enterprises.update(
            current_actor(), enterprise, changes, expected_version=enterprise.version
        )
        blp.set_etag(etag_data(updated))
        return profile(updated)


@blp.route("/enterprises/<string:credit_code>/names")
class EnterpriseNames(MethodView):
    @blp.access("bureau", "admin")
    @blp.loads(enterprise=enterprises.writable)
    @blp.arguments(KnownNameSchema, example={"name": "新乡市红旗机械制造有限责任公司"})
    @blp.response(200, KnownNamesSchema)
    @blp.problem_response(404, "No such enterprise")
    @blp.problem_response(409, "The name is another firm's (its name, or one it is matched by)")
    def post(self, data, enterprise):
        """Match a name lists print to this firm from now on (a bureau: a firm of its
        districts): names-only rows printing it are matched without resolving them again;
        a name it is matched by already changes nothing (`added`: false)"""
        return known_names.remember(current_actor(), enterprise, data["name"])


@blp.route("/enterprises/<string:credit_code>/status")
class EnterpriseStatus(MethodView):
    @blp.access("enterprise", "bureau", "admin", "viewer")
    @blp.loads(enterprise=enterprises.get)
    @blp.etag
    @blp.response(200, EnterpriseStatusSchema)
    @blp.problem_response(404, "No such enterprise")
    def get(self, enterprise):
        """Current tier, next tier, each certification with its validity (newest first):
        expiring, taken over by a renewal or a higher tier, or barred after a revocation; and
        the next step (apply for the next tier, renew, barred until, re-apply, top tier) with
        the firm's bureau; and its open applications, each at its stage since its last move"""
        blp.set_etag(etag_data(enterprise))
        return advice.status(enterprise, today())


@blp.route("/enterprises/<string:credit_code>/history")
class EnterpriseHistory(MethodView):
    @blp.access("bureau", "admin", "viewer", "enterprise")
    @blp.loads(enterprise=enterprises.get)
    @blp.response(200, EnterpriseHistorySchema)
    @blp.problem_response(404, "No such enterprise")
    def get(self, enterprise):
        """Every event of the enterprise, oldest first: who, when (in UTC, with the registry's
        `time_zone` to show it in), the request, and for a correction the old and the new
        value of each field changed"""
        return {
            "credit_code": enterprise.credit_code,
            "time_zone": clock.zone_name(),
            "items": history.events_of(enterprise),
        }
