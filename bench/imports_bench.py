"""Import speed and memory: a 100k-row published list, end to end, next to per-row inserts.

- over HTTP: POST /api/v1/imports to nginx and gunicorn (as `make run` serves), the list
  streamed from disk, timed to the answer;
- the CLI (`registry import`) on 10k and 100k rows: time and peak memory of the process, to
  show memory is bounded (not proportional to the file);
- per-row inserts, the baseline: each row registered and certified through the services in a
  transaction of its own (what a loop over the API would do), on a sample of rows.
"""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from make_list import write_list

ROWS, SMALL, LARGEST, PER_ROW_SAMPLE = 100_000, 10_000, 200_000, 2_000


_MEASURED = """
import resource, sys
from registry.cli import main
sys.argv = ["registry", "import", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    if exit.code:
        raise
peak = [resource.getrusage(who).ru_maxrss // 1024 for who in (resource.RUSAGE_SELF,
        resource.RUSAGE_CHILDREN)]
print(*peak, file=sys.stderr)
"""


def _cli_import(root: Path, env: dict, path: Path, *flags: str) -> tuple[float, str]:
    """(seconds, peak RSS in MB) of `registry import` in a process of its own, and of the child
    that decides a large list's rows (imports/pipeline.py), if there was one."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(path), *flags],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    mine, child = map(int, done.stderr.strip().splitlines()[-1].split())
    return seconds, f"{mine} MB" + (f" (+ child {child} MB)" if child else "")


def _fresh(run, work: Path, name: str) -> Path:
    database = work / f"{name}.db"
    for old in work.glob(f"{name}.db*"):
        old.unlink()
    run(database, "init-db")
    return database


# The import's own rows, as it writes them: its firms, their titles, one audit event a row.
_WRITTEN = {
    "enterprise": "SELECT * FROM enterprise",
    "certification": "SELECT * FROM certification",
    "event": "SELECT * FROM event WHERE action = 'import.row'",
}


def _database_alone(imported: Path, empty: Path) -> float:
    """Seconds SQLite alone takes to write what the import wrote (its firms, certifications and
    audit events, with their indexes), into an empty registry (`empty`, made by init-db) in one
    transaction, as the import's writer does (executemany, on a connection the app opens, its
    pragmas), with no other work: the floor under any import of the list on this machine with
    this schema."""
    from registry.db import open_database

    with sqlite3.connect(imported) as source:
        tables = {name: source.execute(sql).fetchall() for name, sql in _WRITTEN.items()}
    database = open_database(f"sqlite:///{empty}")
    target = database.connection()
    try:
        started = time.perf_counter()
        target.execute("BEGIN IMMEDIATE")
        for name, rows in tables.items():
            marks = ", ".join("?" * len(rows[0]))
            target.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        target.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        database.close()


def _per_row(root: Path, database: Path, path: Path, rows: int) -> float:
    """Seconds for `rows` rows inserted one by one through the services (the baseline)."""
    code = f"""
import itertools, sys, time
sys.path.insert(0, {str(root)!r})
from registry import create_app
from registry.services import certifications, enterprises, imports
from registry.services.scope import CLI_ACTOR
app = create_app({{"DATABASE_URL": "sqlite:///{database}"}})
with app.app_context(), open({str(path)!r}, "rb") as file:
    upload = imports.Upload(imports.spool(file), {str(path)!r})
    spooled = imports.read_list(upload).rows
    rows = list(itertools.islice(spooled.rows(), {rows}))
    started = time.perf_counter()
    for row in rows:
        firm = enterprises.register(CLI_ACTOR, {{k: getattr(row, k) for k in ("credit_code",
                                                 "name", "district")}})
        certifications.certify(CLI_ACTOR, firm, {{k: getattr(row, k) for k in ("tier", "year",
                                                 "certified_on", "document_no")}})
    print(time.perf_counter() - started)
