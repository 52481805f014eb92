"""Yearly figures of the plan's measures that are not titles of a firm: recorded by a bureau
for its districts (or the admin, city-wide), audited, and summed into progress."""

import pytest

from registry.models import Event
from tests.support.codes import DISTRICT, OTHER_DISTRICT

FIGURES = "/api/v1/figures"
PLAN = "/api/v1/plans/xinxiang-2023-2025"


@pytest.fixture
def record(client, auth):
    def _record(measure, year, value, *, district=DISTRICT, headers=None, **extra):
        return client.post(
            FIGURES,
            json={"measure": measure, "year": year, "district": district, "value": value, **extra},
            headers=headers or auth["admin"],
        )

    return _record


def rows(client, auth, **query) -> dict[str, dict]:
    reply = client.get(f"{PLAN}/progress", query_string=query, headers=auth["dashboard"])
    assert reply.status_code == 200, reply.json
    return {row["key"]: row for row in reply.json["targets"]}


def test_measures_are_a_public_catalog(client):
    measures = {m["key"]: m for m in client.get("/api/v1/measures").json}
    assert measures["entrepreneur_training"]["unit_zh"] == "人次"
    assert measures["entrepreneur_training"]["tally"] == "flow"
    assert measures["base_stations_5g"]["tally"] == "level"
    assert len(measures) == 15


def test_a_bureau_records_a_figure_audited_and_counted(app, client, auth, record):
    before = client.get(f"{PLAN}/progress?year=2024", headers=auth["dashboard"])
    reply = record("entrepreneur_training", 2024, 60, headers=auth["bureau"], note="两期培训班")
    assert reply.status_code == 200, reply.json
    assert reply.json["value"] == 60 and reply.json["district"] == DISTRICT
    assert reply.json["recorded_by"] == "红旗区工信局"
    # the write bumps the registry version: the dashboards' ETag changes
    after = client.get(
        f"{PLAN}/progress?year=2024",
        headers={**auth["dashboard"], "If-None-Match": before.headers["ETag"]},
    )
    assert after.status_code == 200
    training = {r["key"]: r for r in after.json["targets"]}["entrepreneur_training"]
    assert (training["achieved"], training["target"], training["measure"]) == (
        60,
        100,
        "entrepreneur_training",
    )
    with app.app_context():
        event = Event.select().order_by(Event.id.desc()).get()
    assert event.action == "figure.recorded"
    assert event.subject == f"figure/entrepreneur_training/2024/{DISTRICT}"
    assert event.district == DISTRICT
    assert event.data["value"] == "60.00" and event.data["previous"] is None


def test_recording_again_replaces_the_figure_and_the_trail_keeps_the_old_one(
    app, client, auth, record
):
    record("entrepreneur_training", 2024, 60)
    record("entrepreneur_training", 2024, 45.5)
    listed = client.get(f"{FIGURES}?measure=entrepreneur_training", headers=auth["bureau"]).json
    assert [f["value"] for f in listed["items"]] == [45.5]
    assert listed["pagination"]["total"] == 1
    with app.app_context():
        event = Event.select().order_by(Event.id.desc()).get()
    assert (event.data["previous"], event.data["value"]) == ("60.00", "45.50")


def test_progress_sums_districts_and_city_wide_figures(client, auth, record):
    record("entrepreneur_training", 2024, 60)
    record("entrepreneur_training", 2024, 30, district=OTHER_DISTRICT)
    record("entrepreneur_training", 2024, 20, district=None)  # the city's own training
    record("entrepreneur_training", 2023, 500)  # another year
    record("signed_investment", 2024, 700.25, district=None)
    city = rows(client, auth, year=2024, as_of="2024-12-31")
    assert city["entrepreneur_training"]["achieved"] == 110
    assert city["entrepreneur_training"]["pace"] == "achieved"
    signed = city["signed_projects_value"]
    assert (signed["achieved"], signed["comparator"], signed["pace"]) == (700.25, "about", "behind")
    assert signed["unit_zh"] == "亿元"
    here = rows(client, auth, year=2024, as_of="2024-12-31", district=DISTRICT)
    assert here["entrepreneur_training"]["achieved"] == 60
    assert here["signed_projects_value"]["achieved"] == 0


