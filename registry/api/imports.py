"""Published lists in: the imports."""

import json
import logging

from flask import current_app, g, request
from flask.views import MethodView

from registry.messages import Message, localized
from registry.services import imports
from registry.services.errors import Invalid
from registry.web.api import Blueprint
from registry.web.auth import current_actor
from registry.web.problems import PROBLEM_JSON, language, spoken_in
from schemas.imports import (
    ImportProblemSchema,
    ImportQueryArgsSchema,
    ImportResultSchema,
    ImportRowsSchema,
)

blp = Blueprint("imports", __name__, description="Published lists in")
log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_BODY = {
    "required": True,
    "description": "The list as published, its format told by its content: XLSX, Excel "
    "97–2003 XLS, CSV or tab-separated text (UTF-8 with or without BOM, GBK/GB18030, UTF-16 "
    "with BOM), a Word DOCX table, a text PDF's table, JSON `{rows: [...]}`, or any of these as "
    "the `file` part of a multipart form. An image, a scanned PDF, an archive, an encrypted "
    "workbook or an old Word/WPS file is a 422 saying what it is. Title and 附件 rows above "
    "the header, wrapped header cells, a 序号 column, merged "
    "region cells, blank rows and footnotes are read as published; headers in their published "
    "wordings (统一社会信用代码, 企业名称, 所属地市, 县（市、区）, 类别, 年度, 公告日期, 文号). "
    "Names-only lists are matched to registered firms by name; the multipart part `resolve` "
    "(a CSV/XLSX of 企业名称, 统一社会信用代码 and optionally 县（市、区）, or JSON text "
    "`{name: credit_code}`) resolves the names that match no single firm.",
    "content": {
        "text/csv": {
            # Bytes, not text: a GBK file is sent as it is (a generated client uploads a file).
            "schema": {"type": "string", "format": "binary"},
            "example": "附件1\n2023年度第一批河南省专精特新中小企业名单（新乡市）\n"
            "序号,县（市、区）,企业名称,统一社会信用代码\n"
            "1,红旗区,新乡市红旗机械制造有限公司,91410702MA9F3K2L2U\n",
        },
        XLSX: {"schema": {"type": "string", "format": "binary"}},
        "application/vnd.ms-excel": {"schema": {"type": "string", "format": "binary"}},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
            "schema": {"type": "string", "format": "binary"}
        },
        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        "text/plain": {"schema": {"type": "string", "format": "binary"}},
        "application/json": {
            "schema": ImportRowsSchema,
            "example": {
                "title": "2023年度河南省创新型中小企业名单",
                "rows": [
                    {
                        "credit_code": "91410702MA9F3K2L2U",
                        "name": "新乡市红旗机械制造有限公司",
                        "district": "红旗区",
                    }
                ],
            },
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "resolve": {
                        "description": "Names → credit codes: a CSV or XLSX file, or JSON text",
                        "anyOf": [{"type": "string", "format": "binary"}, {"type": "string"}],
                    },
                },
                "required": ["file"],
            }
        },
    },
}


def _upload(storage) -> imports.Upload:
    return imports.Upload(imports.spool(storage.stream), storage.filename, storage.mimetype)


def _form_resolution() -> imports.Upload | dict | None:
    """The `resolve` part of a multipart form: a file, or JSON text."""
    if "resolve" in request.files:
        return _upload(request.files["resolve"])
    text = request.form.get("resolve")
    if text is None:
        return None
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        message = Message("import.resolve_not_json")
        raise Invalid(message, errors={"form": {"resolve": [message]}}) from exc
    if not isinstance(mapping, dict):
        message = Message("import.resolve_object")
        raise Invalid(message, errors={"form": {"resolve": [message]}})
    return mapping


def _uploaded_list() -> tuple[imports.Upload, imports.Upload | dict | None]:
    """The list in the request body (or its form's `file` part), read whole before any
    write begins, and the form's resolution if any."""
    if request.mimetype == "multipart/form-data":
        if "file" not in request.files:
            message = Message("import.file_missing")
            raise Invalid(message, errors={"form": {"file": [message]}})
        return _upload(request.files["file"]), _form_resolution()
    return imports.Upload(imports.spool(request.stream), None, request.mimetype), None


def _logged_progress(dry_run: bool):
    """A long import shows in the server's log as it goes (a chunk of rows at a time), named by
    its request id; written rows are in the import's open transaction until it commits."""
    request_id, done_what = g.get("request_id"), "checked" if dry_run else "written"

    def progress(done: int, total: int) -> None:
        log.info("import %s: %d of about %d rows %s", request_id, done, total, done_what)

    return progress


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
        description="Bad rows (every one listed), names left unresolved, a fact the list does "
        "not state, or a bad file; nothing written",
    )
    @blp.problem_response(400, "The body is not valid JSON")
    @blp.problem_response(413, "The body is over the upload limit")
    def post(self, args):
        """Load a published list as it is (a final list's titles granted, a revocation list's
        revoked, a proposed list's applications moved: the title decides, `action` overrides):
        all of it, or (any bad row) none of it; repeats change nothing"""
        try:
            upload, resolve = _uploaded_list()
        except Invalid as exc:  # no file part, a resolution that is not JSON
            raise imports.rejected_file(exc, dry_run=args["dry_run"]) from exc
        options = imports.ImportOptions(
            dry_run=args.pop("dry_run"),
            skip_unresolved=args.pop("skip_unresolved"),
            own_districts_only=args.pop("own_districts_only"),
            outcomes=args.pop("outcomes"),
            sheets=tuple(args.pop("sheet")) + tuple(request.form.getlist("sheet")),
            max_rows=current_app.config["IMPORT_MAX_ROWS"],
            upload_limit=current_app.config["MAX_CONTENT_LENGTH"],
        )
        with upload.file:
            result = imports.run_import(
                current_actor(),
                upload,
                given=args,
                resolve=resolve,
                options=options,
                on_progress=_logged_progress(options.dry_run),
            )
        # Its messages (errors, warnings, rows skipped) in the request's language.
        return localized(result.answer(), language()), 200, spoken_in()
