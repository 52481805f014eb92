"""Messages for people: every problem has a stable code, and says it in Chinese or English as
the request's Accept-Language asks (registry.messages); the catalog has both texts of every
code the code base raises, with the same placeholders."""

import ast
import json
import string
from pathlib import Path

import pytest

from deploy.serve import NGINX_CODES
from registry.messages import CHINESE, ENGLISH, Message, language_of, localized
from registry.messages.catalog import CATALOG
from registry.messages.labels import FIELDS, label
from registry.services import tokens
from registry.services.people.accounts import ROLES as PEOPLE_ROLES
from registry.services.tokens import ROLES as TOKEN_ROLES
from registry.web.problems import STATUS_CODES
from tests.support.apps import make_app
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.http import assert_problem, bearer
from tests.support.imports import post_rows, row

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
# Calls whose first argument is a message code, and those whose second is.
FIRST = {
    "Message",
    "DomainError",
    "NotFound",
    "Conflict",
    "Invalid",
    "Forbidden",
    "Stale",
    "Malformed",
    "ImportRejected",
    "SignInFailed",
}
SECOND = {"invalid_field", "_resolution_error"}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- the catalog --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_code_has_both_texts_with_the_same_placeholders(code):
    english, chinese = CATALOG[code]
    assert english.strip() and chinese.strip(), code
    assert _placeholders(english) == _placeholders(chinese), code
    if code not in ("value.invalid", "resolve.credit_code", "field.problem"):  # a reason as found
        assert _chinese(chinese), code


def test_no_message_sends_a_person_to_a_url_or_an_option():
    """Messages say what to do on the page (公告日期), not `?certified_on=` or `--certified-on`."""
    import re

    pointing = re.compile(r"\?\w+=|(^|\s)--\w|\b[a-z]+_[a-z_]+=")
    for code, texts in CATALOG.items():
        for text in texts:
            assert not pointing.search(text), (code, text)


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def raised_codes() -> dict[str, list[str]]:
    """Every code written in the code base, where: the first argument of a Message or a domain
    error, the second of invalid_field; an f-string there is reported as such."""
    found: dict[str, list[str]] = {}
    for path in [*ROOT.glob("registry/**/*.py"), *ROOT.glob("schemas/*.py")]:
        if "messages/catalog" in path.as_posix():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            position = 0 if name in FIRST else 1 if name in SECOND else None
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.setdefault(argument.value, []).append(where)
            elif isinstance(argument, ast.JoinedStr):
                found.setdefault(ast.unparse(argument), []).append(where)
    return found


def test_every_code_raised_in_the_code_base_is_in_the_catalog():
    found = raised_codes()
    assert len(found) > 120, sorted(found)  # the scan sees the raise sites
    role_codes = {f"role.{role}" for role in (*TOKEN_ROLES, *PEOPLE_ROLES)}
    missing = {
        code: where
        for code, where in found.items()
        if code not in CATALOG and code != "f'role.{actor.role}'"
    }
    assert not missing, missing  # plain text (a detail not from the catalog) shows here too
    assert role_codes <= set(CATALOG)


def test_the_status_codes_and_marshmallows_messages_are_in_the_catalog():
    from registry.messages import fields as marshmallow_messages

    codes = {*STATUS_CODES.values(), *NGINX_CODES.values()}
    for table in (marshmallow_messages._FIELDS, marshmallow_messages._VALIDATORS):
        codes |= {code for messages in table.values() for code in messages.values()}
    codes |= set(marshmallow_messages._SCHEMA.values())
    assert codes <= set(CATALOG), codes - set(CATALOG)


def test_fields_and_tiers_are_named_by_their_labels():
    assert label("certified_on", CHINESE) == "公告日期"
    assert label("credit_code", CHINESE) == "统一社会信用代码"
    assert label("district", CHINESE) == "县（市、区）"
    assert label("reason", CHINESE) == "撤销原因"
    assert label("certified_on", ENGLISH) == "announcement date"
    assert label("little_giant", CHINESE) == "专精特新“小巨人”企业"
    assert all(english and _chinese(chinese) for english, chinese in FIELDS.values())
    message = Message("import.fact_missing", field="certified_on")
    assert message.text(CHINESE) == "名单未注明“公告日期”：请填写“公告日期”（整份名单的公告日期）。"
    assert "?" not in str(message) and "certified_on" not in str(message)


def test_a_message_is_its_english_text_and_survives_pickling():
    import pickle

    message = Message("credit_code.check_character", expected="D", found="X")
    assert message == str(message) and "'D', not 'X'" in message
    again = pickle.loads(pickle.dumps({"e": [message]}))["e"][0]
    assert (again.code, again.params, again.text(CHINESE)) == (
        message.code,
        message.params,
        message.text(CHINESE),
    )
    assert localized({"a": [message, 1]}, CHINESE) == {"a": [message.text(CHINESE), 1]}


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh-CN", CHINESE),
        ("zh_CN.UTF-8", CHINESE),
        ("zh-TW", CHINESE),
        ("en", ENGLISH),
        ("fr", ENGLISH),
        (None, ENGLISH),
        ("", ENGLISH),
    ],
)
def test_the_language_of_a_tag(tag, language):
    assert language_of(tag) == language


