"""Published lists in: the imports."""

from flask import current_app, request
from flask.views import MethodView

from registry.services import imports, lists
from registry.services.errors import Invalid
from registry.web.api import Blueprint
from registry.web.auth import current_actor
from registry.web.problems import PROBLEM_JSON
from schemas.imports import (
    ImportProblemSchema,
    ImportQueryArgsSchema,
    ImportResultSchema,
    ImportRowsSchema,
)

blp = Blueprint("imports", __name__, description="Published lists in")

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
            raise imports.rejected_file(exc, dry_run=args["dry_run"]) from exc
        return imports.run_import(
            current_actor(),
            listing,
            dry_run=args["dry_run"],
            max_rows=current_app.config["IMPORT_MAX_ROWS"],
        )
