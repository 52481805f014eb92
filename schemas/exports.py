"""Exports of certifications."""

from schemas.enterprises import EnterpriseQueryArgsSchema


class ExportQueryArgsSchema(EnterpriseQueryArgsSchema):
    """The list's filters, without paging: an export has every matching certification."""

    class Meta(EnterpriseQueryArgsSchema.Meta):
        exclude = ("page", "page_size")
