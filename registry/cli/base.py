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


# The option that gives a field a message names, where its name is not the field's.
OPTIONS = {"districts": "--district", "credit_codes": "--credit-code"}


def refusal(error: DomainError) -> str:
    """A refusal as the command says it: its message, and the options it is about."""
    fields = getattr(error, "fields", None) or {}
    options = [OPTIONS.get(name, "--" + name.replace("_", "-")) for name in fields]
    text = error.message.text(cli_language())
    return f"{text} ({', '.join(options)})" if options else text


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
                raise click.ClickException(refusal(exc)) from exc

        command = click.command(name)(with_appcontext(run))
        COMMANDS.append(command)
        return command

    return decorator
