"""Imports of published lists: the list's facts as parameters, its rows, the answer."""

from marshmallow import fields, post_dump, validate

from registry.messages import Message
from schemas import Schema, Text
from schemas.common import ProblemSchema

DATE_TEXT = r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*$"
_TEXT_OR_NUMBER = [{"type": "string"}, {"type": "number"}]  # a spreadsheet may give a number
FACT_SOURCES = ("parameter", "title", "default")
ACTIONS = ("certify", "revoke", "publicize", "review", "apply")
STAGES = ("candidate", "applied", "recommended", "reviewed", "publicized")  # the open stages
# Every column a published list may have, by the registry's names (seeds/aliases.json maps the
# printed headers to them): a JSON row's fields, and 序号 and 状态, read only to find the header.
LIST_COLUMNS = (
    "serial",
    "credit_code",
    "name",
    "district",
    "region",
    "tier",
    "year",
    "certified_on",
    "document_no",
    "valid_until",
    "renewal",
    "batch",
    "industry_chain",
    "status",
    "revoked_on",
    "reason",
    "contact_name",
    "contact_phone",
)
DATE_ERROR = Message("field.date_text", example="2023-05-30", example_zh="2023年5月30日")


class ImportQueryArgsSchema(Schema):
    """What the notice says of the whole list (its rows rarely do), and how to load it."""

    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Check and count, write nothing"}
    )
    tier = Text(
        max_length=60,
        metadata={
            "description": "类别: a tier key, its Chinese label or a published wording "
            "(制造业头雁企业…); default: the title's",
            "example": "specialized_sme",
        },
    )
    # Not strict: a query parameter is text ("2023"); 2023.5 is still refused.
    year = fields.Integer(
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "年度 of the list; default: the title's, else the announcement's"},
    )
    certified_on = fields.String(
        validate=validate.Regexp(
            DATE_TEXT,
            error=DATE_ERROR,
        ),
        metadata={
            "description": "公告日期, the announcement's date; for a proposed list (publicize, "
            "review, apply) the day of its moves, default today",
            "example": "2023-05-30",
        },
    )
    document_no = Text(
        max_length=100, metadata={"description": "文号", "example": "豫工信企业〔2023〕45号"}
    )
    batch = Text(max_length=100, metadata={"description": "批次; default: the title's"})
    renewal = fields.Boolean(
        metadata={"description": "A 复核 renewal list; default: 复核 in the title"}
    )
    valid_until = Text(
        max_length=60,
        metadata={
            "description": "有效期至: a date, or the span the notice prints "
            "(2023年1月1日至2025年12月31日); default: 31 December of the announcement's year "
            "+ the tier's validity − 1",
            "example": "2025-12-31",
        },
    )
    action = fields.String(
        validate=validate.OneOf(ACTIONS),
        metadata={
            "description": "What the list is. certify: a final list (公告) grants titles; "
            "revoke: it revokes them (撤销/取消); publicize: the province's or MIIT's proposed "
            "list (拟认定名单公示) moves applications to publicized and certifies no one; "
            "review: the city's recommendations (拟推荐) move them to reviewed; apply: a "
            "county's own 申报/推荐 sheet, at `stage`. Default, by the title: 撤销/取消…称号 "
            "revoke; 拟推荐 review; 拟认定/拟入选/公示 publicize; 推荐 or 申报 apply (at "
            "recommended or applied); else certify",
            "example": "publicize",
        },
    )
    stage = fields.String(
        validate=validate.OneOf(STAGES),
        metadata={
            "description": "With action=apply (a county's sheet): the stage its applications "
            "move to or are created at, any open stage; default: the title's (推荐: "
            "recommended, 申报: applied), else applied. Refused with any other action",
            "example": "recommended",
        },
    )
    revoked_on = fields.String(
        validate=validate.Regexp(
            DATE_TEXT,
            error=DATE_ERROR,
        ),
        metadata={"description": "A revocation list's date", "example": "2024-05-10"},
    )
    reason = Text(
        max_length=500,
        metadata={
            "description": "A revocation list's reason; default: its title",
            "example": "重大安全事故",
        },
    )
    skip_unresolved = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Apply the list without the names-only rows that match no single "
            "firm (they are listed as skipped); by default they refuse the import"
        },
    )
    outcomes = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Also list every firm's row with what becomes of it (`outcomes`): "
            "for a preview, row by row"
        },
    )
    own_districts_only = fields.Boolean(
        load_default=False,
        metadata={
            "description": "For a bureau: load its districts' rows and skip the others "
            "(a city-wide list); by default a row elsewhere refuses the import (403)"
        },
    )
    sheet = fields.List(
        Text(max_length=100),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={
            "description": "A workbook's sheet to load, by its name (附件2) or 1-based position; "
            "repeat it for several (also a multipart form field). By default every sheet that "
            "holds a list is loaded, each with the facts of its own title",
            "example": ["附件2"],
        },
    )


