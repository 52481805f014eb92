"""`make run`: nginx in front of gunicorn, and Redis beside it, started and stopped as one.

gunicorn's sync workers must not face clients: a client that trickles its header or its body
holds a worker for as long as it likes, and a few dozen such clients hold them all. nginx reads
whole requests (and buffers whole answers) before a worker sees them, so slow clients wait in
nginx's event loop instead. This script renders deploy/*.nginx.conf into a private folder,
starts Redis on a unix socket there (the rate limits' counts, shared by the workers; not when
REGISTRY_RATE_LIMIT_STORAGE names another), gunicorn on another, then nginx on $HOST:$PORT in
front of it; Ctrl-C or SIGTERM stops them all, and when gunicorn or nginx exits the others are
stopped too (Redis is started again: the limits fail open meanwhile).

    deploy/serve.py [--app wsgi:app]                    serve (what `make run` does)
    deploy/serve.py site --listen ADDR --upstream ADDR  print the nginx site for a production nginx
    deploy/serve.py site --upstream ADDR --tls-cert FILE --tls-key FILE --server-name NAME
                                                        the same over HTTPS (port 80 redirected)
"""

import argparse
import ctypes
import http
import importlib
import json
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
from deploy import tls_site  # noqa: E402  (from the project root, like the served app)
from deploy.tls_site import Tls  # noqa: E402

# What nginx answers itself, and how: its status → (the status sent, the detail, extra headers).
# nginx's 494 is its 400 for a header or cookie too large; its 502 (gunicorn not listening: down
# or restarting) is a 503 to the client, with Retry-After, like the app's own when its database
# is away. 404 is only for the problem pages themselves, asked for from outside. nginx never
# answers 408 (it closes a connection that stopped sending, and logs 408) nor 411 (a request that
# neither states a length nor is chunked has no body).
HEADER_LINE_KIB = 8  # large_client_header_buffers: a longer request line is a 414, header a 494
PROBLEMS = {
    400: (
        400,
        "The request is not valid HTTP: its request line, a header, or an escape (%XX) in its URL "
        "cannot be read, or the URL holds non-ASCII characters; percent-encode them as UTF-8 "
        "(e.g. curl --url-query or --data-urlencode).",
        {},
    ),
    494: (
        400,
        f"A request header or cookie is longer than the server reads ({HEADER_LINE_KIB} KiB a "
        "line).",
        {},
    ),
    404: (404, "The requested URL was not found on the server.", {}),
    405: (405, "The method is not allowed for the requested URL.", {"Allow": "@ALLOW@"}),
    413: (413, "The data value transmitted exceeds the capacity limit.", {}),  # werkzeug's
    414: (
        414,
        f"The URL is longer than the server reads ({HEADER_LINE_KIB} KiB with its query string).",
        {},
    ),
    500: (500, "The server met an unexpected condition; the error has been logged.", {}),
    501: (501, "The Transfer-Encoding of the request is not one the server reads (chunked).", {}),
    502: (
        503,
        "The registry is restarting or not running; try again shortly.",
        {"Retry-After": "5"},
    ),
    503: (
        503,
        "The registry is restarting or not running; try again shortly.",
        {"Retry-After": "5"},
    ),
    504: (
        504,
        "The registry did not answer in time; the request may or may not have been carried out.",
        {},
    ),
    505: (505, "The server speaks HTTP/1.0 and HTTP/1.1 only.", {}),
}


# Each answer's code, as the app's problems have one (registry.messages; English only here).
NGINX_CODES = {
    400: "http.bad_request",
    494: "http.header_too_large",
    404: "http.not_found",
    405: "http.method_not_allowed",
    413: "http.payload_too_large",
    414: "http.uri_too_long",
    500: "http.internal",
    501: "http.not_implemented",
    502: "http.unavailable",
    503: "http.unavailable",
    504: "http.gateway_timeout",
    505: "http.version_not_supported",
}


def served_app(app_spec: str):
    module, _, name = app_spec.partition(":")
    return getattr(importlib.import_module(module), name or "app")


def upload_limit(app) -> int:
    """The served app's own body limit (MAX_CONTENT_LENGTH), which nginx enforces first; 0: none."""
    return int(app.config.get("MAX_CONTENT_LENGTH") or 0)


def methods(app) -> list[str]:
    """The methods some route of the app takes: nginx refuses the others (405) itself."""
    return sorted({method for rule in app.url_map.iter_rules() for method in rule.methods})


