"""The one way to make a test app: TestConfig's settings on a database of the test's own, and
the `registry` command run in-process against it."""

from pathlib import Path

from flask import Flask

from registry import create_app
from registry.cli import init_db
from registry.config import TestConfig
from tests.support.databases import fresh_url


def settings(database_url: str, **overrides) -> dict:
    """TestConfig's settings on `database_url`, with `overrides` (settings by name)."""
    config = {k: v for k, v in vars(TestConfig).items() if k.isupper()}
    return {**config, "DATABASE_URL": database_url, **overrides}


def make_app(
    database: Path | str, *, name: str = "registry", init: bool = True, **overrides
) -> Flask:
    """An app of TestConfig with `overrides`. `database` is a folder (a new database called
    `name` made in it, on the engine under test) or a database URL, used as it is; with `init`
    (the default) the schema and the seeds are loaded first, as `registry init-db` does."""
    url = database if isinstance(database, str) else fresh_url(database, name)
    app = create_app(settings(url, **overrides))
    if init:
        with app.app_context():
            init_db()
    return app


def invoke(app: Flask, *args: str):
    """`registry ARGS` in-process; `result.output` has stdout and stderr, as a terminal shows."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))
