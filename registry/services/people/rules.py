"""The settings people's accounts and sessions follow, set once when the app is made (as the
time zone is), from REGISTRY_* settings."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    password_max_age_days: int = 90  # 0: passwords never grow too old
    one_time_password_hours: int = 72
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    sign_in_max_failures: int = 5  # this many failures of a login within the window lock it
    sign_in_window_minutes: int = 15
    sign_in_lock_minutes: int = 15


_rules = {"current": Rules()}


def use(rules: Rules) -> None:
    _rules["current"] = rules


def current() -> Rules:
    return _rules["current"]
