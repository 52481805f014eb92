"""The registry's notion of "today": the city's calendar day, not the server's UTC day."""

import datetime as dt
from zoneinfo import ZoneInfo

_zone = {"current": ZoneInfo("Asia/Shanghai")}


def use_timezone(name: str) -> None:
    """Set the city's time zone (the app does, from its TIMEZONE setting)."""
    _zone["current"] = ZoneInfo(name)


def today() -> dt.date:
    return dt.datetime.now(_zone["current"]).date()
