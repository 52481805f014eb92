"""The app's log lines (and gunicorn's own) as JSON, one object a line, with the request id of
the request that wrote them: `REGISTRY_LOG_FORMAT=json`, the default; `text` keeps gunicorn's
own formats, for a person reading a terminal. registry/gunicorn_conf.py chooses."""

import json
import logging
import os
from datetime import UTC, datetime

FORMATS = ("json", "text")


def chosen_format() -> str:
    """REGISTRY_LOG_FORMAT, checked: a mistyped value stops gunicorn with its name."""
    value = os.environ.get("REGISTRY_LOG_FORMAT", "json").strip().lower()
    if value not in FORMATS:
        raise SystemExit(f"REGISTRY_LOG_FORMAT={value!r}: expected one of {', '.join(FORMATS)}")
    return value


def current_request_id() -> str | None:
    """The id of the request being served in this thread (registry.web.request_ids), if any."""
    from flask import g, has_request_context

    return g.get("request_id") if has_request_context() else None


class JsonLineFormatter(logging.Formatter):
    """A record as one JSON object: when, how grave, whose, which process, which request, what
    (and its traceback, escaped into the same line)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "request_id": current_request_id(),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
