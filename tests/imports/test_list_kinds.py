"""Lists by what they are: a proposed list (the province's 拟认定 公示, the city's 拟推荐, a
county's own 申报/推荐 sheet) certifies no one and moves applications; a final list (公告)
grants its titles, closes the listed firms' applications as certified and names the
publicized ones it left out. The title decides; the `action` parameter overrides it."""

import datetime as dt

import pytest

from registry.models import (
    Application,
    ApplicationMove,
    Certification,
    CertificationTally,
    Enterprise,
    PipelineTally,
    Tier,
)
from registry.services import applications
from registry.services.aggregates import scan
from registry.services.clock import today
from registry.services.imports import pipeline, rowspool
from registry.services.scope import CLI_ACTOR
from tests.support import published as pub
from tests.support.databases import ON_POSTGRES
from tests.support.http import assert_problem
from tests.support.imports import load, register, run_cli, summary, written

PUBLICITY = "关于2026年度第一批河南省专精特新中小企业拟认定名单的公示"
FINAL = "2026年度第一批河南省专精特新中小企业名单"
CITY_REVIEW = "关于2026年度新乡市专精特新中小企业拟推荐名单的公示"
COUNTY_SHEET = "红旗区2026年度专精特新中小企业申报汇总表"
TIER, YEAR = "specialized_sme", 2026


def _names_only(title: str, *names: str) -> pub.Published:
    """The province's list: 所属地市 · 企业名称, another city's rows above ours."""
    return pub.provincial_names_only(title, [("郑州市", list(pub.ZHENGZHOU)), ("新乡市", names)])


def _with_codes(title: str, *firms: pub.Firm) -> pub.Published:
    """The city's list: 县（市、区） · 企业名称 · 统一社会信用代码 (each firm's district)."""
    return pub.city_list(title, [(f.district, [(f.name, f.code)]) for f in firms])


def _open(app, firm: pub.Firm, stage: str, *, batch=None, tier=TIER, year=YEAR) -> int:
    with app.app_context():
        enterprise = Enterprise.get(Enterprise.credit_code == firm.code)
        made = applications.create(
            CLI_ACTOR, enterprise, Tier.get_by_id(tier), year, stage=stage, batch=batch
        )
        return made.id


def _applications(app, firm: pub.Firm) -> list[tuple]:
    """The firm's applications: (id, stage, highest, batch), oldest first."""
    with app.app_context():
        return [
            (a.id, a.stage, a.highest, a.batch)
            for a in Application.select()
            .join(Enterprise)
            .where(Enterprise.credit_code == firm.code)
            .order_by(Application.id)
        ]


def _moves(app, application_id: int) -> list[tuple]:
    with app.app_context():
        return [
            (m.stage, m.on)
            for m in ApplicationMove.select()
            .where(ApplicationMove.application == application_id)
            .order_by(ApplicationMove.id)
        ]


def _held(app) -> dict:
    """What a title counts in: the certifications and their tallies, and the funnel's."""
    with app.app_context():
        return {
            "certifications": Certification.select().count(),
            "tallies": sorted(
                (t.tier, t.year, t.district, t.n) for t in CertificationTally.select() if t.n
            ),
            "applications": Application.select().count(),
            "moves": ApplicationMove.select().count(),
            "pipeline": sorted(
                (t.tier, t.year, t.district, t.stage, t.highest, t.n)
                for t in PipelineTally.select()
                if t.n
            ),
        }


