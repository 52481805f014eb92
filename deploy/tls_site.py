"""HTTPS for the production site (`deploy/serve.py site --tls-cert … --tls-key …`): the
certificate's files, checked, the TLS lines of deploy/tls.nginx.conf, and the plain-HTTP server
that sends every request to https://."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tls:
    """The HTTPS site's certificate and name (absolute paths: nginx reads them)."""

    cert: str  # the certificate, then its intermediates
    key: str
    server_name: str  # the name clients use, as in the certificate
    chain: str | None = None  # the issuer's chain: OCSP stapling on
    redirect_from: str = "80"  # the plain-HTTP address whose requests go to https://


def from_options(cert, key, chain, server_name, redirect_from: str = "80") -> Tls | None:
    """The Tls the `site` options ask for (None: plain HTTP); SystemExit for a file missing or
    an option without its partners."""
    if not (cert or key or chain):
        return None
    if not (cert and key and server_name):
        raise SystemExit("serve: HTTPS needs --tls-cert, --tls-key and --server-name")
    files = {}
    for option, given in (("tls-cert", cert), ("tls-key", key), ("tls-chain", chain)):
        if given is None:
            continue
        if not Path(given).is_file():
            raise SystemExit(f"serve: --{option} {given}: no such file")
        files[option] = str(Path(given).resolve())
    return Tls(
        files["tls-cert"], files["tls-key"], server_name, files.get("tls-chain"), redirect_from
    )


def fragment(tls: Tls) -> dict[str, str]:
    """deploy/tls.nginx.conf's values: stapling on only when the issuer's chain is given."""
    stapling = (
        f"ssl_stapling on;\n    ssl_stapling_verify on;\n    ssl_trusted_certificate {tls.chain};"
        if tls.chain
        else "ssl_stapling off;  # no issuer's chain given (--tls-chain)"
    )
    return {"CERT": tls.cert, "KEY": tls.key, "STAPLING": stapling}


def port(listen: str) -> str:
    """The port of a listen address (`443`, `10.0.0.5:443`, `[::1]:8443`)."""
    return listen.rpartition(":")[2] if ":" in listen else listen


def redirect_server(tls: Tls, listen: str, access_log: str) -> str:
    """A server on plain HTTP answering every request with a 301 to the same path and query over
    HTTPS (`listen`'s port), on the site's own name, never the Host a client sent."""
    https_port = port(listen)
    origin = tls.server_name + ("" if https_port == "443" else f":{https_port}")
    return (
        "\nserver {\n"
        f"    listen {tls.redirect_from};\n"
        f"    server_name {tls.server_name};\n"
        "    server_tokens off;\n"
        f"    access_log {access_log} registry_json;\n"
        f"    return 301 https://{origin}$request_uri;\n"
        "}\n"
    )
