"""The `registry` command: the app's Flask CLI with the registry's own commands."""

import functools
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from registry import migrations
from registry.db import database
from registry.services import catalog, tokens
from registry.services.audit import CLI_ACTOR
from registry.services.errors import DomainError, ImportRejected

COMMANDS: list[click.Command] = []


def main():
    from registry import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="Enterprise Cultivation Registry.")
    cli(prog_name="registry")


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


def register_commands(app):
    for command in COMMANDS:
        app.cli.add_command(command)


def init_db() -> dict[str, int]:
    """Create or upgrade the tables, then (re)load the seeds; never drops or duplicates anything."""
    with database.connection_context():
        migrations.upgrade()
        return catalog.load_seeds(current_app.config.get("SEEDS_DIR"))


@registry_command("init-db")
def init_db_command():
    """Create or upgrade the database and load the seeds (safe to repeat)."""
    counts = init_db()
    click.echo(
        f"Database ready at {current_app.config['DATABASE_URL']}: "
        + ", ".join(f"{n} {what}" for what, n in counts.items())
    )


@registry_command("load-plan")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load_plan_command(path):
    """Validate and load a plan file (another city's or county's, the next three years');
    loading it again changes nothing."""
    migrations.upgrade()  # a plan needs the current tables
    loaded = catalog.load_plan(CLI_ACTOR, path)
    click.echo(
        f"Plan {loaded['id']} loaded: {loaded['targets']} targets, "
        f"{loaded['allocations']} district allocations."
    )


@registry_command("create-token")
@click.option(
    "--role", required=True, type=click.Choice(tokens.ROLES), help="What the token may do."
)
@click.option("--name", required=True, help="Who holds it (shown in the audit trail).")
@click.option("--district", "districts", multiple=True, help="A bureau's district (repeat).")
@click.option("--credit-code", help="The enterprise an enterprise token reads.")
def create_token_command(role, name, districts, credit_code):
    """Create a token; its secret is printed once, alone on the last line."""
    token, secret = tokens.create_token(
        role, name, districts=list(districts), credit_code=credit_code
    )
    scope = ", ".join(token.districts) or token.credit_code or "city-wide"
    click.echo(f"Created token {token.id} ({token.role}, {token.name}; scope: {scope}).", err=True)
    click.echo("Keep the secret below: it is not stored and will not be shown again.", err=True)
    click.echo(secret)


@registry_command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token_command(token_id):
    """Revoke the token with this id (see `registry list-tokens`)."""
    token = tokens.revoke_token(token_id)
    click.echo(f"Token {token.id} ({token.name}) revoked at {token.revoked_at:%Y-%m-%d %H:%M} UTC.")


@registry_command("list-tokens")
def list_tokens_command():
    """Tokens with their role, scope and state (never their secret)."""
    for token in tokens.list_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        scope = ",".join(token.districts) or token.credit_code or "-"
        click.echo(f"{token.id}\t{token.role}\t{token.name}\t{scope}\t{state}")


@registry_command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and count; write nothing.")
def import_command(path, dry_run):
    """Load a published list (CSV in UTF-8 or GBK, XLSX, or JSON), all of it or none of it."""
    import os

    from registry.services import imports, lists

    size = os.path.getsize(path)
    with open(path, "rb") as file, _ByteProgress(file, size, "Importing") as tracked:
        try:
            result = imports.run_import(
                CLI_ACTOR,
                lists.open_list(tracked, path),
                dry_run=dry_run,
                max_rows=current_app.config["IMPORT_MAX_ROWS"],
            )
        except ImportRejected as exc:
            for error in exc.result["errors"][:200]:
                click.echo(f"row {error['row']}: {error['field']}: {error['message']}", err=True)
            if len(exc.result["errors"]) > 200:
                click.echo(f"… and {len(exc.result['errors']) - 200} more", err=True)
            raise click.ClickException(exc.detail) from exc
    for conflict in result["conflicts"]:
        click.echo(
            f"conflict, row {conflict['row']}: {conflict['field']} is "
            f"{conflict['stored']!r}, the list says {conflict['given']!r}",
            err=True,
        )
    verb = "would create" if dry_run else "created"
    click.echo(
        f"{result['rows']} rows: {verb} {result['created_enterprises']} enterprises and "
        f"{result['created_certifications']} certifications; {result['unchanged']} unchanged, "
        f"{len(result['conflicts'])} conflicts."
    )


class _ByteProgress:
    """A file whose reads move a progress bar (the list is read as a stream)."""

    def __init__(self, file, size: int, label: str):
        self._file = file
        self._bar = click.progressbar(length=size, label=label, file=sys.stderr)

    def __enter__(self):
        self._bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self._bar.__exit__(*exc)

    def read(self, size=-1):
        data = self._file.read(size)
        self._bar.update(len(data))
        return data

    def readinto(self, buffer):
        n = self._file.readinto(buffer)
        self._bar.update(n or 0)
        return n

    def __getattr__(self, name):  # seek, tell, readable… for openpyxl's zip reader
        return getattr(self._file, name)


@registry_command("export")
@click.option(
    "--format", "kind", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write here (default: standard output for CSV).",
)
def export_command(kind, output):
    """Every certification with its enterprise, as CSV (with BOM) or XLSX."""
    import shutil
    import sys

    from registry.db import read_snapshot
    from registry.services import exports

    if kind == "xlsx" and not output:
        raise click.UsageError("XLSX needs -o FILE")
    with read_snapshot():
        last_event = exports.last_event_id()
        if kind == "csv":
            target = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
            try:
                for chunk in exports.csv_chunks(exports.rows({})):
                    target.write(chunk)
            finally:
                if output:
                    target.close()
        else:
            workbook = exports.write_xlsx(exports.rows({}), last_event)
            with open(output, "wb") as target:
                shutil.copyfileobj(workbook, target)
    click.echo(f"Exported through audit event {last_event}.", err=True)


@registry_command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """A consistent copy of the SQLite database, taken while the server runs."""
    from registry.db import BackupRefused, backup_sqlite

    try:
        backup_sqlite(path)
    except BackupRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {current_app.config['DATABASE_URL']} to {path}.")


@registry_command("demo-data")
@click.option(
    "--enterprises",
    "count",
    type=click.IntRange(1),
    default=1000,
    show_default=True,
    help="How many fake enterprises to add.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def demo_data_command(count, seed):
    """Add realistic fake enterprises and certifications (for trying and benchmarking)."""
    from registry.services import demo

    with click.progressbar(length=count, label="Generating enterprises", file=sys.stderr) as bar:
        written = demo.generate(count, seed=seed, on_progress=bar.update)
    click.echo(
        f"Added {written['enterprises']} enterprises, {written['certifications']} certifications."
    )
