"""A name lists print for a firm, kept for it (POST /enterprises/{code}/names): the next
names-only list printing it is matched without resolving it again; a bureau keeps names for
its own districts' firms only; another firm's name is refused."""

import json

from registry.models import Event
from tests.support import published as pub
from tests.support.codes import OTHER_DISTRICT, make_code
from tests.support.http import assert_problem
from tests.support.imports import load, load_form

URL = "/api/v1/enterprises"
PRINTED = "新乡市红旗区记名精工机械有限责任公司"  # how the province prints the firm's name


def _list() -> pub.Published:
    return pub.provincial_names_only(
        "2025年度河南省创新型中小企业名单", groups=[("新乡市", [PRINTED])]
    )


def _names(client, headers, code, name):
    return client.post(f"{URL}/{code}/names", json={"name": name}, headers=headers)


def test_a_kept_name_matches_the_next_list(app, client, auth, register):
    code = register("known-1", name="新乡市红旗区记名精工机械有限公司")
    facts = {"certified_on": "2025-12-15", "dry_run": True}
    before = load(client, auth["bureau"], _list(), **facts)
    assert before.status_code == 422, before.json  # the printed name matches no firm
    [unresolved] = before.json["unresolved"]
    assert unresolved["name"] == PRINTED

    response = _names(client, auth["bureau"], code, f"  {PRINTED} ")
    assert response.status_code == 200, response.json
    assert response.json == {
        "credit_code": code,
        "name": "新乡市红旗区记名精工机械有限公司",
        "other_names": [PRINTED],
        "added": True,
    }
    with app.app_context():
        event = Event.get(Event.action == "enterprise.name_remembered")
    assert (event.subject, event.district, event.data) == (
        f"enterprise/{code}",
        "410702",
        {"name": PRINTED},
    )

    after = load(client, auth["bureau"], _list(), outcomes=True, **facts)
    assert after.status_code == 200, after.json
    assert after.json["matched_by_name"] == 1 and after.json["unresolved"] == []
    [outcome] = after.json["outcomes"]
    assert (outcome["credit_code"], outcome["found_by"]) == (code, "name")


def test_keeping_a_known_name_again_changes_nothing(app, client, auth, register):
    code = register("known-2", name="新乡市红旗区记名电子有限公司")
    assert _names(client, auth["bureau"], code, "红旗记名电子").json["added"] is True
    again = _names(client, auth["bureau"], code, "红旗记名电子")
    assert again.status_code == 200 and again.json["other_names"] == ["红旗记名电子"]
    assert again.json["added"] is False
    own = _names(client, auth["bureau"], code, "新乡市红旗区记名电子有限公司")
    assert own.status_code == 200 and own.json["other_names"] == ["红旗记名电子"]
    assert own.json["added"] is False
    with app.app_context():
        assert Event.select().where(Event.action == "enterprise.name_remembered").count() == 1


def test_another_firms_name_is_a_409(client, auth, register):
    first = register("known-3", name="新乡市红旗区记名甲有限公司")
    second = register("known-4", name="新乡市红旗区记名乙有限公司")
    assert _names(client, auth["bureau"], first, "记名丙").status_code == 200
    for name in ("新乡市红旗区记名甲有限公司", "记名丙"):
        assert_problem(_names(client, auth["bureau"], second, name), 409)


def test_scope_and_input_are_checked(client, auth, register):
    here = register("known-5")
    elsewhere = register("known-6", district=OTHER_DISTRICT, name="卫滨区记名企业有限公司")
    assert_problem(_names(client, auth["bureau"], elsewhere, "卫滨记名"), 403)
    assert _names(client, auth["other_bureau"], elsewhere, "卫滨记名").status_code == 200
    assert_problem(_names(client, auth["dashboard"], here, "某名称"), 403)
    assert_problem(_names(client, auth["enterprise"], here, "某名称"), 403)
    assert_problem(_names(client, {}, here, "某名称"), 401)
    missing = make_code("known-nobody")
    assert_problem(_names(client, auth["admin"], missing, "某名称"), 404)
    for body in ({}, {"name": "   "}, {"name": "x" * 201}, {"name": 7}):
        response = client.post(f"{URL}/{here}/names", json=body, headers=auth["bureau"])
        assert_problem(response, 422)
        assert "name" in response.json["errors"]["json"]


def test_a_resolution_then_a_kept_name(client, auth, register):
    """What the workbench does: resolve the printed name once, keep it, load the next list
    without resolving."""
    code = register("known-7", name="新乡市红旗区记名装备有限公司")
    printed = "新乡市红旗区记名精工机械有限责任公司"
    resolved = load_form(
        client,
        auth["bureau"],
        _list(),
        resolve=json.dumps({printed: code}),
        certified_on="2025-12-15",
        dry_run=True,
    )
    assert resolved.status_code == 200 and resolved.json["resolved"] == 1, resolved.json
    assert _names(client, auth["bureau"], code, printed).status_code == 200
    again = load(client, auth["bureau"], _list(), certified_on="2025-12-15")
    assert again.status_code == 200, again.json
    assert (again.json["matched_by_name"], again.json["created_certifications"]) == (1, 1)
