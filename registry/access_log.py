"""gunicorn access log lines as JSON, one object a line, with the request id the app echoes;
its error log (where the app's own lines go too) as JSON lines (registry.log_lines)."""

import json
import traceback
from datetime import UTC, datetime

from gunicorn.glogging import Logger

from registry.log_lines import JsonLineFormatter


class JsonAccessLogger(Logger):
    """Every field JSON-escaped (paths and agents may hold quotes); the same keys every line."""

    def setup(self, cfg):
        """Again at each reload (HUP): the error log's handlers are made anew each time."""
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonLineFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = dict(resp.headers) if hasattr(resp, "headers") else {}
        headers = {name.lower(): value for name, value in headers.items()}
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": headers.get("x-request-id"),
            "remote": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "status": getattr(resp, "status_code", None),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:
            self.error(traceback.format_exc())
