"""Exports of certifications."""

from marshmallow import fields, validate

from schemas.certifications import CertificationSearchArgsSchema

LANG = (
    "`zh`: the headers and values of the published lists (统一社会信用代码, 企业名称, "
    "县（市、区）, 类别, 是/否, 有效/已过期/已撤销); `en`: the registry's keys and values."
)


class ExportQueryArgsSchema(CertificationSearchArgsSchema):
    """The registry-wide certification list's filters, without paging: an export has every
    matching certification (`expires_by` and `district`: who must renew, by county)."""

    class Meta(CertificationSearchArgsSchema.Meta):
        exclude = ("page", "page_size")


class CsvExportQueryArgsSchema(ExportQueryArgsSchema):
    """CSV is for machines: the registry's own keys unless asked otherwise."""

    lang = fields.String(
        load_default="en", validate=validate.OneOf(("en", "zh")), metadata={"description": LANG}
    )


class XlsxExportQueryArgsSchema(ExportQueryArgsSchema):
    """XLSX is for people: as the published lists print it unless asked otherwise."""

    lang = fields.String(
        load_default="zh", validate=validate.OneOf(("zh", "en")), metadata={"description": LANG}
    )
