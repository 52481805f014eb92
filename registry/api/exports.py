"""Certifications out: the exports (XLSX for people, CSV for machines); the applications'
推荐汇总表."""

from flask import Response, send_file, stream_with_context
from flask.views import MethodView

from registry.db import read_snapshot
from registry.services import exports
from registry.services.applications import export as application_export
from registry.services.clock import today
from registry.web.api import Blueprint
from registry.web.auth import current_actor
from schemas.applications import ApplicationFilterSchema
from schemas.exports import CsvExportQueryArgsSchema, XlsxExportQueryArgsSchema

blp = Blueprint("exports", __name__, description="Certifications out")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


LAST_EVENT_HEADER = {
    "X-Last-Event-Id": {
        "description": "The last audit event included",
        "schema": {"type": "integer"},
    }
}


def _workbook(workbook, name: str, last_event: int) -> Response:
    """A workbook as a download named by what it lists and the day, with its last event."""
    response = send_file(
        workbook, mimetype=XLSX, as_attachment=True, download_name=f"{name}-{today()}.xlsx"
    )
    response.headers["X-Last-Event-Id"] = str(last_event)
    return response


def _export_headers(last_event: int, filename: str) -> dict:
    return {
        "X-Last-Event-Id": str(last_event),
        "Content-Disposition": f'attachment; filename="{filename}"',
    }


@blp.route("/exports/certifications.csv")
class CsvExport(MethodView):
    @blp.access("bureau", "admin", "viewer")
    @blp.arguments(CsvExportQueryArgsSchema(), location="query")
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/csv",
        headers=LAST_EVENT_HEADER,
    )
    def get(self, filters):
        """Every matching certification with its enterprise, as CSV (UTF-8 with BOM)

        For machines: `lang=en` by default. The list's filters; a bureau naming no district
        gets its own districts' titles, as the list answers it. Text that a spreadsheet would
        run as a formula (starting with = + - @, a tab or a carriage return), text starting
        with an apostrophe, and a credit code a spreadsheet would read as a number (all digits,
        or digits around one E) are written with one leading apostrophe, which an importer
        takes off again.
        """
        lang, as_of = filters.pop("lang"), filters.pop("as_of", None)
        # a bad filter: 422 now; a bureau naming no district: its own districts'
        records = exports.rows(filters, as_of=as_of, lang=lang, actor=current_actor())

        def generate():
            with read_snapshot():
                yield from exports.csv_chunks(records, exports.columns(lang), lang)

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
    @blp.access("bureau", "admin", "viewer")
    @blp.arguments(XlsxExportQueryArgsSchema(), location="query")
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type=XLSX,
        headers=LAST_EVENT_HEADER,
    )
    def get(self, filters):
        """Every matching certification with its enterprise, as an XLSX workbook

        For people: `lang=zh` by default; the list's filters and scope (a bureau naming no
        district: its own districts'); column widths, a frozen header row, an autofilter;
        every text a text cell, never a formula.
        """
        lang, as_of = filters.pop("lang"), filters.pop("as_of", None)
        with read_snapshot():
            last_event = exports.last_event_id()
            workbook = exports.write_xlsx(
                exports.rows(filters, as_of=as_of, lang=lang, actor=current_actor()),
                exports.columns(lang),
                title=exports.SHEET_TITLE[lang],
                about={"last_event_id": last_event},
                lang=lang,
            )
        return _workbook(workbook, "certifications", last_event)


@blp.route("/exports/applications.xlsx")
class ApplicationsExport(MethodView):
    @blp.access("bureau", "admin")
    @blp.arguments(ApplicationFilterSchema(), location="query")
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type=XLSX,
        headers=LAST_EVENT_HEADER,
    )
    def get(self, filters):
        """The 推荐汇总表: the applications the list's filters find (a bureau: its districts'
        only), as an XLSX workbook

        序号, 县（市、区）, 企业名称, 统一社会信用代码, 申报类别, 联系人, 联系电话, 阶段
        (the tier and the stage by their Chinese labels), by year (newest first), district and
        credit code; every text a text cell, never a formula.
        """
        with read_snapshot():
            last_event = exports.last_event_id()
            workbook = exports.write_xlsx(
                application_export.rows(current_actor(), filters),
                application_export.COLUMNS,
                title=application_export.SHEET_TITLE,
                about={"last_event_id": last_event},
                lang="zh",
            )
        return _workbook(workbook, "applications", last_event)
