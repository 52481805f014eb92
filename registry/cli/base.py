"""What every `registry` command is: run in the app's context on one database connection, a
refusal one line on standard error."""

import functools
import os

import click
from flask.cli import with_appcontext

from registry.db import database
from registry.messages import language_of
from registry.services.errors import DomainError

COMMANDS: list[click.Command] = []


def cli_language() -> str:
    """The language of the command's messages: Chinese in a Chinese locale (LANG=zh_CN.UTF-8),
    else English."""
    env = os.environ
    return language_of(env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG"))


def registry_command(name: str):
    """A `registry` command: run in the app's context on one database connection; a refusal
    (a domain error) is one line on standard error and exit status 1, not a traceback."""

    def decorator(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            try:
                with database.connection_context():
                    return func(*args, **kwargs)
            except DomainError as exc:
                raise click.ClickException(exc.message.text(cli_language())) from exc

        command = click.command(name)(with_appcontext(run))
        COMMANDS.append(command)
        return command

    return decorator
