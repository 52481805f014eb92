"""`make bench`: dashboard polling against a bare Flask route, in one run, at several sizes.

Measures, with wrk against what `make run` serves (deploy/serve.py: nginx in front of gunicorn,
the same settings for every server):
  (a) a bare Flask route: the baseline;
  (b) GET /plans/{id}/progress answered 200;
  (c) the same poll answered 304 (If-None-Match);
  (d) the first progress poll after a write (the cache must be recomputed);
  (e) the raw sqlite3 GROUP BY queries that give the same numbers: the floor;
at each registry size (demo data), and writes bench/RESULTS.md with the ratios.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK = ROOT / "bench" / "work"
SERVE = ROOT / "deploy" / "serve.py"
PLAN, YEAR = "xinxiang-2023-2025", 2025
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from imports_bench import lines as import_lines  # noqa: E402
from imports_bench import measure_imports  # noqa: E402

from schemas.credit_code import CHARSET, check_character  # noqa: E402


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def env_for(database: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    # The rate limiter stays in the path, with a limit the load cannot reach.
    return {
        **env,
        "REGISTRY_DATABASE_URL": f"sqlite:///{database}",
        "REGISTRY_RATE_LIMIT": "10000000 per second",
        **extra,
    }


def registry(database: Path, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "registry"), *args],
        cwd=ROOT,
        env=env_for(database),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return result.stdout


def prepare(size: int, seed: int) -> Path:
    """A registry of `size` demo enterprises: made once, then copied fresh for each run."""
    WORK.mkdir(parents=True, exist_ok=True)
    base = WORK / f"base-{size}-{seed}.db"
    if not base.exists():
        log(f"generating {size} enterprises (kept in {base.relative_to(ROOT)} for later runs)")
        partial = base.with_suffix(".partial")
        for stale in WORK.glob(partial.name + "*"):
            stale.unlink()
        registry(partial, "init-db")
        started = time.perf_counter()
        registry(partial, "demo-data", "--enterprises", str(size), "--seed", str(seed))
        log(f"demo-data --enterprises {size}: {time.perf_counter() - started:.1f} s")
        sqlite3.connect(partial).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
        partial.rename(base)
    run_copy = WORK / f"run-{size}.db"
    for old in WORK.glob(f"run-{size}.db*"):
        old.unlink()
    shutil.copyfile(base, run_copy)
    registry(run_copy, "init-db")  # a base made by an older release is upgraded in place
    return run_copy


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict | None = None, data: bytes | None = None):
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Server:
    """What `make run` serves (nginx in front of gunicorn), for `app`, on a free port."""

    def __init__(self, app: str, database: Path, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = env_for(
            database,
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY=str(workers),
            GUNICORN_ACCESSLOG="/dev/null",
        )
        self.log = open(WORK / f"serve-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "python"), str(SERVE), "--app", app],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(self.base + path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"bench: server did not start; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def wrk(url: str, headers: dict, seconds: int, connections: int) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(ROOT / "bench" / "report.lua"),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], stdout=subprocess.PIPE, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    if result["socket_errors"] or result["status_errors"]:
        log(f"wrk reported errors on {url}: {result}")
    return result


def new_code(rng: random.Random) -> str:
    body = "91410702MA" + "".join(rng.choices(CHARSET, k=7))
    return body + check_character(body)


def raw_group_by(database: Path, day: dt.date) -> dict:
    """The same numbers as progress for YEAR, straight from sqlite3: the floor."""
    year_end = min(day, dt.date(YEAR, 12, 31)).isoformat()
    connection = sqlite3.connect(database)
    annual = dict(
        connection.execute(
            "SELECT tier, COUNT(*) FROM certification WHERE year = ? AND renewal = 0 "
            "AND certified_on <= ? AND (revoked_on IS NULL OR revoked_on > ?) GROUP BY tier",
            (YEAR, day.isoformat(), day.isoformat()),
        ).fetchall()
    )
    goose = connection.execute(
        "SELECT COUNT(DISTINCT enterprise_id) FROM certification WHERE tier IN "
        "(SELECT key FROM tier WHERE ladder = 'head_goose' AND rank >= 2) "
        "AND certified_on <= ? AND valid_until >= ? AND (revoked_on IS NULL OR revoked_on > ?)",
        (year_end, year_end, year_end),
    ).fetchone()[0]
    connection.close()
    return {**annual, "head_goose": goose}


def measure_size(size: int, args, baseline: dict) -> dict:
    database = prepare(size, args.seed)
    admin = registry(database, "create-token", "--role", "admin", "--name", "bench").split()[-1]
    dashboard = registry(database, "create-token", "--role", "dashboard", "--name", "screen")
    dashboard = dashboard.split()[-1]
    server = Server("wsgi:app", database, args.workers)
    try:
        server.wait("/api/v1/health")
        url = f"{server.base}/api/v1/plans/{PLAN}/progress?year={YEAR}"
        auth = {"Authorization": f"Bearer {dashboard}"}
        status, headers, body = get(url, auth)
        assert status == 200, body
        api_numbers = {row["tier"]: row["achieved"] for row in json.loads(body)["targets"]}
        today = dt.date.fromisoformat(json.loads(body)["as_of"])
        raw = raw_group_by(database, today)
        assert all(raw.get(t, 0) == n for t, n in api_numbers.items()), (api_numbers, raw)
        log(f"{size}: (b) progress 200")
        ok = wrk(url, auth, args.seconds, args.connections)
        log(f"{size}: (c) progress 304")
        not_modified = wrk(
            url, {**auth, "If-None-Match": headers["ETag"]}, args.seconds, args.connections
        )
        log(f"{size}: (d) first progress after a write, (e) raw GROUP BY")
        rng = random.Random(size)
        after_write, floor = [], []
        for i in range(args.rounds):
            payload = json.dumps(
                {"credit_code": new_code(rng), "name": f"基准测试企业{i}", "district": "410702"}
            ).encode()
            status, _, body = get(
                f"{server.base}/api/v1/enterprises",
                {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"},
                payload,
            )
            assert status == 201, body
            started = time.perf_counter()
            status, _, _ = get(url, auth)
            after_write.append(time.perf_counter() - started)
            assert status == 200
            started = time.perf_counter()
            raw_group_by(database, today)
            floor.append(time.perf_counter() - started)
    finally:
        server.stop()
    return {
        "size": size,
        "ok": ok,
        "not_modified": not_modified,
        "after_write_ms": statistics.median(after_write) * 1000,
        "floor_ms": statistics.median(floor) * 1000,
        "numbers": api_numbers,
    }


def time_demo_data(size: int, seed: int) -> float:
    """`registry demo-data --enterprises size` into an empty registry, end to end."""
    scratch = WORK / "demo-timing.db"
    for old in WORK.glob("demo-timing.db*"):
        old.unlink()
    registry(scratch, "init-db")
    log(f"(f) demo-data --enterprises {size}")
    started = time.perf_counter()
    registry(scratch, "demo-data", "--enterprises", str(size), "--seed", str(seed))
    return time.perf_counter() - started


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
        memory = f", {total} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}"
    )


def write_results(args, baseline: dict, rows: list[dict], command: str, extra: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        f"- Load: wrk, 2 threads, {args.connections} connections, {args.seconds} s a run; "
        f"every server as `make run` serves it: nginx in front of gunicorn "
        f"(`registry/gunicorn_conf.py`, {args.workers} workers); "
        "the registry's rate limiter on, with a limit the load cannot reach",
        f"- (d) and (e): median of {args.rounds} rounds (a POST /enterprises, then one poll)",
        "",
        f"(a) bare Flask route, the baseline: **{baseline['rps']:.0f} req/s**, "
        f"p50 {baseline['p50_us'] / 1000:.2f} ms",
        "",
        "| enterprises | (b) 200 req/s | (b)/(a) | (c) 304 req/s | (c)/(a) | (b) p50 ms "
        "| (d) after write ms | (e) raw GROUP BY ms | (d)/(e) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']:,} | {row['ok']['rps']:.0f} | {row['ok']['rps'] / baseline['rps']:.2f}"
            f" | {row['not_modified']['rps']:.0f} "
            f"| {row['not_modified']['rps'] / baseline['rps']:.2f} "
            f"| {row['ok']['p50_us'] / 1000:.2f} | {row['after_write_ms']:.1f} "
            f"| {row['floor_ms']:.1f} | {row['after_write_ms'] / row['floor_ms']:.2f} |"
        )
    lines += ["", "## Goals (ratios in this run)", ""]
    for row in rows:
        lines.append(
            f"- {row['size']:,}: (b)/(a) = {row['ok']['rps'] / baseline['rps']:.2f}, "
            f"(c)/(a) = {row['not_modified']['rps'] / baseline['rps']:.2f} (goal ≥ 0.60 each)"
        )
    by_size = {row["size"]: row for row in rows}
    if 100_000 in by_size:
        row = by_size[100_000]
        lines.append(
            f"- (d)/(e) at 100,000 = {row['after_write_ms'] / row['floor_ms']:.2f} (goal ≤ 2)"
        )
    if min(by_size) < max(by_size):
        small, large = by_size[min(by_size)], by_size[max(by_size)]
        lines.append(
            f"- progress p50 at {large['size']:,} / at {small['size']:,} = "
            f"{large['ok']['p50_us'] / small['ok']['p50_us']:.2f} (goal ≤ 1.5: flat in size)"
        )
    lines.append(
        f"- `registry demo-data --enterprises 100000` into an empty registry: "
        f"{extra['demo_100k_s']:.1f} s (goal < 30 s)"
    )
    lines += [
        "",
        "Numbers served at each size (year "
        f"{YEAR}, checked equal to the raw queries): "
        + "; ".join(f"{r['size']:,}: {r['numbers']}" for r in rows),
        "",
    ]
    lines += import_lines(extra["imports"])
    text = "\n".join(lines)
    (ROOT / "bench" / "RESULTS.md").write_text(text, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000,100000,1000000"))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    command = "make bench" + (f" BENCH_SIZES={args.sizes}" if "BENCH_SIZES" in os.environ else "")
    WORK.mkdir(parents=True, exist_ok=True)
    log("(a) bare Flask route")
    bare = Server("bench.bare_app:app", WORK / "unused.db", args.workers)
    try:
        bare.wait("/bare")
        baseline = wrk(f"{bare.base}/bare", {}, args.seconds, args.connections)
    finally:
        bare.stop()
    rows = [measure_size(size, args, baseline) for size in sizes]
    extra = {"demo_100k_s": time_demo_data(100_000, args.seed)}
    extra["imports"] = measure_imports(
        WORK, ROOT, registry, lambda db: _serving(db, args.workers), get, log, env_for
    )
    print(write_results(args, baseline, rows, command, extra))


def _serving(database: Path, workers: int) -> "Server":
    server = Server("wsgi:app", database, workers)
    server.wait("/api/v1/health")
    return server


if __name__ == "__main__":
    main()
