"""The audit trail for a security team's log store: `registry events export`."""

import datetime as dt

import click
from flask.cli import with_appcontext

from registry.cli.base import COMMANDS
from registry.db import database


class Moment(click.ParamType):
    """A date (its midnight, UTC) or an ISO 8601 moment (UTC unless it carries an offset)."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date (2026-01-31) nor an ISO 8601 moment", param, ctx)


@click.group("events")
def events_group():
    """The audit trail (never pruned by the registry)."""


@events_group.command("export")
@click.option("--since", type=Moment(), required=True, help="From this date or moment (UTC).")
@click.option("--until", type=Moment(), help="Before this date or moment (UTC).")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="Write here instead of standard output.",
)
@with_appcontext
def export_command(since, until, fmt, output):
    """Every audit event since DATE, oldest first, one JSON object a line: id, at (ISO 8601,
    UTC), action, subject, credit_code, district, actor, actor_role, actor_login, request_id,
    data. Read in batches: any size of trail streams."""
    from registry.services import audit_export

    with database.connection_context():
        written = 0
        for line in audit_export.json_lines(audit_export.records(since, until)):
            output.write(line)
            written += 1
    click.echo(f"Exported {written} events.", err=True)


COMMANDS.append(events_group)
