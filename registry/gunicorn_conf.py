"""gunicorn settings for `make run` and production; each can be set from the environment.

Sync workers never face clients: nginx reads whole requests first (deploy/serve.py, which binds
gunicorn to a unix socket with --bind; HOST:PORT below is for running gunicorn alone, as tests do).
"""

import json
import logging
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

import gunicorn.util

from registry.log_lines import chosen_format

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: the app's work is short queries; 2 per core plus one, as gunicorn's docs advise.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))  # a 100k-row import takes 7-10 s
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))  # SIGTERM/HUP: finish
keepalive = 5
# The app is loaded once, in the master, and each worker forked from it: a recycled worker
# starts at once (loading the app takes 0.65 s of CPU, and at thousands of polls a second a
# worker is recycled every few seconds; bench/RESULTS.md). A new release needs a restart (or
# USR2): HUP renews the workers with the code the master holds.
preload_app = True
# Recycle workers now and then (with jitter, never all at once): a slow leak cannot grow.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 10_000))
max_requests_jitter = max_requests // 10
# nginx bounds what reaches gunicorn (8 KiB a request or header line, 32 KiB of header in all)
# and answers what is over in problem+json; gunicorn's own, narrower bounds would refuse some of
# what nginx lets through (a 101st header, an 8,190-byte header line).
limit_request_line = 0  # no bound of gunicorn's own
limit_request_fields = 32768  # the most gunicorn takes
limit_request_field_size = 16384
# Files under systemd (deploy/registry.service: /var/log/registry, rotated by
# deploy/logrotate/registry, which sends USR1 to reopen them); the standard streams otherwise.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
# JSON lines with the request id (access, and errors with the app's own lines), unless
# REGISTRY_LOG_FORMAT=text asks for gunicorn's own formats.
logger_class = {"json": "registry.access_log.JsonAccessLogger", "text": "gunicorn.glogging.Logger"}[
    chosen_format()
]
# One control socket per user by default: several servers on one machine (tests) would collide.
control_socket_disable = True

METRICS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"
MADE_HERE = "GUNICORN_METRICS_FOLDER_MADE"  # set once the folder is set up ("1": made here)


def metrics_folder() -> tuple[Path, bool]:
    """The folder where every worker keeps its metrics (registry.metrics), emptied: the one
    the environment names (deploy/serve.py's, or an operator's), else a private one made here
    (removed on exit); True when made here. Before the app is loaded: prometheus_client reads
    the variable when it is imported. Read again on HUP, it leaves the folder as it is."""
    named = os.environ.get(METRICS_FOLDER)
    if named and MADE_HERE in os.environ:
        return Path(named), os.environ[MADE_HERE] == "1"
    if not named:
        folder = Path(tempfile.mkdtemp(prefix="registry-metrics-"))
        os.environ.update({METRICS_FOLDER: str(folder), MADE_HERE: "1"})
        return folder, True
    os.environ[MADE_HERE] = "0"
    folder = Path(named)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # a previous run's counts, or its dead workers'
        stale.unlink()
    return folder, False


# gunicorn reads this file as the module `__config__`; deploy/serve.py imports it for its
# settings alone, which must leave the metrics' folder alone.
if __name__ == "__config__":
    _METRICS, _MADE_HERE = metrics_folder()


class _NotEachRefusal(logging.Filter):
    """flask-limiter logs every request it refuses; the access log has each 429 already."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("ratelimit ")


def on_starting(server):
    """The app's own log lines (an import's progress, a 500's traceback) and the rate limiter's
    (its storage lost and found) go where gunicorn's go, in its format, from INFO up (the same
    handlers: gunicorn renews them in place when it reopens its files)."""
    for name in ("registry", "flask-limiter"):
        logger = logging.getLogger(name)
        logger.handlers = server.log.error_log.handlers
        logger.setLevel(logging.INFO)
        logger.propagate = False
    logging.getLogger("flask-limiter").addFilter(_NotEachRefusal())


def child_exit(server, worker):
    """A worker gone: its live gauges no longer count (its counters still do)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if __name__ == "__config__" and _MADE_HERE:
        shutil.rmtree(_METRICS, ignore_errors=True)


def post_fork(server, worker):
    """A worker never uses a database connection the master may have opened (they would share
    one socket): it opens its own on first use."""
    from registry.db import forget_connection

    forget_connection()


def _write_problem(sock, status: int, reason: str, message: str) -> None:
    """What gunicorn answers itself (a request it cannot read: a control byte in a header value
    that nginx passes on, say), as problem+json instead of its HTML page."""
    code = "http.bad_request" if status == 400 else "http.error"  # registry.messages' codes
    body = json.dumps(
        {
            "type": "about:blank",
            "title": reason,
            "status": status,
            "code": code,
            "detail": message or reason,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


gunicorn.util.write_error = _write_problem  # the one function gunicorn's workers write them with
