"""The 推荐汇总表: the applications a list's filters find, as the sheet a bureau sends up
(序号, 县（市、区）, 企业名称, 统一社会信用代码, 申报类别, 联系人, 联系电话, 阶段), tiers and
stages by their Chinese labels; written by the exports' XLSX writer (no live formulas)."""

from collections.abc import Iterator

from registry.messages.labels import stage_label
from registry.models import District, Tier
from registry.services.applications.read import search
from registry.services.exports import Column
from registry.services.scope import Actor

COLUMNS = (
    Column("number", "序号", 6),
    Column("district_name", "县（市、区）", 16),
    Column("name", "企业名称", 40),
    Column("credit_code", "统一社会信用代码", 22),
    Column("tier_label", "申报类别", 26),
    Column("contact_name", "联系人", 10),
    Column("contact_phone", "联系电话", 16),
    Column("stage_label", "阶段", 10),
)
SHEET_TITLE = "推荐汇总表"


def rows(actor: Actor, filters: dict) -> Iterator[dict]:
    """The applications as the list finds them (its filters and the actor's reach, checked
    now), as rows of COLUMNS, read as the iterator is."""
    query = search(actor, **filters)
    return _rows(query)


def _rows(query) -> Iterator[dict]:
    districts = dict(District.select(District.code, District.name_zh).tuples())
    labels = dict(Tier.select(Tier.key, Tier.label_zh).tuples())
    for number, application in enumerate(query.iterator(), start=1):
        firm = application.enterprise
        yield {
            "number": number,
            "district_name": districts.get(firm.district_id, firm.district_id),
            "name": firm.name,
            "credit_code": firm.credit_code,
            "tier_label": labels.get(application.tier_id, application.tier_id),
            "contact_name": application.contact_name,
            "contact_phone": application.contact_phone,
            "stage_label": stage_label(application.stage, "zh"),
        }
