"""Hostile or odd input gets a clear 4xx, never a 500."""

import io
import secrets
import zipfile

import pytest

from registry.models import Certification, Enterprise, Event
from registry.services.versioned_cache import VersionedCache
from registry.web.caching import AGGREGATES
from registry.web.credentials import HOLDERS_CACHE
from registry.web.polls import POLLS
from tests.support.codes import DISTRICT, make_code
from tests.support.http import XLSX, assert_problem, bearer

API = "/api/v1"
DEEP = "[" * 100_000 + "]" * 100_000


def event_count(app) -> int:
    with app.app_context():
        return Event.select().count()


# 13.5 No 500s -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/enterprises", "/enterprises/{code}/certifications", "/imports", "/figures"]
)
def test_json_nested_100000_deep_is_a_400(client, auth, enterprise_code, path):
    response = client.post(
        API + path.format(code=enterprise_code),
        data=DEEP,
        headers={**auth["admin"], "Content-Type": "application/json"},
    )
    assert_problem(response, 400)


@pytest.mark.parametrize("cert_id", ["99999999999999999999", "2147483648", "0"])
def test_an_id_outside_the_databases_range_names_nothing(client, auth, cert_id):
    response = client.post(
        f"{API}/certifications/{cert_id}/revoke", json={"reason": "x"}, headers=auth["admin"]
    )
    assert_problem(response, 404)


def test_the_largest_id_is_looked_up(client, auth):
    response = client.post(
        f"{API}/certifications/2147483647/revoke", json={"reason": "x"}, headers=auth["admin"]
    )
    assert "No certification" in assert_problem(response, 404)["detail"].capitalize()


def _zip(**parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name.replace("__", "/"), text)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


@pytest.mark.parametrize(
    "body",
    [
        b"PK\x03\x04 not really a zip",
        _zip(**{"[Content_Types].xml": "<Types"}),
        _zip(**{"[Content_Types].xml": CONTENT_TYPES, "xl__workbook.xml": "<workbook><sheets"}),
    ],
    ids=["not a zip", "broken content types", "broken workbook"],
)
def test_a_malformed_xlsx_is_a_422(app, client, auth, body):
    before = event_count(app)
    response = client.post(
        f"{API}/imports", data=body, headers={**auth["admin"], "Content-Type": XLSX}
    )
    assert_problem(response, 422)
    assert event_count(app) == before


# 13.6 Input that only looks valid ---------------------------------------------------------------


def test_a_fractional_year_is_refused_not_cut(client, auth, enterprise_code):
    response = client.post(
        f"{API}/enterprises/{enterprise_code}/certifications",
        json={"tier": "innovative_sme", "year": 2023.5, "certified_on": "2023-06-30"},
        headers=auth["admin"],
    )
    assert "year" in assert_problem(response, 422)["errors"]["json"]
    for year in (2023.0, "2023", True):
        response = client.post(
            f"{API}/figures",
            json={"measure": "entrepreneur_training", "year": year, "value": 1},
            headers=auth["admin"],
        )
        assert "year" in assert_problem(response, 422)["errors"]["json"], year


@pytest.mark.parametrize("certified_on", ["0001-01-01", "1999-12-31"])
def test_a_year_taken_from_certified_on_has_the_bounds_of_a_given_one(
    app, client, auth, enterprise_code, certified_on
):
    response = client.post(
        f"{API}/enterprises/{enterprise_code}/certifications",
        json={"tier": "innovative_sme", "certified_on": certified_on},
        headers=auth["admin"],
    )
    assert "certified_on" in assert_problem(response, 422)["errors"]["json"]
    with app.app_context():
        assert Certification.select().count() == 0


INVISIBLE = {
    "zero width space": "\u200b",
    "right-to-left override": "\u202e",
    "line separator": "\u2028",
    "next line (C1)": "\u0085",
    "control sequence introducer (C1)": "\u009b",
    "byte order mark": "\ufeff",
    "left-to-right isolate": "\u2066",
}


@pytest.mark.parametrize("where", ["alone", "inside"])
@pytest.mark.parametrize("name", INVISIBLE)
def test_invisible_and_direction_characters_are_refused_and_named(app, client, auth, name, where):
    char = INVISIBLE[name]
    text = char if where == "alone" else f"新乡市{char}红旗有限公司"
    response = client.post(
        f"{API}/enterprises",
        json={"credit_code": make_code("invisible"), "name": text, "district": DISTRICT},
        headers=auth["admin"],
    )
    message = assert_problem(response, 422)["errors"]["json"]["name"][0]
    if where == "inside" or not char.isspace():  # white space alone is trimmed to nothing
        assert f"U+{ord(char):04X}" in message
    with app.app_context():
        assert Enterprise.select().where(Enterprise.name == text).count() == 0


