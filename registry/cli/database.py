"""The database: create and upgrade it, load plans, back it up, check the tallies, fake data."""

import sys

import click
from flask import current_app

from registry import migrations
from registry.cli.base import registry_command
from registry.db import database
from registry.services import catalog
from registry.services.scope import CLI_ACTOR


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


@registry_command("verify-aggregates")
@click.option(
    "--repair",
    is_flag=True,
    help="Rebuild the tallies from the certifications and applications after reporting.",
)
def verify_aggregates_command(repair):
    """Recompute what dashboards read by scanning the certifications and the applications,
    and report every difference from the tallies (exit status 1 when there is any)."""
    from registry.services.aggregates import scan

    differences = scan.verify()
    for line in differences.rows + differences.answers:
        click.echo(line, err=True)
    if not differences:
        click.echo("The tallies agree with the certifications and the applications.")
        return
    if repair:
        scan.repair(CLI_ACTOR)
        click.echo("Tallies rebuilt from the certifications and applications.", err=True)
    raise click.ClickException(
        f"{len(differences.rows)} tally rows and {len(differences.answers)} answers differ "
        "from a scan of the certifications and applications"
    )


@registry_command("demo-data")
@click.option(
    "--enterprises",
    "count",
    type=click.IntRange(1),
    default=None,
    help="Add this many fake enterprises (for benchmarks) instead of a city mid-plan.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def demo_data_command(count, seed):
    """Add realistic fake data: a city mid-plan (the plan's quotas, lists in their months,
    renewals, revocations, the other designations and figures); or, with --enterprises N,
    N firms with their certifications (for trying and benchmarking)."""
    from registry import demo

    if count is None:
        written = demo.generate_city(seed=seed)
        click.echo(
            f"Added {written['enterprises']} enterprises, {written['certifications']} "
            f"certifications and {written['figures']} figures: a city mid-plan."
        )
        return
    with click.progressbar(length=count, label="Generating enterprises", file=sys.stderr) as bar:
        written = demo.generate(count, seed=seed, on_progress=bar.update)
    click.echo(
        f"Added {written['enterprises']} enterprises, {written['certifications']} certifications."
    )
