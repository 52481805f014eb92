"""The `registry` command: the app's Flask CLI with the registry's own commands."""

import functools
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from registry import migrations
from registry.db import database
from registry.services import catalog, tokens
from registry.services.errors import DomainError, ImportRejected
from registry.services.scope import CLI_ACTOR

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


def _cli_option(name: str, example: str) -> str:
    """How the command line gives a fact for the whole list."""
    return f"add --{name.replace('_', '-')} {example}"


def _report_import(result: dict) -> None:
    """Every row the clerk must look at: errors, unresolved names, conflicts, warnings."""
    for error in result["errors"][:200]:
        if error["row"] is None:  # the list as a whole: the message names what it is about
            click.echo(f"list: {error['message']}", err=True)
            continue
        column = error.get("column") or error["field"]
        click.echo(f"row {error['row']}: {column}: {error['message']}", err=True)
    if len(result["errors"]) > 200:
        click.echo(f"… and {len(result['errors']) - 200} more", err=True)
    for entry in result["unresolved"]:
        click.echo(f"unresolved, row {entry['row']}: {entry['name']}: {entry['reason']}", err=True)
        for candidate in entry["candidates"]:
            click.echo(
                f"    {candidate['credit_code']}  {candidate['name']}  ({candidate['district']}, "
                f"similarity {candidate['score']})",
                err=True,
            )
    for conflict in result["conflicts"]:
        click.echo(
            f"conflict, row {conflict['row']}: {conflict['field']} is "
            f"{conflict['stored']!r}, the list says {conflict['given']!r}",
            err=True,
        )
    for warning in result["warnings"]:
        where = f"row {warning['row']}" if warning["row"] is not None else "list"
        click.echo(f"warning, {where}: {warning['message']}", err=True)


@registry_command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and count; write nothing.")
@click.option("--tier", help="类别 of the whole list: key, label or published wording.")
@click.option("--year", help="年度 of the list (default: the title's, else the announcement's).")
@click.option("--certified-on", help="公告日期: the announcement's date.")
@click.option("--document-no", help="文号 of the notice.")
@click.option("--batch", help="批次 (default: the title's).")
@click.option("--renewal/--no-renewal", default=None, help="A 复核 list (default: the title's).")
@click.option("--valid-until", help="有效期至, or the span the notice prints.")
@click.option(
    "--action",
    type=click.Choice(["certify", "revoke"]),
    help="revoke: a revocation list (default: revoke when the title says 撤销/取消).",
)
@click.option("--revoked-on", help="A revocation list's date.")
@click.option("--reason", help="A revocation list's reason (default: its title).")
@click.option(
    "--resolve",
    type=click.Path(exists=True, dir_okay=False),
    help="Names → credit codes: a CSV/XLSX of 企业名称, 统一社会信用代码 [, 县（市、区）].",
)
@click.option("--skip-unresolved", is_flag=True, help="Skip names that match no single firm.")
@click.option(
    "--district",
    "districts",
    multiple=True,
    help="Load only this district's rows (repeat); the others are skipped.",
)
def import_command(path, dry_run, resolve, skip_unresolved, districts, **given):
    """Load a published list as it is (CSV in UTF-8 or GBK, XLSX, or JSON): all or nothing."""
    import os

    from registry.services import imports

    unknown = sorted(set(districts) - catalog.district_codes()) if districts else []
    if unknown:
        raise click.BadParameter(f"unknown district {unknown[0]}", param_hint="--district")
    options = imports.ImportOptions(
        dry_run=dry_run,
        skip_unresolved=skip_unresolved,
        only_districts=frozenset(districts) if districts else None,
        max_rows=current_app.config["IMPORT_MAX_ROWS"],
        upload_limit=current_app.config["MAX_CONTENT_LENGTH"],
    )
    with (
        open(path, "rb") as file,
        _ByteProgress(file, os.path.getsize(path), "Reading") as tracked,
    ):
        upload = imports.Upload(imports.spool(tracked), path)
    resolution = None
    if resolve:
        with open(resolve, "rb") as file:
            resolution = imports.Upload(imports.spool(file), resolve)
    with click.progressbar(length=1, label="Applying", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        try:
            result = imports.run_import(
                CLI_ACTOR,
                upload,
                given={k: v for k, v in given.items() if v is not None},
                resolve=resolution,
                options=options,
                how=_cli_option,
                on_progress=progress,
            ).answer()
        except ImportRejected as exc:
            _report_import(exc.result)
            raise click.ClickException(exc.detail) from exc
    _report_import(result)
    if result["list"]["action"]["value"] == "revoke":
        done = f"{'would revoke' if dry_run else 'revoked'} {result['revoked']} titles"
    else:
        done = (
            f"{'would create' if dry_run else 'created'} {result['created_enterprises']} "
            f"enterprises and {result['created_certifications']} certifications"
        )
    click.echo(
        f"{result['rows']} rows: {done}; {result['unchanged']} unchanged, "
        f"{result['matched_by_name']} matched by name, {result['resolved']} resolved, "
        f"{len(result['skipped'])} skipped, {len(result['conflicts'])} conflicts, "
        f"{len(result['warnings'])} warnings."
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
                for chunk in exports.csv_chunks(exports.rows({}), exports.columns("en")):
                    target.write(chunk)
            finally:
                if output:
                    target.close()
        else:
            workbook = exports.write_xlsx(
                exports.rows({}, lang="zh"),
                exports.columns("zh"),
                title=exports.SHEET_TITLE["zh"],
                about={"last_event_id": last_event},
            )
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


@registry_command("verify-aggregates")
@click.option(
    "--repair", is_flag=True, help="Rebuild the tallies from the certifications after reporting."
)
def verify_aggregates_command(repair):
    """Recompute what dashboards read by scanning the certifications, and report every
    difference from the tallies (exit status 1 when there is any)."""
    from registry.services.aggregates import scan

    differences = scan.verify()
    for line in differences.rows + differences.answers:
        click.echo(line, err=True)
    if not differences:
        click.echo("The tallies agree with the certifications.")
        return
    if repair:
        scan.repair(CLI_ACTOR)
        click.echo("Tallies rebuilt from the certifications.", err=True)
    raise click.ClickException(
        f"{len(differences.rows)} tally rows and {len(differences.answers)} answers differ "
        "from a scan of the certifications"
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
