"""Importing lists in tests: posting a list (a body, a form, JSON rows) or running `registry
import`, the counts an import reports, and what it wrote, read back through the models and the
API."""

import csv
import io
import json
import re

from openpyxl import Workbook

from registry.messages import Message
from registry.models import Certification, Enterprise, Event
from tests.support import published as pub
from tests.support.apps import invoke
from tests.support.codes import DISTRICT, make_code

URL = "/api/v1/imports"
PLAN = "/api/v1/plans/xinxiang-2023-2025"
SUMMARY = re.compile(
    r"(\d+) rows: (would create|created) (\d+) enterprises and (\d+) certifications; "
    r"(\d+) unchanged, (\d+) matched by name, (\d+) resolved, (\d+) skipped, "
    r"(\d+) conflicts, (\d+) warnings\."
)
# The sample list's firm that climbs the ladder in it: innovative_sme on row 3, specialized_sme
# on row 11 (tests/data/sample-list-gbk.csv).
CLIMBER = "91410702MACNEUCAKJ"


# --- sending a list -----------------------------------------------------------------------------


def unmet_prerequisite(row: int, tier: str, prerequisite: str, on: str) -> dict:
    """The warning of a row recorded as the list publishes it, without its lower tier."""
    reason = Message(
        "certification.prerequisite_missing", tier=tier, prerequisite=prerequisite, on=on
    )
    message = Message("import.recorded_as_published", reason=reason)
    return {"row": row, "code": message.code, "message": str(message)}


def post_list(client, headers, body, content_type="text/csv", *, dry_run=None):
    url = URL if dry_run is None else f"{URL}?dry_run={str(dry_run).lower()}"
    return client.post(url, data=body, content_type=content_type, headers=headers)


def post_rows(client, headers, rows, *, dry_run=None):
    return post_list(
        client, headers, json.dumps({"rows": rows}), "application/json", dry_run=dry_run
    )