def test_a_names_only_publicity_list_with_its_date_certifies_no_one(app, client, auth):
    register(client, auth, pub.HONGQI, pub.WEIBIN)
    reviewed = _open(app, pub.HONGQI, "reviewed")
    published = _names_only(PUBLICITY, pub.HONGQI.name, pub.WEIBIN.name)
    before = _held(app)

    response = load(client, auth["admin"], published, certified_on="2026-05-10")

    assert response.status_code == 200, response.json
    result = response.json
    assert result["list"]["action"] == {"value": "publicize", "source": "title", "column": None}
    assert result["list"]["stage"]["value"] == "publicized"
    assert result["list"]["facts"]["batch"]["value"] == "第一批"
    assert (result["publicized"], result["created_certifications"]) == (2, 0)
    assert (result["matched_by_name"], len(result["skipped"])) == (2, 2)  # 郑州 skipped
    after = _held(app)
    assert after["certifications"] == before["certifications"]
    assert after["tallies"] == before["tallies"]
    # The firm's application moved, the other's created at publicized, both dated by the list.
    assert _applications(app, pub.HONGQI) == [(reviewed, "publicized", "publicized", None)]
    [(created, stage, _, batch)] = _applications(app, pub.WEIBIN)
    assert (stage, batch) == ("publicized", "第一批")
    assert _moves(app, reviewed)[-1] == ("publicized", dt.date(2026, 5, 10))
    assert _moves(app, created) == [("publicized", dt.date(2026, 5, 10))]
    assert ("specialized_sme", 2026, "410703", "publicized", "publicized", 1) in after["pipeline"]

    again = load(client, auth["admin"], published, certified_on="2026-05-10")
    assert (again.json["publicized"], again.json["unchanged"]) == (0, 2)
    assert _held(app) == after


def test_a_publicity_list_without_a_date_moves_today(app, client, auth):
    register(client, auth, pub.HONGQI)
    response = load(client, auth["admin"], _with_codes(PUBLICITY, pub.HONGQI))
    assert response.status_code == 200, response.json
    assert response.json["list"]["facts"]["certified_on"]["value"] is None
    [(created, *_)] = _applications(app, pub.HONGQI)
    with app.app_context():
        assert _moves(app, created) == [("publicized", today())]
        assert Certification.select().count() == 0


def test_held_titles_later_stages_and_closed_applications(app, client, auth, certify):
    register(client, auth, pub.HONGQI, pub.WEIBIN, pub.HIGHTECH)
    assert certify(pub.HONGQI.code, "innovative_sme", "2025-03-01").status_code == 201
    granted = certify(pub.HONGQI.code, TIER, "2026-03-01", year=YEAR)
    assert granted.status_code == 201, granted.json
    rejected = _open(app, pub.WEIBIN, "applied")
    with app.app_context():
        application = Application.get_by_id(rejected)
        applications.move(CLI_ACTOR, application, "rejected", reason="材料不全")
    later = _open(app, pub.HIGHTECH, "publicized")
    before = _held(app)

    response = load(
        client,
        auth["admin"],
        _with_codes(CITY_REVIEW, pub.HONGQI, pub.WEIBIN, pub.HIGHTECH),
        outcomes=True,
    )

    assert response.status_code == 200, response.json
    result = response.json
    assert result["list"]["action"]["value"] == "review"
    assert (result["reviewed"], result["unchanged"]) == (1, 1)
    assert [w["code"] for w in result["warnings"]] == ["import.title_held_already"]
    assert [o["outcome"] for o in result["outcomes"]] == ["held", "created", "unchanged"]
    assert _applications(app, pub.HONGQI) == []
    assert [a[1] for a in _applications(app, pub.WEIBIN)] == ["rejected", "reviewed"]
    assert _applications(app, pub.HIGHTECH) == [(later, "publicized", "publicized", None)]
    assert _held(app)["certifications"] == before["certifications"]


def test_a_proposed_list_registers_firms_as_a_final_list_does(app, client, auth):
    response = load(client, auth["admin"], _with_codes(CITY_REVIEW, pub.HONGQI))
    assert response.status_code == 200, response.json
    assert (response.json["created_enterprises"], response.json["reviewed"]) == (1, 1)
    with app.app_context():
        assert Enterprise.get(Enterprise.credit_code == pub.HONGQI.code).district_id == "410702"
        assert Certification.select().count() == 0


