"""Enterprise Cultivation Registry: the application factory."""

import importlib
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from registry.config import Config


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides the environment-driven `Config` (tests use it)."""
    from registry import auth, db
    from registry.extensions import (
        Api,
        assign_request_id,
        drop_connection,
        echo_request_id,
        limiter,
        reject_unexpected_query,
    )
    from registry.services.aggregates import VersionedCache

    # registry/static is served by the pages blueprint, at /assets
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.from_object(Config)
    app.config.update(config or {})
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'registry.db'}"
    if hops := app.config.get("TRUSTED_PROXIES"):  # the client's address as nginx saw it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    db.open_database(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )

    app.extensions["registry.cache"] = VersionedCache()
    api = Api(app, spec_kwargs=_spec_kwargs())
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A token from `registry create-token`"},
    )
    for name in importlib.import_module("registry.api").MODULES:
        api.register_blueprint(importlib.import_module(f"registry.api.{name}").blp)
    app.register_blueprint(importlib.import_module("registry.pages").blp)  # not in the spec

    app.before_request(assign_request_id)
    app.after_request(echo_request_id)
    limiter.init_app(app)  # before the database and auth hooks: a flood costs no query

    @app.before_request
    def _connect():
        db.database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        # The connection stays open for the worker's next request (no reconnect, no pragmas);
        # after a failure it is dropped, so the next request starts on a fresh one.
        if exc is not None:
            drop_connection()

    app.before_request(auth.authorize_request)
    app.before_request(reject_unexpected_query)

    from registry.cli import register_commands

    register_commands(app)
    return app


def _spec_kwargs() -> dict:
    return {
        "info": {
            "description": (
                "Register enterprises certified in each tier of the SME cultivation ladder "
                "(创新型中小企业, 专精特新中小企业, 专精特新“小巨人”) and the Henan 头雁 title, "
                "and measure them against the city plan's quotas. Errors are RFC 9457 "
                "problem+json. Authenticate with `Authorization: Bearer <token>`."
            ),
        },
        "servers": [{"url": "/"}],
    }
