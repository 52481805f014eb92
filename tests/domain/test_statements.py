"""Objects loaded once, authorization decided once: the SQL statements each
main route sends, counted at the driver's door (peewee's query log), on either engine."""

import re

import pytest

from tests.support.codes import make_code
from tests.support.databases import ON_POSTGRES
from tests.support.statements import logged_statements

API = "/api/v1"
PLAN = "xinxiang-2023-2025"
LOCK = 1 if ON_POSTGRES else 0  # PostgreSQL locks the firm's row; SQLite's IMMEDIATE did already
NOTIFY = 1 if ON_POSTGRES else 0  # a write tells PostgreSQL's listeners of the new version
# … so a listening process knows the version without reading it; SQLite's is read per request
VERSION_READ = 0 if ON_POSTGRES else 1


@pytest.fixture
def statements():
    with logged_statements() as handler:
        yield handler


def tables(sql: list[str], verb: str) -> list[str]:
    """The table each statement of this kind names first (`SELECT … FROM "t"`, `UPDATE "t"`)."""
    pattern = {
        "SELECT": r'FROM "?(\w+)"?',
        "UPDATE": r'UPDATE "?(\w+)"?',
        "INSERT": r'INTO "?(\w+)"?',
    }
    return [re.search(pattern[verb], s).group(1) for s in sql if s.lstrip().startswith(verb)]


@pytest.fixture
def firm(client, auth, certify):
    code = make_code("statements")
    response = client.post(
        f"{API}/enterprises",
        json={"credit_code": code, "name": "新乡市计数有限公司", "district": "410702"},
        headers=auth["bureau"],
    )
    assert response.status_code == 201
    cert = certify(code, "innovative_sme", "2023-06-30", year=2023)
    assert cert.status_code == 201
    return code, cert.json["id"]


def measure(client, statements, method, url, headers, **kwargs):
    """The statements of one request, its token's actor already known at this version."""
    assert client.get(f"{API}/enterprises?page_size=1", headers=headers).status_code == 200
    statements.sql.clear()
    response = client.open(url, method=method, headers=headers, **kwargs)
    assert response.status_code < 300, response.get_data(as_text=True)
    return list(statements.sql)


def test_a_revoke_reads_the_certification_and_its_firm_once(client, auth, firm, statements):
    _, cert_id = firm
    sql = measure(
        client,
        statements,
        "POST",
        f"{API}/certifications/{cert_id}/revoke",
        auth["bureau"],
        json={"reason": "重大安全事故"},
    )
    # … then the firm's certifications, read once for the tallies, which take the
    # change (an UPSERT increment) with the version, last; the title had expired (2025), so
    # no firm stops holding a tier that day: no change to the holdings
    reads = ["certification", *["enterprise"] * LOCK, "certification"]
    assert tables(sql, "SELECT") == ["registry_version"] * VERSION_READ + reads
    assert tables(sql, "UPDATE") == ["certification", "enterprise", "registry_version"]
    assert tables(sql, "INSERT") == ["event", "certification_tally"]
    assert len(sql) == 7 + VERSION_READ + LOCK + NOTIFY  # it was 11; 6 before the tallies


@pytest.mark.parametrize(
    ("method", "path", "body", "budget"),
    [
        ("GET", "/enterprises/{code}", None, 4),  # version, firm, its certifications, ladder
        # + its district, naming its bureau, and its open applications
        ("GET", "/enterprises/{code}/status", None, 6),
        ("GET", "/enterprises/{code}/certifications", None, 3),
        ("GET", "/enterprises?q=计数", None, 3),  # version, count, page
        # … and the former name kept, for lists that still print it
        ("PATCH", "/enterprises/{code}", {"name": "新乡市改名有限公司"}, 8 + NOTIFY),
        ("PATCH", "/enterprises/{code}", {}, 4),  # nothing to change: no write at all
        (
            "POST",
            "/enterprises/{code}/certifications",
            {"tier": "specialized_sme", "certified_on": "2024-03-01"},
            # + the firm's certifications, two UPSERTs for the tallies and its open application
            13 + LOCK + NOTIFY,
        ),
        ("GET", "/events", None, 2),
        ("GET", f"/plans/{PLAN}/progress", None, 1),  # cached since the last write: version only
        ("GET", "/stats/certifications?group_by=tier", None, 1),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_statements_per_request(client, auth, firm, statements, method, path, body, budget):
    code, _ = firm
    url = API + path.format(code=code)
    headers = dict(auth["bureau"])
    if method == "PATCH":
        headers["If-Match"] = client.get(url, headers=headers).headers["ETag"]
    if "progress" in path or "stats" in path:
        client.get(url, headers=headers)  # computed once for this version
    sql = measure(client, statements, method, url, headers, json=body)
    assert len(sql) <= budget, "\n".join(sql)
    if "{code}" in path:  # the firm the path names is read once (and locked, to certify)
        assert tables(sql, "SELECT").count("enterprise") == 1 + (LOCK if method == "POST" else 0)
    assert "token" not in tables(sql, "SELECT")  # the actor is known at this version