def csv_text(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def row(seed, **extra) -> dict:
    """A good JSON row for a new firm of the bureau fixture's district."""
    return {
        "credit_code": make_code(seed),
        "name": f"新乡市导入测试{seed}有限公司",
        "district": DISTRICT,
        "tier": "innovative_sme",
        "year": 2023,
        "certified_on": "2023-06-28",
        "document_no": "豫工信企业〔2023〕45号",
        **extra,
    }


def workbook_bytes(rows, *, title="2023年度新乡市创新型中小企业名单") -> bytes:
    """A published list as Excel shows it: a title row, a 序号 column, real date cells."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells("A1:H1")
    sheet.append(
        ["序号", "统一社会信用代码", "企业名称", "县（市、区）", "类别", "年度", "公告日期", "文号"]
    )
    for number, values in enumerate(rows, start=1):
        sheet.append([number, *values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _query(query: dict) -> dict:
    return {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in query.items()}


def load(client, headers, published: pub.Published, **query):
    """POST the file as the body, as published."""
    return client.post(
        URL,
        query_string=_query(query),
        data=published.data,
        content_type=published.content_type,
        headers=headers,
    )


def load_form(client, headers, published: pub.Published, resolve=None, **query):
    """POST the file as the `file` part of a form, with a `resolve` part (text or a file)."""
    data = {"file": published.part()}
    if resolve is not None:
        data["resolve"] = resolve
    return client.post(
        URL,
        query_string=_query(query),
        data=data,
        content_type="multipart/form-data",
        headers=headers,
    )


def run_cli(app, *args):
    """`registry import ARGS` in-process."""
    return invoke(app, "import", *map(str, args))


# --- what an import answers ---------------------------------------------------------------------


def counts_of(result: dict) -> tuple:
    return (
        result["rows"],
        result["created_enterprises"],
        result["created_certifications"],
        result["unchanged"],
    )


def summary(output: str) -> dict:
    """The counts the CLI's last line reports."""
    found = SUMMARY.search(output)
    assert found, output
    numbers = [int(found.group(i)) for i in (1, 3, 4, 5, 6, 7, 8, 9, 10)]
    keys = (
        "rows",
        "created_enterprises",
        "created_certifications",
        "unchanged",
        "matched_by_name",
        "resolved",
        "skipped",
        "conflicts",
        "warnings",
    )
    return {"dry_run": found.group(2) == "would create", **dict(zip(keys, numbers, strict=True))}


def counts(result: dict) -> dict:
    """The same counts from an API answer."""
    return {
        "dry_run": result["dry_run"],
        "rows": result["rows"],
        "created_enterprises": result["created_enterprises"],
        "created_certifications": result["created_certifications"],
        "unchanged": result["unchanged"],
        "matched_by_name": result["matched_by_name"],
        "resolved": result["resolved"],
        "skipped": len(result["skipped"]),
        "conflicts": len(result["conflicts"]),
        "warnings": len(result["warnings"]),
    }


def fact(value, source=None, column=None) -> dict:
    return {"value": value, "source": source, "column": column}


FACTS = ("tier", "year", "certified_on", "valid_until", "renewal", "document_no", "batch")


def facts(**given) -> dict:
    """The facts of a list of titles granted, as the answer's `list.facts` gives them: each
    unset unless given (renewal: False by default)."""
    found = {name: fact(None) for name in FACTS}
    found["renewal"] = fact(False, "default")
    found.update(given)
    return found


def known_facts(result: dict) -> dict:
    """An answer's facts of a list of titles granted (a revocation list's are left out)."""
    return {name: result["list"]["facts"][name] for name in FACTS}


def skip(published: pub.Published, name: str, region: str, reason: str, code: str) -> dict:
    row = published.row_of[name]
    return {"row": row, "name": name, "region": region, "code": code, "reason": reason}


def outside(published: pub.Published, name: str, region: str) -> dict:
    return skip(published, name, region, f"outside the city: {region}", "import.outside_city")


def expected_counts(numbers: tuple, *, dry_run: bool) -> dict:
    """An import's counts, from (rows, enterprises and certifications created, matched by name,
    resolved, skipped, warnings)."""
    rows, enterprises, certifications, matched, resolved, skipped, warnings = numbers
    return {
        "dry_run": dry_run,
        "rows": rows,
        "created_enterprises": enterprises,
        "created_certifications": certifications,
        "unchanged": 0,
        "matched_by_name": matched,
        "resolved": resolved,
        "skipped": skipped,
        "conflicts": 0,
        "warnings": warnings,
    }


def repeated_counts(numbers: tuple, *, dry_run: bool) -> dict:
    """The second load: every certification unchanged, nothing created, no warning."""
    rows, _, certifications, matched, resolved, skipped, _ = numbers
    return {
        **expected_counts((rows, 0, 0, matched, resolved, skipped, 0), dry_run=dry_run),
        "unchanged": certifications,
    }


# --- what the registry holds --------------------------------------------------------------------


def written(app) -> dict[str, int]:
    """What the database holds: enterprises, certifications, events, and the last event id."""
    with app.app_context():
        return {
            "enterprises": Enterprise.select().count(),
            "certifications": Certification.select().count(),
            "events": Event.select().count(),
            "last_event": Event.select(Event.id).order_by(Event.id.desc()).scalar() or 0,
        }


def events_after(app, last_id: int) -> list[Event]:
    with app.app_context():
        return list(Event.select().where(Event.id > last_id).order_by(Event.id))


def register(client, auth, *firms: pub.Firm) -> None:
    """Register the firms as the admin."""
    for f in firms:
        response = client.post("/api/v1/enterprises", json=f.registration(), headers=auth["admin"])
        assert response.status_code == 201, response.json


def certify(client, auth, code, tier, certified_on, **extra):
    """Record a title as the admin; returns the certification."""
    response = client.post(
        f"/api/v1/enterprises/{code}/certifications",
        json={"tier": tier, "certified_on": certified_on, **extra},
        headers=auth["admin"],
    )
    assert response.status_code == 201, response.json
    return response.json


def innovative_2022(client, auth, *firms):
    """The firms hold the 2022年度 innovative title (announced 2023-03-20)."""
    for f in firms:
        certify(client, auth, f.code, "innovative_sme", "2023-03-20", year=2022)


def firm(client, auth, code) -> dict:
    response = client.get(f"/api/v1/enterprises/{code}", headers=auth["admin"])
    assert response.status_code == 200, (code, response.json)
    return response.json


def certs(client, auth, code) -> list[tuple]:
    """A firm's certifications as (tier, year, certified_on, valid_until, renewal, batch)."""
    return sorted(
        (c["tier"], c["year"], c["certified_on"], c["valid_until"], c["renewal"], c["batch"])
        for c in firm(client, auth, code)["certifications"]
    )


# --- the registry as a list finds it ----------------------------------------------------------


def setup_registered(client, auth):
    """The registered firms of published.py, holding no title."""
    register(client, auth, *pub.REGISTERED)


def setup_renewed(client, auth):
    """The registered firms; two hold the 2020年度 specialized title a renewal list renews."""
    register(client, auth, *pub.REGISTERED)
    for f in (pub.HUIXIAN, pub.MUYE):
        certify(client, auth, f.code, "specialized_sme", "2020-12-28", year=2020)
    innovative_2022(client, auth, pub.HUIXIAN, pub.MUYE)


def setup_national(client, auth):
    """The registered firms; 红旗 holds the innovative and specialized titles MIIT's batch needs."""
    register(client, auth, *pub.REGISTERED)
    innovative_2022(client, auth, pub.HONGQI)
    certify(client, auth, pub.HONGQI.code, "specialized_sme", "2023-05-30", year=2023)