def test_the_action_overrides_the_title_both_ways(app, client, auth):
    register(client, auth, pub.HONGQI, pub.WEIBIN)
    as_final = load(
        client,
        auth["admin"],
        _with_codes(PUBLICITY, pub.HONGQI),
        action="certify",
        certified_on="2026-06-01",
    )
    assert as_final.status_code == 200, as_final.json
    assert as_final.json["list"]["action"]["source"] == "parameter"
    assert as_final.json["created_certifications"] == 1

    as_proposed = load(client, auth["admin"], _with_codes(FINAL, pub.WEIBIN), action="publicize")
    assert as_proposed.status_code == 200, as_proposed.json
    assert (as_proposed.json["publicized"], as_proposed.json["created_certifications"]) == (1, 0)
    with app.app_context():
        assert Certification.select().count() == 1


def test_a_county_sheet_loads_applications_at_the_stage_given(app, client, auth):
    register(client, auth, pub.HONGQI)
    candidate = _open(app, pub.HONGQI, "candidate")
    sheet = _with_codes(COUNTY_SHEET, pub.HONGQI)

    response = load(client, auth["bureau"], sheet, action="apply", stage="recommended")

    assert response.status_code == 200, response.json
    assert response.json["applied"] == 1
    assert response.json["list"]["stage"] == {
        "value": "recommended",
        "source": "parameter",
        "column": None,
    }
    assert _applications(app, pub.HONGQI) == [(candidate, "recommended", "recommended", None)]
    by_title = load(client, auth["bureau"], sheet, dry_run=True)
    assert by_title.json["list"]["action"]["value"] == "apply"
    assert by_title.json["list"]["stage"]["value"] == "applied"
    assert by_title.json["unchanged"] == 1

    refused = load(client, auth["bureau"], sheet, action="certify", stage="recommended")
    assert_problem(refused, 422)


def _publicized(app, client, auth) -> dict[str, int]:
    """A 公示 of four firms in two districts; one of them of another batch."""
    register(client, auth, pub.HONGQI, pub.WEIBIN, pub.HIGHTECH, pub.MUYE)
    publicity = pub.city_list(
        PUBLICITY,
        [
            ("红旗区", [(pub.HONGQI.name, pub.HONGQI.code)]),
            ("卫滨区", [(pub.WEIBIN.name, pub.WEIBIN.code)]),
            ("高新区", [(pub.HIGHTECH.name, pub.HIGHTECH.code)]),
        ],
    )
    response = load(client, auth["admin"], publicity, certified_on="2026-05-10")
    assert response.json["publicized"] == 3, response.json
    second = _open(app, pub.MUYE, "publicized", batch="第二批")
    ids = {firm.code: _applications(app, firm)[0][0] for firm in (pub.HONGQI, pub.WEIBIN)}
    return {**ids, "hightech": _applications(app, pub.HIGHTECH)[0][0], "second": second}


def test_a_final_list_closes_applications_and_names_those_left_out(app, client, auth):
    ids = _publicized(app, client, auth)
    final = _with_codes(FINAL, pub.HONGQI)
    dry = load(client, auth["admin"], final, certified_on="2026-06-20", dry_run=True)
    assert dry.status_code == 200, dry.json
    before = _held(app)

    response = load(client, auth["admin"], final, certified_on="2026-06-20")

    assert response.status_code == 200, response.json
    result = response.json
    assert (result["created_certifications"], result["certified_applications"]) == (1, 1)
    left = [(e["credit_code"], e["district"], e["batch"]) for e in result["not_on_final_list"]]
    # 第二批's application is not this batch's to leave out.
    assert left == [(pub.WEIBIN.code, "410703", "第一批"), (pub.HIGHTECH.code, "410771", "第一批")]
    assert {k: dry.json[k] for k in ("certified_applications", "not_on_final_list")} == {
        k: result[k] for k in ("certified_applications", "not_on_final_list")
    }
    assert _applications(app, pub.HONGQI) == [
        (ids[pub.HONGQI.code], "certified", "publicized", "第一批")
    ]
    assert _moves(app, ids[pub.HONGQI.code])[-1] == ("certified", dt.date(2026, 6, 20))
    assert _held(app)["certifications"] == before["certifications"] + 1
    with app.app_context():
        closed = PipelineTally.get(
            (PipelineTally.district == "410702") & (PipelineTally.stage == "certified")
        )
        assert (closed.highest, closed.n) == ("publicized", 1)

    unbatched = load(
        client,
        auth["admin"],
        _with_codes("2026年度河南省专精特新中小企业名单", pub.HONGQI),
        certified_on="2026-06-20",
        batch="",
    )
    assert unbatched.status_code == 200, unbatched.json
    assert {e["id"] for e in unbatched.json["not_on_final_list"]} == {
        ids[pub.WEIBIN.code],
        ids["hightech"],
        ids["second"],
    }


