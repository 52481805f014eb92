"""`make bench`: dashboards polling a registry of 10,000 to 1,000,000 firms while bureaus write,
on SQLite and on PostgreSQL, every figure a ratio to a baseline measured in the same run.

Everything is served as `make run` serves it (deploy/serve.py: nginx in front of gunicorn with
registry/gunicorn_conf.py), the bare Flask route too (bench/bare_app.py). For each engine and
size, on a fresh copy of a demo registry (`registry demo-data`, made once and kept in
bench/work/):
  (a) the bare route, wrk: the baseline, measured before and after each figure below;
  (b) GET /plans/{id}/progress answered 200 (a screen without an ETag), wrk;
  (c) the same answered 304 (If-None-Match), wrk;
  (p) GET /plans/{id}/pipeline (the funnel and its forecast) answered 200, and (p304) 304,
      wrk, through the same path, between bare runs as (b) and (c) are;
  (d) the first poll after a write (POST /enterprises, then one GET): median of rounds, taken
      by every size in turn (all served at once);
  (g) (b) while a writer does 5 writes a second (registrations and certifications), beside
      (b) again;
  (h) writes a second from 8 concurrent writers, each write a registration or a certification;
  (s) (b) while 5 people sign in a second (argon2id checks their passwords on the same cores),
      beside (b) again;
and once: where a worker's time goes (py-spy) on a poll answered in front of the app and on the
same poll through the app (REGISTRY_ANSWER_POLLS_IN_FRONT=0), and the 100k-row import
(bench/imports_bench.py). It writes bench/RESULTS.md.
"""

import argparse
import contextlib
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
import threading
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
from profile_summary import summarize  # noqa: E402