"""
    output = subprocess.run(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, check=True
    ).stdout
    return float(output.strip().splitlines()[-1])


def measure_imports(work: Path, root: Path, run, serve, get, log, env_for) -> dict:
    big, small, largest = work / "list-100k.csv", work / "list-10k.csv", work / "list-200k.csv"
    for path, rows, seed in ((big, ROWS, 7), (small, SMALL, 8), (largest, LARGEST, 9)):
        if not path.exists():
            write_list(path, rows, seed=seed)
    result = {"bytes": big.stat().st_size}

    log(f"imports: POST /imports with {ROWS} rows")
    database = _fresh(run, work, "import-http")
    admin = run(database, "create-token", "--role", "admin", "--name", "bench").split()[-1]
    server = serve(database)
    try:
        with open(big, "rb") as body:
            started = time.perf_counter()
            status, _, answer = get(
                f"{server.base}/api/v1/imports",
                {
                    "Authorization": f"Bearer {admin}",
                    "Content-Type": "text/csv",
                    "Content-Length": str(result["bytes"]),
                },
                body,
            )
            result["http_s"] = time.perf_counter() - started
        assert status == 200, answer[:500]
        result["http_answer"] = answer.decode()[:200]
    finally:
        server.stop()
    log("imports: the same rows written by SQLite alone (the floor)")
    empty = _fresh(run, work, "import-database-alone")
    # In a process of its own: the rows held would raise the peak memory (which a process
    # passes on to the processes it starts) of every `registry import` measured after it.
    alone = [sys.executable, __file__, "database-alone", str(database), str(empty)]
    result["database_s"] = float(subprocess.run(alone, capture_output=True, check=True).stdout)

    log(f"imports: registry import, {SMALL} and {ROWS} rows (time, peak memory)")
    result["cli_small_s"], result["cli_small_mb"] = _cli_import(
        root, env_for(_fresh(run, work, "import-cli-small")), small
    )
    cli = _fresh(run, work, "import-cli")
    result["cli_s"], result["cli_mb"] = _cli_import(root, env_for(cli), big)
    result["again_s"], _ = _cli_import(root, env_for(cli), big)  # all unchanged
    log(f"imports: registry import, {LARGEST} rows (the most a list may have)")
    largest_db = env_for(_fresh(run, work, "import-cli-largest"))
    result["largest_s"], result["largest_mb"] = _cli_import(root, largest_db, largest)
    log(f"imports: registry import --dry-run, {SMALL} and {ROWS} rows")
    dry = env_for(_fresh(run, work, "import-cli-dry"))
    result["dry_small_s"], result["dry_small_mb"] = _cli_import(root, dry, small, "--dry-run")
    result["dry_s"], result["dry_mb"] = _cli_import(root, dry, big, "--dry-run")

    log(f"imports: per-row inserts, {PER_ROW_SAMPLE} rows")
    seconds = _per_row(root, _fresh(run, work, "import-per-row"), big, PER_ROW_SAMPLE)
    result["per_row_rate"] = PER_ROW_SAMPLE / seconds
    return result


def lines(result: dict) -> list[str]:
    rate = ROWS / result["http_s"]
    return [
        "",
        f"## Imports ({ROWS:,}-row published list, {result['bytes'] / 1e6:.1f} MB, GB18030, "
        "Chinese headers)",
        "",
        "| how | rows | seconds | rows/s | peak memory |",
        "|---|---:|---:|---:|---:|",
        f"| POST /api/v1/imports over HTTP (nginx, gunicorn) | {ROWS:,} | {result['http_s']:.1f} "
        f"| {rate:,.0f} | (in the worker) |",
        f"| `registry import` | {SMALL:,} | {result['cli_small_s']:.1f} "
        f"| {SMALL / result['cli_small_s']:,.0f} | {result['cli_small_mb']} |",
        f"| `registry import` | {ROWS:,} | {result['cli_s']:.1f} | {ROWS / result['cli_s']:,.0f} "
        f"| {result['cli_mb']} |",
        f"| `registry import` | {LARGEST:,} | {result['largest_s']:.1f} "
        f"| {LARGEST / result['largest_s']:,.0f} | {result['largest_mb']} |",
        f"| `registry import`, the same list again (all unchanged) | {ROWS:,} "
        f"| {result['again_s']:.1f} | {ROWS / result['again_s']:,.0f} | |",
        f"| `registry import --dry-run` | {SMALL:,} | {result['dry_small_s']:.1f} "
        f"| {SMALL / result['dry_small_s']:,.0f} | {result['dry_small_mb']} |",
        f"| `registry import --dry-run` | {ROWS:,} | {result['dry_s']:.1f} "
        f"| {ROWS / result['dry_s']:,.0f} | {result['dry_mb']} |",
        "| SQLite alone: the rows the import wrote (firms, certifications, audit events), "
        f"one transaction, no other work | {ROWS:,} | {result['database_s']:.1f} "
        f"| {ROWS / result['database_s']:,.0f} | |",
        f"| per-row inserts through the services (baseline, {PER_ROW_SAMPLE:,}-row sample) "
        f"| {PER_ROW_SAMPLE:,} | | {result['per_row_rate']:,.0f} | |",
        "",
        f"- Goal: {ROWS:,} rows in ≤ 5 s end to end: "
        f"{result['http_s']:.1f} s over HTTP ({'met' if result['http_s'] <= 5 else 'not met'}), "
        f"{result['cli_s']:.1f} s with the CLI; "
        f"{rate / result['per_row_rate']:.0f}× the per-row rate "
        f"(per-row inserts would take about {ROWS / result['per_row_rate']:.0f} s). "
        f"SQLite alone takes {result['database_s']:.1f} s to write the same rows with their "
        f"indexes: the import over HTTP is {result['http_s'] / result['database_s']:.2f}× that.",
        f"- Memory: peak {result['cli_small_mb']} for {SMALL:,} rows, {result['cli_mb']} for "
        f"{ROWS:,} and {result['largest_mb']} for {LARGEST:,} ({result['dry_small_mb']} and "
        f"{result['dry_mb']} dry); the file is streamed, SQLite's page cache is capped at 64 MB "
        "(a child's memory is mostly its parent's pages, shared: the two are not to be added).",
    ]


if __name__ == "__main__" and sys.argv[1:2] == ["database-alone"]:
    print(_database_alone(Path(sys.argv[2]), Path(sys.argv[3])))