def _column(*choices: dict, description: str, example=None) -> fields.Raw:
    """A list column as the importer reads it: what the published lists write, typed or not."""
    # An empty cell is no value, as null is.
    alternatives = [*choices, {"type": "null"}, {"type": "string", "maxLength": 0}]
    metadata = {"anyOf": alternatives, "description": description}
    if example is not None:
        metadata["example"] = example
    return fields.Raw(metadata=metadata)


_DATE = {"type": "string", "pattern": DATE_TEXT}


class ImportRowSchema(Schema):
    """One row of a JSON list (CSV and XLSX lists have the same columns, or Chinese headers).
    A row names its firm by credit code or by name; the list's facts given as parameters (or
    in `title`) fill what a row leaves out. Values are read as a published list writes them:
    dates as 2023-06-28, 2023/6/28 or 2023年6月28日, years as 2023 or "2023年度", renewal as
    true/false, 是/否 or 1/0."""

    credit_code = _column(
        {"type": "string"}, description="统一社会信用代码", example="91410702MA9F3K2L2U"
    )
    name = _column(
        *_TEXT_OR_NUMBER, description="The firm's name", example="新乡市红旗机械制造有限公司"
    )
    district = _column(
        {"type": "string"},
        {"type": "integer"},
        description="县（市、区）: a district code or name as lists print it",
        example="红旗区",
    )
    region = _column(
        {"type": "string"},
        description="所属地市/所属地区: the city, a city or province elsewhere (skipped)",
        example="新乡市",
    )
    tier = _column(
        {"type": "string"}, description="Key, label or published wording", example="创新型中小企业"
    )
    year = _column(
        {"type": "integer", "minimum": 2000, "maximum": 2100},
        {"type": "string", "pattern": r"^\s*\d{4}\s*(年度?)?\s*$"},
        description="年度 of the list; default: the year of certified_on",
        example=2023,
    )
    certified_on = _column(_DATE, description="认定日期 / 公告日期", example="2023-06-28")
    document_no = _column(*_TEXT_OR_NUMBER, description="文号", example="豫工信企业〔2023〕45号")
    valid_until = _column(_DATE, {"type": "string"}, description="有效期至, or the span printed")
    renewal = _column(
        {"type": "boolean"},
        {"type": "integer", "enum": [0, 1]},
        {"type": "string"},
        description="A 复核 renewal: true/false, 是/否, 复核/新认定",
    )
    batch = _column(*_TEXT_OR_NUMBER, description="批次")
    revoked_on = _column(_DATE, description="撤销日期 (a revocation list)")
    reason = _column(*_TEXT_OR_NUMBER, description="撤销原因 (a revocation list)")
    industry_chain = _column(*_TEXT_OR_NUMBER, description="产业链")
    contact_name = _column(
        *_TEXT_OR_NUMBER, description="联系人 (a county's 申报/推荐 sheet: the application's)"
    )
    contact_phone = _column(
        *_TEXT_OR_NUMBER, description="联系电话 (a county's 申报/推荐 sheet: the application's)"
    )


_RESOLVE = {
    "type": "object",
    "description": "Names-only rows resolved by the clerk: the list's name → a credit code "
    "(or {credit_code, district}); a firm not registered yet is registered from its row",
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "credit_code": {"type": "string"},
                    "district": {"type": "string", "description": "For a firm not registered"},
                },
                "required": ["credit_code"],
                "additionalProperties": False,
            },
        ]
    },
    "example": {"瑞德（长垣）机械有限公司": "91410783MA45BC0D8Q"},
}


class ImportRowsSchema(Schema):
    rows = fields.List(fields.Nested(ImportRowSchema), required=True)
    title = fields.String(
        metadata={
            "description": "The list's title, read for its facts as a sheet's title is",
            "example": "2023年度第一批河南省专精特新中小企业名单",
        }
    )
    resolve = fields.Dict(metadata=_RESOLVE)


