"""The registry's notion of "today": the city's calendar day, not the server's UTC day."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo(os.environ.get("REGISTRY_TIMEZONE", "Asia/Shanghai"))


def today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()
