"""Slow clients (slowloris) and a health probe that times them: what a served registry must bear.

Each slow client opens a connection and trickles its request a byte at a time, either the
header (never finished) or the body of an upload (a large Content-Length, a byte a second); when
the server closes the connection it opens another, so the pressure lasts the whole run. Meanwhile
the probe asks GET /api/v1/health on a new connection every `interval` seconds and notes how long
each answer took. Run as a script to measure a server:
`python -m tests.support.slow_clients HOST:PORT`.
"""

import argparse
import http.client
import socket
import threading
import time
from dataclasses import dataclass, field

from tests.support.waiting import wait_until

HEADER_START = b"GET /api/v1/health HTTP/1.1\r\nHost: registry\r\n"
BODY_START = (
    b"POST /api/v1/imports?dry_run=true HTTP/1.1\r\nHost: registry\r\n"
    b"Content-Type: text/csv\r\nContent-Length: 1000000\r\n\r\n"
)


@dataclass
class Probes:
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered probe
    failures: list[str] = field(default_factory=list)  # what went wrong, one per failed probe

    def within(self, seconds: float) -> int:
        return sum(latency <= seconds for latency in self.latencies)

    @property
    def count(self) -> int:
        return len(self.latencies) + len(self.failures)

    def summary(self) -> str:
        answered = sorted(self.latencies)
        slowest = f"{answered[-1] * 1000:.0f} ms" if answered else "-"
        median = f"{answered[len(answered) // 2] * 1000:.0f} ms" if answered else "-"
        return (
            f"{self.within(1.0)} of {self.count} probes answered 200 within 1 s "
            f"(median {median}, slowest {slowest}; {len(self.failures)} failed)"
        )


class SlowClient(threading.Thread):
    """One connection at a time, trickling a request (`kind`: "headers" or "body")."""

    def __init__(self, host: str, port: int, kind: str, stop: threading.Event, pace: float = 1.0):
        super().__init__(daemon=True)
        self.address, self.kind, self.stop, self.pace = (host, port), kind, stop, pace
        self.connections = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with socket.create_connection(self.address, timeout=5) as sock:
                    self.connections += 1
                    self._trickle(sock)
            except OSError:  # refused, reset or closed by the server: come back
                self.stop.wait(0.2)

    def _trickle(self, sock: socket.socket) -> None:
        if self.kind == "headers":
            sock.sendall(HEADER_START)
            drip = b"X-Slow: a\r\n"
        else:
            sock.sendall(BODY_START)
            drip = b"9"
        while not self.stop.wait(self.pace):
            for byte in drip:
                sock.sendall(bytes([byte]))


def probe(host: str, port: int, timeout: float = 1.0) -> float:
    """Seconds until GET /api/v1/health answered 200 (on a new connection); raises otherwise."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/api/v1/health")
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise OSError(f"status {response.status}")
    finally:
        connection.close()
    return time.monotonic() - started


def under_slow_clients(
    host: str,
    port: int,
    *,
    headers: int = 50,
    bodies: int = 50,
    seconds: float = 30,
    interval: float = 0.5,
    timeout: float = 1.0,
) -> Probes:
    """Probe the health check every `interval` s for `seconds` while the slow clients trickle."""
    stop = threading.Event()
    clients = [SlowClient(host, port, "headers", stop) for _ in range(headers)]
    clients += [SlowClient(host, port, "body", stop) for _ in range(bodies)]
    for client in clients:
        client.start()
    wait_until(
        lambda: all(client.connections for client in clients),
        what="every slow client connected and trickling, before the first probe",
    )
    probes = Probes()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                probes.latencies.append(probe(host, port, timeout))
            except (OSError, http.client.HTTPException) as exc:
                probes.failures.append(f"{time.monotonic() - started:.2f} s: {exc!r}")
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=10)
    return probes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="HOST:PORT of a served registry")
    parser.add_argument("--headers", type=int, default=50)
    parser.add_argument("--bodies", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    host, port = args.address.rsplit(":", 1)
    probes = under_slow_clients(
        host, int(port), headers=args.headers, bodies=args.bodies, seconds=args.seconds
    )
    print(probes.summary())
    for failure in probes.failures[:5]:
        print("  failed:", failure)


if __name__ == "__main__":
    main()
