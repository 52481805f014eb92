"""Freshness across processes: a write through one gunicorn is seen by the next poll of another
serving the same database (each process has its own cache; the version is in the database)."""

from tests.support.codes import make_code
from tests.support.servers import gunicorn_server

PROGRESS = "/plans/xinxiang-2023-2025/progress?year=2024&as_of=2024-12-31"


def innovative(reply) -> int:
    assert reply.status == 200, reply.body
    return {row["tier"]: row["achieved"] for row in reply.json["targets"]}["innovative_sme"]


def test_a_write_in_one_server_is_seen_by_the_next_poll_of_another(tmp_path):
    with (
        gunicorn_server(tmp_path, workers=2, name="writer") as writer,
        gunicorn_server(tmp_path, workers=2, name="reader", share=writer) as reader,
    ):
        first = reader.call("GET", PROGRESS)
        assert innovative(first) == 0
        for _ in range(3):  # warm every reader worker's cache on the current version
            assert (
                reader.call(
                    "GET", PROGRESS, headers={"If-None-Match": first.headers["etag"]}
                ).status
                == 304
            )
        code = make_code("across-processes")
        created = writer.call(
            "POST",
            "/enterprises",
            json_body={
                "credit_code": code,
                "name": "新乡市跨进程测试有限公司",
                "district": "410702",
            },
        )
        assert created.status == 201
        certified = writer.call(
            "POST",
            f"/enterprises/{code}/certifications",
            json_body={"tier": "innovative_sme", "year": 2024, "certified_on": "2024-06-28"},
        )
        assert certified.status == 201
        for _ in range(3):  # whichever reader worker answers, it is fresh
            again = reader.call("GET", PROGRESS, headers={"If-None-Match": first.headers["etag"]})
            assert innovative(again) == 1
