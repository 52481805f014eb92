"""The pages people look at: the progress dashboard (a big screen), the bureau clerk's
workbench, an enterprise's status, signing in, the admin's users, the audit trail, and the
assets of the interactive API docs (`/api/v1/docs`, served by flask-smorest with our template).

The pages themselves are public and carry no data: their scripts call the API as the person
signed in (their session's cookie) or with the token the viewer gives (from the URL fragment or
a form), so no token ever reaches a server log.
Everything is served from here: the screens that show them may have no internet.
"""

from importlib.resources import files

from flask import Blueprint, Response, render_template, send_from_directory

from registry.services import clock

blp = Blueprint("pages", __name__, static_folder="static", static_url_path="/assets")

SWAGGER_UI_DIST = str(files("flask_swagger_ui") / "dist")  # Swagger UI 5, from a pip package

# Only this origin's scripts, styles and API: a page that tried to load a CDN would fail here
# the way it would on a screen without internet.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
)


def _page(template: str) -> Response:
    # The registry's time zone: the pages show every moment and "today" in it.
    html = render_template(template, time_zone=clock.zone_name())
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.get("/dashboard")
def dashboard() -> Response:
    """Progress against the plan for a screen: `/dashboard#token=…&year=2024`."""
    return _page("dashboard.html")


@blp.get("/workbench")
def workbench() -> Response:
    """A bureau clerk's page: load a published list, register, certify, correct, revoke."""
    return _page("workbench.html")


@blp.get("/status")
def status() -> Response:
    """An enterprise's own standing: its tier, certifications, expiry, next tier."""
    return _page("status.html")


@blp.get("/login")
def login() -> Response:
    """A person signs in (and chooses a new password when they must)."""
    return _page("login.html")


@blp.get("/users")
def users() -> Response:
    """The administrator's accounts page."""
    return _page("users.html")


@blp.get("/audit")
def audit() -> Response:
    """The audit trail, for the auditor and the administrator."""
    return _page("audit.html")


@blp.get("/vendor/swagger-ui/<path:filename>")
def swagger_ui_asset(filename: str) -> Response:
    """Swagger UI's scripts and styles (OPENAPI_SWAGGER_UI_URL points here)."""
    return send_from_directory(SWAGGER_UI_DIST, filename)
