"""The Chinese export's headers, as the published lists print them, and the registry's names
for them (the English export's headers)."""

ZH_HEADERS = {
    "统一社会信用代码": "credit_code",
    "企业名称": "name",
    "县（市、区）": "district_name",
    "类别": "tier_label",
    "年度": "year",
    "公告日期": "certified_on",
    "有效期至": "valid_until",
    "是否复核": "renewal",
    "状态": "status",
    "复核或晋级": "superseded_by",
    "文号": "document_no",
    "批次": "batch",
    "撤销日期": "revoked_on",
    "撤销原因": "revocation_reason",
    "区划代码": "district",
    "记录编号": "id",
}
