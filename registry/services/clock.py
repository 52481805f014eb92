"""The registry's notion of "today": the city's calendar day, not the server's UTC day."""

import datetime as dt
from zoneinfo import ZoneInfo

_zone = {"current": ZoneInfo("Asia/Shanghai")}
_clock = {"now": None}  # a test's clock (`use_clock`); None: the real one


def use_timezone(name: str) -> None:
    """Set the city's time zone (the app does, from its TIMEZONE setting)."""
    _zone["current"] = ZoneInfo(name)


def zone_name() -> str:
    """The city's time zone (an IANA name such as Asia/Shanghai): the pages show times in it."""
    return _zone["current"].key


def today() -> dt.date:
    return dt.datetime.now(_zone["current"]).date()


def end_of(day: dt.date) -> dt.datetime:
    """The moment the city's `day` ends, as the registry stores moments (naive UTC)."""
    local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=_zone["current"])
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def now() -> dt.datetime:
    """The moment, as the registry stores moments (naive UTC)."""
    if _clock["now"] is not None:
        return _clock["now"]()
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def use_clock(source) -> None:
    """Tell the time from `source()` (tests move it forward); None: the real clock again."""
    _clock["now"] = source
