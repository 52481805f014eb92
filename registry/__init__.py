"""Enterprise Cultivation Registry: the application factory."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment's settings; `config` overrides them (tests use it)."""
    from registry import db, pages
    from registry.api import BLUEPRINTS
    from registry.config import configure
    from registry.web import auth, caching, credentials, limits, metrics, query, request_ids
    from registry.web.api import Api
    from registry.web.views import view_method

    # registry/static is served by the pages blueprint, at /assets
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    configure(app, config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'registry.db'}"
    if hops := app.config.get("TRUSTED_PROXIES"):  # the client's address as nginx saw it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    _set_the_services_rules(app.config)

    db.open_database(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )

    credentials.init_app(app)
    caching.init_app(app)
    metrics.init_app(app)  # outside the polls' answers; its hook before every other
    api = Api(app, spec_kwargs=_spec_kwargs())
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=app.config["API_PREFIX"])
    app.register_blueprint(pages.blp)  # not in the spec

    request_ids.init_app(app)
    limits.init_app(app, app.blueprints["health"], app.blueprints["api-docs"])

    @app.before_request
    def _connect():
        if not getattr(view_method(), "_without_database", False):  # /metrics says it is down
            db.database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        # The connection stays open for the worker's next request (no reconnect, no pragmas);
        # after a failure it is dropped, so the next request starts on a fresh one.
        if exc is not None:
            db.drop_connection()

    app.before_request(auth.authorize_request)
    app.before_request(query.reject_unexpected_query)

    from registry.cli import register_commands

    register_commands(app)
    return app


def _set_the_services_rules(config) -> None:
    """The rules the services follow that come from the settings: the city's day, the expiring
    window, people's passwords and sessions."""
    from registry.services import certifications, clock
    from registry.services.people import rules

    clock.use_timezone(config["TIMEZONE"])
    certifications.use_expiring_window(config["EXPIRING_WINDOW_DAYS"])
    rules.use(
        rules.Rules(**{field: config[field.upper()] for field in rules.Rules.__annotations__})
    )


SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A machine's token, from `registry create-token`",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "registry_session",
        "description": "A person's session, from POST /session (`__Host-registry_session` over "
        "HTTPS); a write also carries the session's X-CSRF-Token header",
    },
}


def _spec_kwargs() -> dict:
    return {
        "info": {
            "description": (
                "Register enterprises certified in each tier of the SME cultivation ladder "
                "(创新型中小企业, 专精特新中小企业, 专精特新“小巨人”) and the Henan 头雁 title, "
                "and measure them against the city plan's quotas. Errors are RFC 9457 "
                "problem+json. Machines authenticate with `Authorization: Bearer <token>`; people "
                "sign in (POST /session) and their browser sends the session's cookie."
            ),
        },
        "servers": [{"url": "/"}],
    }
