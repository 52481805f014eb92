"""Configuration from the environment (`REGISTRY_*`), with a subclass for tests."""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    """Settings read once when the app is created; every key can be set as `REGISTRY_<KEY>`."""

    # None means: a SQLite file in the app's instance folder.
    DATABASE_URL = os.environ.get("REGISTRY_DATABASE_URL")
    SEEDS_DIR = os.environ.get("REGISTRY_SEEDS_DIR")
    SQLITE_BUSY_TIMEOUT_MS = _int("REGISTRY_SQLITE_BUSY_TIMEOUT_MS", 10_000)
    MAX_CONTENT_LENGTH = _int("REGISTRY_MAX_UPLOAD_BYTES", 16 * 1024 * 1024)
    IMPORT_MAX_ROWS = _int("REGISTRY_IMPORT_MAX_ROWS", 200_000)
    # Proxies in front whose X-Forwarded-For/-Proto are believed (ProxyFix): 1 behind the nginx
    # of `make run` and production; 0 when clients reach gunicorn directly.
    TRUSTED_PROXIES = _int("REGISTRY_TRUSTED_PROXIES", 0)

    # Rate limits per token (per address without one); flask-limiter syntax, ";" between limits.
    # The default storage counts per process: with several workers or hosts, point it at a
    # shared store (e.g. redis://) for one count.
    RATELIMIT_ENABLED = os.environ.get("REGISTRY_RATE_LIMIT_ENABLED", "1") not in ("0", "false")
    RATELIMIT_DEFAULT = os.environ.get("REGISTRY_RATE_LIMIT", "1200 per minute;60 per second")
    RATELIMIT_STORAGE_URI = os.environ.get("REGISTRY_RATE_LIMIT_STORAGE", "memory://")
    # No X-RateLimit-* headers on every answer (they cost more than the check); a 429 carries
    # Retry-After (registry.extensions).
    RATELIMIT_HEADERS_ENABLED = False
    PAGE_SIZE_DEFAULT = 50
    PAGE_SIZE_MAX = 500

    # flask-smorest
    API_TITLE = "Enterprise Cultivation Registry"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/vendor/swagger-ui/"  # local assets (registry.pages), no CDN
    OPENAPI_SWAGGER_UI_CONFIG = {"validatorUrl": None, "deepLinking": True}  # noqa: RUF012
    JSON_SORT_KEYS = False


class TestConfig(Config):
    """Tests pass DATABASE_URL explicitly (a real SQLite file per test)."""

    TESTING = True
    PROPAGATE_EXCEPTIONS = False
    RATELIMIT_ENABLED = False  # one test turns it on with a small limit
