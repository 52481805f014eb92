"""The production shape over HTTPS, as real processes: a throwaway self-signed certificate
(openssl), the site `deploy/serve.py site --tls-cert …` renders, and Debian's nginx serving it in
front of gunicorn (which believes nginx's X-Forwarded-Proto), on free high ports."""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.servers import BIN, Reply, Server, env_for, free_port, gunicorn_server
from tests.support.waiting import wait_until

SERVER_NAME = "registry.test"


@dataclass
class HttpsStack:
    server: Server  # gunicorn, its database and admin token, its log
    https_port: int
    http_port: int  # plain HTTP: redirected
    cert: Path  # the self-signed certificate: the clients' only CA
    nginx_log: Path

    def context(self, version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
        """A client trusting only the stack's certificate (exactly `version` if given)."""
        context = ssl.create_default_context(cafile=str(self.cert))
        if version is not None:
            context.minimum_version = context.maximum_version = version
        return context

    def https(self, method: str, path: str, *, body=None, headers=None) -> Reply:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=self.context(), timeout=30
        )
        return _exchange(connection, method, path, body, headers)

    def http(self, method: str, path: str, *, headers=None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        return _exchange(connection, method, path, None, headers)


def _exchange(connection, method, path, body, headers) -> Reply:
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        # Set-Cookie may repeat: joined, as the tests look for one of them
        found = {}
        for name, value in response.getheaders():
            found[name.lower()] = (
                f"{found[name.lower()]}, {value}" if name.lower() in found else value
            )
        return Reply(response.status, found, response.read())
    finally:
        connection.close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for SERVER_NAME and 127.0.0.1, good for a day, and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={SERVER_NAME}"),
            *("-addext", f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def render_site(folder: Path, https_port: int, http_port: int, upstream: str, **files) -> Path:
    """`deploy/serve.py site` over HTTPS into folder/registry.conf, inside an nginx.conf of its
    own (as Debian's includes a site), writing only under `folder`."""
    options = [f"--{name.replace('_', '-')}={value}" for name, value in files.items()]
    site = subprocess.run(
        [
            *(str(BIN / "python"), "deploy/serve.py", "site", "--upstream", upstream),
            *("--listen", f"127.0.0.1:{https_port}", "--redirect-from", f"127.0.0.1:{http_port}"),
            *("--server-name", SERVER_NAME, "--access-log", str(folder / "nginx.log"), *options),
        ],
        cwd=ROOT,
        env=env_for(f"sqlite:///{folder / 'unused.db'}"),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    (folder / "registry.conf").write_text(site)
    temp_paths = "".join(
        f"  {kind}_temp_path {folder}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"daemon off;\npid {folder}/nginx.pid;\nerror_log stderr warn;\nevents {{}}\n"
        f"http {{\n{temp_paths}  include {folder}/registry.conf;\n}}\n"
    )
    return conf


def nginx_binary() -> str:
    return shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def _listening(port: int, process: subprocess.Popen, errors: Path) -> bool:
    assert process.poll() is None, f"nginx exited:\n{errors.read_text()}"
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


@contextlib.contextmanager
def https_stack(folder: Path) -> Iterator[HttpsStack]:
    """gunicorn (one worker, believing one proxy) behind nginx over HTTPS; both stopped on the
    way out. nginx's files are in a folder of their own under /tmp, which its workers (nobody,
    when the tests run as root) reach, as `make run`'s."""
    with (
        tempfile.TemporaryDirectory(prefix="registry-https-") as run_dir,
        gunicorn_server(
            folder, workers=1, name="https", extra_env={"REGISTRY_TRUSTED_PROXIES": "1"}
        ) as server,
    ):
        run = Path(run_dir)
        run.chmod(0o711)
        cert, key = self_signed(run)
        https_port, http_port = free_port(), free_port()
        upstream = server.base_url.removeprefix("http://").removesuffix("/api/v1")
        conf = render_site(run, https_port, http_port, upstream, tls_cert=cert, tls_key=key)
        with open(folder / "nginx.err", "wb") as errors:
            nginx = subprocess.Popen(
                [nginx_binary(), "-e", "stderr", "-p", str(run), "-c", str(conf)],
                stdout=errors,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            for port in (https_port, http_port):
                wait_until(
                    lambda port=port: _listening(port, nginx, folder / "nginx.err"),
                    what="nginx listening",
                )
            yield HttpsStack(server, https_port, http_port, cert, run / "nginx.log")
        finally:
            nginx.send_signal(signal.SIGTERM)
            nginx.wait(timeout=15)
