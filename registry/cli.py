"""The `registry` command: the app's Flask CLI with the registry's own commands."""

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from registry.db import database
from registry.models import MODELS
from registry.services import catalog, tokens
from registry.services.errors import DomainError


def main():
    from registry import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="Enterprise Cultivation Registry.")
    cli(prog_name="registry")


def _fail(exc: DomainError):
    raise click.ClickException(exc.detail)


def init_db() -> dict[str, int]:
    """Create missing tables and (re)load the seeds; never drops or duplicates anything."""
    with database.connection_context():
        database.create_tables(MODELS, safe=True)
        return catalog.load_seeds(current_app.config.get("SEEDS_DIR"))


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database and load the seeds (safe to repeat)."""
    try:
        counts = init_db()
    except DomainError as exc:
        _fail(exc)
    click.echo(
        f"Database ready at {current_app.config['DATABASE_URL']}: "
        + ", ".join(f"{n} {what}" for what, n in counts.items())
    )


@click.command("create-token")
@with_appcontext
@click.option(
    "--role", required=True, type=click.Choice(tokens.ROLES), help="What the token may do."
)
@click.option("--name", required=True, help="Who holds it (shown in the audit trail).")
@click.option("--district", "districts", multiple=True, help="A bureau's district (repeat).")
@click.option("--credit-code", help="The enterprise an enterprise token reads.")
def create_token_command(role, name, districts, credit_code):
    """Create a token; its secret is printed once, alone on the last line."""
    try:
        with database.connection_context():
            token, secret = tokens.create_token(
                role, name, districts=list(districts), credit_code=credit_code
            )
    except DomainError as exc:
        _fail(exc)
    scope = ", ".join(token.districts) or token.credit_code or "city-wide"
    click.echo(f"Created token {token.id} ({token.role}, {token.name}; scope: {scope}).", err=True)
    click.echo("Keep the secret below: it is not stored and will not be shown again.", err=True)
    click.echo(secret)


@click.command("revoke-token")
@with_appcontext
@click.argument("token_id", type=int)
def revoke_token_command(token_id):
    """Revoke the token with this id (see `registry list-tokens`)."""
    try:
        with database.connection_context():
            token = tokens.revoke_token(token_id)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Token {token.id} ({token.name}) revoked at {token.revoked_at:%Y-%m-%d %H:%M} UTC.")


@click.command("list-tokens")
@with_appcontext
def list_tokens_command():
    """Tokens with their role, scope and state (never their secret)."""
    with database.connection_context():
        for token in tokens.list_tokens():
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            scope = ",".join(token.districts) or token.credit_code or "-"
            click.echo(f"{token.id}\t{token.role}\t{token.name}\t{scope}\t{state}")


def register_commands(app):
    for command in (
        init_db_command,
        create_token_command,
        revoke_token_command,
        list_tokens_command,
        demo_data_command,
    ):
        app.cli.add_command(command)


@click.command("demo-data")
@with_appcontext
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

    with (
        database.connection_context(),
        click.progressbar(
            length=count, label="Generating enterprises", file=click.get_text_stream("stderr")
        ) as bar,
    ):
        written = demo.generate(count, seed=seed, on_progress=bar.update)
    click.echo(
        f"Added {written['enterprises']} enterprises, {written['certifications']} certifications."
    )
