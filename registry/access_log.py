"""gunicorn access log lines as JSON, one object a line, with the request id the app echoes."""

import json
import traceback

from gunicorn.glogging import Logger


class JsonAccessLogger(Logger):
    """Every field JSON-escaped (paths and agents may hold quotes); the same keys every line."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = dict(resp.headers) if hasattr(resp, "headers") else {}
        headers = {name.lower(): value for name, value in headers.items()}
        line = {
            "time": self.now(),
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
