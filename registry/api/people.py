"""People: signing in and out, one's own password, and the admin's accounts."""

from flask import g, request, url_for
from flask.views import MethodView
from werkzeug.http import dump_cookie

from registry import metrics
from registry.messages import localized
from registry.services.clock import now
from registry.services.people import accounts, sessions
from registry.web import credentials
from registry.web.api import Blueprint
from registry.web.auth import current_actor
from registry.web.paging import paginate
from registry.web.problems import UNAUTHORIZED_HEADERS, language, problem, spoken_in
from schemas.people import (
    OneTimePasswordSchema,
    PasswordChangeSchema,
    SessionSchema,
    SignInSchema,
    UserCreateSchema,
    UserPageArgsSchema,
    UserPageSchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("people", __name__, description="People: signing in, passwords, accounts")

PEOPLE = ("admin", "bureau", "viewer", "auditor")
NO_STORE = {"Cache-Control": "no-store"}  # answers that carry secrets are kept nowhere


def _cookie(session_id: str | None) -> str:
    """The session cookie (None: one that ends the browser's copy at once)."""
    secure = request.scheme == "https"
    return dump_cookie(
        credentials.cookie_name(secure),
        session_id or "",
        max_age=None if session_id else 0,
        path="/",
        secure=secure,
        httponly=True,
        samesite="Strict",
    )


def _session_answer(session_id: str, user, opened: sessions.OpenSession, status: int):
    body = {
        "user": accounts.shown([user])[0],
        "csrf_token": opened.csrf_token,
        "must_change_password": localized(opened.password_change_only, language()),
    }
    return body, status, {"Set-Cookie": _cookie(session_id), **NO_STORE, **spoken_in()}


def _session_digest() -> str:
    return credentials.presented(request.environ).digest  # a person's (own_account)


@blp.route("/session")
class SignIn(MethodView):
    @blp.public
    @blp.arguments(SignInSchema, example={"login": "hongqi.li", "password": "Hongqi-2026-pass"})
    @blp.response(200, SessionSchema)
    @blp.problem_response(401, "Wrong login or password (one answer for every failure)")
    @blp.problem_response(423, "Locked after failed sign-ins (see Retry-After)")
    def post(self, args):
        """Sign in: a session cookie (HttpOnly, SameSite=Strict), and the CSRF token the pages'
        writes carry back"""
        try:
            session_id, user, opened = sessions.sign_in(
                args["login"],
                args["password"],
                address=request.remote_addr,
                request_id=g.get("request_id"),
            )
        except sessions.SignInLocked as exc:
            metrics.signed_in("locked")
            wait = max(1, int((exc.until - now()).total_seconds()))
            return problem(423, exc.message, headers={"Retry-After": str(wait)})
        except sessions.SignInFailed as exc:
            metrics.signed_in("failed", locked_out=exc.locked)
            return problem(401, exc.message, headers=UNAUTHORIZED_HEADERS)
        metrics.signed_in("success")
        return _session_answer(session_id, user, opened, 200)

    @blp.access(*PEOPLE, own_account=True)
    @blp.response(204)
    def delete(self):
        """Sign out: the session ends, on every worker, and the browser forgets its cookie"""
        sessions.sign_out(_session_digest(), current_actor(), address=request.remote_addr)
        return None, 204, {"Set-Cookie": _cookie(None)}


@blp.route("/session/password")
class OwnPassword(MethodView):
    @blp.access(*PEOPLE, own_account=True)
    @blp.arguments(
        PasswordChangeSchema,
        example={"current_password": "Hongqi-2026-pass", "new_password": "Weibin-2027-pass"},
    )
    @blp.response(200, SessionSchema)
    def post(self, args):
        """Change one's own password: every session of the person ends, and a new one opens"""
        user = accounts.get(current_actor().login)
        accounts.change_password(
            current_actor(), user, args["current_password"], args["new_password"]
        )
        session_id, opened = sessions.open_session(
            user, address=request.remote_addr, request_id=g.get("request_id")
        )
        return _session_answer(session_id, user, opened, 200)


@blp.route("/users")
class Users(MethodView):
    @blp.access("admin")
    @blp.arguments(UserPageArgsSchema, location="query")
    @blp.response(200, UserPageSchema)
    def get(self, args):
        """People's accounts, by login"""
        page = paginate(accounts.everyone(), args["page"], args["page_size"])
        page["items"] = accounts.shown(page["items"])
        return page

    @blp.access("admin")
    @blp.arguments(
        UserCreateSchema,
        example={"login": "hongqi.li", "name": "李红旗", "role": "bureau", "districts": ["410702"]},
    )
    @blp.response(201, OneTimePasswordSchema)
    @blp.problem_response(409, "The login is taken")
    def post(self, args):
        """Create an account; its one-time password is shown in this answer only"""
        user, secret = accounts.create(
            current_actor(), args["login"], args["name"], args["role"], args["districts"]
        )
        location = url_for("people.User", login=user.login)
        body = {"user": accounts.shown([user])[0], "one_time_password": secret}
        return body, 201, {"Location": location, **NO_STORE}


@blp.route("/users/<string:login>")
class User(MethodView):
    @blp.access("admin")
    @blp.response(200, UserSchema)
    @blp.problem_response(404, "No such user")
    def get(self, login):
        """One account"""
        return accounts.shown([accounts.get(login)])[0]

    @blp.access("admin")
    @blp.arguments(UserUpdateSchema, example={"name": "李红旗", "disabled": True})
    @blp.response(200, UserSchema)
    @blp.problem_response(404, "No such user")
    @blp.problem_response(409, "An admin's own role or account")
    def patch(self, args, login):
        """Change name, role, districts or disabled (a change of reach ends the person's
        sessions at once)"""
        user = accounts.update(current_actor(), accounts.get(login), args)
        return accounts.shown([user])[0]


@blp.route("/users/<string:login>/password-reset")
class PasswordReset(MethodView):
    @blp.access("admin")
    @blp.response(200, OneTimePasswordSchema)
    @blp.problem_response(404, "No such user")
    def post(self, login):
        """A new one-time password, shown in this answer only; the person's sessions end"""
        user = accounts.get(login)
        secret = accounts.reset_password(current_actor(), user)
        return {"user": accounts.shown([user])[0], "one_time_password": secret}, 200, NO_STORE


@blp.route("/users/<string:login>/unlock")
class Unlock(MethodView):
    @blp.access("admin")
    @blp.response(200, UserSchema)
    @blp.problem_response(404, "No such user")
    def post(self, login):
        """Lift a lock after failed sign-ins"""
        user = accounts.get(login)
        accounts.unlock(current_actor(), user)
        return accounts.shown([user])[0]