def test_a_bureau_sees_only_its_districts_left_out(app, client, auth):
    ids = _publicized(app, client, auth)
    final = _with_codes(FINAL, pub.HONGQI)
    mine = load(
        client,
        auth["other_bureau"],
        final,
        certified_on="2026-06-20",
        own_districts_only=True,
        dry_run=True,
    )
    assert mine.status_code == 200, mine.json
    assert [e["id"] for e in mine.json["not_on_final_list"]] == [ids[pub.WEIBIN.code]]
    assert mine.json["certified_applications"] == 0  # 红旗区's row is not its to load

    response = load(client, auth["bureau"], final, certified_on="2026-06-20")
    assert response.status_code == 200, response.json
    assert response.json["certified_applications"] == 1
    assert response.json["not_on_final_list"] == []  # the others are not in 红旗区


@pytest.mark.parametrize("title", [PUBLICITY, FINAL])
def test_a_dry_run_writes_nothing(app, client, auth, title):
    register(client, auth, pub.HONGQI)
    _open(app, pub.HONGQI, "applied")
    before, held = written(app), _held(app)
    response = load(
        client,
        auth["admin"],
        _with_codes(title, pub.HONGQI, pub.WEIBIN),
        certified_on="2026-06-20",
        dry_run=True,
    )
    assert response.status_code == 200, response.json
    assert (response.json["publicized"], response.json["certified_applications"]) == (
        (2, 0) if title == PUBLICITY else (0, 1)
    )
    assert written(app) == before
    assert _held(app) == held


def test_unresolved_names_and_bad_rows_refuse_a_proposed_list(app, client, auth):
    register(client, auth, pub.HONGQI)
    before = _held(app)
    unknown = _names_only(PUBLICITY, pub.HONGQI.name, "新乡市查无此企业有限公司")

    refused = load(client, auth["admin"], unknown)
    assert_problem(refused, 422)
    assert refused.json["code"] == "import.unresolved"
    assert _held(app) == before

    skipped = load(client, auth["admin"], unknown, skip_unresolved=True)
    assert skipped.status_code == 200, skipped.json
    assert skipped.json["publicized"] == 1

    bad = pub.city_list(CITY_REVIEW, [("红旗区", [(pub.HONGQI.name, "91410702MA9F3K2L20")])])
    response = load(client, auth["admin"], bad)
    assert_problem(response, 422)
    assert response.json["errors"][0]["field"] == "credit_code"


def test_a_final_list_decided_in_a_child_process_closes_the_same(app, client, auth, monkeypatch):
    """A large list on SQLite is decided in a forked child: the applications it closes are
    found there and closed here, after the titles are written."""
    ids = _publicized(app, client, auth)
    monkeypatch.setattr(rowspool, "CHUNK", 1)
    monkeypatch.setattr(pipeline, "MIN_BYTES", 0)
    forked = []
    real = pipeline.apply_forked
    monkeypatch.setattr(pipeline, "apply_forked", lambda *a: forked.append(1) or real(*a))

    # 红旗's row again after the child forgot it: its application is closed once.
    final = _with_codes(FINAL, pub.HONGQI, pub.WEIBIN, pub.HONGQI)
    response = load(client, auth["admin"], final, certified_on="2026-06-20")

    assert response.status_code == 200, response.json
    assert forked == ([] if ON_POSTGRES else [1])
    assert response.json["certified_applications"] == 2
    assert [e["id"] for e in response.json["not_on_final_list"]] == [ids["hightech"]]
    assert _applications(app, pub.WEIBIN)[0][1] == "certified"
    with app.app_context():
        assert not scan.verify()


