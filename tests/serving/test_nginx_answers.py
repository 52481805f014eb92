"""What `make run` answers before the app can: every answer nginx (or gunicorn) gives itself is
the registry's problem+json — `type`, `title`, `status`, `detail`, `instance` — never an HTML
page: a request it cannot read, a method no route takes, a URL or header too long, its own
failure, and gunicorn down (503 with Retry-After) or silent (504)."""

import os
import socket
import threading

import pytest

from tests.support.http import PROBLEM, assert_problem
from tests.support.servers import make_run, read_reply

# Every answer nginx gives itself is a problem with every member, `instance` among them.
NGINX = {
    "members": {"type", "title", "status", "code", "detail", "instance"},
    "type": "about:blank",
}


def raw(port: int, request: bytes, *, timeout: float = 60) -> bytes:
    """Send `request` as it is on a new connection; everything the server sends until it closes
    the connection (b"" when it closes it without a word)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


def get(path: bytes, *headers: bytes, method: bytes = b"GET", version: bytes = b"HTTP/1.1"):
    return (
        method + b" " + path + b" " + version + b"\r\nHost: registry\r\n"
        + b"".join(h + b"\r\n" for h in headers)
        + b"Connection: close\r\n\r\n"
    )  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    # GUNICORN_TIMEOUT=1: nginx waits for gunicorn 11 s (its timeout + 10) before its 504.
    with make_run(
        tmp_path_factory.mktemp("proxy"), WEB_CONCURRENCY="1", GUNICORN_TIMEOUT="1"
    ) as served:
        yield served


@pytest.mark.parametrize(
    ("request_bytes", "instance", "detail"),
    [
        (get(b"/api/v1/enterprises/%00"), "/api/v1/enterprises/%00", "escape"),
        (get(b"/api/v1/enterprises/%zz"), "/api/v1/enterprises/%zz", "escape"),
        (get(b"/api/v1/ti\x01ers"), "", "request line"),
        (get("/api/v1/enterprises?q=红旗".encode()), "/api/v1/enterprises", "percent-encode"),
        (get(b"/api/v1/tiers", b"X-Big: " + b"a" * 40_000), "/api/v1/tiers", "header"),
        (get(b"/api/v1/tiers", b"Cookie: s=" + b"a" * 9_000), "/api/v1/tiers", "cookie"),
        (get(b"/api/v1/tiers", b"Content-Length: x"), "/api/v1/tiers", "header"),
        (get(b"/api/v1/tiers", b"Host: second"), "/api/v1/tiers", "header"),
    ],
    ids=[
        "nul",
        "broken-escape",
        "control-byte",
        "raw-chinese",
        "header",
        "cookie",
        "length",
        "host",
    ],
)
def test_a_request_nginx_cannot_read_is_a_400_problem(served, request_bytes, instance, detail):
    problem = assert_problem(
        read_reply(raw(served.port, request_bytes)), 400, **NGINX, instance=instance
    )
    assert detail in problem["detail"]


def test_a_header_value_gunicorn_refuses_is_a_problem_too(served):
    """nginx passes a control byte in a header value on; gunicorn refuses it, in problem+json
    (it has not read the request: no `instance`)."""
    assert_problem(read_reply(raw(served.port, get(b"/api/v1/tiers", b"X-A: a\x7fb"))), 400)


def test_what_nginx_passes_on_gunicorn_reads_101_headers_and_8_kib_lines(served):
    many = [b"X-H%d: v" % i for i in range(150)]
    assert read_reply(raw(served.port, get(b"/api/v1/tiers", *many))).status == 200
    longest = b"X-A: " + b"a" * (8190 - 5)  # the longest header line nginx reads
    assert read_reply(raw(served.port, get(b"/api/v1/tiers", longest))).status == 200


def test_nginx_answers_in_chinese_when_asked_as_the_app_does(served):
    zh = read_reply(
        raw(
            served.port,
            get(b"/api/v1/enterprises", b"Accept-Language: zh-CN,zh;q=0.9", method=b"PUT"),
        )
    )
    problem = assert_problem(zh, 405, **NGINX, code="http.method_not_allowed")
    assert problem["detail"] == "该地址不接受此请求。"
    assert zh.headers["content-language"] == "zh-CN"
    en = read_reply(raw(served.port, get(b"/api/v1/enterprises", method=b"PUT")))
    assert assert_problem(en, 405, **NGINX)["detail"].isascii()
    assert en.headers["content-language"] == "en"


@pytest.mark.parametrize("method", [b"TRACE", b"PUT", b"PROPFIND", b"CONNECT"])
def test_a_method_no_route_takes_is_a_405_problem_with_allow(served, method):
    answer = raw(served.port, get(b"/api/v1/enterprises", method=method))
    assert_problem(read_reply(answer), 405, **NGINX, instance="/api/v1/enterprises")
    allowed = {m.strip() for m in read_reply(answer).headers["allow"].split(",")}
    assert allowed == {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST"}  # some route's


def test_a_method_the_route_does_not_take_is_the_apps_405_with_its_own_allow(served):
    answer = raw(served.port, get(b"/api/v1/tiers", method=b"POST"))
    assert_problem(read_reply(answer), 405, **NGINX, instance="/api/v1/tiers")
    allowed = {m.strip() for m in read_reply(answer).headers["allow"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


def test_a_url_too_long_is_a_414_problem(served):
    answer = raw(served.port, get(b"/api/v1/enterprises/" + b"a" * 20_000))
    # The request line was not read whole: no `instance` to give.
    problem = assert_problem(read_reply(answer), 414, **NGINX, instance="")
    assert "8 KiB" in problem["detail"]


def test_an_http_version_nginx_does_not_speak_is_a_505_problem(served):
    answer = raw(served.port, get(b"/api/v1/tiers", version=b"HTTP/2.0"))
    assert_problem(read_reply(answer), 505, **NGINX, instance="/api/v1/tiers")


def test_a_transfer_encoding_nginx_does_not_read_is_a_501_problem(served):
    request = get(b"/api/v1/imports", b"Transfer-Encoding: gzip", method=b"POST")
    assert_problem(read_reply(raw(served.port, request)), 501, **NGINX, instance="/api/v1/imports")


def test_the_problem_pages_are_not_served_from_outside(served):
    answer = raw(served.port, get(b"/.registry-problems/400"))
    assert_problem(read_reply(answer), 404, **NGINX, instance="/.registry-problems/400")


def test_a_head_request_gets_the_status_and_type_without_a_body(served):
    head = read_reply(raw(served.port, get(b"/api/v1/%00", method=b"HEAD")))
    assert head.status == 400 and head.headers["content-type"] == PROBLEM
    assert head.body == b""


def test_a_body_that_stops_arriving_gets_no_html_page(served):
    """nginx never answers a timed-out request (it logs 408 and closes the connection): the
    client gets no page of any kind. (Nor does nginx ever answer 411: a request with a body
    states its length or is chunked, and one that does neither has none.)"""
    started = (
        b"POST /api/v1/imports HTTP/1.1\r\nHost: registry\r\nContent-Type: text/csv\r\n"
        b"Content-Length: 1000\r\n\r\n" + b"x" * 10
    )
    assert raw(served.port, started) == b""


def test_nginxs_own_failure_is_a_500_problem(served):
    """A body over 16 KiB is spooled to disk; with its folder gone, nginx fails (500)."""
    spool = served.run_dir() / "client_body"
    spool.rename(spool.with_name("client_body.away"))
    try:
        body = b"x" * 20_000
        request = (
            b"POST /api/v1/imports HTTP/1.1\r\nHost: registry\r\nContent-Type: text/csv\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        ) + body
        answer = raw(served.port, request)
    finally:
        spool.with_name("client_body.away").rename(spool)
    assert_problem(read_reply(answer), 500, **NGINX, instance="/api/v1/imports")


def test_gunicorn_down_is_a_503_problem_with_retry_after(served):
    sock = served.run_dir() / "gunicorn.sock"
    sock.rename(sock.with_name("gunicorn.away"))
    try:
        answer = raw(served.port, get(b"/api/v1/tiers"))
        posted = raw(served.port, get(b"/api/v1/enterprises", method=b"POST"))
    finally:
        sock.with_name("gunicorn.away").rename(sock)
    assert_problem(read_reply(answer), 503, **NGINX, instance="/api/v1/tiers")
    assert_problem(read_reply(posted), 503, **NGINX, instance="/api/v1/enterprises")
    assert int(read_reply(answer).headers["retry-after"]) > 0
    assert read_reply(raw(served.port, get(b"/api/v1/tiers"))).status == 200  # back


def test_gunicorn_silent_is_a_504_problem(served):
    """A socket that takes the connection and never answers (a stuck server): nginx gives up
    after gunicorn's own timeout + 10 s."""
    sock = served.run_dir() / "gunicorn.sock"
    sock.rename(sock.with_name("gunicorn.away"))
    silent = socket.socket(socket.AF_UNIX)
    try:
        silent.bind(str(sock))
        os.chmod(sock, 0o777)  # nginx's workers may run as another user
        silent.listen(16)
        answered: list[bytes] = []
        asking = threading.Thread(
            target=lambda: answered.append(raw(served.port, get(b"/api/v1/tiers"), timeout=60))
        )
        asking.start()
        asking.join(timeout=60)
    finally:
        silent.close()
        sock.unlink(missing_ok=True)
        sock.with_name("gunicorn.away").rename(sock)
    assert_problem(read_reply(answered[0]), 504, **NGINX, instance="/api/v1/tiers")
