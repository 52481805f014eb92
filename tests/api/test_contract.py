"""Parameters mean one thing: a parameter taken once is given once, a list
parameter is read in both the documented and the exploded form, and If-None-Match compares
weakly (RFC 9110 §13.1.2), lists of tags and `*` included."""

import pytest

from tests.support.http import assert_problem

API = "/api/v1"
PLAN = f"{API}/plans/xinxiang-2023-2025/progress"
STATS = f"{API}/stats/certifications"


def weak(etag: str) -> str:
    return "W/" + etag


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (f"{API}/enterprises?year=2023&year=2024", "year"),
        (f"{API}/enterprises?page=1&page=2", "page"),
        (f"{API}/enterprises?q=a&q=b", "q"),
        (f"{STATS}?tier=innovative_sme&tier=little_giant", "tier"),
        (f"{PLAN}?year=2023&year=2024", "year"),
        (f"{API}/events?after=1&after=2", "after"),
        (f"{API}/figures?district=410702&district=410703", "district"),
    ],
)
def test_a_repeated_single_valued_parameter_is_a_422(client, auth, url, name):
    response = client.get(url, headers=auth["admin"])
    assert_problem(response, 422)
    assert "more than once" in response.json["errors"]["query"][name][0]


@pytest.mark.parametrize(
    "query",
    [
        "group_by=tier,district",
        "group_by=tier&group_by=district",
        "group_by=tier,district&group_by=tier",
    ],
)
def test_group_by_documented_and_exploded_forms_mean_the_same(
    client, auth, register, certify, query
):
    code = register("grouped")
    assert certify(code, "innovative_sme", "2023-06-30", year=2023).status_code == 201
    response = client.get(f"{STATS}?{query}", headers=auth["dashboard"])
    assert response.status_code == 200, response.json
    assert response.json["group_by"] == ["tier", "district"]
    assert {"tier": "innovative_sme", "district": "410702", "count": 1} in response.json["rows"]


def test_group_by_refuses_an_unknown_key_in_either_form(client, auth):
    for query in ("group_by=tier,nope", "group_by=tier&group_by=nope"):
        assert client.get(f"{STATS}?{query}", headers=auth["dashboard"]).status_code == 422


@pytest.mark.parametrize(
    "url", [PLAN, STATS, f"{API}/enterprises/{{code}}", f"{API}/enterprises/{{code}}/status"]
)
def test_if_none_match_compares_weakly(client, auth, enterprise_code, url):
    url = url.format(code=enterprise_code)
    first = client.get(url, headers=auth["admin"])
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"'), etag  # a strong tag, which a proxy may weaken

    for if_none_match in (
        etag,
        weak(etag),  # as a compressing proxy hands it back
        f'"other", {weak(etag)}',  # a list of tags
        f'W/"other", {etag}, "third"',
        "*",
    ):
        again = client.get(url, headers={**auth["admin"], "If-None-Match": if_none_match})
        assert again.status_code == 304, (if_none_match, again.status_code)
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag

    for if_none_match in ('"other"', 'W/"other", "third"'):
        again = client.get(url, headers={**auth["admin"], "If-None-Match": if_none_match})
        assert again.status_code == 200, if_none_match


def test_if_match_still_compares_strongly(client, auth, enterprise_code):
    """RFC 9110 §13.1.1: If-Match uses the strong comparison; a weak tag never matches."""
    url = f"{API}/enterprises/{enterprise_code}"
    etag = client.get(url, headers=auth["admin"]).headers["ETag"]
    stale = client.patch(
        url,
        json={"name": "新乡市弱比较有限公司"},
        headers={**auth["admin"], "If-Match": weak(etag)},
    )
    assert stale.status_code == 412
    changed = client.patch(
        url, json={"name": "新乡市弱比较有限公司"}, headers={**auth["admin"], "If-Match": etag}
    )
    assert changed.status_code == 200
