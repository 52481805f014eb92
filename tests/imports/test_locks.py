"""An import holds the write lock only while it writes: a slow upload, a dry run and the
reading of a list never keep another bureau from writing."""

import contextlib
import json
import socket
import sqlite3
import threading
from pathlib import Path

from tests.support.codes import make_code
from tests.support.databases import sqlite_only
from tests.support.imports import csv_text, post_list, written
from tests.support.servers import gunicorn_server

HEADER = ["统一社会信用代码", "企业名称", "县（市、区）", "类别", "公告日期"]


@sqlite_only
def test_a_dry_run_takes_no_write_lock(app, client, auth):
    """Another writer holds SQLite's write lock for the whole dry run: the dry run still
    answers (a write lock would wait out the busy timeout and answer 503)."""
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 200
    body = csv_text(
        HEADER,
        [[make_code("dry-lock"), "新乡市干跑有限公司", "红旗区", "创新型中小企业", "2023-06-28"]],
    )
    database = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    before = written(app)
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        response = post_list(client, auth["admin"], body.encode(), dry_run=True)
        other.execute("ROLLBACK")

    assert response.status_code == 200, response.json
    assert response.json["created_enterprises"] == 1
    assert written(app) == before


def test_a_slow_upload_holds_no_lock_while_it_trickles_in(tmp_path):
    """A list half uploaded and held there: another bureau's write in the meantime goes through,
    and the list is loaded whole when its last byte arrives."""
    rows = [
        [
            make_code(f"slow-{i}"),
            f"新乡市慢速{i}号有限公司",
            "红旗区",
            "创新型中小企业",
            "2023-06-28",
        ]
        for i in range(40)
    ]
    body = csv_text(HEADER, rows).encode()
    with gunicorn_server(tmp_path, workers=3, name="slow-upload") as server:
        host, port = "127.0.0.1", int(server.base_url.split(":")[2].split("/")[0])
        answer: list[bytes] = []
        half_sent, other_written = threading.Event(), threading.Event()

        def upload() -> None:
            with socket.create_connection((host, port), timeout=60) as sock:
                sock.sendall(
                    (
                        "POST /api/v1/imports HTTP/1.1\r\nHost: x\r\n"
                        f"Authorization: Bearer {server.admin_token}\r\n"
                        f"Content-Type: text/csv\r\nContent-Length: {len(body)}\r\n"
                        "Connection: close\r\n\r\n"
                    ).encode()
                    + body[: len(body) // 2]
                )
                half_sent.set()
                other_written.wait(timeout=60)  # the rest only once the other write answered
                sock.sendall(body[len(body) // 2 :])
                while data := sock.recv(65536):
                    answer.append(data)

        slow = threading.Thread(target=upload)
        slow.start()
        assert half_sent.wait(timeout=30)
        other = server.call(
            "POST",
            "/enterprises",
            json_body={
                "credit_code": make_code("meanwhile"),
                "name": "新乡市同时有限公司",
                "district": "410703",
            },
        )
        unanswered = not answer
        other_written.set()
        slow.join(timeout=60)

    assert other.status == 201, other.body
    assert unanswered  # the write went through while the list was still arriving
    head, _, payload = b"".join(answer).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert json.loads(payload)["created_enterprises"] == 40
