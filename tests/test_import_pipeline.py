"""A large list decided in a child process and written in this one (imports/pipeline.py): the
same answer and the same registry as one process gives, and nothing written when the child
fails. Small chunks and no minimum size make a short list take the pipeline."""

import os

import pytest

from registry import create_app
from registry.cli import init_db
from registry.config import TestConfig
from registry.models import (
    Certification,
    CertificationTally,
    Enterprise,
    Event,
    HoldingTally,
    TakeoverTally,
)
from registry.services.aggregates import scan
from registry.services.imports import apply, pipeline, rowspool
from tests.conftest import OTHER_DISTRICT, bearer, make_code
from tests.databases import ON_POSTGRES, fresh_url
from tests.test_imports import post_rows, row, written

KNOWN = make_code("pipeline-known")
KNOWN_NAME = "新乡市流水线已登记有限公司"

# Rows in chunks of three: firms that come again chunks later (a higher tier, the same title,
# another name), a firm registered before the list (by code, then by name only), a firm of
# another district, a title whose prerequisite is missing (a warning).
ROWS = [
    row("pipeline-1"),
    row("pipeline-2"),
    {**row("pipeline-known"), "name": KNOWN_NAME, "tier": "specialized_sme"},
    row("pipeline-3"),
    row("pipeline-1", tier="specialized_sme", certified_on="2023-12-05"),
    {**row("pipeline-2"), "name": "新乡市流水线改名有限公司"},
    row("pipeline-1"),
    {k: v for k, v in row("pipeline-x", year=2024).items() if k != "credit_code"}
    | {"name": KNOWN_NAME, "certified_on": "2024-06-01"},
    row("pipeline-4", district=OTHER_DISTRICT),
    row("pipeline-5", tier="little_giant", certified_on="2023-09-01"),
]


@pytest.fixture
def pipelined(monkeypatch):
    monkeypatch.setattr(rowspool, "CHUNK", 3)
    monkeypatch.setattr(pipeline, "MIN_ROWS", 0)


def _app(tmp_path, name: str):
    config = {k: v for k, v in vars(TestConfig).items() if k.isupper()}
    config["DATABASE_URL"] = fresh_url(tmp_path, name)
    app = create_app(config)
    with app.app_context():
        init_db()
        from registry.services import tokens

        _, admin = tokens.create_token("admin", "city admin")
    client = app.test_client()
    known = {"credit_code": KNOWN, "name": KNOWN_NAME, "district": row("x")["district"]}
    assert client.post("/api/v1/enterprises", json=known, headers=bearer(admin)).status_code == 201
    title = {"tier": "innovative_sme", "year": 2022, "certified_on": "2022-09-01"}
    url = f"/api/v1/enterprises/{KNOWN}/certifications"
    assert client.post(url, json=title, headers=bearer(admin)).status_code == 201
    return app, client, bearer(admin)


def _registry(app) -> dict:
    """Everything the import wrote (its events: the others carry the clock's times)."""
    with app.app_context():
        return {
            "firms": list(
                Enterprise.select(
                    Enterprise.id,
                    Enterprise.credit_code,
                    Enterprise.name,
                    Enterprise.district,
                    Enterprise.version,
                )
                .order_by(Enterprise.id)
                .tuples()
            ),
            "titles": [
                (c.id, c.enterprise_id, c.tier_id, c.year, c.certified_on, c.valid_until)
                for c in Certification.select().order_by(Certification.id)
            ],
            "events": [
                (e.subject, e.district, e.credit_code, e.data)
                for e in Event.select().where(Event.action == "import.row").order_by(Event.id)
            ],
            "tallies": [
                sorted(model.select().tuples())
                for model in (CertificationTally, HoldingTally, TakeoverTally)
            ],
            "verified": not scan.verify(),
        }


def test_a_list_decided_in_a_child_process_writes_what_one_process_writes(
    tmp_path, monkeypatch, pipelined
):
    forked = []
    real_apply_forked = pipeline.apply_forked

    def counted(*args):
        forked.append(True)
        return real_apply_forked(*args)

    monkeypatch.setattr(pipeline, "apply_forked", counted)
    answers, registries = {}, {}
    for way, min_rows in (("one process", 10**9), ("pipeline", 0)):
        monkeypatch.setattr(pipeline, "MIN_ROWS", min_rows)
        app, client, admin = _app(tmp_path, way.replace(" ", "-"))
        response = post_rows(client, admin, ROWS)
        assert response.status_code == 200, response.json
        answers[way], registries[way] = response.json, _registry(app)

    assert forked == ([] if ON_POSTGRES else [True])  # PostgreSQL decides in one process
    answer = answers["pipeline"]
    assert (answer["rows"], answer["created_enterprises"], answer["created_certifications"]) == (
        10,
        5,
        8,
    )
    assert answer["unchanged"] == 1 and answer["matched_by_name"] == 1
    assert [c["row"] for c in answer["conflicts"]] == [6]
    assert [w["row"] for w in answer["warnings"]] == [8, 10], answer["warnings"]
    assert answers["pipeline"] == answers["one process"]
    assert registries["pipeline"] == registries["one process"]
    assert len(registries["pipeline"]["events"]) == 8 and registries["pipeline"]["verified"]


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL decides in one process")
@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_a_child_that_fails_leaves_nothing_written(tmp_path, monkeypatch, pipelined, failure):
    """The child decides the second chunk after this process has written the first: its error
    (or its death, without an answer) rolls all of it back."""
    app, client, admin = _app(tmp_path, "failing")
    before = written(app)
    decide, chunks = apply.Certifier.decide, []

    def failing(self, rows):
        chunks.append(rows)
        if len(chunks) == 2:
            if failure == "dies":
                os._exit(3)
            raise ValueError("the second chunk cannot be decided")
        return decide(self, rows)

    monkeypatch.setattr(apply.Certifier, "decide", failing)
    response = post_rows(client, admin, ROWS)

    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "Traceback" not in response.get_data(as_text=True)
    assert written(app) == before


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL decides in one process")
def test_rows_beyond_a_bureaus_districts_in_a_later_chunk_undo_the_earlier_ones(
    tmp_path, pipelined
):
    app, client, _ = _app(tmp_path, "bureau")
    with app.app_context():
        from registry.services import tokens

        _, bureau = tokens.create_token("bureau", "红旗区工信局", districts=[row("x")["district"]])
    before = written(app)
    rows = [row(f"pipeline-bureau-{n}") for n in range(7)]
    rows.append(row("pipeline-elsewhere", district=OTHER_DISTRICT))  # the third chunk

    response = post_rows(client, bearer(bureau), rows)

    assert response.status_code == 403, response.json
    assert "rows 8" in response.json["detail"]
    assert written(app) == before
