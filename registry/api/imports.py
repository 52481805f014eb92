"""Published lists in (imports) and certifications out (exports)."""

from flask import Response, current_app, request, send_file, stream_with_context
from flask.views import MethodView

from registry.auth import current_actor
from registry.db import read_snapshot
from registry.extensions import PROBLEM_JSON, Blueprint
from registry.services import exports, imports, lists
from registry.services.clock import today
from registry.services.errors import Invalid
from schemas.imports import (
    ExportQueryArgsSchema,
    ImportProblemSchema,
    ImportQueryArgsSchema,
    ImportResultSchema,
    ImportRowsSchema,
)

blp = Blueprint("imports", __name__, url_prefix="/api/v1", description="Lists in and out")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_BODY = {
    "required": True,
    "description": "The list: CSV (UTF-8 with or without BOM, or GBK/GB18030), XLSX, JSON "
    "`{rows: [...]}`, or any of these as the `file` field of a multipart form. Chinese headers "
    "of published lists are accepted (统一社会信用代码, 企业名称, 县(市、区), 类别, 年度, "
    "认定日期/公告日期, 文号).",
    "content": {
        "text/csv": {
            "schema": {"type": "string"},
            "example": "统一社会信用代码,企业名称,县(市、区),类别,年度,公告日期,文号\n"
            "91410702MA9F3K2L2U,新乡市红旗机械制造有限公司,红旗区,创新型中小企业,"
            "2023,2023-06-28,豫工信企业〔2023〕45号\n",
        },
        XLSX: {"schema": {"type": "string", "format": "binary"}},
        "application/json": {
            "schema": ImportRowsSchema,
            "example": {
                "rows": [
                    {
                        "credit_code": "91410702MA9F3K2L2U",
                        "name": "新乡市红旗机械制造有限公司",
                        "district": "410702",
                        "tier": "innovative_sme",
                        "year": 2023,
                        "certified_on": "2023-06-28",
                        "document_no": "豫工信企业〔2023〕45号",
                    }
                ]
            },
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}


def _uploaded_list() -> lists.ListFile:
    """The list in the request body (or its `file` form field), streamed."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Invalid(
                "the form has no `file` field",
                errors={"form": {"file": ["Missing data for required field."]}},
            )
        return lists.open_list(upload.stream, upload.filename, upload.mimetype)
    return lists.open_list(request.stream, None, request.mimetype)


@blp.route("/imports")
class Imports(MethodView):
    @blp.access("bureau", "admin")
    @blp.arguments(ImportQueryArgsSchema(), location="query")
    @blp.doc(requestBody=LIST_BODY)
    @blp.response(200, ImportResultSchema)
    @blp.alt_response(
        422,
        schema=ImportProblemSchema,
        content_type=PROBLEM_JSON,
        description="Bad rows (every one listed) or a bad file; nothing written",
    )
    @blp.problem_response(400, "The body is not valid JSON")
    @blp.problem_response(413, "The body is over the upload limit")
    def post(self, args):
        """Load a published list: all of it, or (any bad row) none of it; repeats change nothing"""
        try:
            listing = _uploaded_list()
        except Invalid as exc:  # the file as a whole: no header, not XLSX, not JSON…
            raise imports.ImportRejected.of_file(exc, dry_run=args["dry_run"]) from exc
        return imports.run_import(
            current_actor(),
            listing,
            dry_run=args["dry_run"],
            max_rows=current_app.config["IMPORT_MAX_ROWS"],
        )


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
