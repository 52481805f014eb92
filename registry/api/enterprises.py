"""Enterprises: register, list, read, correct; an enterprise's own status."""

from flask import url_for
from flask.views import MethodView

from registry.services import enterprises
from registry.services.clock import today
from registry.web.api import Blueprint
from registry.web.auth import current_actor
from registry.web.paging import paginate
from schemas.enterprises import (
    EnterpriseCreateSchema,
    EnterprisePageSchema,
    EnterprisePatchSchema,
    EnterpriseQueryArgsSchema,
    EnterpriseSchema,
    EnterpriseStatusSchema,
)

blp = Blueprint("enterprises", __name__, description="Enterprises and their standing")


def etag_data(enterprise) -> dict:
    # Standing is derived at today's date: the tag changes at midnight as well as on writes.
    return {
        "credit_code": enterprise.credit_code,
        "version": enterprise.version,
        "day": today().isoformat(),
    }


@blp.route("/enterprises")
class Enterprises(MethodView):
    @blp.access("bureau", "admin")
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
        return enterprises.profile(enterprise, today()), 201, {"Location": location}


@blp.route("/enterprises/<string:credit_code>")
class EnterpriseItem(MethodView):
    @blp.access("bureau", "admin", "enterprise")
    @blp.loads(enterprise=enterprises.get)
    @blp.etag
    @blp.response(200, EnterpriseSchema)
    @blp.problem_response(404, "No such enterprise")
    def get(self, enterprise):
        """An enterprise with its certifications and current tier"""
        blp.set_etag(etag_data(enterprise))
        return enterprises.profile(enterprise, today())

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
        return enterprises.profile(updated, today())


@blp.route("/enterprises/<string:credit_code>/status")
class EnterpriseStatus(MethodView):
    @blp.access("enterprise", "bureau", "admin")
    @blp.loads(enterprise=enterprises.get)
    @blp.etag
    @blp.response(200, EnterpriseStatusSchema)
    @blp.problem_response(404, "No such enterprise")
    def get(self, enterprise):
        """Current tier, next tier, and each certification with its validity"""
        blp.set_etag(etag_data(enterprise))
        return enterprises.profile(enterprise, today())
