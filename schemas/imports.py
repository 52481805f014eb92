"""Imports of published lists and exports of certifications."""

from marshmallow import fields

from schemas import Schema
from schemas.common import ProblemSchema
from schemas.enterprises import EnterpriseQueryArgsSchema


class ImportQueryArgsSchema(Schema):
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Check and count, write nothing"}
    )


class ImportRowSchema(Schema):
    """One row of a JSON list (CSV and XLSX lists have the same columns, or Chinese headers)."""

    credit_code = fields.String(required=True, metadata={"example": "91410702MA9F3K2L2U"})
    name = fields.String(required=True, metadata={"example": "新乡市红旗机械制造有限公司"})
    district = fields.String(
        required=True, metadata={"description": "Code or name", "example": "红旗区"}
    )
    tier = fields.String(
        required=True, metadata={"description": "Key or Chinese label", "example": "创新型中小企业"}
    )
    year = fields.Integer(metadata={"example": 2023})
    certified_on = fields.Date(required=True, metadata={"example": "2023-06-28"})
    document_no = fields.String(metadata={"example": "豫工信企业〔2023〕45号"})
    valid_until = fields.Date()
    renewal = fields.Boolean()
    batch = fields.String()
    industry_chain = fields.String()


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


class ExportQueryArgsSchema(EnterpriseQueryArgsSchema):
    """The list's filters, without paging: an export has every matching certification."""

    class Meta(EnterpriseQueryArgsSchema.Meta):
        exclude = ("page", "page_size")
