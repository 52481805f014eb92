"""How messages name things: a field by its label (公告日期, "announcement date"), a tier and a
district by the catalog's names for them (seeds/tiers.json, seeds/districts.json). One table:
the pages print the same labels."""

import json
from functools import cache
from pathlib import Path

# field → (English, Chinese)
FIELDS = {
    "action": ("list action (certify or revoke)", "名单类型（认定或撤销）"),
    "app_id": ("application", "申报记录"),
    "after": ("after", "起始位置"),
    "as_of": ("as-of date", "统计日期"),
    "batch": ("batch", "批次"),
    "cert_id": ("certification", "认定记录"),
    "certified_on": ("announcement date", "公告日期"),
    "column": ("column", "列"),
    "contact_name": ("contact person", "联系人"),
    "contact_phone": ("contact phone", "联系电话"),
    "credit_code": ("unified social credit code", "统一社会信用代码"),
    "credit_codes": ("unified social credit codes", "统一社会信用代码"),
    "current_password": ("current password", "当前密码"),
    "disabled": ("disabled", "停用"),
    "district": ("county (city, district)", "县（市、区）"),
    "districts": ("counties (cities, districts)", "县（市、区）"),
    "document_no": ("document number", "文号"),
    "dry_run": ("preview only", "仅预览"),
    "expires_by": ("expiring by", "到期截止日"),
    "expiry_year": ("year of expiry", "到期年度"),
    "file": ("file", "文件"),
    "format": ("format", "格式"),
    "group_by": ("grouped by", "分组方式"),
    "ids": ("applications", "申报记录"),
    "industry_chain": ("industry chain", "产业链"),
    "json": ("request body", "请求内容"),
    "lang": ("language", "语言"),
    "limit": ("limit", "条数上限"),
    "login": ("login", "登录名"),
    "measure": ("measure", "指标"),
    "name": ("name", "名称"),
    "new_password": ("new password", "新密码"),
    "note": ("note", "备注"),
    "on": ("date", "日期"),
    "open": ("open only", "仅在办"),
    "outcomes": ("every row's outcome", "逐行结果"),
    "own_districts_only": ("only this office's counties", "只导入本辖区的行"),
    "page": ("page", "页码"),
    "page_size": ("rows per page", "每页条数"),
    "password": ("password", "密码"),
    "plan_id": ("plan", "规划"),
    "q": ("search", "搜索"),
    "reason": ("reason for revocation", "撤销原因"),
    "region": ("city", "所属地市"),
    "renewal": ("renewal", "是否复核"),
    "request_id": ("request ID", "请求编号"),
    "resolve": ("resolved names", "名称匹配"),
    "revoked_on": ("revocation date", "撤销日期"),
    "role": ("role", "角色"),
    "row": ("row", "行"),
    "rows": ("rows", "行"),
    "size": ("file size", "文件大小"),
    "skip_unresolved": ("skip unmatched rows", "跳过未匹配的行"),
    "stage": ("stage", "阶段"),
    "status": ("status", "状态"),
    "superseded": ("superseded", "已被取代"),
    "tier": ("tier", "层级"),
    "title": ("title", "标题"),
    "token_id": ("token", "令牌"),
    "valid_until": ("valid until", "有效期至"),
    "value": ("value", "数值"),
    "year": ("year", "年度"),
}

# An application's stages (registry.models.STAGES, then its OUTCOMES) → (English, Chinese):
# the pages (GET /stages) and the 推荐汇总表 print the same words.
STAGES = {
    "candidate": ("candidate pool", "培育库"),
    "applied": ("applied", "已申报"),
    "recommended": ("recommended by the county", "县级推荐"),
    "reviewed": ("reviewed by the city", "市级审核"),
    "publicized": ("publicized", "公示中"),
    "certified": ("certified", "已认定"),
    "rejected": ("rejected", "未通过"),
    "withdrawn": ("withdrawn", "已撤回"),
}


def stage_label(stage: str, language: str) -> str:
    """An application stage's label in `language` ("zh" or "en"); an unknown one as it is."""
    texts = STAGES.get(stage)
    if texts is None:
        return stage
    return texts[1] if language == "zh" else texts[0]


SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@cache
def _catalog() -> dict[str, tuple[str, str]]:
    """Tiers by key and districts by code: (English, Chinese)."""
    try:
        tiers = json.loads((SEEDS / "tiers.json").read_text(encoding="utf-8"))["tiers"]
        places = json.loads((SEEDS / "districts.json").read_text(encoding="utf-8"))["districts"]
    except (OSError, ValueError, KeyError):  # no seeds beside the code: named by their keys
        return {}
    names = {t["key"]: (t["label_en"], t["label_zh"]) for t in tiers}
    names.update({d["code"]: (d["name_en"], d["name_zh"]) for d in places})
    return names


def label(name: str, language: str) -> str:
    """A field's, a tier's or a district's label in `language` ("zh" or "en"); an unknown name
    as it is."""
    texts = FIELDS.get(name) or _catalog().get(name)
    if texts is None:
        return name
    return texts[1] if language == "zh" else texts[0]
