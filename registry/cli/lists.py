"""Published lists in and certifications out: `registry import` and `registry export`."""

import sys

import click
from flask import current_app

from registry.cli.base import cli_language, registry_command
from registry.messages import localized
from registry.services import catalog
from registry.services.errors import ImportRejected
from registry.services.scope import CLI_ACTOR


def _report_import(result: dict) -> None:
    """Every row the clerk must look at: errors, unresolved names, conflicts, warnings."""
    for error in result["errors"][:200]:
        if error["row"] is None:  # the list as a whole: the message names what it is about
            click.echo(f"list: {error['message']}", err=True)
            continue
        column = error.get("column") or error["field"]
        click.echo(f"{_where(error)}: {column}: {error['message']}", err=True)
    if len(result["errors"]) > 200:
        click.echo(f"… and {len(result['errors']) - 200} more", err=True)
    for entry in result["unresolved"]:
        where = _where(entry)
        click.echo(f"unresolved, {where}: {entry['name']}: {entry['reason']}", err=True)
        for candidate in entry["candidates"]:
            click.echo(
                f"    {candidate['credit_code']}  {candidate['name']}  ({candidate['district']}, "
                f"similarity {candidate['score']})",
                err=True,
            )
    for conflict in result["conflicts"]:
        click.echo(
            f"conflict, {_where(conflict)}: {conflict['field']} is "
            f"{conflict['stored']!r}, the list says {conflict['given']!r}",
            err=True,
        )
    for warning in result["warnings"]:
        where = _where(warning) if warning["row"] is not None else _sheet(warning) + "list"
        click.echo(f"warning, {where}: {warning['message']}", err=True)


def _where(entry: dict) -> str:
    """An entry's row as the file shows it: its sheet in a workbook of several, its page and
    its row on that page in a PDF."""
    where = f"{_sheet(entry)}row {entry['row']}"
    if entry.get("page"):
        where += f" (page {entry['page']}, row {entry['page_row']})"
    return where


def _sheet(entry: dict) -> str:
    """The sheet an entry names, in a workbook of several lists."""
    return f"sheet {entry['sheet']}, " if entry.get("sheet") else ""


def _report_sheets(result: dict, dry_run: bool) -> None:
    """A line for each sheet of a workbook of several: its list, or why it was set aside."""
    if len(result.get("sheets") or []) < 2:
        return
    for sheet in result["sheets"]:
        if sheet["skipped"]:
            click.echo(f"sheet {sheet['name']}: skipped: {sheet['skipped']['message']}")
            continue
        counts, facts = sheet["counts"], sheet["list"]["facts"]
        kind = "renewal list" if facts["renewal"]["value"] else "list"
        click.echo(
            f"sheet {sheet['name']}: {counts['rows']} rows, {facts['tier']['value']} {kind} "
            f"«{sheet['title'] or ''}»: {'would create' if dry_run else 'created'} "
            f"{counts['created_certifications']} certifications, {counts['unchanged']} unchanged"
        )


PROPOSED = {"publicize": "publicized", "review": "reviewed", "apply": "applied"}


def _summary(result: dict, dry_run: bool) -> str:
    action = result["list"]["action"]["value"]
    if action == "revoke":
        done = f"{'would revoke' if dry_run else 'revoked'} {result['revoked']} titles"
    elif action in PROPOSED:
        stage = result["list"]["stage"]["value"]
        done = (
            f"{'would move' if dry_run else 'moved'} {result[PROPOSED[action]]} applications "
            f"to {stage}, no title granted"
        )
    else:
        done = (
            f"{'would create' if dry_run else 'created'} {result['created_enterprises']} "
            f"enterprises and {result['created_certifications']} certifications"
        )
    return (
        f"{result['rows']} rows: {done}; {result['unchanged']} unchanged, "
        f"{result['matched_by_name']} matched by name, {result['resolved']} resolved, "
        f"{len(result['skipped'])} skipped, {len(result['conflicts'])} conflicts, "
        f"{len(result['warnings'])} warnings."
    )


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
    type=click.Choice(["certify", "revoke", "publicize", "review", "apply"]),
    help="What the list is (default: by its title): certify a final list, revoke (撤销/取消), "
    "publicize (拟认定/公示), review (拟推荐), apply (a county's 申报/推荐 sheet).",
)
@click.option(
    "--stage",
    type=click.Choice(["candidate", "applied", "recommended", "reviewed", "publicized"]),
    help="With --action apply: the stage of the sheet's applications (default: applied).",
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
@click.option(
    "--sheet",
    "sheets",
    multiple=True,
    help="Load only this sheet of a workbook, by name or 1-based position (repeat); "
    "by default every sheet that holds a list.",
)
def import_command(path, dry_run, resolve, skip_unresolved, districts, sheets, **given):
    """Load a published list as it is (CSV in UTF-8 or GBK, XLSX, or JSON): all or nothing.
    A workbook's sheets that hold lists all load, each with the facts of its own title."""
    import os

    from registry.services import imports

    unknown = sorted(set(districts) - catalog.district_codes()) if districts else []
    if unknown:
        raise click.BadParameter(f"unknown district {unknown[0]}", param_hint="--district")
    options = imports.ImportOptions(
        dry_run=dry_run,
        skip_unresolved=skip_unresolved,
        only_districts=frozenset(districts) if districts else None,
        sheets=tuple(sheets),
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
                on_progress=progress,
            ).answer()
        except ImportRejected as exc:
            _report_import(localized(exc.result, cli_language()))
            raise click.ClickException(exc.message.text(cli_language())) from exc
    result = localized(result, cli_language())
    _report_import(result)
    _report_sheets(result, dry_run)
    _report_applications(result)
    click.echo(_summary(result, dry_run))


def _report_applications(result: dict) -> None:
    """A final list's applications: closed as certified, and those it left out."""
    if result["certified_applications"]:
        click.echo(f"{result['certified_applications']} applications closed as certified")
    for left in result["not_on_final_list"]:
        click.echo(
            f"not on the final list: {left['credit_code']} {left['name']} ({left['district']}), "
            f"{left['tier']} {left['year']} {left['batch'] or ''}".rstrip()
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