def _sheet() -> fields.String:
    """The sheet of a workbook of several lists an entry belongs to (absent for one sheet)."""
    return fields.String(
        allow_none=True,
        metadata={"description": "The row's sheet, in a workbook of several", "example": "附件2"},
    )


class PlacedSchema(Schema):
    """Where an entry's row is beyond its number: its sheet in a workbook of several, its page
    and its row on that page in a PDF."""

    sheet = _sheet()
    page = fields.Integer(
        metadata={"description": "A PDF's row: the page it is printed on", "example": 2}
    )
    page_row = fields.Integer(
        metadata={
            "description": "A PDF's row: its row on that page (the header printed again on a "
            "page counts as its row 1)",
            "example": 5,
        }
    )


class RowErrorSchema(PlacedSchema):
    row = fields.Integer(
        allow_none=True,
        metadata={"description": "As numbered in the file; null for the file itself", "example": 7},
    )
    field = fields.String(metadata={"example": "credit_code"})
    column = fields.String(
        allow_none=True,
        metadata={"description": "The column as the file prints it", "example": "统一社会信用代码"},
    )
    name = fields.String(
        metadata={
            "description": "The firm's name as the row prints it (when it prints one)",
            "example": "新乡市红旗机械制造有限公司",
        }
    )
    code = fields.String(
        metadata={"description": "The message's code", "example": "credit_code.check_character"}
    )
    message = fields.String(
        metadata={
            "description": "In the request's language (Accept-Language)",
            "example": "该统一社会信用代码的校验位（最后一位）应为“U”而非“0”：请核对。",
        }
    )


class RowConflictSchema(PlacedSchema):
    row = fields.Integer(metadata={"example": 12})
    field = fields.String(metadata={"example": "name"})
    stored = fields.Raw(metadata={"example": "新乡市红旗机械有限公司"})
    given = fields.Raw(metadata={"example": "新乡市红旗机械制造有限公司"})


class SkippedRowSchema(PlacedSchema):
    row = fields.Integer(metadata={"example": 4})
    name = fields.String(metadata={"example": "郑州宇通客车股份有限公司"})
    region = fields.String(metadata={"description": "As the row prints it", "example": "郑州市"})
    code = fields.String(
        metadata={"description": "The reason's code", "example": "import.outside_city"}
    )
    reason = fields.String(
        metadata={"description": "In the request's language", "example": "outside the city: 郑州市"}
    )


class FirmCandidateSchema(Schema):
    credit_code = fields.String(metadata={"example": "91410783MA45BC0D8Q"})
    name = fields.String(metadata={"example": "瑞德（长垣）机械有限公司"})
    district = fields.String(metadata={"example": "410783"})
    score = fields.Integer(metadata={"description": "Similarity, 0 to 100", "example": 92})


class UnresolvedRowSchema(SkippedRowSchema):
    candidates = fields.List(
        fields.Nested(FirmCandidateSchema),
        metadata={"description": "Up to three registered firms, the likeliest first"},
    )


class ListWarningSchema(PlacedSchema):
    row = fields.Integer(allow_none=True, metadata={"example": 9})
    code = fields.String(
        metadata={"description": "The message's code", "example": "import.recorded_as_published"}
    )
    message = fields.String(
        metadata={
            "description": "In the request's language (Accept-Language)",
            "example": "recorded as the list publishes it: The Specialized, refined, distinctive "
            "and novel SME (provincial) title needs an active Innovative SME title on 2023-05-30; "
            "the firm holds none.",
        }
    )


class ListFactSchema(Schema):
    value = fields.Raw(metadata={"description": "The value for the whole list, if any"})
    source = fields.String(
        allow_none=True,
        validate=validate.OneOf(FACT_SOURCES),
        metadata={"description": "parameter, title or default; null: not given for the list"},
    )
    column = fields.String(
        allow_none=True,
        metadata={"description": "The column (as printed) that gives it row by row, and wins"},
    )


class ListFactsSchema(Schema):
    tier = fields.Nested(ListFactSchema)
    year = fields.Nested(ListFactSchema)
    certified_on = fields.Nested(ListFactSchema)
    valid_until = fields.Nested(ListFactSchema)
    renewal = fields.Nested(ListFactSchema)
    document_no = fields.Nested(ListFactSchema)
    batch = fields.Nested(ListFactSchema)
    revoked_on = fields.Nested(ListFactSchema)
    reason = fields.Nested(ListFactSchema)