# --- real requests, in both languages -----------------------------------------------------------


def both(client, method, url, **kwargs):
    """The same request asked in Chinese and in English: the two answers."""
    headers = kwargs.pop("headers", {})
    zh = client.open(url, method=method, headers={**headers, **ZH}, **kwargs)
    en = client.open(url, method=method, headers={**headers, **EN}, **kwargs)
    return zh, en


def check_both(zh, en, status: int, code: str, chinese: str, english: str) -> None:
    for answer, words, tag in ((zh, chinese, "zh-CN"), (en, english, "en")):
        body = assert_problem(answer, status, code=code)
        assert words in body["detail"], body
        assert answer.headers["Content-Language"] == tag
        assert "Accept-Language" in answer.headers.get("Vary", "")
        assert body["title"]  # the HTTP phrase, in English either way


def test_a_missing_field_names_it_by_its_label(client, auth):
    zh, en = both(client, "POST", f"{API}/enterprises", json={}, headers=auth["admin"])
    check_both(zh, en, 422, "field.required", "统一社会信用代码：请填写此项", "Fill in this field")
    assert zh.json["errors"]["json"]["name"] == ["请填写此项。"]
    assert en.json["errors"]["json"]["name"] == ["Fill in this field."]


def test_a_wrong_check_character_is_said_on_a_lookup_and_in_a_body(client, auth, enterprise_code):
    wrong = enterprise_code[:17] + ("X" if enterprise_code[17] != "X" else "Y")
    zh, en = both(client, "GET", f"{API}/enterprises/{wrong}", headers=auth["admin"])
    check_both(zh, en, 422, "credit_code.check_character", "校验位", "check character")
    assert set(zh.json["errors"]["path"]) == {"credit_code"}
    body = {"credit_code": wrong, "name": "新乡市校验位有限公司", "district": DISTRICT}
    zh, en = both(client, "POST", f"{API}/enterprises", json=body, headers=auth["admin"])
    check_both(zh, en, 422, "credit_code.check_character", "校验位", "check character")
    assert "校验位" in zh.json["errors"]["json"]["credit_code"][0]


def test_a_wrong_check_character_in_a_filter_is_said_too(client, auth, enterprise_code):
    wrong = enterprise_code[:17] + ("X" if enterprise_code[17] != "X" else "Y")
    url = f"{API}/events?credit_code={wrong}"
    zh, en = both(client, "GET", url, headers=auth["admin"])
    check_both(zh, en, 422, "credit_code.check_character", "校验位", "check character")
    assert set(en.json["errors"]["query"]) == {"credit_code"}


def test_a_missing_lower_tier_is_said_with_the_tiers_names(client, auth, enterprise_code):
    url = f"{API}/enterprises/{enterprise_code}/certifications"
    title = {"tier": "little_giant", "certified_on": "2023-06-30"}
    zh, en = both(client, "POST", url, json=title, headers=auth["admin"])
    check_both(
        zh,
        en,
        409,
        "certification.prerequisite_missing",
        "申报专精特新“小巨人”企业须在 2023-06-30 持有有效的专精特新中小企业认定",
        "needs an active Specialized, refined, distinctive and novel SME",
    )


def test_a_bureau_loading_other_counties_rows_is_told_to_load_its_own(client, auth):
    rows = [row("own-1"), row("elsewhere-1", district=OTHER_DISTRICT)]
    body = json.dumps({"rows": rows})
    zh, en = both(
        client,
        "POST",
        f"{API}/imports",
        data=body,
        content_type="application/json",
        headers=auth["bureau"],
    )
    check_both(
        zh, en, 403, "import.outside_own_districts", "只导入本辖区的行", "only my counties' rows"
    )
    assert "第 2 行" in zh.json["detail"]  # a JSON list numbers its rows from 1


def test_unresolved_names_say_what_to_do_and_each_row_why(client, auth):
    named = {k: v for k, v in row("named-only").items() if k != "credit_code"}
    body = json.dumps({"rows": [{**named, "name": "新乡市查无此名有限公司"}]})
    zh, en = both(
        client,
        "POST",
        f"{API}/imports",
        data=body,
        content_type="application/json",
        headers=auth["admin"],
    )
    check_both(zh, en, 422, "import.unresolved", "跳过未匹配的行", "skip the unmatched rows")
    [unresolved] = zh.json["unresolved"]
    assert unresolved["code"] == "import.no_firm_named"
    assert "没有该名称的已登记企业" in unresolved["reason"]


def test_an_imports_row_errors_carry_codes_and_speak_the_request_language(client, auth):
    bad = row("bad-check")
    bad["credit_code"] = bad["credit_code"][:17] + ("X" if bad["credit_code"][17] != "X" else "Y")
    answer = post_rows(client, {**auth["admin"], **ZH}, [row("good"), bad], dry_run=True)
    problem = assert_problem(answer, 422, code="import.rows_rejected")
    assert "未写入任何数据" in problem["detail"]
    [error] = problem["errors"]
    assert (error["row"], error["field"], error["code"]) == (
        2,  # a JSON list numbers its rows from 1
        "credit_code",
        "credit_code.check_character",
    )
    assert "校验位" in error["message"]