def _problem_body(status: int, code: str, detail: str) -> str:
    """A problem's JSON as nginx returns it (its instance filled in by nginx)."""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": http.HTTPStatus(status).phrase,
            "status": status,
            "code": code,
            "detail": detail,
        },
        ensure_ascii=False,
    )
    assert not set("'\\$") & set(body), body  # nothing nginx would read in a string
    return body[:-1] + ', "instance": "$registry_instance"}'


def _details(code: int, detail: str, max_body: int) -> tuple[str, str]:
    """A page's detail in English and in Chinese (the catalog's, registry.messages): the 413's
    both the app's own words, the others' English more precise than the catalog's."""
    from registry.messages import CHINESE, Message

    params = {"limit": max_body, "method": "此"} if code in (413, 405) else {}
    message = Message(NGINX_CODES[code], **params)
    return (str(message) if code == 413 else detail), message.text(CHINESE)


def problem_pages(allowed: list[str], max_body: int) -> str:
    """nginx's own answers as problem+json: an error_page for each status nginx may answer with,
    and the internal location that answers it (the title is the app's: the status's phrase), in
    English, or in Chinese when Accept-Language asks for it first (as the app's problems)."""
    lines = []
    for code, (status, detail, headers) in PROBLEMS.items():
        page = f"/.registry-problems/{code}"
        lines.append(f"error_page {code} {'' if status == code else f'={status} '}{page};")
        english, chinese = _details(code, detail, max_body)
        lines += [
            f"location = {page} {{",
            "    internal;",
            "    default_type application/problem+json;",
            "    add_header X-Request-ID $registry_request_id always;",
            "    add_header Strict-Transport-Security $registry_hsts always;",
            "    add_header Content-Language $registry_language always;",
            "    add_header Vary Accept-Language always;",
            *(
                f'    add_header {name} "{value.replace("@ALLOW@", ", ".join(allowed))}" always;'
                for name, value in headers.items()
            ),
            "    if ($registry_language = zh-CN) {",
            f"        return {status} '{_problem_body(status, NGINX_CODES[code], chinese)}';",
            "    }",
            f"    return {status} '{_problem_body(status, NGINX_CODES[code], english)}';",
            "}",
        ]
    return "\n    ".join(lines)


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


def site(
    listen: str, upstream: str, app, access_log: str = "/dev/stderr", tls: "Tls | None" = None
) -> str:
    """The nginx site (http context) for the registry behind `listen`; over HTTPS with `tls`,
    `listen` taking TLS and HTTP/2, and a server redirecting plain HTTP to it."""
    allowed = methods(app)
    return render(
        "registry.nginx.conf",
        LISTEN=f"{listen} ssl http2" if tls else listen,
        SERVER_NAME=tls.server_name if tls else "_",
        TLS=render("tls.nginx.conf", **tls_site.fragment(tls)).strip() if tls else "",
        REDIRECT=tls_site.redirect_server(tls, listen, access_log) if tls else "",
        UPSTREAM=upstream,
        MAX_BODY=str(upload_limit(app)),
        READ_TIMEOUT=str(gunicorn_settings().timeout + 10),
        HEADER_LINE_LIMIT=f"{HEADER_LINE_KIB}k",
        METHODS="|".join(allowed),
        ACCESS_LOG=access_log,
        PROBLEMS=problem_pages(allowed, upload_limit(app)),
    )


