"""The `registry` command: the app's Flask CLI with the registry's own commands, one module a
subject (the database, published lists, tokens and people)."""

from flask.cli import FlaskGroup

from registry.cli import access, database, events, lists
from registry.cli.base import COMMANDS
from registry.cli.database import init_db

__all__ = ["access", "database", "events", "init_db", "lists", "main", "register_commands"]


def main():
    from registry import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="Enterprise Cultivation Registry.")
    cli(prog_name="registry")


def register_commands(app):
    for command in COMMANDS:
        app.cli.add_command(command)
