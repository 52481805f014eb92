"""Real processes for end-to-end tests: the `registry` command, gunicorn, and `make run` (nginx in
front of gunicorn, deploy/serve.py), spoken to with urllib.

The venv's `bin/` is found from `sys.executable`, so this works from a fresh clone wherever its
`.venv` is; gunicorn runs from the project root with the project's own `registry/gunicorn_conf.py`.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.databases import fresh_url
from tests.support.paths import ROOT
from tests.support.waiting import wait_until

BIN = Path(sys.executable).parent  # not resolved: a venv's python is a symlink
STARTUP_SECONDS = 20
MAKE_RUN_STARTUP_SECONDS = 60  # the first `make run` of a suite may install nginx and Redis


def env_for(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a child process: ours without REGISTRY_*, plus the database URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env["REGISTRY_DATABASE_URL"] = database_url
    env["REGISTRY_RATE_LIMIT_ENABLED"] = "0"  # load tests are not floods (test_operations checks)
    env["PYTHONUNBUFFERED"] = "1"  # combined output in the order it was written
    env.update(extra)
    return env


def run_registry(database_url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `.venv/bin/registry ARGS`; stdout and stderr combined in `.stdout`."""
    result = subprocess.run(
        [str(BIN / "registry"), *args],
        cwd=ROOT,
        env=env_for(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )
    if check:
        assert result.returncode == 0, f"registry {' '.join(args)}:\n{result.stdout}"
    return result


def create_token(database_url: str, *args: str) -> str:
    """`registry create-token ARGS`; returns the secret (the last line)."""
    return run_registry(database_url, "create-token", *args).stdout.splitlines()[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def mimetype(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def read_reply(answer: bytes) -> Reply:
    """The reply in the bytes a server sent on a raw connection: status line, headers, body."""
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(status_line.split()[1]), headers, body)


def call(
    method: str,
    url: str,
    *,
    json_body=None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
    data: bytes | None = None,
) -> Reply:
    """One HTTP request (a JSON body, or raw `data`); 4xx and 5xx are returned, not raised."""
    headers = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


class Logged:
    """A server writing its output (gunicorn's access log among it) to `log_path`."""

    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def json_lines(self) -> list[dict]:
        """The JSON log lines so far: access lines, the app's and gunicorn's own."""
        return [json.loads(line) for line in self.log().splitlines() if line.startswith("{")]

    def access_lines(self) -> list[dict]:
        """The JSON access log lines so far (gunicorn's, and nginx's for its own answers)."""
        return [line for line in self.json_lines() if "status" in line]

    def access_line(self, request_id: str) -> dict:
        """The access log line of a request, once written (just after its answer)."""
        return wait_until(
            lambda: next((x for x in self.access_lines() if x["request_id"] == request_id), None),
            what=f"the access log line of {request_id}",
        )


@dataclass
class Server(Logged):
    base_url: str  # http://127.0.0.1:PORT/api/v1
    database_url: str
    database_path: Path
    admin_token: str
    log_path: Path
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return self.base_url + path

    def call(self, method: str, path: str, **kwargs) -> Reply:
        kwargs.setdefault("token", self.admin_token)
        return call(method, self.url(path), **kwargs)


@contextlib.contextmanager
def gunicorn_server(
    tmp_path: Path,
    *,
    workers: int,
    name: str = "e2e",
    share: "Server | None" = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """A fresh database (`registry init-db`), an admin token, and gunicorn serving the app on a
    free port with `workers` processes; gunicorn is stopped on the way out, whatever happened.
    With `share`, serve that server's database (and token) instead: a second host, say."""
    if share is None:
        database_url = fresh_url(tmp_path, name)
        database_path = tmp_path / f"{name}.db"  # the file, on SQLite
        run_registry(database_url, "init-db")
        admin = create_token(database_url, "--role", "admin", "--name", f"{name} admin")
    else:
        database_path, database_url = share.database_path, share.database_url
        admin = share.admin_token
    port = free_port()
    log_path = tmp_path / f"{name}-gunicorn.log"
    env = env_for(
        database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        **(extra_env or {}),
    )
    with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "registry/gunicorn_conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a test may kill it whole
        )
    server = Server(
        base_url=f"http://127.0.0.1:{port}/api/v1",
        database_url=database_url,
        database_path=database_path,
        admin_token=admin,
        log_path=log_path,
        process=process,
    )
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        _stop(process)


def _wait_until_healthy(server: Server) -> None:
    def healthy() -> bool:
        if server.process.poll() is not None:
            raise AssertionError(
                f"gunicorn exited with {server.process.returncode}:\n{server.log()}"
            )
        with contextlib.suppress(OSError):  # not listening yet
            return call("GET", server.url("/health"), timeout=2).status == 200
        return False

    wait_until(healthy, timeout=STARTUP_SECONDS, what=f"gunicorn healthy:\n{server.log()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # the master stops its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def load_demo_data(database_url: str, enterprises: int | None, seed: int = 1) -> None:
    """`registry demo-data`: fake firms and certifications (a running server sees them at once);
    with no number of enterprises, a city mid-plan."""
    count = ("--enterprises", str(enterprises)) if enterprises else ()
    run_registry(database_url, "demo-data", *count, "--seed", str(seed))


@dataclass
class Served(Logged):
    """`make run`: nginx on `port` in front of gunicorn, both under deploy/serve.py."""

    port: int
    database_url: str
    log_path: Path
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1{path}"

    def run_dir(self) -> Path:
        """deploy/serve.py's private folder: gunicorn's socket, nginx's rendered config."""
        return Path(re.search(r"gunicorn on unix:(\S+)", self.log()).group(1)).parent

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def ctrl_c(self) -> int:
        """SIGINT to the whole process group, as a terminal's Ctrl-C; make's exit status."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=60)


@contextlib.contextmanager
def make_run(tmp_path: Path, **extra_env: str) -> Iterator[Served]:
    """`make run` on a free port with a fresh SQLite database, in its own process group; on the
    way out, whatever happened, the group gets Ctrl-C (deploy/serve.py removes its folder), and
    what is left of it after 30 s is killed."""
    database_url = f"sqlite:///{tmp_path / 'served.db'}"
    port = free_port()
    env = env_for(database_url, HOST="127.0.0.1", PORT=str(port), **extra_env)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # not a sub-make of `make test`
        env.pop(name, None)
    log_path = tmp_path / "make-run.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Served(port, database_url, log_path, process)
    try:

        def healthy() -> bool:
            if served.process.poll() is not None:
                raise AssertionError(f"make run exited with {process.returncode}:\n{served.log()}")
            with contextlib.suppress(OSError):
                return call("GET", served.url("/health"), timeout=2).status == 200
            return False

        wait_until(healthy, timeout=MAKE_RUN_STARTUP_SECONDS, what="make run healthy")
        yield served
    finally:
        for signum, seconds in ((signal.SIGINT, 30), (signal.SIGKILL, 10)):
            if not served.group_alive():
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signum)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=seconds)


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Debian's redis-server on a unix socket in `folder`, as `make run` starts it; yields its
    URL (redis+unix://…) and stops it on the way out."""
    sock = folder / "redis.sock"
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            *("--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700"),
            *("--save", "", "--appendonly", "no", "--dir", str(folder), "--loglevel", "warning"),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: sock.exists() or process.poll() is not None, what="redis listening")
        assert process.poll() is None, "redis-server did not start"
        yield f"redis+unix://{sock}"
    finally:
        _stop(process)
