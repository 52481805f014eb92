"""Enterprises through HTTP: register, read, list, correct with If-Match."""

from registry.models import Event
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.http import assert_problem

URL = "/api/v1/enterprises"


def test_register_and_read_back(client, auth):
    code = make_code("register")
    response = client.post(
        URL,
        json={
            "credit_code": f"  {code.lower()} ",
            "name": " 新乡市牧野化工有限公司 ",
            "district": DISTRICT,
            "industry_chain": "新材料",
        },
        headers=auth["bureau"],
    )
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{URL}/{code}")
    body = response.json
    assert body["credit_code"] == code  # trimmed and upper-cased
    assert body["name"] == "新乡市牧野化工有限公司"
    assert (body["current_tier"], body["next_tier"]) == (None, "innovative_sme")
    assert body["certifications"] == []
    read = client.get(f"{URL}/{code}", headers=auth["bureau"])
    assert read.status_code == 200
    assert read.json["industry_chain"] == "新材料"
    assert read.headers["ETag"]


def test_a_known_credit_code_is_a_409(client, auth, enterprise_code):
    response = client.post(
        URL,
        json={"credit_code": enterprise_code, "name": "重复企业", "district": DISTRICT},
        headers=auth["admin"],
    )
    assert response.status_code == 409
    assert enterprise_code in response.json["detail"]


def test_unknown_district_is_a_422_naming_it(client, auth):
    response = client.post(
        URL,
        json={"credit_code": make_code("d"), "name": "某企业", "district": "410799"},
        headers=auth["admin"],
    )
    assert response.status_code == 422
    assert "district" in response.json["errors"]["json"]


def test_required_fields_are_named(client, auth):
    response = client.post(URL, json={}, headers=auth["admin"])
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"credit_code", "name", "district"}


def test_list_filters_and_pages(client, auth, register, certify):
    codes = [register(f"list-{i}") for i in range(5)]
    far = register("list-far", district=OTHER_DISTRICT, name="卫滨区远方电子有限公司")
    certify(codes[0], "innovative_sme", "2023-05-01", year=2023)
    certify(codes[1], "innovative_sme", "2024-05-01", year=2024)

    page = client.get(f"{URL}?page=1&page_size=2", headers=auth["bureau"]).json
    assert page["pagination"] == {"total": 7, "page": 1, "page_size": 2, "total_pages": 4}
    listed = []
    for number in range(1, 5):
        listed += [
            e["credit_code"]
            for e in client.get(f"{URL}?page={number}&page_size=2", headers=auth["bureau"]).json[
                "items"
            ]
        ]
    assert listed == sorted(listed) and len(set(listed)) == 7  # stable, complete, no repeats

    def codes_for(query):
        return [
            e["credit_code"]
            for e in client.get(f"{URL}?{query}", headers=auth["admin"]).json["items"]
        ]

    assert codes_for(f"district={OTHER_DISTRICT}") == [far]
    assert codes_for("tier=innovative_sme") == sorted(codes[:2])
    assert codes_for("tier=innovative_sme&year=2024") == [codes[1]]
    assert codes_for("q=远方") == [far]
    assert codes_for(f"q={far[:12].lower()}") == [far]
    empty = client.get(f"{URL}?page=9", headers=auth["admin"]).json
    assert empty["items"] == [] and empty["pagination"]["total"] == 7


def test_page_size_over_500_is_a_422(client, auth):
    response = client.get(f"{URL}?page_size=501", headers=auth["admin"])
    assert response.status_code == 422
    assert "page_size" in response.json["errors"]["query"]


def test_patch_needs_if_match(client, auth, enterprise_code):
    url = f"{URL}/{enterprise_code}"
    missing = client.patch(url, json={"name": "新名称"}, headers=auth["bureau"])
    assert_problem(missing, 428)

    etag = client.get(url, headers=auth["bureau"]).headers["ETag"]
    changed = client.patch(
        url,
        json={"name": "新乡市红旗智能装备有限公司"},
        headers={**auth["bureau"], "If-Match": etag},
    )
    assert changed.status_code == 200
    assert changed.json["name"] == "新乡市红旗智能装备有限公司"
    assert changed.headers["ETag"] != etag

    stale = client.patch(
        url, json={"name": "过时的修改"}, headers={**auth["bureau"], "If-Match": etag}
    )
    assert stale.status_code == 412
    assert client.get(url, headers=auth["admin"]).json["name"] == "新乡市红旗智能装备有限公司"


def test_patch_moves_a_firm_within_the_bureau_scope_and_records_it(
    app, client, auth, enterprise_code
):
    url = f"{URL}/{enterprise_code}"
    etag = client.get(url, headers=auth["admin"]).headers["ETag"]
    moved = client.patch(
        url, json={"district": OTHER_DISTRICT}, headers={**auth["admin"], "If-Match": etag}
    )
    assert moved.status_code == 200 and moved.json["district"] == OTHER_DISTRICT
    with app.app_context():
        event = Event.select().order_by(Event.id.desc()).get()
    assert event.action == "enterprise.updated"
    assert event.data["previous_district"] == DISTRICT
    assert event.actor_role == "admin"


def test_read_only_fields_are_refused_on_patch(client, auth, enterprise_code):
    url = f"{URL}/{enterprise_code}"
    etag = client.get(url, headers=auth["admin"]).headers["ETag"]
    for field, value in (
        ("credit_code", make_code("x")),
        ("current_tier", "little_giant"),
        ("version", 9),
    ):
        response = client.patch(
            url, json={field: value}, headers={**auth["admin"], "If-Match": etag}
        )
        assert response.status_code == 422, field
        assert field in response.json["errors"]["json"]


def test_get_etag_and_304(client, auth, enterprise_code, certify):
    url = f"{URL}/{enterprise_code}"
    first = client.get(url, headers=auth["enterprise"])
    etag = first.headers["ETag"]
    not_modified = client.get(url, headers={**auth["enterprise"], "If-None-Match": etag})
    assert not_modified.status_code == 304
    certify(enterprise_code, "innovative_sme", "2024-03-01")
    changed = client.get(url, headers={**auth["enterprise"], "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["current_tier"] == "innovative_sme"


def test_nothing_is_deleted(client, auth, enterprise_code):
    response = client.delete(f"{URL}/{enterprise_code}", headers=auth["admin"])
    assert response.status_code == 405
    assert client.get(f"{URL}/{enterprise_code}", headers=auth["admin"]).status_code == 200
