"""What the browser tests share besides fixtures: the browser's settings, the live site, a guard
against requests to other hosts, screenshots."""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.paths import ROOT
from tests.support.servers import Server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
DESKTOP = {"width": 1920, "height": 1080}
WALL_4K = {"width": 3840, "height": 2160}
PHONE = {"width": 390, "height": 844}
PLAN = "xinxiang-2023-2025"
BUREAU = "410702"  # 红旗区: the workbench's bureau token


@dataclass
class Site:
    server: Server
    origin: str  # http://127.0.0.1:PORT
    dashboard_token: str
    enterprise_code: str
    enterprise_token: str
    status: dict  # the enterprise's status, as the API answered it
    tiers: dict[str, dict] = field(default_factory=dict)
    bureau_token: str = ""  # a bureau of BUREAU

    def api(self, path: str, token: str | None = None):
        reply = self.server.call("GET", path, token=token or self.dashboard_token)
        assert reply.status == 200, (path, reply.status, reply.body[:300])
        return reply.json


@dataclass
class Guard:
    """What a page did that it must not: reach another host, throw, break the CSP."""

    origin: str
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and (
            f"{parts.scheme}://{parts.netloc}" != self.origin
        ):
            self.foreign.append(url)
            route.abort()
        else:
            route.continue_()

    def console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(message.text)

    def check(self):
        assert not self.foreign, f"requests to other hosts: {self.foreign}"
        assert not self.errors, f"errors in the page: {self.errors}"


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Write tests/artifacts/<name>-<width>x<height>.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    path = ARTIFACTS / f"{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def number(text: str) -> float:
    """A number as the pages print it: 1,234 or 12.5% (the percent sign dropped)."""
    return float(text.replace(",", "").replace("%", "").strip())


def assert_no_missing_values(page) -> None:
    """A value the script failed to fill shows as null, undefined or NaN."""
    text = page.locator("body").inner_text()
    assert not re.search(r"(?<![A-Za-z])(null|undefined|NaN)(?![A-Za-z])", text), text


def a_firm_mid_ladder(server: Server) -> tuple[str, dict]:
    """A demo firm holding a 专精特新 title (so it has a current and a next tier)."""
    page = server.call("GET", "/enterprises?tier=specialized_sme&page_size=100").json
    for item in page["items"]:
        status = server.call("GET", f"/enterprises/{item['credit_code']}/status").json
        if status["current_tier"] == "specialized_sme":
            return item["credit_code"], status
    raise AssertionError("no demo firm holds specialized_sme")
