"""What `make run` serves: nginx in front of gunicorn (deploy/serve.py), as real processes.

Slow clients wait in nginx, so the health check keeps answering; Ctrl-C stops everything; nginx
enforces the app's upload limit with the app's own problem+json; X-Request-ID passes through,
and the app believes exactly one proxy's X-Forwarded-For.
"""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support.apps import make_app
from tests.support.http import assert_problem
from tests.support.paths import ROOT
from tests.support.servers import (
    BIN,
    call,
    create_token,
    env_for,
    free_port,
    gunicorn_server,
    make_run,
    read_reply,
)
from tests.support.slow_clients import under_slow_clients
from tests.support.waiting import wait_until

XFF_SPOOF = "203.0.113.9"


def test_health_answers_within_a_second_while_100_slow_clients_trickle(tmp_path):
    # Two workers: fewer than the slow clients by far (gunicorn alone answered 0 probes).
    with make_run(tmp_path, WEB_CONCURRENCY="2", GUNICORN_ACCESSLOG="/dev/null") as served:
        probes = under_slow_clients(
            "127.0.0.1", served.port, headers=50, bodies=50, seconds=30, interval=0.5
        )

    assert probes.count >= 50
    assert probes.within(1.0) == probes.count, (probes.summary(), probes.failures[:5])


def test_ctrl_c_stops_nginx_and_gunicorn(tmp_path):
    with make_run(tmp_path, WEB_CONCURRENCY="2") as served:
        socket_path = re.search(r"gunicorn on unix:(\S+)", served.log()).group(1)
        assert Path(socket_path).exists()
        assert "nginx" in call("GET", served.url("/health")).headers["server"]

        served.ctrl_c()

        # The last workers are reaped just after make exits.
        wait_until(
            lambda: not served.group_alive(),
            timeout=10,
            what="every process of `make run` gone after Ctrl-C",
        )
        assert not Path(socket_path).parent.exists()  # its rendered configs and socket removed
        with pytest.raises(OSError):
            call("GET", served.url("/health"), timeout=2)


def _app_answer_to(body: bytes, limit: int, token: str, database_url: str):
    """What the app itself answers to an oversized body (no proxy in between)."""
    app = make_app(database_url, init=False, MAX_CONTENT_LENGTH=limit)
    return app.test_client().post(
        "/api/v1/imports",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
    )


def test_nginx_keeps_the_upload_limit_and_answers_it_as_the_app_does(tmp_path):
    limit = 4096
    with make_run(tmp_path, REGISTRY_MAX_UPLOAD_BYTES=str(limit), WEB_CONCURRENCY="1") as served:
        admin = create_token(served.database_url, "--role", "admin", "--name", "proxy test")
        own = _app_answer_to(b"x" * (limit + 1), limit, admin, served.database_url)
        assert own.status_code == 413

        too_large = call(
            "POST",
            served.url("/imports?dry_run=true"),
            data=b"x" * (limit + 1),
            token=admin,
            headers={"Content-Type": "text/csv", "X-Request-ID": "upload-1"},
        )
        assert_problem(too_large, 413)
        assert too_large.json == own.json  # title, detail, instance: the app's own words
        assert too_large.headers["x-request-id"] == "upload-1"

        # A chunked body is counted as it comes, and refused the same way.
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        connection.request(
            "POST",
            "/api/v1/imports?dry_run=true",
            body=iter([b"y" * 3000, b"y" * 3000]),
            headers={"Authorization": f"Bearer {admin}", "Content-Type": "text/csv"},
            encode_chunked=True,
        )
        chunked = connection.getresponse()
        assert chunked.status == 413
        assert json.loads(chunked.read()) == own.json
        connection.close()

        # Under the limit, the body reaches the app (which reads it: a CSV with no header row).
        # (A body of exactly the limit passes nginx, and the app answers it 413 itself: werkzeug
        # refuses a stream that reaches its maximum.)
        under = call(
            "POST",
            served.url("/imports?dry_run=true"),
            data=b"x" * (limit - 1),
            token=admin,
            headers={"Content-Type": "text/csv"},
        )
        assert under.status == 422, under.body
        assert under.json["errors"]


def test_request_ids_pass_through_and_the_client_address_is_the_proxys_view(tmp_path):
    with make_run(tmp_path, WEB_CONCURRENCY="1") as served:
        given = call(
            "GET",
            served.url("/health"),
            headers={"X-Request-ID": "probe-42", "X-Forwarded-For": XFF_SPOOF},
        )
        made = call("GET", served.url("/tiers"))
        given_line = served.access_line("probe-42")
        made_line = served.access_line(made.headers["x-request-id"])

    assert given.headers["x-request-id"] == "probe-42"
    # The app logs the client's address as nginx saw it, never what the client claims.
    assert given_line["remote"] == "127.0.0.1"
    # No id sent: nginx makes one, and the app answers and logs with it.
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert made_line["path"] == "/api/v1/tiers"


def test_raw_chinese_in_a_url_is_a_problem_not_a_page(tmp_path):
    """A clerk pastes 豫工信企业〔2023〕45号 into a URL unencoded: one clear problem+json 400;
    percent-encoded, it reaches the app."""
    with make_run(tmp_path, WEB_CONCURRENCY="1") as served:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
            sock.sendall(
                "GET /api/v1/tiers?q=豫工信企业〔2023〕45号 HTTP/1.1\r\nHost: x\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            raw = b""
            while chunk := sock.recv(65536):
                raw += chunk
        encoded = call("GET", served.url("/tiers?lang=%E8%B1%AB"))
    assert raw.startswith(b"HTTP/1.1 400"), raw[:400]
    problem = assert_problem(read_reply(raw), 400)
    assert "percent-encode" in problem["detail"]
    assert encoded.status == 422  # the app's own answer: an unknown query parameter


def test_gunicorn_facing_clients_believes_no_forwarded_for(tmp_path):
    with gunicorn_server(tmp_path, workers=1) as server:
        reply = call(
            "GET",
            server.url("/health"),
            headers={"X-Request-ID": "direct-1", "X-Forwarded-For": XFF_SPOOF},
        )
        logged = server.access_line("direct-1")

    assert reply.status == 200
    assert logged["remote"] == "127.0.0.1"


def test_the_production_site_is_a_valid_nginx_config(tmp_path):
    site = subprocess.run(
        [
            str(BIN / "python"),
            "deploy/serve.py",
            "site",
            "--listen",
            f"127.0.0.1:{free_port()}",
            "--upstream",
            "unix:/run/registry/gunicorn.sock",
            "--access-log",
            str(tmp_path / "registry.log"),
        ],
        cwd=ROOT,
        env=env_for(f"sqlite:///{tmp_path / 'unused.db'}"),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    assert "client_max_body_size 16777216;" in site  # the app's default limit
    (tmp_path / "registry.conf").write_text(site)
    # As Debian's /etc/nginx/nginx.conf includes a site: inside http {}.
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n"
        + "".join(
            f"  {kind}_temp_path {tmp_path}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {tmp_path}/registry.conf;\n}}\n"
    )
    nginx = subprocess.run(
        [
            shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"),
            "-t",
            "-e",
            "stderr",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert nginx.returncode == 0, nginx.stdout
