"""Imports of published lists and exports of certifications."""

from marshmallow import fields

from schemas import Schema
from schemas.common import ProblemSchema


class ImportQueryArgsSchema(Schema):
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Check and count, write nothing"}
    )


DATE_TEXT = r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*$"
_TEXT_OR_NUMBER = [{"type": "string"}, {"type": "number"}]  # a spreadsheet may give a number


def _column(*choices: dict, description: str, example=None, nullable: bool = True) -> fields.Raw:
    """A list column as the importer reads it: what the published lists write, typed or not."""
    # An empty cell is no value, as null is.
    empty = [{"type": "null"}, {"type": "string", "maxLength": 0}]
    alternatives = [*choices, *empty] if nullable else list(choices)
    metadata = {"anyOf": alternatives, "description": description}
    if example is not None:
        metadata["example"] = example
    return fields.Raw(required=not nullable, metadata=metadata)


class ImportRowSchema(Schema):
    """One row of a JSON list (CSV and XLSX lists have the same columns, or Chinese headers).
    Values are read as a published list writes them: dates as 2023-06-28, 2023/6/28 or
    2023年6月28日, years as 2023 or "2023年度", renewal as true/false, 是/否 or 1/0."""

    credit_code = fields.String(required=True, metadata={"example": "91410702MA9F3K2L2U"})
    name = _column(
        *_TEXT_OR_NUMBER,
        description="The firm's name",
        nullable=False,
        example="新乡市红旗机械制造有限公司",
    )
    district = _column(
        {"type": "string"},
        {"type": "integer"},
        nullable=False,
        description="A district code or name",
        example="红旗区",
    )
    tier = fields.String(
        required=True, metadata={"description": "Key or Chinese label", "example": "创新型中小企业"}
    )
    year = _column(
        {"type": "integer", "minimum": 2000, "maximum": 2100},
        {"type": "string", "pattern": r"^\s*\d{4}\s*(年度?)?\s*$"},
        description="年度 of the list; default: the year of certified_on",
        example=2023,
    )
    certified_on = _column(
        {"type": "string", "pattern": DATE_TEXT},
        nullable=False,
        description="认定日期 / 公告日期",
        example="2023-06-28",
    )
    document_no = _column(*_TEXT_OR_NUMBER, description="文号", example="豫工信企业〔2023〕45号")
    valid_until = _column({"type": "string", "pattern": DATE_TEXT}, description="有效期至")
    renewal = _column(
        {"type": "boolean"},
        {"type": "integer", "enum": [0, 1]},
        {
            "type": "string",
            "enum": [
                "true",
                "false",
                "yes",
                "no",
                "是",
                "否",
                "复核",
                "1",
                "0",
                "t",
                "f",
                "y",
                "n",
                "",
            ],
        },
        description="A 复核 renewal",
    )
    batch = _column(*_TEXT_OR_NUMBER, description="批次")
    industry_chain = _column(*_TEXT_OR_NUMBER, description="产业链")


class ImportRowsSchema(Schema):
    rows = fields.List(fields.Nested(ImportRowSchema), required=True)


class RowErrorSchema(Schema):
    row = fields.Integer(
        allow_none=True,
        metadata={"description": "As numbered in the file; null for the file itself", "example": 7},
    )
    field = fields.String(metadata={"example": "credit_code"})
    message = fields.String(metadata={"example": "check character should be 'U', got '0'"})


class RowConflictSchema(Schema):
    row = fields.Integer(metadata={"example": 12})
    field = fields.String(metadata={"example": "name"})
    stored = fields.Raw(metadata={"example": "新乡市红旗机械有限公司"})
    given = fields.Raw(metadata={"example": "新乡市红旗机械制造有限公司"})


class ImportResultSchema(Schema):
    dry_run = fields.Boolean()
    rows = fields.Integer(metadata={"example": 120})
    created_enterprises = fields.Integer(metadata={"example": 80})
    created_certifications = fields.Integer(metadata={"example": 118})
    unchanged = fields.Integer(metadata={"example": 1})
    conflicts = fields.List(fields.Nested(RowConflictSchema))
    errors = fields.List(fields.Nested(RowErrorSchema))
    ignored_columns = fields.List(
        fields.String(), metadata={"description": "Headers not used", "example": ["序号"]}
    )


class ImportProblemSchema(ProblemSchema):
    """422: the problem, with the counts and every bad row; nothing was written."""

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

    dry_run = fields.Boolean()
    rows = fields.Integer()
    created_enterprises = fields.Integer()
    created_certifications = fields.Integer()
    unchanged = fields.Integer()
    conflicts = fields.List(fields.Nested(RowConflictSchema))
    ignored_columns = fields.List(fields.String())