def test_the_command_line_loads_a_proposed_list_and_reports_the_final_ones_leftovers(
    app, client, auth, tmp_path
):
    register(client, auth, pub.HONGQI, pub.WEIBIN)
    publicity = _with_codes(PUBLICITY, pub.HONGQI, pub.WEIBIN).write(tmp_path)
    proposed = run_cli(app, publicity, "--certified-on", "2026-05-10")
    assert proposed.exit_code == 0, proposed.output
    assert "moved 2 applications to publicized, no title granted" in proposed.output

    final = _with_codes(FINAL, pub.HONGQI)
    final_path = tmp_path / "final"
    final_path.mkdir()
    done = run_cli(app, final.write(final_path), "--certified-on", "2026-06-20")
    assert done.exit_code == 0, done.output
    assert "1 applications closed as certified" in done.output
    assert f"not on the final list: {pub.WEIBIN.code} {pub.WEIBIN.name} (410703)" in done.output
    assert summary(done.output)["created_certifications"] == 1


def test_a_county_sheet_gives_its_applications_contacts(app, client, auth):
    register(client, auth, pub.HONGQI)
    sheet = pub.city_list(
        "红旗区2026年度专精特新中小企业推荐汇总表",
        [("红旗区", [(pub.HONGQI.name, pub.HONGQI.code)])],
        extra=[
            ("申报类别", ["专精特新中小企业"]),
            ("联系人", ["王敏"]),
            ("联系电话", [13803730001]),
        ],
    )
    response = load(client, auth["bureau"], sheet)
    assert response.status_code == 200, response.json
    result = response.json
    assert (result["list"]["action"]["value"], result["list"]["stage"]["value"]) == (
        "apply",
        "recommended",
    )
    assert result["applied"] == 1 and result["ignored_columns"] == ["序号"]
    with app.app_context():
        application = Application.get()
        assert (application.stage, application.contact_name, application.contact_phone) == (
            "recommended",
            "王敏",
            "13803730001",
        )


@pytest.mark.parametrize(
    ("title", "action", "stage"),
    [
        (PUBLICITY, "publicize", "publicized"),
        ("第五批专精特新“小巨人”企业拟入选名单", "publicize", "publicized"),
        (CITY_REVIEW, "review", "reviewed"),
        ("红旗区2026年度专精特新中小企业推荐汇总表", "apply", "recommended"),
        ("2026年度专精特新中小企业申报企业名单（红旗区）", "apply", "applied"),
        (FINAL, "certify", None),
        ("关于公布2026年度第一批河南省专精特新中小企业名单的通知", "certify", None),
    ],
)
def test_the_title_says_what_the_list_is(app, client, auth, title, action, stage):
    register(client, auth, pub.HONGQI)
    body = {"title": title, "rows": [{"credit_code": pub.HONGQI.code, "district": "红旗区"}]}
    response = client.post(
        "/api/v1/imports",
        query_string={"dry_run": "true", "certified_on": "2026-06-01", "tier": TIER},
        json=body,
        headers=auth["admin"],
    )
    assert response.status_code == 200, response.json
    assert response.json["list"]["action"] == {
        "value": action,
        "source": _source(action),
        "column": None,
    }
    assert response.json["list"]["stage"]["value"] == stage
    with app.app_context():
        assert Application.select().count() == 0 and Certification.select().count() == 0


def _source(action: str) -> str:
    return "default" if action == "certify" else "title"
