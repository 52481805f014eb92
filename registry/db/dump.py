"""PostgreSQL backups: `pg_dump -Fc` of one moment with the row counts of that moment, a dump's
own row counts read back with `pg_restore`, and `pg_restore` into an empty database.

The client programs are Debian's postgresql-client (`pg_dump`, `pg_restore` on the PATH, or in
the folder `REGISTRY_BACKUP_PG_BINDIR` names): their major version must be at least the
server's. The password goes to them in the environment, never on the command line.
"""

import os
import re
import subprocess
from pathlib import Path

from registry.db.backup import COUNTED, BackupRefused
from registry.db.connection import database

PG_DUMP_HEADER = b"PGDMP"
_COPY = re.compile(r"^COPY (?:\S+\.)?\"?(\w+)\"? \(")


def _environment() -> dict[str, str]:
    """libpq's variables for the configured database (as peewee connects to it)."""
    params = {**database.obj.connect_params, "dbname": database.obj.database}
    names = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
        "sslmode": "PGSSLMODE",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[k]: str(v) for k, v in params.items() if k in names and v is not None})
    return env


def _program(name: str, bindir: str | None) -> str:
    return str(Path(bindir) / name) if bindir else name


def _run(args: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(args, env=_environment(), capture_output=True, **kwargs)
    except FileNotFoundError as exc:
        raise BackupRefused(
            f"{args[0]} not found: install postgresql-client (or set REGISTRY_BACKUP_PG_BINDIR)"
        ) from exc
    if result.returncode != 0:
        error = result.stderr.decode(errors="replace").strip().splitlines()
        raise BackupRefused(f"{what} failed: {error[-1] if error else result.returncode}")
    return result


def dump_postgresql(target: Path, bindir: str | None = None) -> dict[str, int]:
    """`pg_dump -Fc` of the database into `target`; returns the row counts of COUNTED at the
    dump's moment. The counts are read in a REPEATABLE READ transaction whose snapshot
    pg_dump is given (`--snapshot`): both see the same committed state."""
    import psycopg

    params = {k: v for k, v in database.obj.connect_params.items() if v is not None}
    with psycopg.connect(dbname=database.obj.database, autocommit=True, **params) as moment:
        moment.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = moment.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = {
            table: moment.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in COUNTED
        }
        _run(
            [_program("pg_dump", bindir), "-Fc", f"--snapshot={snapshot}", "-f", str(target)],
            "pg_dump",
        )
        moment.execute("COMMIT")
    return counts


def check_dump(path: Path, bindir: str | None = None) -> dict[str, int]:
    """A dump's table of contents read (`pg_restore --list`) and the rows of COUNTED in it
    counted (`pg_restore --data-only`, one COPY line a row, streamed)."""
    _run([_program("pg_restore", bindir), "--list", str(path)], "pg_restore --list")
    args = [_program("pg_restore", bindir), "--data-only", "-f", "-"]
    args += [f"--table={table}" for table in COUNTED] + [str(path)]
    counts = dict.fromkeys(COUNTED, 0)
    with subprocess.Popen(
        args, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as reader:
        table = None
        for line in reader.stdout:
            if table is None:
                started = _COPY.match(line.decode(errors="replace"))
                table = started.group(1) if started and started.group(1) in counts else None
            elif line.rstrip(b"\n") == b"\\.":
                table = None
            else:
                counts[table] += 1
        error = reader.stderr.read().decode(errors="replace").strip().splitlines()
    if reader.returncode != 0:
        raise BackupRefused(f"pg_restore could not read {path}: {error[-1] if error else ''}")
    return counts


def restore_postgresql(path: Path, bindir: str | None = None) -> None:
    """`pg_restore` of the dump into the configured database, which the caller has found
    empty (tables it may already have, empty, are dropped and made again), in one transaction;
    owners and grants are the restoring role's."""
    _run(
        [
            _program("pg_restore", bindir),
            "--single-transaction",
            "--exit-on-error",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "-d",
            database.obj.database,
            str(path),
        ],
        "pg_restore",
    )
