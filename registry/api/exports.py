"""Certifications out: the exports (CSV for machines, XLSX for people)."""

from flask import Response, send_file, stream_with_context
from flask.views import MethodView

from registry.db import read_snapshot
from registry.services import exports
from registry.services.clock import today
from registry.web.api import Blueprint
from schemas.exports import ExportQueryArgsSchema

blp = Blueprint("exports", __name__, description="Certifications out")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export_headers(last_event: int, filename: str) -> dict:
    return {
        "X-Last-Event-Id": str(last_event),
        "Content-Disposition": f'attachment; filename="{filename}"',
    }


@blp.route("/exports/certifications.csv")
class CsvExport(MethodView):
    @blp.access("bureau", "admin")
    @blp.arguments(ExportQueryArgsSchema(), location="query")
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/csv",
        headers={
            "X-Last-Event-Id": {
                "description": "The last audit event included",
                "schema": {"type": "integer"},
            }
        },
    )
    def get(self, filters):
        """Every matching certification with its enterprise, as CSV (UTF-8 with BOM)"""

        def generate():
            with read_snapshot():
                yield from exports.csv_chunks(exports.rows(filters))

        with read_snapshot():
            last_event = exports.last_event_id()
        # The snapshot of the rows is taken after the event id: events after it may be in the
        # rows already, and replaying an event twice is harmless (they carry final values).
        return Response(
            stream_with_context(generate()),
            mimetype="text/csv",
            headers=_export_headers(last_event, f"certifications-{today()}.csv"),
        )


@blp.route("/exports/certifications.xlsx")
class XlsxExport(MethodView):
    @blp.access("bureau", "admin")
    @blp.arguments(ExportQueryArgsSchema(), location="query")
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type=XLSX,
        headers={
            "X-Last-Event-Id": {
                "description": "The last audit event included",
                "schema": {"type": "integer"},
            }
        },
    )
    def get(self, filters):
        """Every matching certification with its enterprise, as an XLSX workbook"""
        with read_snapshot():
            last_event = exports.last_event_id()
            workbook = exports.write_xlsx(exports.rows(filters), last_event)
        response = send_file(
            workbook,
            mimetype=XLSX,
            as_attachment=True,
            download_name=f"certifications-{today()}.xlsx",
        )
        response.headers["X-Last-Event-Id"] = str(last_event)
        return response
