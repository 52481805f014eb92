"""People's tests: a clock of their own, given back after each test."""

import pytest

from registry.services import clock
from tests.people.support import Clock


@pytest.fixture
def moment():
    """The registry's clock, standing still at 2026-12-06 02:00 UTC until the test moves it."""
    standing = Clock()
    yield standing
    clock.use_clock(None)


@pytest.fixture
def browser(app):
    from tests.people.support import Browser

    return Browser(app.test_client())
