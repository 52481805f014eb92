"""The database: create and upgrade it, load plans, back it up and restore it, check the
tallies, fake data."""

import re
import sys
from pathlib import Path

import click
from flask import current_app

from registry import migrations
from registry.cli.base import registry_command
from registry.db import BackupRefused, database
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
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--keep-daily", type=click.IntRange(0), help="Daily backups kept in a FOLDER.")
@click.option("--keep-weekly", type=click.IntRange(0), help="Weekly backups kept in a FOLDER.")
@click.option("--keep-monthly", type=click.IntRange(0), help="Monthly backups kept in a FOLDER.")
def backup_command(target, keep_daily, keep_weekly, keep_monthly):
    """Back the database up while the server runs, check the copy, record `backup.completed`.

    TARGET a folder: a dated file in it (registry-YYYYMMDDTHHMMSSZ.sqlite3 from SQLite's online
    backup, .dump from pg_dump -Fc), then the folder's older dated backups pruned (the newest of
    each day, ISO week and month kept, as many as the options or REGISTRY_BACKUP_KEEP_* say).
    TARGET another path: that file, nothing pruned."""
    from registry.services import backups

    config = current_app.config
    keep = backups.Keep(
        daily=config["BACKUP_KEEP_DAILY"] if keep_daily is None else keep_daily,
        weekly=config["BACKUP_KEEP_WEEKLY"] if keep_weekly is None else keep_weekly,
        monthly=config["BACKUP_KEEP_MONTHLY"] if keep_monthly is None else keep_monthly,
    )
    try:
        done = backups.back_up(
            CLI_ACTOR,
            target,
            keep=keep,
            bindir=config["BACKUP_PG_BINDIR"] or None,
            say=lambda line: click.echo(line, err=True),
        )
    except BackupRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {database_name()} to {done.path} ({done.size} bytes, verified).")


@registry_command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path):
    """Restore a backup (SQLite copy or pg_dump -Fc dump) into the configured database, which
    must be empty: it refuses a database with any row. The schema is then brought up to date."""
    from registry.services import backups

    try:
        restored = backups.restore(path, bindir=current_app.config["BACKUP_PG_BINDIR"] or None)
    except BackupRefused as exc:
        raise click.ClickException(str(exc)) from exc
    rows = ", ".join(f"{n} {table}" for table, n in restored["counts"].items())
    steps = ", ".join(map(str, restored["migrations"])) or "none needed"
    click.echo(
        f"Restored {path} into {database_name()}: {rows}; "
        f"schema {restored['schema']} (migrations: {steps})."
    )


def database_name() -> str:
    """The configured database, without a password."""
    url = current_app.config["DATABASE_URL"]
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


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
