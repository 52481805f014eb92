"""Who may use the registry: machines' tokens and people's accounts."""

import click

from registry.cli.base import registry_command
from registry.services import tokens
from registry.services.people import accounts
from registry.services.scope import CLI_ACTOR


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
@click.argument("token_id", type=int, required=False)
@click.option("--name", help="Instead of an id: every active token held under this name.")
def revoke_token_command(token_id, name):
    """Revoke the token with this id (see `registry list-tokens`), or with --name every active
    token held under a name (someone who left)."""
    if (token_id is None) == (name is None):
        raise click.UsageError("give a token's id or --name, not both")
    if name is not None:
        held = tokens.revoke_held_by(name)
        for token in held:
            click.echo(f"Token {token.id} ({token.name}, {token.role}) revoked.")
        click.echo(f"{len(held)} active token(s) held under {name!r} revoked.")
        return
    token = tokens.revoke_token(token_id)
    click.echo(f"Token {token.id} ({token.name}) revoked at {token.revoked_at:%Y-%m-%d %H:%M} UTC.")


@registry_command("list-tokens")
def list_tokens_command():
    """Tokens with their role, scope and state (never their secret)."""
    for token in tokens.list_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        scope = ",".join(token.districts) or token.credit_code or "-"
        click.echo(f"{token.id}\t{token.role}\t{token.name}\t{scope}\t{state}")


@registry_command("create-user")
@click.argument("login")
@click.option("--name", required=True, help="The person's name (shown in the audit trail).")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES), help="What they do.")
@click.option("--district", "districts", multiple=True, help="A clerk's district (repeat).")
def create_user_command(login, name, role, districts):
    """Create a person's account; a one-time password is printed once, alone on the last line
    (good for choosing a password at the first sign-in)."""
    user, secret = accounts.create(CLI_ACTOR, login, name, role, districts)
    click.echo(f"Created user {user.login} ({user.role}, {user.name}).")
    click.echo(
        "Hand over the one-time password below: it is not stored and will not be shown again."
    )
    click.echo(secret)


@registry_command("reset-password")
@click.argument("login")
def reset_password_command(login):
    """A new one-time password for LOGIN (printed alone on the last line); their sessions end."""
    secret = accounts.reset_password(CLI_ACTOR, accounts.get(login))
    click.echo(f"Password of {login} reset; the one-time password below is shown once.")
    click.echo(secret)


@registry_command("disable-user")
@click.argument("login")
def disable_user_command(login):
    """Disable LOGIN's account: refused at sign-in, and their sessions end at once."""
    accounts.update(CLI_ACTOR, accounts.get(login), {"disabled": True})
    click.echo(f"User {login} disabled.")


@registry_command("list-users")
def list_users_command():
    """People's accounts: login, role, districts, state (never a password)."""
    for user in accounts.shown(list(accounts.everyone())):
        state = "disabled" if user.disabled else "active"
        if user.locked_until:
            state += f", locked until {user.locked_until:%Y-%m-%d %H:%M} UTC"
        if user.must_change_password:
            state += ", must change password"
        districts = ",".join(user.districts) or "city-wide"
        click.echo(f"{user.login}\t{user.role}\t{districts}\t{user.name}\t{state}")
