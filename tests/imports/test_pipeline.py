"""A large list read and decided in a child process and written in this one
(imports/pipeline.py): the same answer and the same registry as one process gives, and nothing
written when the child fails or the list is refused in a later chunk. Small chunks and no
minimum size make a short list take the pipeline."""

import io
import json
import os

import pytest

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
from tests.support.apps import make_app
from tests.support.codes import OTHER_DISTRICT, make_code
from tests.support.databases import ON_POSTGRES
from tests.support.http import PROBLEM, assert_problem, bearer
from tests.support.imports import post_list, post_rows, row, written

KNOWN = make_code("pipeline-known")
KNOWN_NAME = "新乡市流水线已登记有限公司"
TITLE = {"tier": "innovative_sme", "year": 2023, "certified_on": "2023-06-28"}

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
    monkeypatch.setattr(pipeline, "MIN_BYTES", 0)


def _app(tmp_path, name: str):
    app = make_app(tmp_path, name=name)
    with app.app_context():
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
    for way, min_bytes in (("one process", 10**9), ("pipeline", 0)):
        monkeypatch.setattr(pipeline, "MIN_BYTES", min_bytes)
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

    assert_problem(response, 500)
    assert response.content_type == PROBLEM
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


def _both_ways(tmp_path, monkeypatch, post) -> dict:
    """`post(client, admin)` in one process and in the pipeline: each way's response, and
    whether the import left the registry as it found it."""
    found = {}
    for way, min_bytes in (("one process", 10**9), ("pipeline", 0)):
        monkeypatch.setattr(pipeline, "MIN_BYTES", min_bytes)
        app, client, admin = _app(tmp_path, f"refused-{way.replace(' ', '-')}")
        before = written(app)
        response = post(client, admin)
        found[way] = (response.status_code, response.json, written(app) == before)
    return found


@pytest.mark.parametrize("refusal", ["a bad row", "an unresolved name"])
def test_a_list_refused_in_a_later_chunk_answers_as_one_process_and_writes_nothing(
    tmp_path, monkeypatch, pipelined, refusal
):
    """The pipeline reads the list as it writes it: a row refused in the fourth chunk, after
    three were written, rolls them back, and the answer lists what one process lists."""
    late = (
        row("pipeline-late", certified_on="2023-02-30")
        if refusal == "a bad row"
        else {"name": "新乡市无此企业有限公司", "district": row("x")["district"], **TITLE}
    )
    rows = [*ROWS[:9], late, row("pipeline-after")]

    found = _both_ways(tmp_path, monkeypatch, lambda client, admin: post_rows(client, admin, rows))

    assert found["pipeline"] == found["one process"]
    status, answer, untouched = found["pipeline"]
    assert status == 422 and untouched, answer
    if refusal == "a bad row":
        assert [(e["row"], e["field"]) for e in answer["errors"]] == [(10, "certified_on")]
    else:
        assert [u["row"] for u in answer["unresolved"]] == [10]
    assert answer["created_certifications"] == 8  # as a dry run counts them


def test_a_file_that_breaks_in_a_later_chunk_is_refused_whole(tmp_path, monkeypatch, pipelined):
    """A CSV whose encoding breaks on its 12th line: found by the child after it sent three
    chunks, which are rolled back; one error for the file, as one process answers."""
    header = "企业名称,统一社会信用代码,县（市、区）,类别,公告日期".encode()
    lines = [header] + [
        f"新乡市流水线{n}公司,{make_code(f'pipeline-csv-{n}')},红旗区,创新型中小企业,2023-06-28".encode(
            "gbk" if n == 11 else "utf-8"
        )
        for n in range(1, 14)
    ]
    body = b"\r\n".join(lines) + b"\r\n"

    found = _both_ways(tmp_path, monkeypatch, lambda client, admin: post_list(client, admin, body))

    assert found["pipeline"] == found["one process"]
    status, answer, untouched = found["pipeline"]
    assert status == 422 and untouched
    assert [(e["row"], e["field"]) for e in answer["errors"]] == [(None, "encoding")]
    assert "line 12" in answer["errors"][0]["message"]


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL decides in one process")
def test_a_firm_forgotten_by_the_child_is_asked_of_the_writer(tmp_path, monkeypatch, pipelined):
    """pipeline-1 comes in the first, second and third chunks: the child keeps no firm beyond
    its chunk and asks the writing process, whose transaction holds what it wrote."""
    asked, stored = [], pipeline.stored

    def answered(codes, lock):  # in this process: the child's asks (its own calls are its own)
        asked.extend(codes)
        return stored(codes, lock)

    monkeypatch.setattr(pipeline, "stored", answered)
    monkeypatch.setattr(pipeline, "MIN_BYTES", 0)
    app, client, admin = _app(tmp_path, "asked")

    response = post_rows(client, admin, ROWS)

    assert response.status_code == 200, response.json
    # pipeline-1 in chunks 2 and 3, pipeline-2 in chunk 2, the known firm (by name) in chunk 3
    assert sorted(asked) == sorted(
        make_code(seed) for seed in ("pipeline-1", "pipeline-1", "pipeline-2", "pipeline-known")
    )
    with app.app_context():
        firm = Enterprise.get(Enterprise.credit_code == make_code("pipeline-1"))
        titles = Certification.select().where(Certification.enterprise == firm)
        assert sorted(c.tier_id for c in titles) == ["innovative_sme", "specialized_sme"]
        assert Enterprise.select().where(Enterprise.credit_code == KNOWN).count() == 1
        assert not scan.verify()


def test_seen_never_forgets_a_code_and_rarely_imagines_one():
    seen = pipeline.Seen()
    codes = [make_code(f"seen-{n}") for n in range(20_000)]
    seen.add(codes)
    assert seen.among(codes) == codes
    imagined = seen.among(make_code(f"unseen-{n}") for n in range(20_000))
    assert len(imagined) <= 2


def test_progress_of_a_list_read_as_it_is_written_ends_at_its_rows(
    tmp_path, monkeypatch, pipelined
):
    from registry.services import imports
    from registry.services.scope import CLI_ACTOR

    app, _, _ = _app(tmp_path, "progress")
    body = json.dumps({"rows": [row(f"pipeline-progress-{n}") for n in range(10)]}).encode()
    reported = []
    with app.app_context():
        upload = imports.Upload(io.BytesIO(body), "list.json", "application/json")
        result = imports.run_import(CLI_ACTOR, upload, on_progress=lambda *p: reported.append(p))
    assert result.created_certifications == 10
    assert reported[-1] == (10, 10)
    assert all(done <= total for done, total in reported)
    assert [done for done, _ in reported] == sorted(done for done, _ in reported)
