"""Configuration: every setting's type and default, here; each read from `REGISTRY_<NAME>`."""

import typing

from flask import Flask

API_PREFIX = "/api/v1"


class Config:
    """The settings an operator may change, read once when the app is created."""

    # None: a SQLite file in the app's instance folder.
    DATABASE_URL: str | None = None
    SEEDS_DIR: str | None = None  # None: the project's seeds/
    TIMEZONE: str = "Asia/Shanghai"  # the calendar day "today" means
    SQLITE_BUSY_TIMEOUT_MS: int = 10_000
    MAX_UPLOAD_BYTES: int = 16 * 1024 * 1024
    IMPORT_MAX_ROWS: int = 200_000
    # An active title this close to its end is `expiring` (due for its 复核 renewal).
    EXPIRING_WINDOW_DAYS: int = 180
    # Proxies in front whose X-Forwarded-For/-Proto are believed (ProxyFix): 1 behind the nginx
    # of `make run` and production; 0 when clients reach gunicorn directly.
    TRUSTED_PROXIES: int = 0
    # Requests per token (per address without one); flask-limiter syntax, ";" between limits.
    RATE_LIMIT_ENABLED: bool = True
    RATE_LIMIT: str = "1200 per minute;60 per second"
    # Where the limits are counted: one Redis for every worker and host (`make run` starts one
    # on a private socket and sets this). Unreachable, the limits fail open (registry.web.limits).
    RATE_LIMIT_STORAGE: str = "redis://127.0.0.1:6379/0"
    # Requests without a valid token, per client address: made-up tokens are limited too.
    AUTH_FAILURE_LIMIT: str = "30 per minute"
    # People: passwords older than this must be changed first (0: never); a one-time password
    # (an account made or reset) is good this long; a session ends idle this long, or this old;
    # this many failed sign-ins of a login within the window lock it for the lock's time.
    PASSWORD_MAX_AGE_DAYS: int = 90
    ONE_TIME_PASSWORD_HOURS: int = 72
    SESSION_IDLE_MINUTES: int = 30
    SESSION_MAX_HOURS: int = 12
    SIGN_IN_MAX_FAILURES: int = 5
    SIGN_IN_WINDOW_MINUTES: int = 15
    SIGN_IN_LOCK_MINUTES: int = 15
    # Repeated polls of an aggregate answered in front of the app (registry.web.polls); off:
    # every poll goes through the app (what the bench compares it with).
    ANSWER_POLLS_IN_FRONT: bool = True
    # `registry backup FOLDER` keeps the newest backup of each of this many days, ISO weeks and
    # months that have one (grandfather-father-son); the newest of all always.
    BACKUP_KEEP_DAILY: int = 7
    BACKUP_KEEP_WEEKLY: int = 4
    BACKUP_KEEP_MONTHLY: int = 12
    # Where pg_dump and pg_restore are (empty: the PATH); their major version must be the
    # server's or newer (Debian: /usr/lib/postgresql/<major>/bin).
    BACKUP_PG_BINDIR: str = ""


class TestConfig:
    """Overrides for tests, which pass DATABASE_URL explicitly (a real database per test)."""

    TESTING = True
    PROPAGATE_EXCEPTIONS = False
    RATELIMIT_ENABLED = False  # one test turns it on with a small limit


def configure(app: Flask, overrides: dict | None = None) -> None:
    """Defaults, then the environment (`REGISTRY_*`), typed; then the libraries' own keys derived
    from them; `overrides` last (tests)."""
    app.config.from_object(Config)
    app.config.from_prefixed_env("REGISTRY")
    for name, kind in typing.get_type_hints(Config).items():
        app.config[name] = _typed(app.config[name], kind, name)
    config = app.config
    config.update(
        API_PREFIX=API_PREFIX,
        MAX_CONTENT_LENGTH=config["MAX_UPLOAD_BYTES"],
        RATELIMIT_ENABLED=config["RATE_LIMIT_ENABLED"],
        RATELIMIT_DEFAULT=config["RATE_LIMIT"],
        RATELIMIT_STORAGE_URI=config["RATE_LIMIT_STORAGE"],
        RATELIMIT_KEY_PREFIX="registry",  # a Redis may count for more than one service
        # No X-RateLimit-* headers on every answer (they cost more than the check); a 429
        # carries Retry-After (registry.web.limits).
        RATELIMIT_HEADERS_ENABLED=False,
        # flask-smorest
        API_TITLE="Enterprise Cultivation Registry",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/vendor/swagger-ui/",  # local assets (registry.pages), no CDN
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None, "deepLinking": True},
    )
    config.update(overrides or {})


def _typed(value, kind, name: str):
    """An environment value (Flask parses it as JSON where it can) as the setting's type."""
    if value is None or isinstance(value, kind if isinstance(kind, type) else ()):
        return value
    if kind is bool:
        if str(value).strip().lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).strip().lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"REGISTRY_{name} must be true or false, not {value!r}")
    if kind is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"REGISTRY_{name} must be a whole number, not {value!r}") from None
    return str(value)
