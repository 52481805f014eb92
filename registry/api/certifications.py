"""Certifications of an enterprise: list, record, revoke."""

from flask import url_for
from flask.views import MethodView

from registry.services import certifications, enterprises
from registry.services.clock import today
from registry.web.api import ID_CONVERTER, Blueprint
from registry.web.auth import current_actor
from registry.web.paging import paginate
from schemas.certifications import (
    CertificationCreateSchema,
    CertificationListSchema,
    CertificationPageSchema,
    CertificationSchema,
    CertificationSearchArgsSchema,
    RevocationSchema,
)

blp = Blueprint("certifications", __name__, description="Tier certifications")


@blp.route("/certifications")
class Certifications(MethodView):
    @blp.access("bureau", "admin", "viewer")
    @blp.arguments(CertificationSearchArgsSchema, location="query")
    @blp.response(200, CertificationPageSchema)
    def get(self, args):
        """Certifications across the registry, by end date: who must renew by a day, and
        whether a renewal or a higher title already takes over (a bureau naming no district:
        its own districts')"""
        page, page_size = args.pop("page"), args.pop("page_size")
        as_of = args.pop("as_of", None) or today()
        query = certifications.search(as_of=as_of, actor=current_actor(), **args)
        found = paginate(query, page, page_size)
        certifications.with_working_year(found["items"], as_of)
        return {**found, "as_of": as_of}


@blp.route("/enterprises/<string:credit_code>/certifications")
class EnterpriseCertifications(MethodView):
    @blp.access("bureau", "admin", "viewer", "enterprise")
    @blp.loads(enterprise=enterprises.get)
    @blp.etag
    @blp.response(200, CertificationListSchema)
    @blp.problem_response(404, "No such enterprise")
    def get(self, enterprise):
        """The enterprise's certifications, oldest first"""
        return {"items": enterprises.certifications_on(enterprise, today())}

    @blp.access("bureau", "admin")
    @blp.loads(enterprise=enterprises.writable)
    @blp.arguments(
        CertificationCreateSchema,
        example={
            "tier": "innovative_sme",
            "year": 2023,
            "certified_on": "2023-06-30",
            "document_no": "豫工信企业〔2023〕45号",
        },
    )
    @blp.response(201, CertificationSchema)
    @blp.problem_response(404, "No such enterprise")
    @blp.problem_response(409, "A duplicate, a missing lower tier, or the revocation bar")
    def post(self, data, enterprise):
        """Record a certification (a bureau: of an enterprise in its districts)"""
        cert = certifications.certify(current_actor(), enterprise, data)
        location = url_for(".EnterpriseCertifications", credit_code=enterprise.credit_code)
        return cert, 201, {"Location": location}


@blp.route(f"/certifications/<{ID_CONVERTER}:cert_id>/revoke")
class Revocation(MethodView):
    @blp.access("bureau", "admin")
    @blp.loads(cert=certifications.revocable)
    @blp.arguments(RevocationSchema, example={"reason": "重大安全事故", "revoked_on": "2024-05-10"})
    @blp.response(200, CertificationSchema)
    @blp.problem_response(404, "No such certification")
    @blp.problem_response(409, "Already revoked")
    def post(self, data, cert):
        """Revoke a certification; the three-year bar on its ladder starts that day"""
        return certifications.revoke(
            current_actor(), cert, reason=data["reason"], revoked_on=data["revoked_on"]
        )
