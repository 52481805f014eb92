"""Faults: the server killed with SIGKILL in the middle of an import leaves all of the rows or
none of them, and serves again when restarted."""

import os
import re
import signal
import threading

from bench.make_list import write_list
from tests.support.databases import query
from tests.support.servers import call, gunicorn_server
from tests.support.waiting import wait_until

ROWS = 20_000


def test_sigkill_during_a_20k_row_import_leaves_all_rows_or_none(tmp_path):
    listing = tmp_path / "list.csv"
    write_list(listing, ROWS, seed=99)
    body = listing.read_bytes()
    outcome: dict = {}
    with gunicorn_server(tmp_path, workers=1, name="killed") as server:

        def post():
            try:
                outcome["reply"] = call(
                    "POST",
                    server.url("/imports"),
                    token=server.admin_token,
                    headers={"Content-Type": "text/csv"},
                    timeout=120,
                    data=body,
                )
            except OSError as exc:  # the connection dies with the server
                outcome["error"] = exc

        sender = threading.Thread(target=post)
        sender.start()
        # Killed once the server's log says the first rows are written (in the import's open
        # transaction): whatever the machine's speed, the import is then under way.
        wait_until(
            lambda: re.search(r"import \S+: \d+ of about \d+ rows written", server.log()),
            timeout=120,
            what="the import's first rows written",
        )
        os.killpg(server.process.pid, signal.SIGKILL)  # master and worker, no cleanup
        server.process.wait(timeout=10)
        sender.join(timeout=30)
        assert "error" in outcome, outcome
        kept = query(server.database_url, "SELECT COUNT(*) FROM enterprise")[0][0]
        assert kept in (0, ROWS)
        assert query(server.database_url, "SELECT COUNT(*) FROM certification")[0][0] == kept

        with gunicorn_server(tmp_path, workers=1, name="restarted", share=server) as again:
            assert again.call("GET", "/health").status == 200
            reply = again.call(
                "POST", "/imports", headers={"Content-Type": "text/csv"}, data=body, timeout=120
            )
            assert reply.status == 200, reply.body[:300]
            assert reply.json["created_enterprises"] + reply.json["unchanged"] == ROWS
            total = again.call("GET", "/enterprises?page_size=1").json["pagination"]["total"]
            assert total == ROWS