def test_printable_chinese_text_is_accepted(client, auth):
    name = "新乡市（红旗）精密·机械有限公司 A-1"
    response = client.post(
        f"{API}/enterprises",
        json={"credit_code": make_code("printable"), "name": name, "district": DISTRICT},
        headers=auth["admin"],
    )
    assert response.status_code == 201, response.json
    assert response.json["name"] == name


@pytest.mark.parametrize(
    "url",
    [
        "/enterprises?tier=%00",
        "/enterprises?q=%00",
        "/enterprises?q=%E2%80%AE",
        "/enterprises?district=%D9%A4%D9%A1%D9%A0%D9%A7%D9%A0%D9%A2",  # Arabic-Indic digits
        "/stats/certifications?tier=%00",
        "/figures?measure=%00",
        "/exports/certifications.csv?tier=%00",
    ],
)
def test_a_nul_or_lookalike_in_a_query_is_a_422(client, auth, url):
    assert_problem(client.get(API + url, headers=auth["admin"]), 422)


@pytest.mark.parametrize("code", ["%00", "91410702MA9F3K2L2%00", "%E2%80%AE"])
def test_a_nul_in_a_credit_code_path_is_not_a_credit_code(client, auth, code):
    response = client.get(f"{API}/enterprises/{code}", headers=auth["admin"])
    assert assert_problem(response, 422)["code"].startswith("credit_code.")


def test_unknown_tokens_are_not_cached_and_leave_the_polled_answers_alone(client, auth, app):
    progress = f"{API}/plans/xinxiang-2023-2025/progress"
    assert client.get(progress, headers=auth["dashboard"]).status_code == 200
    assert client.get(progress, headers=auth["dashboard"]).status_code == 200  # asked again
    aggregates = app.extensions[AGGREGATES]
    known = app.extensions[HOLDERS_CACHE]
    entries = len(known._protected) + len(known._probation)
    for _ in range(50):
        assert client.get(progress, headers=bearer(secrets.token_urlsafe(16))).status_code == 401
    assert len(known._protected) + len(known._probation) == entries
    # The screen's answer, kept: by the app, and in front of it where its repeats are answered.
    assert len(aggregates._protected) + len(aggregates._probation) == 1
    assert len(app.extensions[POLLS]._protected) == 1


def test_a_flood_of_keys_asked_once_does_not_evict_a_polled_answer():
    cache = VersionedCache(size=10)
    computed = []

    def compute(key):
        computed.append(key)
        return f"answer {key}"

    for _ in range(2):  # a screen polls the same answer
        assert cache.get("screen", 1, lambda: compute("screen")) == "answer screen"
    for n in range(1000):  # one-off keys: other dates, filters, tokens
        cache.get(("flood", n), 1, lambda n=n: compute(n))
    computed.clear()
    assert cache.get("screen", 1, lambda: compute("screen")) == "answer screen"
    assert computed == []  # still cached
    assert cache.get("screen", 2, lambda: compute("screen")) == "answer screen"
    assert computed == ["screen"]  # a new version is computed again


def test_none_is_never_cached():
    cache = VersionedCache(size=10)
    calls = []
    for _ in range(3):
        assert cache.get("unknown token", 1, lambda: calls.append(1)) is None
    assert len(calls) == 3


# 13.8 Writes that are not writes ----------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"name": "新乡市红旗精密机械有限公司", "district": DISTRICT}])
def test_a_patch_that_changes_nothing_is_a_no_op(app, client, auth, enterprise_code, body):
    url = f"{API}/enterprises/{enterprise_code}"
    before = client.get(url, headers=auth["admin"])
    events = event_count(app)
    with app.app_context():
        version = Enterprise.get(Enterprise.credit_code == enterprise_code).version
    progress = f"{API}/plans/xinxiang-2023-2025/progress"
    polled = client.get(progress, headers=auth["dashboard"]).headers["ETag"]

    response = client.patch(
        url, json=body, headers={**auth["admin"], "If-Match": before.headers["ETag"]}
    )

    assert response.status_code == 200, response.json
    assert response.headers["ETag"] == before.headers["ETag"]
    assert response.json == before.json
    assert event_count(app) == events
    with app.app_context():
        assert Enterprise.get(Enterprise.credit_code == enterprise_code).version == version
    # No write, so the dashboards' answers are still current.
    again = client.get(progress, headers={**auth["dashboard"], "If-None-Match": polled})
    assert again.status_code == 304


def test_a_no_op_patch_still_needs_the_right_to_write(app, client, auth, enterprise_code):
    url = f"{API}/enterprises/{enterprise_code}"
    etag = client.get(url, headers=auth["admin"]).headers["ETag"]
    response = client.patch(url, json={}, headers={**auth["other_bureau"], "If-Match": etag})
    assert_problem(response, 403)