def listen_address(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def debian_binary(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise SystemExit(
            f"serve: {name} is missing: .ci/ensure-debian-packages.sh {name}={package} installs "
            "it (as root; `make run` runs it)"
        )
    return found


def _die_with_parent() -> None:
    """In the child: SIGTERM when this script dies, even by SIGKILL (Linux), so none outlives it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_redis(run: Path) -> subprocess.Popen:
    """Redis for the rate limits' counts, on a socket only this user reaches, kept in memory."""
    return subprocess.Popen(
        [
            debian_binary("redis-server", "redis-server"),
            *("--port", "0", "--unixsocket", str(run / "redis.sock"), "--unixsocketperm", "700"),
            *("--save", "", "--appendonly", "no", "--dir", str(run), "--loglevel", "warning"),
        ],
        preexec_fn=_die_with_parent,
    )


def _wait_for(path: Path, process: subprocess.Popen, what: str, stop: threading.Event) -> bool:
    """Until `process` listens on `path`; False if it exited, took too long or we are stopped."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while not path.exists():
        if process.poll() is not None or stop.is_set() or time.monotonic() > deadline:
            if not stop.is_set():
                print(f"serve: {what} did not start", file=sys.stderr)
            return False
        time.sleep(0.05)
    return True


def serve(app_spec: str) -> int:
    host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
    app = served_app(app_spec)
    max_body = upload_limit(app)
    nginx = debian_binary("nginx", "nginx")
    with tempfile.TemporaryDirectory(prefix="registry-run-") as run_dir:
        run = Path(run_dir)
        # Started as root, nginx's workers run as nobody: they must reach the socket in here.
        run.chmod(0o711)
        sock = run / "gunicorn.sock"
        (run / "registry.conf").write_text(site(listen_address(host, port), f"unix:{sock}", app))
        (run / "nginx.conf").write_text(render("standalone.nginx.conf", RUN=str(run)))
        # The app trusts exactly one proxy: nginx, whose X-Forwarded-For names the client.
        env = {**os.environ, "REGISTRY_TRUSTED_PROXIES": "1"}
        # Every worker's metrics, summed at each scrape (emptied by registry/gunicorn_conf.py).
        env["PROMETHEUS_MULTIPROC_DIR"] = str(run / "metrics")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        children: dict[str, subprocess.Popen] = {}
        try:
            # The rate limits' counts: a Redis of our own, unless the settings name one.
            if not env.get("REGISTRY_RATE_LIMIT_STORAGE"):
                children["redis"] = start_redis(run)
                env["REGISTRY_RATE_LIMIT_STORAGE"] = f"redis+unix://{run / 'redis.sock'}"
                if not _wait_for(run / "redis.sock", children["redis"], "redis", stop):
                    return 0 if stop.is_set() else 1
            children["gunicorn"] = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    *("--config", str(ROOT / "registry" / "gunicorn_conf.py")),
                    *("--bind", f"unix:{sock}", app_spec),
                ],
                cwd=ROOT,
                env=env,
                preexec_fn=_die_with_parent,
            )
            if not _wait_for(sock, children["gunicorn"], "gunicorn", stop):
                return 0 if stop.is_set() else 1
            children["nginx"] = subprocess.Popen(
                [nginx, "-e", "stderr", "-p", str(run), "-c", str(run / "nginx.conf")],
                preexec_fn=_die_with_parent,
            )
            print(
                f"serve: http://{listen_address(host, port)} (nginx, body limit {max_body} B) "
                f"-> gunicorn on unix:{sock} (rate limits counted in "
                f"{env['REGISTRY_RATE_LIMIT_STORAGE']})",
                file=sys.stderr,
                flush=True,
            )
            while not stop.wait(0.2):
                if "redis" in children and children["redis"].poll() is not None:
                    # The limits fail open meanwhile; the counts start again from nothing.
                    print("serve: redis exited; starting it again", file=sys.stderr, flush=True)
                    children["redis"] = start_redis(run)
                if any(children[name].poll() is not None for name in ("gunicorn", "nginx")):
                    print("serve: a server exited; stopping the others", file=sys.stderr)
                    return 1
            return 0
        finally:
            _stop(children)


def _stop(children: dict[str, subprocess.Popen]) -> None:
    """Gracefully: gunicorn finishes its requests (TERM), nginx what it is sending (QUIT), then
    Redis (TERM: nothing to save)."""
    graceful = {"gunicorn": signal.SIGTERM, "nginx": signal.SIGQUIT, "redis": signal.SIGTERM}
    for name, signum in graceful.items():
        if name in children and children[name].poll() is None:
            children[name].send_signal(signum)
    deadline = time.monotonic() + gunicorn_settings().graceful_timeout + 5
    for child in children.values():
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
    production.add_argument("--listen", help="e.g. 80, or 10.0.0.5:80 (443 with --tls-cert)")
    production.add_argument(
        "--upstream", required=True, help="gunicorn: unix:/run/registry/gunicorn.sock"
    )
    production.add_argument("--access-log", default="/var/log/registry/nginx.log")
    production.add_argument("--tls-cert", help="HTTPS: the certificate, then its intermediates")
    production.add_argument("--tls-key", help="HTTPS: the certificate's private key")
    production.add_argument("--tls-chain", help="HTTPS: the issuer's chain (OCSP stapling on)")
    production.add_argument("--server-name", help="HTTPS: the site's name, as in its certificate")
    production.add_argument(
        "--redirect-from", default="80", help="HTTPS: where plain HTTP is redirected from"
    )
    args = parser.parse_args()
    if args.command == "site":
        tls = tls_site.from_options(
            args.tls_cert, args.tls_key, args.tls_chain, args.server_name, args.redirect_from
        )
        listen = args.listen or ("443" if tls else "80")
        print(site(listen, args.upstream, served_app(args.app), args.access_log, tls), end="")
        return 0
    return serve(args.app)


if __name__ == "__main__":
    sys.exit(main())
