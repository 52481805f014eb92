"""The production site over HTTPS (`deploy/serve.py site --tls-cert … --tls-key …`), served by
Debian's nginx in front of gunicorn with a throwaway certificate: TLS 1.2 and 1.3 only, plain
HTTP redirected with its path and query, HSTS on every answer over HTTPS (nginx's own too), and a
person's session cookie `Secure` (the app believes nginx's X-Forwarded-Proto)."""

import json
import socket
import ssl
import subprocess

import pytest

from tests.support.https import SERVER_NAME, https_stack, nginx_binary, render_site, self_signed
from tests.support.paths import ROOT
from tests.support.servers import BIN, env_for, free_port, run_registry

HSTS = "max-age=63072000"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with https_stack(tmp_path_factory.mktemp("https")) as stack:
        yield stack


def handshake(stack, context: ssl.SSLContext) -> str:
    """The TLS version the server agrees to with `context` (an SSLError if none)."""
    with (
        socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=SERVER_NAME) as tls,
    ):
        return tls.version()


@pytest.mark.parametrize(
    ("version", "name"),
    [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")],
)
def test_tls_1_2_and_1_3_are_spoken_with_the_certificate(stack, version, name):
    assert handshake(stack, stack.context(version)) == name


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_tls_1_1_is_refused_by_the_server(stack):
    context = stack.context()
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # the client offers TLS 1.1 and its ciphers
    context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_1
    with pytest.raises(ssl.SSLError) as refused:
        handshake(stack, context)
    # The server's alert, not the client's own refusal to offer the version
    assert refused.value.reason == "TLSV1_ALERT_PROTOCOL_VERSION", refused.value


@pytest.mark.parametrize("path", ["/", "/api/v1/enterprises?district=410102&page=2", "/x%20y?a=1"])
def test_plain_http_is_redirected_to_https_with_its_path_and_query(stack, path):
    reply = stack.http("GET", path, headers={"Host": "elsewhere.example"})
    assert reply.status == 301
    assert reply.headers["location"] == f"https://{SERVER_NAME}:{stack.https_port}{path}"
    assert "strict-transport-security" not in reply.headers  # meaningless over plain HTTP


def test_every_answer_over_https_carries_hsts(stack):
    health = stack.https("GET", "/api/v1/health")
    assert health.status == 200
    assert health.headers["strict-transport-security"] == HSTS
    refused = stack.https("TRACE", "/api/v1/tiers")  # nginx's own problem+json
    assert refused.status == 405
    assert refused.headers["strict-transport-security"] == HSTS


def test_signing_in_over_https_sets_a_secure_host_only_cookie(stack):
    once = run_registry(
        stack.server.database_url, "create-user", "tls.admin", "--name", "证书管理员", "--role",
        "admin",
    ).stdout.splitlines()[-1]  # fmt: skip

    reply = stack.https(
        "POST",
        "/api/v1/session",
        body=json.dumps({"login": "tls.admin", "password": once}),
        headers={"Content-Type": "application/json"},
    )

    assert reply.status == 200, reply.body
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith("__Host-registry_session=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "path"} <= attributes


@pytest.mark.parametrize("chain", [True, False], ids=["with-chain", "without-chain"])
def test_ocsp_stapling_only_with_the_issuers_chain(tmp_path, chain):
    cert, key = self_signed(tmp_path)
    files = {"tls_cert": cert, "tls_key": key} | ({"tls_chain": cert} if chain else {})
    conf = render_site(tmp_path, free_port(), free_port(), "unix:/run/registry/g.sock", **files)
    site = (tmp_path / "registry.conf").read_text()

    if chain:
        assert "ssl_stapling on;" in site and f"ssl_trusted_certificate {cert};" in site
    else:
        assert "ssl_stapling off;" in site and "ssl_trusted_certificate" not in site
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site and "ssl_session_tickets off;" in site
    checked = subprocess.run(
        [nginx_binary(), "-t", "-e", "stderr", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_https_needs_the_key_and_the_name_with_the_certificate(tmp_path):
    cert, _ = self_signed(tmp_path)
    refused = subprocess.run(
        [
            *(str(BIN / "python"), "deploy/serve.py", "site", "--upstream", "unix:/g.sock"),
            *("--tls-cert", str(cert)),
        ],
        cwd=ROOT,
        env=env_for(f"sqlite:///{tmp_path / 'unused.db'}"),
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "--tls-key" in refused.stderr
