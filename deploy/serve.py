"""`make run`: nginx in front of gunicorn, started and stopped as one.

gunicorn's sync workers must not face clients: a client that trickles its header or its body
holds a worker for as long as it likes, and a few dozen such clients hold them all. nginx reads
whole requests (and buffers whole answers) before a worker sees them, so slow clients wait in
nginx's event loop instead. This script renders deploy/*.nginx.conf into a private folder,
starts gunicorn on a unix socket there, then nginx on $HOST:$PORT in front of it; Ctrl-C or
SIGTERM stops both, and when either exits the other is stopped too.

    deploy/serve.py [--app wsgi:app]                    serve (what `make run` does)
    deploy/serve.py site --listen ADDR --upstream ADDR  print the nginx site for a production nginx
"""

import argparse
import ctypes
import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent  # the venv's bin/ (not resolved: its python is a symlink)
STARTUP_SECONDS = 30
sys.path.insert(0, str(ROOT))  # the served app and registry/gunicorn_conf.py are read from here


def upload_limit(app_spec: str) -> int:
    """The served app's own body limit (MAX_CONTENT_LENGTH), which nginx enforces first; 0: none."""
    module, _, name = app_spec.partition(":")
    app = getattr(importlib.import_module(module), name or "app")
    return int(app.config.get("MAX_CONTENT_LENGTH") or 0)


def gunicorn_settings():
    """registry/gunicorn_conf.py as gunicorn reads it (the same environment)."""
    return importlib.import_module("registry.gunicorn_conf")


def render(template: str, **values: str) -> str:
    """The template with each @KEY@ replaced; a placeholder left unfilled is an error."""
    text = (DEPLOY / template).read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    if left := re.findall(r"@[A-Z_]+@", text):
        raise SystemExit(f"serve: {template}: {', '.join(left)} not filled")
    return text


def site(listen: str, upstream: str, max_body: int, access_log: str = "/dev/stderr") -> str:
    """The nginx site (http context) for the registry behind `listen`."""
    return render(
        "registry.nginx.conf",
        LISTEN=listen,
        UPSTREAM=upstream,
        MAX_BODY=str(max_body),
        READ_TIMEOUT=str(gunicorn_settings().timeout + 10),
        ACCESS_LOG=access_log,
    )


def listen_address(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not found:
        raise SystemExit(
            "serve: nginx is missing: .ci/ensure-debian-packages.sh nginx=nginx installs it "
            "(as root; `make run` runs it)"
        )
    return found


def _die_with_parent() -> None:
    """In the child: SIGTERM when this script dies, even by SIGKILL (Linux), so none outlives it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def serve(app_spec: str) -> int:
    host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
    max_body = upload_limit(app_spec)
    nginx = nginx_binary()
    with tempfile.TemporaryDirectory(prefix="registry-run-") as run_dir:
        run = Path(run_dir)
        # Started as root, nginx's workers run as nobody: they must reach the socket in here.
        run.chmod(0o711)
        sock = run / "gunicorn.sock"
        (run / "registry.conf").write_text(
            site(listen_address(host, port), f"unix:{sock}", max_body)
        )
        (run / "nginx.conf").write_text(render("standalone.nginx.conf", RUN=str(run)))
        # The app trusts exactly one proxy: nginx, whose X-Forwarded-For names the client.
        env = {**os.environ, "REGISTRY_TRUSTED_PROXIES": "1"}
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "registry" / "gunicorn_conf.py"),
                "--bind",
                f"unix:{sock}",
                app_spec,
            ],
            cwd=ROOT,
            env=env,
            preexec_fn=_die_with_parent,
        )
        children = [gunicorn]
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not sock.exists():
                if gunicorn.poll() is not None or stop.is_set():
                    return 0 if stop.is_set() else 1
                if time.monotonic() > deadline:
                    print("serve: gunicorn did not start", file=sys.stderr)
                    return 1
                time.sleep(0.05)
            children.append(
                subprocess.Popen(
                    [nginx, "-e", "stderr", "-p", str(run), "-c", str(run / "nginx.conf")],
                    preexec_fn=_die_with_parent,
                )
            )
            print(
                f"serve: http://{listen_address(host, port)} (nginx, body limit {max_body} B) "
                f"-> gunicorn on unix:{sock}",
                file=sys.stderr,
                flush=True,
            )
            while not stop.wait(0.2):
                if any(child.poll() is not None for child in children):
                    print("serve: a server exited; stopping the other", file=sys.stderr)
                    return 1
            return 0
        finally:
            _stop(children)


def _stop(children: list[subprocess.Popen]) -> None:
    """Gracefully: nginx finishes what it is sending (QUIT), gunicorn its requests (TERM)."""
    graceful = (signal.SIGTERM, signal.SIGQUIT)  # gunicorn first, then nginx
    for child, signum in zip(children, graceful, strict=False):
        if child.poll() is None:
            child.send_signal(signum)
    deadline = time.monotonic() + gunicorn_settings().graceful_timeout + 5
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="wsgi:app", help="the WSGI app gunicorn serves")
    commands = parser.add_subparsers(dest="command")
    production = commands.add_parser("site", help="print the nginx site for a production nginx")
    production.add_argument("--listen", required=True, help="e.g. 80, or 10.0.0.5:80")
    production.add_argument(
        "--upstream", required=True, help="gunicorn: unix:/run/registry/gunicorn.sock"
    )
    production.add_argument("--access-log", default="/var/log/nginx/registry.log")
    args = parser.parse_args()
    if args.command == "site":
        print(site(args.listen, args.upstream, upload_limit(args.app), args.access_log), end="")
        return 0
    return serve(args.app)


if __name__ == "__main__":
    sys.exit(main())