class PublishedListSchema(Schema):
    title = fields.String(
        allow_none=True, metadata={"example": "2023年度第一批河南省专精特新中小企业名单"}
    )
    header_row = fields.Integer(allow_none=True, metadata={"example": 3})
    action = fields.Nested(
        ListFactSchema,
        metadata={
            "description": "certify, revoke, publicize, review or apply, and where that came from"
        },
    )
    stage = fields.Nested(
        ListFactSchema,
        metadata={
            "description": "A proposed list's stage (publicized, reviewed, or a county's "
            "sheet's), and where that came from; null for a final or revocation list"
        },
    )
    renews_year = fields.Integer(
        allow_none=True, metadata={"description": "A renewal list's 年度 (of the titles renewed)"}
    )
    facts = fields.Nested(ListFactsSchema)
    columns = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "The columns read: the registry's name → the header as printed",
            "example": {"name": "企业名称", "district": "县（市、区）"},
        },
    )


class RowOutcomeSchema(PlacedSchema):
    row = fields.Integer(metadata={"example": 6})
    credit_code = fields.String(metadata={"example": "91410702MA9F3K2L2U"})
    name = fields.String(allow_none=True, metadata={"example": "新乡市红旗机械制造有限公司"})
    district = fields.String(allow_none=True, metadata={"example": "410702"})
    found_by = fields.String(
        metadata={
            "enum": ["code", "name", "resolution"],
            "description": "How the firm was identified: its credit code, its name, the "
            "request's resolution",
        }
    )
    registers = fields.Boolean(metadata={"description": "The row registers a new firm"})
    outcome = fields.String(
        metadata={
            "enum": [
                "created",
                "moved",
                "revoked",
                "unchanged",
                "held",
                "conflict",
                "skipped",
                "forbidden",
                "error",
            ],
            "description": "created: a new certification (a proposed list: a new application); "
            "moved: an application moved to a proposed list's stage; revoked: a title revoked "
            "(a revocation list); unchanged: already recorded (a proposed list: the "
            "application at that stage or past it); held: the firm holds the title already "
            "(a proposed list: a warning, nothing written); "
            "conflict, error: see `conflicts`, `errors`; skipped: a district not loaded; "
            "forbidden: outside the bureau's districts",
        }
    )


class LeftOutSchema(Schema):
    """An application the proposed list named and the final list left out."""

    id = fields.Integer(metadata={"example": 12})
    credit_code = fields.String(metadata={"example": "91410702MA9F3K2L2U"})
    name = fields.String(metadata={"example": "新乡市红旗机械制造有限公司"})
    district = fields.String(metadata={"example": "410702"})
    tier = fields.String(metadata={"example": "specialized_sme"})
    year = fields.Integer(metadata={"example": 2026})
    batch = fields.String(allow_none=True, metadata={"example": "第一批"})
    sheet = _sheet()


class SheetCountsSchema(Schema):
    rows = fields.Integer(metadata={"example": 3})
    created_enterprises = fields.Integer(metadata={"example": 0})
    created_certifications = fields.Integer(metadata={"example": 3})
    revoked = fields.Integer(metadata={"example": 0})
    unchanged = fields.Integer(metadata={"example": 0})
    matched_by_name = fields.Integer(metadata={"example": 0})
    resolved = fields.Integer(metadata={"example": 0})
    publicized = fields.Integer(metadata={"example": 0})
    reviewed = fields.Integer(metadata={"example": 0})
    applied = fields.Integer(metadata={"example": 0})
    certified_applications = fields.Integer(metadata={"example": 0})
    errors = fields.Integer(metadata={"description": "Rows with errors", "example": 0})
    skipped = fields.Integer(metadata={"description": "Rows skipped", "example": 0})


class SheetSkipSchema(Schema):
    code = fields.String(
        metadata={
            "enum": ["import.sheet_empty", "import.sheet_not_a_list"],
            "example": "import.sheet_not_a_list",
        }
    )
    message = fields.String(
        metadata={
            "description": "In the request's language",
            "example": "不是名单：前 20 行中没有列出企业的表头（企业名称或统一社会信用代码）："
            "请确认文件是否为名单。",
        }
    )