from schemas.credit_code import CHARSET, check_character  # noqa: E402


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def env_for(database, **extra) -> dict:
    """The environment of a registry process: ours without REGISTRY_*, the database given (a
    URL, or a SQLite file's path), and a rate limit the load cannot reach (the limiter stays in
    the path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return {
        **env,
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_RATE_LIMIT": "10000000 per second",
        **extra,
    }


def registry(database, *args: str) -> str:
    """`registry ARGS` on `database`: its standard output (its standard error shown on failure)."""
    result = subprocess.run(
        [str(BIN / "registry"), *args],
        cwd=ROOT,
        env=env_for(database),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"bench: registry {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def timed_registry(database, *args: str) -> float:
    started = time.perf_counter()
    registry(database, *args)
    return time.perf_counter() - started


# --- the engines ---------------------------------------------------------------------------


class Sqlite:
    name = "SQLite"

    def __init__(self, seed: int):
        self.seed = seed
        self.made: dict[int, dict] = {}  # size -> what making its base cost

    def base(self, size: int) -> Path:
        base = WORK / f"base-{size}-{self.seed}.db"
        if not base.exists():
            partial = base.with_suffix(".partial")
            for stale in WORK.glob(partial.name + "*"):
                stale.unlink()
            self.made[size] = make_base(partial, size, self.seed)
            sqlite3.connect(partial).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
            partial.rename(base)
        return base

    def fresh(self, size: int) -> str:
        base = self.base(size)
        copy = WORK / f"run-{size}.db"
        for old in WORK.glob(f"run-{size}.db*"):
            old.unlink()
        shutil.copyfile(base, copy)
        registry(copy, "init-db")  # a base made by an older release is upgraded in place
        return f"sqlite:///{copy}"

    def close(self) -> None:
        pass


class Postgres:
    """A cluster of the bench's own (its data kept in bench/work/pg between runs), commits
    synced to disk as in production; each base registry a database, copied per run."""

    name = "PostgreSQL"

    def __init__(self, seed: int, directory: Path, port: int):
        self.seed, self.directory, self.port = seed, directory.resolve(), port
        self.made: dict[int, dict] = {}
        env = {**os.environ, "PG_FSYNC": "on"}
        script = ROOT / ".ci" / "postgres.sh"
        out = subprocess.run(
            [str(script), "resume", str(self.directory), str(port)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        self.server = out.stdout.strip().rsplit("/", 1)[0]

    def url(self, name: str) -> str:
        return f"{self.server}/{name}"

    def sql(self, statement: str, database: str = "postgres") -> list:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def base(self, size: int) -> str:
        name = f"base_{size}_{self.seed}"
        exists = self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if not exists:
            self.sql(f'DROP DATABASE IF EXISTS "{name}_partial"')
            self.sql(f'CREATE DATABASE "{name}_partial"')
            self.made[size] = make_base(self.url(f"{name}_partial"), size, self.seed)
            self.sql(f'ALTER DATABASE "{name}_partial" RENAME TO "{name}"')
        return name

    def fresh(self, size: int) -> str:
        base = self.base(size)
        name = f"run_{size}"
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
        url = self.url(name)
        registry(url, "init-db")
        self.sql("VACUUM ANALYZE", name)
        return url

    def close(self) -> None:
        subprocess.run([str(ROOT / ".ci" / "postgres.sh"), "halt", str(self.directory)])


def make_base(database, size: int, seed: int) -> dict:
    """A registry of `size` demo firms, its tallies checked against a scan."""
    log(f"generating {size:,} enterprises in {database}")
    registry(database, "init-db")
    demo = timed_registry(database, "demo-data", "--enterprises", str(size), "--seed", str(seed))
    log(f"demo-data --enterprises {size}: {demo:.1f} s; verify-aggregates")
    started = time.perf_counter()
    verdict = registry(database, "verify-aggregates").strip()  # exit 1 would stop the bench
    return {"demo_s": demo, "verify_s": time.perf_counter() - started, "verdict": verdict}


# --- serving and loading -------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, headers: dict | None = None, data: bytes | None = None):
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Server:
    """What `make run` serves (nginx in front of gunicorn), for `app`, on a free port."""

    def __init__(self, app: str, database, workers: int | None, **extra: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        settings = {"WEB_CONCURRENCY": str(workers)} if workers else {}
        settings = {"GUNICORN_ACCESSLOG": "/dev/null", **settings, **extra}
        env = env_for(database, HOST="127.0.0.1", PORT=str(self.port), **settings)
        self.log = open(WORK / f"serve-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "python"), str(SERVE), "--app", app],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, path: str) -> "Server":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if call(self.base + path)[0] == 200:
                    return self
            time.sleep(0.1)
        raise SystemExit(f"bench: server did not start; see {self.log.name}")

    def gunicorn_master(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split():
            if "gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                return int(pid)
        raise SystemExit("bench: no gunicorn under deploy/serve.py")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def wrk(url: str, headers: dict, args) -> dict:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
    command += ["-s", str(ROOT / "bench" / "report.lua")]
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


class Writer:
    """A bureau at `rate` writes a second: a firm registered, then certified, and again."""

    def __init__(self, base: str, token: str, rate: float, seed: int | str):
        self.base, self.rate = base, rate
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.rng, self.stop, self.statuses = random.Random(seed), threading.Event(), []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def write(self, code: str | None) -> str | None:
        """One write: certify `code` if given, else register a new firm (returned)."""
        if code is None:
            code = new_code(self.rng)
            body = {"credit_code": code, "name": f"基准测试企业{code[-7:]}", "district": "410702"}
            url = f"{self.base}/api/v1/enterprises"
        else:
            on = dt.date.today() - dt.timedelta(days=10)
            body = {"tier": "innovative_sme", "year": on.year, "certified_on": on.isoformat()}
            url, code = f"{self.base}/api/v1/enterprises/{code}/certifications", None
        status, _, _ = call(url, self.headers, json.dumps(body).encode())
        self.statuses.append(status)
        return code

    def _run(self) -> None:
        code, due = None, time.monotonic()
        while not self.stop.is_set():
            code = self.write(code)
            due += 1 / self.rate
            self.stop.wait(max(0.0, due - time.monotonic()))

    def __enter__(self):
        self.started = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)
        self.seconds = time.monotonic() - self.started


PEOPLE, PEOPLE_PASSWORD = 10, "Bench-sign-in-2026"


def make_people(database, base: str) -> list[str]:
    """PEOPLE accounts (viewers), each with a password of its own choosing (not one-time)."""
    logins = []
    for n in range(PEOPLE):
        login = f"bench{n}"
        once = registry(database, "create-user", login, "--name", login, "--role", "viewer")
        once = once.split()[-1]
        status, headers, body = call(
            f"{base}/api/v1/session",
            {"Content-Type": "application/json"},
            json.dumps({"login": login, "password": once}).encode(),
        )
        assert status == 200, body
        cookie = {"Cookie": headers["Set-Cookie"].split(";")[0], "Content-Type": "application/json"}
        change = {"current_password": once, "new_password": PEOPLE_PASSWORD}
        csrf = {**cookie, "X-CSRF-Token": json.loads(body)["csrf_token"]}
        status, _, body = call(f"{base}/api/v1/session/password", csrf, json.dumps(change).encode())
        assert status == 200, body
        logins.append(login)
    return logins


class SignIns(Writer):
    """People signing in at `rate` a second, in turn (each a new session, a password checked)."""

    def __init__(self, base: str, logins: list[str], rate: float):
        super().__init__(base, "", rate, seed="sign-ins")
        self.logins, self.turn = logins, 0
        self.headers = {"Content-Type": "application/json"}

    def write(self, code):
        login = self.logins[self.turn % len(self.logins)]
        self.turn += 1
        body = json.dumps({"login": login, "password": PEOPLE_PASSWORD}).encode()
        status, _, _ = call(f"{self.base}/api/v1/session", self.headers, body)
        self.statuses.append(status)
        return None


def concurrent_writes(base: str, token: str, writers: int, seconds: float) -> float:
    """(h): writes a second from `writers` clients writing as fast as they are answered."""
    pool = [Writer(base, token, rate=1e9, seed=1000 + n) for n in range(writers)]
    for writer in pool:
        writer.__enter__()
    time.sleep(seconds)
    for writer in pool:
        writer.__exit__()
    done = sum(s in (200, 201) for w in pool for s in w.statuses)
    failed = [s for w in pool for s in w.statuses if s not in (200, 201)]
    if failed:
        log(f"(h) {len(failed)} writes failed: {sorted(set(failed))}")
    return done / seconds


# --- one engine at one size ----------------------------------------------------------------


def raw_counts(url: str, day: dt.date) -> dict:
    """The same numbers as progress for YEAR, straight from the certifications (a scan)."""
    sql = (
        "SELECT tier, COUNT(*) FROM certification WHERE year = {p} AND renewal = {no} "
        "AND certified_on <= {p} AND (revoked_on IS NULL OR revoked_on > {p}) GROUP BY tier"
    )
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        rows = connection.execute(sql.format(p="?", no=0), (YEAR, day, day)).fetchall()
        connection.close()
    else:
        import psycopg

        with psycopg.connect(url) as connection:
            rows = connection.execute(sql.format(p="%s", no="false"), (YEAR, day, day)).fetchall()
    return dict(rows)


class Measured:
    """One size of one engine, served as `make run` serves it, and what was measured of it."""

    def __init__(self, engine, size: int, args):
        url = engine.fresh(size)
        self.admin = registry(url, "create-token", "--role", "admin", "--name", "bench").split()[-1]
        screen = registry(url, "create-token", "--role", "dashboard", "--name", "screen")
        self.server = Server("wsgi:app", url, args.workers).wait("/api/v1/health")
        self.poll = f"{self.server.base}/api/v1/plans/{PLAN}/progress?year={YEAR}"
        self.funnel = f"{self.server.base}/api/v1/plans/{PLAN}/pipeline?year={YEAR}"
        self.auth = {"Authorization": f"Bearer {screen.split()[-1]}"}
        self.url, self.args = url, args
        self.row: dict = {"engine": engine.name, "size": size, "runs": []}
        self.name = f"{engine.name} {size:,}"
        # (d): codes of its own (the writers of (g) draw theirs from other seeds): every write
        # lands.
        self.first_polls: list[float] = []
        self.writer = Writer(self.server.base, self.admin, 1, seed=f"first-poll-{size}")
        self.code, self.etag, self.row["after_write_stale"] = None, None, 0
        self.people = make_people(url, self.server.base)

    def polling(self, bare: Server) -> None:
        """(b), (c) and (g), each round between bare runs (a); the numbers checked first."""
        args, auth, poll, row = self.args, self.auth, self.poll, self.row
        status, headers, body = call(poll, auth)
        assert status == 200, body
        answer = json.loads(body)
        served = {r["tier"]: r["achieved"] for r in answer["targets"] if r["kind"] == "annual"}
        scanned = raw_counts(self.url, dt.date.fromisoformat(answer["as_of"]))
        assert all(scanned.get(t, 0) == n for t, n in served.items() if t), (served, scanned)
        row["numbers"] = {t: n for t, n in served.items() if n}
        conditional = {**auth, "If-None-Match": headers["ETag"]}
        for repeat in range(args.repeats):
            log(f"{self.name}: polling, round {repeat + 1} of {args.repeats}")
            run = {"a": [wrk(f"{bare.base}/bare", {}, args)]}
            run["b"] = wrk(poll, auth, args)
            run["a"].append(wrk(f"{bare.base}/bare", {}, args))
            run["c"] = wrk(poll, conditional, args)
            run["a"].append(wrk(f"{bare.base}/bare", {}, args))
            run["p"], run["p304"] = self.funnel_polls(args)
            run["a"].append(wrk(f"{bare.base}/bare", {}, args))
            seed = self.row["size"] + repeat
            with Writer(self.server.base, self.admin, args.write_rate, seed=seed) as writer:
                run["g"] = wrk(poll, auth, args)
            run["g_writes"] = len(writer.statuses) / writer.seconds
            run["g_failed"] = sum(s not in (200, 201) for s in writer.statuses)
            run["b2"] = wrk(poll, auth, args)
            with SignIns(self.server.base, self.people, args.sign_in_rate) as people:
                run["s"] = wrk(poll, auth, args)
            run["s_rate"] = len(people.statuses) / people.seconds
            run["s_failed"] = sum(s != 200 for s in people.statuses)
            row["runs"].append(run)

    def funnel_polls(self, args) -> tuple[dict, dict]:
        """(p) and (p304): the pipeline poll answered 200, then 304."""
        status, headers, body = call(self.funnel, self.auth)
        assert status == 200, body
        self.row["funnel"] = {
            t["tier"]: t["forecast"] for t in json.loads(body)["tiers"] if t["quota"]
        }
        conditional = {**self.auth, "If-None-Match": headers["ETag"]}
        return wrk(self.funnel, self.auth, args), wrk(self.funnel, conditional, args)

    def first_poll(self) -> None:
        """(d), one round: a write, then one poll, timed."""
        self.code = self.writer.write(self.code)
        assert self.writer.statuses[-1] == 201, (
            f"bench: a write failed ({self.writer.statuses[-1]})"
        )
        started = time.perf_counter()
        status, answered, _ = call(self.poll, self.auth)
        self.first_polls.append(time.perf_counter() - started)
        assert status == 200
        # Every write bumps the version: an ETag seen before is an answer from before it.
        self.row["after_write_stale"] += answered["ETag"] == self.etag
        self.etag = answered["ETag"]

    def finish(self) -> None:
        after = sorted(self.first_polls)
        self.row["after_write_ms"] = statistics.median(after) * 1000
        self.row["after_write_p90_ms"] = after[int(0.9 * len(after))] * 1000
        log(f"{self.name}: (h) writes a second, 8 writers")
        self.row["writes_per_s"] = concurrent_writes(
            self.server.base, self.admin, 8, self.args.seconds
        )


def measure(engine, sizes: list[int], args, bare: Server) -> list[dict]:
    """Every size of one engine, each on a server of its own, all up at once: (d) goes round
    the sizes in turn, so that the ratio of its medians compares sizes under the same noise
    (measured one size after another, minutes apart, a noisy machine moved it by half)."""
    measured: list[Measured] = []
    try:
        for size in sizes:
            measured.append(Measured(engine, size, args))
        for one in measured:
            one.polling(bare)
        log(f"{engine.name}: (d) the first poll after a write, {args.rounds} rounds, sizes in turn")
        for _ in range(args.rounds):
            for one in measured:
                one.first_poll()
        for one in measured:
            one.finish()
    finally:
        for one in measured:
            one.server.stop()
    return [one.row for one in measured]


def profile(url: str, args, *, front: bool) -> dict:
    """Where a worker's time goes while it answers quiet 200 polls: py-spy on every worker."""
    setting = {"REGISTRY_ANSWER_POLLS_IN_FRONT": "1" if front else "0"}
    screen = registry(url, "create-token", "--role", "dashboard", "--name", "profiled")
    auth = {"Authorization": f"Bearer {screen.split()[-1]}"}
    server = Server("wsgi:app", url, args.workers, **setting).wait("/api/v1/health")
    poll = f"{server.base}/api/v1/plans/{PLAN}/progress?year={YEAR}"
    out = WORK / f"profile-{'front' if front else 'app'}.txt"
    try:
        call(poll, auth)
        load = threading.Thread(target=wrk, args=(poll, auth, args))
        load.start()
        time.sleep(1)
        subprocess.run(
            [
                str(BIN / "py-spy"),
                "record",
                "--pid",
                str(server.gunicorn_master()),
                "--subprocesses",
                "--nonblocking",
                "--rate",
                "400",
                "--duration",
                str(max(2, args.seconds - 2)),
                "--format",
                "raw",
                "--output",
                str(out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        load.join()
    finally:
        server.stop()
    return summarize(out.read_text())


# --- the report ----------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        total = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
        memory = f", {total} GiB"
    load = os.getloadavg()[0]
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"load average {load:.1f} at the start (other work shares the CPU)"
    )


def _spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def ratios(row: dict) -> dict:
    """Each run's ratios: to the bare route measured around it, and to quiet polling beside it."""
    out = {"b": [], "c": [], "g": [], "p99_g": [], "p99_b": [], "s": [], "p99_s": []}
    out |= {"p": [], "p304": []}
    for run in row["runs"]:
        a1, a2, a3, a4 = (r["rps"] for r in run["a"])
        out["b"].append(run["b"]["rps"] / ((a1 + a2) / 2))
        out["c"].append(run["c"]["rps"] / ((a2 + a3) / 2))
        out["p"].append(run["p"]["rps"] / ((a3 + a4) / 2))
        out["p304"].append(run["p304"]["rps"] / ((a3 + a4) / 2))
        out["g"].append(run["g"]["rps"] / ((run["b"]["rps"] + run["b2"]["rps"]) / 2))
        out["p99_g"].append(run["g"]["p99_us"] / 1000)
        out["p99_b"].append(run["b"]["p99_us"] / 1000)
        out["s"].append(run["s"]["rps"] / ((run["b"]["rps"] + run["b2"]["rps"]) / 2))
        out["p99_s"].append(run["s"]["p99_us"] / 1000)
    return out


def report(args, command: str, rows: list[dict], profiles: dict, extra: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        f"- Load: wrk, 2 threads, {args.connections} connections, {args.seconds} s a run, "
        f"{args.repeats} rounds per size (ratios: median, then the range over the rounds); "
        "every server as `make run` serves it: nginx in front of gunicorn "
        f"(`registry/gunicorn_conf.py`, {args.workers or 'its default number of'} workers), "
        "the bare Flask route too; the rate limiter on, with a limit the load cannot reach",
        *(
            ["- PostgreSQL 15: a local cluster, commits synced (fsync on), default settings"]
            if any(row["engine"] == "PostgreSQL" for row in rows)
            else []
        ),
        "",
        "| engine | firms | (b) 200s / bare | (c) 304s / bare | (b) p99 ms | (d) first poll "
        "after a write, ms | (d) / (d) at 10k | (g) polls while writing / quiet | (g) p99 ms "
        "| writes/s in (g) | (h) writes/s, 8 writers | (s) polls while signing in / quiet "
        "| (s) p99 ms | (p) pipeline 200s / bare | (p304) pipeline 304s / bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    smallest = {}
    for row in rows:
        smallest.setdefault(row["engine"], row)
    for row in rows:
        r = ratios(row)
        flat = row["after_write_ms"] / smallest[row["engine"]]["after_write_ms"]
        writes = statistics.median(run["g_writes"] for run in row["runs"])
        lines.append(
            f"| {row['engine']} | {row['size']:,} | {_spread(r['b'])} | {_spread(r['c'])} "
            f"| {_spread(r['p99_b'])} | {row['after_write_ms']:.1f} | {flat:.2f} "
            f"| {_spread(r['g'])} | {_spread(r['p99_g'])} | {writes:.1f} "
            f"| {row['writes_per_s']:.0f} | {_spread(r['s'])} | {_spread(r['p99_s'])} "
            f"| {_spread(r['p'])} | {_spread(r['p304'])} |"
        )
    lines += ["", "## Goals, in this run", ""]
    for engine in dict.fromkeys(row["engine"] for row in rows):
        mine = [row for row in rows if row["engine"] == engine]
        largest = mine[-1]
        r = ratios(largest)
        flat = largest["after_write_ms"] / mine[0]["after_write_ms"]
        lines += [
            f"- {engine}: first poll after a write at {largest['size']:,} / at "
            f"{mine[0]['size']:,} = {flat:.2f} (goal ≤ 1.2); answers from before their "
            f"write: {sum(row.get('after_write_stale', 0) for row in mine)} of "
            f"{len(mine) * args.rounds}",
            f"- {engine}: polling while writing 5/s at {largest['size']:,} / quiet = "
            f"{_spread(r['g'])} (goal ≥ 0.8), p99 {_spread(r['p99_g'])} ms (goal < 50)",
            f"- {engine}: polling while {args.sign_in_rate:g} people sign in a second at "
            f"{largest['size']:,} / quiet = {_spread(r['s'])} (goal ≥ 0.8), p99 "
            f"{_spread(r['p99_s'])} ms (goal < 50)",
            f"- {engine}: quiet polling / bare route, every size and round: 200s "
            f"{_spread([x for row in mine for x in ratios(row)['b']])} (goal ≥ 0.80), 304s "
            f"{_spread([x for row in mine for x in ratios(row)['c']])} (goal ≥ 1.0)",
            f"- {engine}: the pipeline poll / bare route, every size and round: 200s "
            f"{_spread([x for row in mine for x in ratios(row)['p']])} (as progress: ≥ 0.80), "
            f"304s {_spread([x for row in mine for x in ratios(row)['p304']])} (≥ 1.0)",
        ]
    lines += ["", "Absolute figures (requests a second; the bare route measured around each):", ""]
    for row in rows:
        for n, run in enumerate(row["runs"], start=1):
            bare = ", ".join(f"{a['rps']:.0f}" for a in run["a"])
            lines.append(
                f"- {row['engine']} {row['size']:,} round {n}: bare {bare}; (b) "
                f"{run['b']['rps']:.0f}; (c) {run['c']['rps']:.0f}; (p) {run['p']['rps']:.0f}; "
                f"(p304) {run['p304']['rps']:.0f}; (g) {run['g']['rps']:.0f} "
                f"with {run['g_writes']:.1f} writes/s ({run['g_failed']} failed); (b) again "
                f"{run['b2']['rps']:.0f}; (s) {run['s']['rps']:.0f} with {run['s_rate']:.1f} "
                f"sign-ins/s ({run['s_failed']} failed)"
            )
    lines += [
        "",
        "Numbers served (year 2025, new certifications, checked equal to a scan of the "
        "certifications at each size): "
        + "; ".join(f"{r['engine']} {r['size']:,}: {r['numbers']}" for r in rows),
        "",
        "## Making the registries: demo-data and verify-aggregates",
        "",
        "| engine | firms | `registry demo-data` s | `registry verify-aggregates` s | verdict |",
        "|---|---:|---:|---:|---|",
    ]
    for engine, sizes in extra["made"].items():
        for size, made in sizes.items():
            lines.append(
                f"| {engine} | {size:,} | {made['demo_s']:.0f} | {made['verify_s']:.0f} "
                f"| {made['verdict']} |"
            )
    if not any(extra["made"].values()):
        lines.append("| (every base registry was made by an earlier run, kept in bench/work/) |")
    if profiles:
        lines += ["", "## Where a worker's time goes (py-spy, quiet 200 polls)", ""]
        lines += profile_table(profiles)
    if extra.get("imports"):
        lines += ["", *import_lines(extra["imports"])]
    text = "\n".join(lines) + "\n"
    return text


def profile_table(profiles: dict) -> list[str]:
    names = list(profiles)
    labels = list(dict.fromkeys(label for p in profiles.values() for label in p["shares"]))
    samples = ", ".join(f"{name}: {profiles[name]['samples']} samples" for name in names)
    lines = [
        "Share of the samples of busy gunicorn workers in which each part was on the stack "
        f"({samples}):",
        "",
        "| part | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for label in labels:
        cells = " | ".join(f"{profiles[n]['shares'].get(label, 0):.0%}" for n in names)
        lines.append(f"| {label} | {cells} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000,100000,1000000"))
    parser.add_argument("--engines", default=os.environ.get("BENCH_ENGINES", "sqlite,postgresql"))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 8)))
    parser.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 2)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="default: make run's")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--write-rate", type=float, default=5.0)
    parser.add_argument("--sign-in-rate", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--imports",
        default=os.environ.get("BENCH_IMPORTS", "1"),
        help="0: without the import; only: the import alone (printed, RESULTS.md unchanged)",
    )
    parser.add_argument("--pg-dir", default=os.environ.get("BENCH_PG_DIR", str(WORK / "pg")))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("BENCH_PG_PORT", 54339)))
    args = parser.parse_args()
    if args.imports == "only":  # `make bench-imports`: the import alone, printed, not written
        WORK.mkdir(parents=True, exist_ok=True)
        result = measure_imports(
            WORK, ROOT, registry, lambda db: _serving(db, args.workers), call, log, env_for
        )
        print("\n".join(import_lines(result)))
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    command = "make bench" + "".join(
        f" {name}={os.environ[name]}"
        for name in ("BENCH_SIZES", "BENCH_ENGINES", "BENCH_SECONDS", "BENCH_REPEATS")
        if name in os.environ
    )
    WORK.mkdir(parents=True, exist_ok=True)
    engines = []
    for name in args.engines.split(","):
        if name == "sqlite":
            engines.append(Sqlite(args.seed))
        elif name == "postgresql":
            engines.append(Postgres(args.seed, Path(args.pg_dir), args.pg_port))
    bare = Server("bench.bare_app:app", WORK / "unused.db", args.workers).wait("/bare")
    rows, profiles = [], {}
    try:
        for engine in engines:
            rows += measure(engine, sizes, args, bare)
        first = engines[0]
        for front, label in ((True, "in front of the app"), (False, "through the app")):
            log(f"profile: polls answered {label}")
            profiles[label] = profile(first.fresh(sizes[0]), args, front=front)
    finally:
        bare.stop()
        made = {engine.name: engine.made for engine in engines}
        for engine in engines:
            engine.close()
    extra = {"made": made}
    if args.imports != "0":
        extra["imports"] = measure_imports(
            WORK, ROOT, registry, lambda db: _serving(db, args.workers), call, log, env_for
        )
    text = report(args, command, rows, profiles, extra)
    write_results(text)
    (WORK / "last-run.json").write_text(json.dumps({"rows": rows, "profiles": profiles}))
    print(text)


BEGIN, END = "<!-- make bench writes from here -->", "<!-- to here -->"


def write_results(text: str) -> None:
    """bench/RESULTS.md: the measured part replaced, the notes around it (what changed, earlier
    runs) kept."""
    path = ROOT / "bench" / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    before, _, rest = old.partition(BEGIN)
    _, _, after = rest.partition(END)
    if not rest:
        before, after = "", "\n" + old
    path.write_text(f"{before}{BEGIN}\n{text}{END}\n{after.lstrip(chr(10))}", encoding="utf-8")


def _serving(database: Path, workers: int | None) -> Server:
    return Server("wsgi:app", database, workers).wait("/api/v1/health")


if __name__ == "__main__":
    main()