def test_a_dry_run_answers_its_warnings_in_the_request_language(client, auth):
    title = row("warned", tier="specialized_sme")
    answer = post_rows(client, {**auth["admin"], **ZH}, [title], dry_run=True)
    assert answer.status_code == 200, answer.json
    [warning] = answer.json["warnings"]
    assert warning["code"] == "import.recorded_as_published"
    assert warning["message"].startswith("已按名单公布的内容登记：申报专精特新中小企业须")
    assert answer.headers["Content-Language"] == "zh-CN"


def test_an_invalid_token_and_no_credentials(client):
    zh, en = both(client, "GET", f"{API}/enterprises", headers=bearer("ecr_not-a-token"))
    check_both(zh, en, 401, "auth.invalid_token", "令牌无效", "The token is not valid")
    zh, en = both(client, "GET", f"{API}/enterprises")
    check_both(zh, en, 401, "auth.credentials_required", "请先登录", "Sign in")


def test_a_role_refused_names_the_role(client, auth):
    zh, en = both(client, "POST", f"{API}/enterprises", json={}, headers=auth["dashboard"])
    check_both(zh, en, 403, "auth.role_refused", "大屏令牌无权", "not open to a dashboard's token")


def test_404_and_405(client, auth):
    zh, en = both(client, "GET", f"{API}/no-such-thing", headers=auth["admin"])
    check_both(zh, en, 404, "http.not_found", "找不到", "Nothing is found")
    zh, en = both(client, "DELETE", f"{API}/plans", headers=auth["admin"])
    check_both(zh, en, 405, "http.method_not_allowed", "不接受DELETE请求", "DELETE")
    zh, en = both(client, "GET", f"{API}/enterprises/{make_code('absent')}", headers=auth["admin"])
    check_both(zh, en, 404, "enterprise.not_found", "未登记", "No enterprise")


def test_428_and_412(client, auth, enterprise_code):
    url = f"{API}/enterprises/{enterprise_code}"
    change = {"name": "新乡市改名有限公司"}
    zh, en = both(client, "PATCH", url, json=change, headers=auth["admin"])
    check_both(zh, en, 428, "http.precondition_required", "请先打开记录", "Open the record")
    stale = {**auth["admin"], "If-Match": '"not-the-current-one"'}
    zh, en = both(client, "PATCH", url, json=change, headers=stale)
    check_both(zh, en, 412, "http.precondition_failed", "他人已修改", "Someone else changed")


def test_413(tmp_path):
    app = make_app(tmp_path, name="small", MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        _, admin = tokens.create_token("admin", "admin")
    body = {"credit_code": make_code("big"), "name": "新乡市大有限公司", "district": DISTRICT}
    body["industry_chain"] = "链" * 2000
    zh, en = both(app.test_client(), "POST", f"{API}/enterprises", json=body, headers=bearer(admin))
    check_both(zh, en, 413, "http.payload_too_large", "上传内容过大", "too large")
    assert "1024" in en.json["detail"]


def test_429(tmp_path, rate_limit_storage):
    app = make_app(
        tmp_path,
        name="limits",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=rate_limit_storage,
        RATELIMIT_DEFAULT="1 per minute",
    )
    with app.app_context():
        _, first = tokens.create_token("admin", "one")
        _, second = tokens.create_token("admin", "two")
    client = app.test_client()
    assert client.get(f"{API}/enterprises", headers=bearer(first)).status_code == 200
    assert client.get(f"{API}/enterprises", headers=bearer(second)).status_code == 200
    zh = client.get(f"{API}/enterprises", headers={**bearer(first), **ZH})
    en = client.get(f"{API}/enterprises", headers={**bearer(second), **EN})
    check_both(zh, en, 429, "http.too_many_requests", "请求过于频繁", "Too many requests")
    assert zh.headers["Retry-After"] in zh.json["detail"]


def test_broken_json_is_said_in_the_request_language(client, auth):
    zh, en = both(
        client,
        "POST",
        f"{API}/enterprises",
        data="{",
        content_type="application/json",
        headers=auth["admin"],
    )
    check_both(zh, en, 400, "body.invalid_json", "不是有效的 JSON", "not valid JSON")
    assert zh.json["errors"] == {"json": ["请求内容不是有效的 JSON。"]}


def test_without_accept_language_a_problem_is_english(client, auth):
    answer = client.get(f"{API}/no-such-thing", headers=auth["admin"])
    assert assert_problem(answer, 404)["detail"] == "Nothing is found at this address."
    assert answer.headers["Content-Language"] == "en"
    answer = client.get(
        f"{API}/no-such-thing", headers={**auth["admin"], "Accept-Language": "en;q=0.5, zh-Hans"}
    )
    assert answer.headers["Content-Language"] == "zh-CN"
