"""Debian's chromium, driven by Playwright, against gunicorn serving the demo city mid-plan.

No browser is downloaded: Playwright launches /usr/bin/chromium (`make test` installs it with
.ci/ensure-debian-packages.sh). Every request a page makes to another host is refused and
fails the test; so does an uncaught script error or a Content-Security-Policy violation.
Screenshots go to tests/artifacts/ (ignored by git).
"""

import contextlib
from collections.abc import Iterator

import pytest

from tests.browser.support import (
    BUREAU,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    Guard,
    Site,
    a_firm_mid_ladder,
)
from tests.support.servers import create_token, gunicorn_server, load_demo_data


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[Site]:
    with gunicorn_server(tmp_path_factory.mktemp("browser"), workers=2, name="browser") as server:
        load_demo_data(server.database_url, None, seed=1)  # `registry demo-data`: the city
        dashboard = create_token(server.database_url, "--role", "dashboard", "--name", "大屏")
        bureau = create_token(
            server.database_url, "--role", "bureau", "--name", "红旗区工信局", "--district", BUREAU
        )
        code, status = a_firm_mid_ladder(server)
        firm = create_token(
            server.database_url, "--role", "enterprise", "--name", "一家企业", "--credit-code", code
        )
        origin = server.base_url.removesuffix("/api/v1")
        site = Site(server, origin, dashboard, code, firm, status, bureau_token=bureau)
        site.tiers = {tier["key"]: tier for tier in site.api("/tiers")}
        yield site


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: run `.ci/ensure-debian-packages.sh chromium=chromium` as root "
        "(`make test` does)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, site):
    """open_page(path, viewport=DESKTOP) -> a Playwright Page on the live server, in a fresh
    context (empty sessionStorage); checked for foreign requests and script errors at the end."""
    guards: list[Guard] = []
    with contextlib.ExitStack() as stack:

        def _open(path: str, viewport: dict = DESKTOP):
            phone = viewport["width"] < 600
            context = browser.new_context(
                viewport=viewport,
                locale="zh-CN",
                device_scale_factor=2 if phone else 1,
                is_mobile=phone,
                has_touch=phone,
            )
            stack.callback(context.close)
            guard = Guard(site.origin)
            guards.append(guard)
            context.route("**/*", guard.route)
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("pageerror", lambda error: guard.errors.append(str(error)))
            page.on("console", guard.console)
            page.goto(site.origin + path)
            return page

        yield _open
    for guard in guards:
        guard.check()