def test_flows_add_up_toward_the_plan_end_and_levels_do_not(client, auth, record):
    record("five_basics_technologies", 2023, 12)
    record("five_basics_technologies", 2024, 20)
    record("base_stations_5g", 2023, 9000, district=None)
    record("base_stations_5g", 2024, 11000, district=None)
    y2024 = rows(client, auth, year=2024, as_of="2024-12-31")
    assert y2024["five_basics_technologies"]["achieved"] == 32  # flows: 2023 and 2024
    assert y2024["base_stations_5g"]["achieved"] == 11000  # a level: the stock at 2024's end
    assert y2024["base_stations_5g"]["kind"] == "by_plan_end"
    assert y2024["base_stations_5g"]["expected"] == round(13500 * 731 / 1096, 2)
    y2023 = rows(client, auth, year=2023, as_of="2023-12-31")
    assert y2023["five_basics_technologies"]["achieved"] == 12


def test_more_than_needs_strictly_more(client, auth, record):
    record("national_innovation_platforms", 2025, 50, district=None)
    row = rows(client, auth, year=2025, as_of="2025-12-31")["national_innovation_platforms"]
    assert (row["comparator"], row["remaining"]) == ("more_than", 1)
    assert row["pace"] != "achieved"
    record("national_innovation_platforms", 2025, 51, district=None)
    row = rows(client, auth, year=2025, as_of="2025-12-31")["national_innovation_platforms"]
    assert (row["pace"], row["remaining"]) == ("achieved", 0)


@pytest.mark.parametrize(
    ("who", "district", "status"),
    [
        ("bureau", DISTRICT, 200),
        ("bureau", OTHER_DISTRICT, 403),
        ("bureau", None, 403),  # city-wide figures are the admin's
        ("other_bureau", OTHER_DISTRICT, 200),
        ("admin", None, 200),
        ("dashboard", DISTRICT, 403),
        ("enterprise", DISTRICT, 403),
    ],
)
def test_who_records_what(client, auth, record, who, district, status):
    reply = record("retrofit_projects", 2024, 7, district=district, headers=auth[who])
    assert reply.status_code == status, reply.json


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"measure": "moon_landings"}, "measure"),
        ({"district": "410799"}, "district"),
        ({"district": "41"}, "district"),
        ({"value": -1}, "value"),
        ({"value": "NaN"}, "value"),
        ({"year": 2099}, "year"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_figures_are_422(client, auth, body, field):
    good = {"measure": "retrofit_projects", "year": 2024, "district": DISTRICT, "value": 3}
    reply = client.post(FIGURES, json={**good, **body}, headers=auth["admin"])
    assert reply.status_code == 422, reply.json
    assert field in reply.json["errors"]["json"]


def test_anonymous_gets_401_before_validation(client):
    reply = client.post(FIGURES, json={"nonsense": 1})
    assert reply.status_code == 401


def test_figures_list_filters(client, auth, record):
    record("retrofit_projects", 2023, 100)
    record("retrofit_projects", 2024, 120)
    record("retrofit_projects", 2024, 80, district=OTHER_DISTRICT)
    listed = client.get(f"{FIGURES}?year=2024", headers=auth["dashboard"]).json["items"]
    assert [(f["district"], f["value"]) for f in listed] == [(DISTRICT, 120), (OTHER_DISTRICT, 80)]
    mine = client.get(f"{FIGURES}?district={DISTRICT}", headers=auth["dashboard"]).json
    assert [f["year"] for f in mine["items"]] == [2023, 2024]
    assert client.get(f"{FIGURES}?measure=x", headers=auth["dashboard"]).status_code == 422
