"""Tokens over the API: issued (one, or one for every firm of a district), listed, revoked;
and who a token is."""

from flask import Response, url_for
from flask.views import MethodView

from registry.models import Token
from registry.services import advice, enterprises, exports, tokens
from registry.services.clock import today
from registry.services.people import accounts
from registry.web.api import ID_CONVERTER, Blueprint
from registry.web.auth import current_actor, current_caller
from registry.web.paging import paginate
from schemas.tokens import (
    EnterpriseTokensSchema,
    MeSchema,
    SheetArgsSchema,
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenPageArgsSchema,
    TokenPageSchema,
    TokenSchema,
)

blp = Blueprint("tokens", __name__, description="Tokens: issuing, listing, revoking; who am I")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_STORE = {"Cache-Control": "no-store"}  # answers that carry secrets are kept nowhere


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.access("admin", "bureau")
    @blp.arguments(TokenPageArgsSchema, location="query")
    @blp.response(200, TokenPageSchema)
    def get(self, args):
        """The tokens this token manages (a bureau: its districts' enterprise tokens); never a
        secret"""
        return paginate(tokens.visible(current_actor()), args["page"], args["page_size"])

    @blp.access("admin", "bureau")
    @blp.arguments(
        TokenCreateSchema,
        example={"role": "enterprise", "name": "红旗机械", "credit_code": "91410702MA9F3K2L2U"},
    )
    @blp.response(201, TokenCreatedSchema)
    @blp.problem_response(404, "No such enterprise")
    def post(self, data):
        """Issue a token (a bureau: an enterprise token for a firm of its districts); the
        answer carries its secret, once"""
        token, secret = tokens.create_token(
            data["role"],
            data["name"],
            districts=data["districts"],
            credit_code=data["credit_code"],
            actor=current_actor(),
        )
        token.secret = secret
        location = url_for(".TokenItem", token_id=token.id)
        return token, 201, {"Location": location, **NO_STORE}


@blp.route(f"/tokens/<{ID_CONVERTER}:token_id>")
class TokenItem(MethodView):
    @blp.access("admin", "bureau")
    @blp.response(200, TokenSchema)
    @blp.problem_response(404, "No such token (among those this token manages)")
    def get(self, token_id):
        """A token this token manages; never its secret"""
        return tokens.get(current_actor(), token_id)


@blp.route(f"/tokens/<{ID_CONVERTER}:token_id>/revoke")
class TokenRevocation(MethodView):
    @blp.access("admin", "bureau")
    @blp.response(200, TokenSchema)
    @blp.problem_response(404, "No such token (among those this token manages)")
    def post(self, token_id):
        """Revoke a token at once (repeating it changes nothing)"""
        return tokens.revoke_token(token_id, actor=current_actor())


@blp.route("/tokens/enterprises")
class EnterpriseTokens(MethodView):
    @blp.access("admin", "bureau")
    @blp.arguments(SheetArgsSchema, location="query")
    @blp.arguments(EnterpriseTokensSchema, example={"district": "410702"})
    @blp.doc(  # the answer is a sheet, XLSX or CSV: documented whole, not by one schema
        responses={
            "201": {
                "description": "The firms and their new secrets (XLSX, or CSV with "
                "format=csv), shown only here; X-Tokens-Issued counts them",
                "headers": {"X-Tokens-Issued": {"schema": {"type": "integer"}}},
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for content_type in (XLSX, "text/csv")
                },
            }
        }
    )
    @blp.problem_response(404, "No such enterprise")
    def post(self, args, data):
        """An enterprise token for every firm of a district (or of the codes given) that has
        none: a sheet of code, name and secret for the bureau to hand out"""
        issued = tokens.issue_for_firms(
            current_actor(), district=data.get("district"), credit_codes=data.get("credit_codes")
        )
        records = exports.token_records(issued)
        name = f"enterprise-tokens-{today()}.{args['format']}"
        headers = {
            "X-Tokens-Issued": str(len(issued)),
            "Content-Disposition": f'attachment; filename="{name}"',
            **NO_STORE,
        }
        if args["format"] == "csv":
            body = b"".join(exports.csv_chunks(records, exports.TOKEN_COLUMNS, "zh"))
            return Response(body, status=201, mimetype="text/csv", headers=headers)
        workbook = exports.write_xlsx(
            records, exports.TOKEN_COLUMNS, title="企业令牌", about={"issued": len(issued)}
        )
        return Response(workbook.read(), status=201, mimetype=XLSX, headers=headers)


@blp.route("/me")
class Me(MethodView):
    @blp.access("admin", "bureau", "dashboard", "enterprise", "viewer", "auditor", who_am_i=True)
    @blp.response(200, MeSchema)
    def get(self):
        """Who is calling: a token (an enterprise token also gets its firm's status), or a
        signed-in person (and whether they must first choose a new password)"""
        actor = current_actor()
        if actor.login is not None:
            user = accounts.shown([accounts.get(actor.login)])[0]
            return {"user": user, "csrf_token": current_caller().csrf_token}, 200, NO_STORE
        token = Token.get_by_id(actor.token_id)
        status = None
        if actor.role == "enterprise":
            firm = enterprises.get(actor, actor.credit_code)
            status = advice.status(firm, today())
        return {"token": token, "status": status}
