"""What every `registry` command is: run in the app's context on one database connection, a
refusal one line on standard error."""

import functools

import click
from flask.cli import with_appcontext

from registry.db import database
from registry.services.errors import DomainError

COMMANDS: list[click.Command] = []


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
                raise click.ClickException(exc.detail) from exc

        command = click.command(name)(with_appcontext(run))
        COMMANDS.append(command)
        return command

    return decorator
