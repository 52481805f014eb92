"""The logs a server room reads, through the production shape (nginx over HTTPS in front of
gunicorn): one JSON object a line, each naming its request — gunicorn's access line, nginx's for
the answers it gives itself, the app's own lines — and gunicorn's text formats on request."""

import json
import os
import re
import signal

import pytest

from tests.support.https import https_stack
from tests.support.paths import ROOT
from tests.support.servers import gunicorn_server
from tests.support.waiting import wait_until


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with https_stack(tmp_path_factory.mktemp("logs")) as stack:
        yield stack


def test_a_request_through_nginx_has_a_json_access_line_with_its_request_id(stack):
    reply = stack.https("GET", "/api/v1/tiers", headers={"X-Request-ID": "logged-1"})
    assert reply.status == 200 and reply.headers["x-request-id"] == "logged-1"
    line = stack.server.access_line("logged-1")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/tiers", 200)
    assert line["remote"] == "127.0.0.1" and isinstance(line["duration_ms"], float)
    assert line["time"].endswith("+00:00")  # ISO 8601, UTC


def test_without_a_request_id_nginx_makes_one_that_the_app_logs(stack):
    reply = stack.https("GET", "/api/v1/tiers")
    made = reply.headers["x-request-id"]
    assert len(made) == 32  # nginx's $request_id
    assert stack.server.access_line(made)["status"] == 200


def test_nginx_logs_the_answers_it_gives_itself_as_json(stack):
    reply = stack.https("TRACE", "/api/v1/tiers?a=1", headers={"X-Request-ID": "refused-1"})
    assert reply.status == 405
    line = wait_until(
        lambda: next(
            (
                json.loads(text)
                for text in stack.nginx_log.read_text().splitlines()
                if json.loads(text)["request_id"] == "refused-1"
            ),
            None,
        ),
        what="nginx's line for its 405",
    )
    assert (line["by"], line["status"], line["method"]) == ("nginx", 405, "TRACE")
    assert (line["path"], line["query"]) == ("/api/v1/tiers", "a=1")  # as sent, not its page


def test_the_apps_own_line_is_json_with_the_request_id(stack):
    nested = b"[" * 100_000  # deeper than any parser reads: logged as a warning
    headers = {"X-Request-ID": "deep-1", "Content-Type": "application/json"}
    reply = stack.https("POST", "/api/v1/session", body=nested, headers=headers)
    assert reply.status == 400

    line = wait_until(
        lambda: next(
            (
                x
                for x in stack.server.json_lines()
                if x.get("logger") == "registry.web.problems" and x["request_id"] == "deep-1"
            ),
            None,
        ),
        what="the app's warning",
    )
    assert line["level"] == "WARNING" and "/api/v1/session" in line["message"]
    assert isinstance(line["pid"], int) and line["time"].endswith("+00:00")


def test_gunicorns_own_lines_are_json_too(stack):
    lines = stack.server.json_lines()
    assert any(x.get("message", "").startswith("Booting worker") for x in lines)


def test_text_logs_on_request(tmp_path):
    with gunicorn_server(
        tmp_path, workers=1, name="text", extra_env={"REGISTRY_LOG_FORMAT": "text"}
    ) as server:
        server.call("GET", "/tiers", headers={"X-Request-ID": "text-1"})
        wait_until(lambda: '"GET /api/v1/tiers' in server.log(), what="the text access line")
    assert not server.json_lines()
    assert "Booting worker" in server.log()


def test_logrotate_keeps_every_log_the_unit_and_the_site_write():
    unit = (ROOT / "deploy" / "registry.service").read_text()
    rotated = (ROOT / "deploy" / "logrotate" / "registry").read_text()
    written = re.findall(r"GUNICORN_(?:ACCESS|ERROR)LOG=(\S+)", unit)
    written.append(serve_py_default_access_log())
    assert len(written) == 3
    stanzas = re.findall(r"^(/\S.*?) \{\n(.*?)^\}", rotated, flags=re.M | re.S)
    for path in written:
        [(_, body)] = [(paths, body) for paths, body in stanzas if path in paths.split()]
        for directive in ("daily", "rotate 30", "compress", "delaycompress", "postrotate"):
            assert re.search(rf"^\s+{directive}$", body, flags=re.M), (path, directive)
        assert "copytruncate" not in body  # both servers reopen their files on USR1


def serve_py_default_access_log() -> str:
    source = (ROOT / "deploy" / "serve.py").read_text()
    return re.search(r'"--access-log", default="([^"]+)"', source).group(1)


def test_usr1_reopens_the_files_after_rotation_and_lines_stay_json(tmp_path):
    access, errors = tmp_path / "access.log", tmp_path / "app.log"
    files = {"GUNICORN_ACCESSLOG": str(access), "GUNICORN_ERRORLOG": str(errors)}
    with gunicorn_server(tmp_path, workers=1, name="rotated", extra_env=files) as server:
        access.rename(tmp_path / "access.log-1")  # what logrotate does, then its postrotate
        errors.rename(tmp_path / "app.log-1")
        os.kill(server.process.pid, signal.SIGUSR1)
        wait_until(lambda: access.exists() and errors.exists(), what="the files reopened")
        wait_until(
            lambda: (
                server.call("GET", "/tiers", headers={"X-Request-ID": "after-1"}).status == 200
                and "after-1" in access.read_text()
            ),
            what="the next access line in the new file",
        )
    lines = [json.loads(x) for x in access.read_text().splitlines() if "after-1" in x]
    assert lines[0]["status"] == 200  # (a line each time the wait asked)
    assert all(json.loads(x)["level"] for x in errors.read_text().splitlines())
