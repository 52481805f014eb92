"""`make fuzz`: schemathesis (all checks, stateful phase included) against the served spec.

A fresh SQLite registry with demo data is served by gunicorn; schemathesis runs with a fixed
seed and a time budget per token: a bureau token (which must pass with no failure), then a
dashboard token and an enterprise token (whose runs are reported; they test what those tokens
may not do). Exit status: the bureau run's.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DISTRICTS = (
    "410702 410703 410704 410711 410721 410724 410725 410726 410727 410781 410782 "
    "410783 410771 410772 410773"
).split()
SEED = os.environ.get("FUZZ_SEED", "20231024")
MAX_TIME = os.environ.get("FUZZ_MAX_TIME", "120")  # seconds per token


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="registry-fuzz-"))
    with socket.socket() as probe:  # a free port: never a server left over from elsewhere
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env.update(
        REGISTRY_DATABASE_URL=f"sqlite:///{work / 'fuzz.db'}",
        REGISTRY_RATE_LIMIT_ENABLED="0",
        HOST="127.0.0.1",
        PORT=port,
        WEB_CONCURRENCY="2",
        GUNICORN_ACCESSLOG="/dev/null",
    )

    def registry(*args: str) -> str:
        return subprocess.run(
            [str(BIN / "registry"), *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        ).stdout

    registry("init-db")
    registry("demo-data", "--enterprises", "300", "--seed", "3")
    bureau = registry(
        "create-token",
        "--role",
        "bureau",
        "--name",
        "fuzz bureau",
        *[arg for d in DISTRICTS for arg in ("--district", d)],
    ).split()[-1]
    dashboard = registry("create-token", "--role", "dashboard", "--name", "fuzz screen").split()[-1]
    firm = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("
            "'SELECT credit_code FROM enterprise ORDER BY id LIMIT 1').fetchone()[0])",
            str(work / "fuzz.db"),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout.strip()
    enterprise = registry(
        "create-token", "--role", "enterprise", "--name", "fuzz firm", "--credit-code", firm
    ).split()[-1]
    log = open(work / "gunicorn.log", "wb")  # noqa: SIM115 (closed after the server stops)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "registry/gunicorn_conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        # The tokens work on this server (a run that only meets 401s would prove nothing).
        for token, path in (
            (bureau, "/enterprises"),
            (dashboard, "/stats/certifications"),
            (enterprise, f"/enterprises/{firm}/status"),
        ):
            request = urllib.request.Request(
                f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 200, (path, answer.status)
        results = {}
        for role, token in (
            ("bureau", bureau),
            ("dashboard", dashboard),
            ("enterprise", enterprise),
        ):
            print(
                f"\n=== schemathesis with a {role} token (seed {SEED}, {MAX_TIME} s) ===",
                flush=True,
            )
            run = subprocess.run(
                [
                    str(BIN / "schemathesis"),
                    "--config-file",
                    str(ROOT / ".ci/schemathesis.toml"),
                    "run",
                    f"{base}/api/v1/openapi.json",
                    "--checks",
                    "all",
                    "--phases",
                    "examples,coverage,fuzzing,stateful",
                    "--seed",
                    SEED,
                    "--max-time",
                    MAX_TIME,
                    "--workers",  # one: hypothesis's source parsing is not thread-safe on 3.11
                    "1",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--generation-database",
                    "none",
                ],
                cwd=ROOT,
                env={**env, "FUZZ_CREDIT_CODE": firm},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            lines = run.stdout.splitlines()
            # The bureau's whole report; the others' summary (what they may not do is 403).
            shown = lines if role == "bureau" else lines[-25:]
            print("\n".join(line[:400] for line in shown), flush=True)
            results[role] = run.returncode
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    print("\nschemathesis exit codes:", results, "(the bureau run decides)")
    passed = results["bureau"] == 0
    print(f"fuzz: {int(passed)} passed, {int(not passed)} failed")
    return results["bureau"]


if __name__ == "__main__":
    sys.exit(main())