class SheetSchema(Schema):
    name = fields.String(
        allow_none=True,
        metadata={"description": "The sheet's name (null: CSV, JSON)", "example": "附件2"},
    )
    position = fields.Integer(metadata={"description": "1-based, in the file", "example": 2})
    title = fields.String(
        allow_none=True, metadata={"example": "通过复核的2020年度河南省专精特新中小企业名单"}
    )
    list = fields.Nested(
        PublishedListSchema,
        allow_none=True,
        metadata={"description": "The sheet's own facts (its title's, and the request's)"},
    )
    counts = fields.Nested(SheetCountsSchema, allow_none=True)
    skipped = fields.Nested(
        SheetSkipSchema,
        allow_none=True,
        metadata={"description": "Why the sheet was not loaded (empty, not a list); null: loaded"},
    )


class ImportResultSchema(Schema):
    dry_run = fields.Boolean()
    rows = fields.Integer(metadata={"description": "Firms' rows read", "example": 120})
    created_enterprises = fields.Integer(metadata={"example": 80})
    created_certifications = fields.Integer(metadata={"example": 118})
    revoked = fields.Integer(metadata={"description": "Titles revoked (a revocation list)"})
    unchanged = fields.Integer(metadata={"example": 1})
    matched_by_name = fields.Integer(
        metadata={"description": "Names-only rows matched to a registered firm", "example": 31}
    )
    resolved = fields.Integer(
        metadata={"description": "Names-only rows resolved by the request", "example": 2}
    )
    publicized = fields.Integer(
        metadata={
            "description": "A proposed list (publicize): applications moved to publicized or "
            "created there",
            "example": 0,
        }
    )
    reviewed = fields.Integer(
        metadata={
            "description": "A city's recommendations (review): applications moved to reviewed "
            "or created there",
            "example": 0,
        }
    )
    applied = fields.Integer(
        metadata={
            "description": "A county's sheet (apply): applications moved to its stage or "
            "created there",
            "example": 0,
        }
    )
    certified_applications = fields.Integer(
        metadata={
            "description": "A final list: the listed firms' open applications of its titles "
            "closed as certified",
            "example": 3,
        }
    )
    not_on_final_list = fields.List(
        fields.Nested(LeftOutSchema),
        metadata={
            "description": "A final list: the applications of its tier and year (and batch, "
            "when both state one) still at publicized that it does not list, within the "
            "importer's districts"
        },
    )
    list = fields.Nested(
        PublishedListSchema,
        allow_none=True,
        metadata={"description": "The list's facts used, and where each came from"},
    )
    conflicts = fields.List(fields.Nested(RowConflictSchema))
    skipped = fields.List(fields.Nested(SkippedRowSchema))
    unresolved = fields.List(fields.Nested(UnresolvedRowSchema))
    warnings = fields.List(fields.Nested(ListWarningSchema))
    errors = fields.List(fields.Nested(RowErrorSchema))
    ignored_columns = fields.List(
        fields.String(), metadata={"description": "Headers not used", "example": ["序号"]}
    )
    sheets = fields.List(
        fields.Nested(SheetSchema),
        metadata={
            "description": "The file's sheets in order (one for a CSV or JSON list), each with "
            "its own facts and counts, or why it was set aside; the counts above are their sums "
            "and, in a workbook of several, every entry names its `sheet`"
        },
    )
    outcomes = fields.List(
        fields.Nested(RowOutcomeSchema),
        metadata={
            "description": "With `outcomes=true`: every firm's row (those not skipped, "
            "unresolved or unreadable: see those lists), in file order"
        },
    )

    @post_dump
    def _outcomes_when_asked(self, data: dict, **kwargs) -> dict:
        """`outcomes` is in the answer only when asked for (the import's result has None)."""
        if data.get("outcomes") is None:
            data.pop("outcomes", None)
        return data


class ImportProblemSchema(ProblemSchema, ImportResultSchema):
    """422: the problem, with the answer so far and every bad row; nothing was written."""

    errors = fields.Raw(
        metadata={
            "description": "Every bad row; for a bad query parameter, the usual "
            "{location: {field: [messages]}}",
            "anyOf": [
                {"type": "array", "items": {"$ref": "#/components/schemas/RowError"}},
                {"type": "object", "additionalProperties": True},
            ],
        }
    )
