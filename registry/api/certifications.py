"""Certifications of an enterprise: list, record, revoke."""

from flask.views import MethodView

from registry.auth import current_actor
from registry.extensions import Blueprint
from registry.services import certifications, enterprises
from schemas.certifications import (
    CertificationCreateSchema,
    CertificationListSchema,
    CertificationSchema,
    RevocationSchema,
)

blp = Blueprint("certifications", __name__, url_prefix="/api/v1", description="Tier certifications")


@blp.route("/enterprises/<string:credit_code>/certifications")
class EnterpriseCertifications(MethodView):
    @blp.access("bureau", "admin", "enterprise")
    @blp.etag
    @blp.response(200, CertificationListSchema)
    @blp.problem_response(404, "No such enterprise")
    def get(self, credit_code):
        """The enterprise's certifications, oldest first"""
        enterprise = enterprises.get(credit_code)
        return {"items": enterprises.certifications_of(enterprise)}

    @blp.access("bureau", "admin")
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
    def post(self, data, credit_code):
        """Record a certification (a bureau: of an enterprise in its districts)"""
        enterprise = enterprises.get(credit_code)
        cert = certifications.certify(current_actor(), enterprise, data)
        location = f"/api/v1/enterprises/{enterprise.credit_code}/certifications"
        return cert, 201, {"Location": location}


@blp.route("/certifications/<int:cert_id>/revoke")
class Revocation(MethodView):
    @blp.access("bureau", "admin")
    @blp.arguments(RevocationSchema, example={"reason": "重大安全事故", "revoked_on": "2024-05-10"})
    @blp.response(200, CertificationSchema)
    @blp.problem_response(404, "No such certification")
    @blp.problem_response(409, "Already revoked")
    def post(self, data, cert_id):
        """Revoke a certification; the three-year bar on its ladder starts that day"""
        cert = certifications.get(cert_id)
        return certifications.revoke(
            current_actor(), cert, reason=data["reason"], revoked_on=data["revoked_on"]
        )
