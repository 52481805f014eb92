"""Loading a published list: every row checked, then all of it written or none of it.

Rows are normalized (Chinese headers, district names, tier labels, dates as lists write them),
then applied in file order, a chunk at a time, inside one write transaction: a firm's lower tier
may come before its higher one in the same list. Any bad row — or a dry run — rolls the whole
transaction back. A row that repeats what is stored is `unchanged`; one that contradicts it (a
different name or district for a known code, a different date for a known certification) is a
`conflict`: reported, never overwritten. Memory holds one chunk, not the file.
"""

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from registry.db import bulk_insert, bump_versions, rows_where_in, write_transaction
from registry.models import Certification, District, Enterprise, Tier, utcnow
from registry.services import audit, enterprises
from registry.services import credit_code as credit_codes
from registry.services.audit import Actor
from registry.services.certifications import prepare, tiers_by_key, violation
from registry.services.errors import Forbidden, ImportRejected, Invalid
from registry.services.lists import COLUMNS, REQUIRED, ListFile

CHUNK = 2000
MAX_TEXT = {"name": 200, "document_no": 100, "batch": 100, "industry_chain": 100}


def empty_result(dry_run: bool, ignored_columns: list[str]) -> dict:
    """An import's answer before any row: what it counts and reports."""
    return {
        "dry_run": dry_run,
        "rows": 0,
        "created_enterprises": 0,
        "created_certifications": 0,
        "unchanged": 0,
        "conflicts": [],
        "errors": [],
        "ignored_columns": ignored_columns,
    }


def rejected(result: dict, detail: str | None = None) -> ImportRejected:
    """The import refused: nothing written; `result` carries every row's errors."""
    bad = len({e["row"] for e in result["errors"]})
    return ImportRejected(detail or f"{bad} row(s) have errors; nothing was written", result)


def rejected_file(error: Invalid, *, dry_run: bool) -> ImportRejected:
    """The file itself is unreadable (no header, not XLSX…): one error, for no row."""
    errors = [
        {"row": None, "field": field, "message": messages[0]}
        for location in (error.errors or {}).values()
        if isinstance(location, dict)
        for field, messages in location.items()
    ] or [{"row": None, "field": "file", "message": error.detail}]
    return ImportRejected(error.detail, {**empty_result(dry_run, []), "errors": errors})


WRITTEN = ("tier", "year", "certified_on", "valid_until", "renewal", "document_no", "batch")
FACTS = ("tier", "year", "certified_on", "valid_until", "revoked_on", "renewal", "document_no")


@dataclass
class Facts:
    """What the rules need of a certification, stored or from an earlier row of the list."""

    tier_id: str
    year: int
    certified_on: dt.date
    valid_until: dt.date
    revoked_on: dt.date | None
    renewal: bool
    document_no: str | None


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_YEAR = re.compile(r"^(\d{4})\s*(年度?)?$")
_TRUE = {"true", "1", "yes", "y", "是", "复核", "t"}
_FALSE = {"false", "0", "no", "n", "否", "", "f"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TYPED = {"certified_on", "valid_until", "renewal"}  # XLSX and JSON may give dates, booleans
_LABEL_NOISE = re.compile(r"[\s\"'“”‘’「」《》]|^(国家级|省级|河南省|国家)")


def _label(text: str) -> str:
    return _LABEL_NOISE.sub("", _LABEL_NOISE.sub("", text)).lower()


class Normalizer:
    """Turns one raw row into the registry's values, or into (field, message) errors."""

    def __init__(self):
        self.districts = {}
        for d in District.select():
            for name in (d.code, d.name_zh, d.short_name_zh, d.name_en):
                if name:
                    self.districts[name.lower()] = d.code
        self.districts.setdefault("长垣县", "410783")  # 长垣县 became 长垣市 in 2019
        self.tiers = {}
        for tier in Tier.select():
            self.tiers[tier.key] = tier.key
            self.tiers[_label(tier.label_zh)] = tier.key
            self.tiers[tier.label_en.lower()] = tier.key
        self.parsers: dict[str, Callable] = {
            "credit_code": credit_codes.normalize,
            "district": self.district,
            "tier": self.tier,
            "year": self.year,
            "certified_on": self.date,
            "valid_until": self.date,
            "renewal": self.renewal,
        }

    def district(self, value) -> str:
        text = _plain(value)
        code = self.districts.get(text.lower()) or self.districts.get(
            text.removeprefix("河南省").removeprefix("新乡市").lower()
        )
        if not code:
            raise ValueError(f"unknown district {text!r} (a code or a name of DOMAIN §4)")
        return code

    def tier(self, value) -> str:
        text = _plain(value)
        key = self.tiers.get(text) or self.tiers.get(_label(text))
        if not key:
            raise ValueError(f"unknown tier {text!r}")
        return key

    @staticmethod
    def date(value) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _plain(value)
        match = _DATE.match(text)
        if not match:
            raise ValueError(f"not a date: {text!r} (e.g. 2023-06-30 or 2023年6月30日)")
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError as exc:
            raise ValueError(f"not a date: {text!r} ({exc})") from exc

    @staticmethod
    def year(value) -> int:
        text = _plain(value)
        match = _YEAR.match(text)
        if not match or not 2000 <= int(match.group(1)) <= 2100:
            raise ValueError(f"not a year: {text!r}")
        return int(match.group(1))

    @staticmethod
    def renewal(value) -> bool:
        if isinstance(value, bool):
            return value
        text = _plain(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"not yes or no: {text!r}")

    def row(self, raw: dict) -> tuple[dict, list[tuple[str, str]]]:
        """The clean row and its errors (each a field and a message)."""
        if not isinstance(raw, dict):
            return {}, [("row", "must be an object of column names and values")]
        errors = [(key, "Unknown field.") for key in raw if key not in COLUMNS]
        clean = {}
        for column, value in raw.items():
            if value is None or column not in COLUMNS:
                continue
            if isinstance(value, list | dict) or (isinstance(value, bool) and column != "renewal"):
                errors.append((column, "must be text, a number or a date"))
                continue
            text = value.strip() if type(value) is str else _plain(value)
            if not text:
                continue
            try:
                parse = self.parsers.get(column)
                if parse is not None:
                    clean[column] = parse(value if column in _TYPED else text)
                elif len(text) > MAX_TEXT[column]:
                    raise ValueError(f"longer than {MAX_TEXT[column]} characters")
                elif _CONTROL.search(text):
                    raise ValueError("must not contain control characters")
                else:
                    clean[column] = text
            except ValueError as exc:  # CreditCodeError is a ValueError too
                errors.append((column, str(exc)))
        for column in REQUIRED:
            if column not in clean and not any(field == column for field, _ in errors):
                errors.append((column, "Missing data for required field."))
        return clean, errors


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


class _Discard(Exception):
    """Raised inside the transaction to roll it back (a dry run, or bad rows)."""


def run_import(
    actor: Actor,
    list_file: ListFile,
    *,
    dry_run: bool = False,
    max_rows: int = 200_000,
    on_progress: Callable[[int], None] | None = None,
) -> dict:
    """Apply a list; the answer counts what was (or, dry, would be) created and unchanged."""
    result = empty_result(dry_run, list_file.ignored_columns)
    forbidden: list[int] = []
    state = _State(actor, result)
    try:
        with write_transaction():
            for chunk in _chunks(iter(list_file.rows), CHUNK):
                result["rows"] += len(chunk)
                if result["rows"] > max_rows:
                    raise rejected_file(
                        Invalid(
                            f"the list has more than {max_rows} rows, the limit of one import",
                            errors={"file": {"rows": [f"at most {max_rows}"]}},
                        ),
                        dry_run=dry_run,
                    )
                clean = []
                for number, raw in chunk:
                    row, errors = state.normalizer.row(raw)
                    for field, message in errors:
                        result["errors"].append({"row": number, "field": field, "message": message})
                    if errors:
                        continue
                    if actor.role == "bureau" and row["district"] not in actor.districts:
                        forbidden.append(number)
                        continue
                    clean.append((number, row))
                state.apply(clean)
                if on_progress:
                    on_progress(len(chunk))
            if forbidden or result["errors"] or dry_run:
                raise _Discard
    except _Discard:
        pass
    if forbidden:
        shown = ", ".join(map(str, forbidden[:20])) + (" …" if len(forbidden) > 20 else "")
        raise Forbidden(
            f"this bureau token imports only rows of its districts "
            f"({', '.join(actor.districts)}); rows {shown} are elsewhere"
        )
    if result["errors"]:
        raise rejected(result)
    return result


class _State:
    """The import's work inside its transaction: one chunk at a time."""

    def __init__(self, actor: Actor, result: dict):
        self.actor = actor
        self.result = result
        self.normalizer = Normalizer()
        self.tiers = tiers_by_key()
        self.now = utcnow()
        self.stamp = self.now.isoformat(" ")  # as the column stores it, converted once

    def _conflict(self, number: int, field: str, stored, given) -> None:
        self.result["conflicts"].append(
            {"row": number, "field": field, "stored": _text(stored), "given": _text(given)}
        )

    def _error(self, number: int, field: str, message: str) -> None:
        self.result["errors"].append({"row": number, "field": field, "message": message})

    def apply(self, rows: list[tuple[int, dict]]) -> None:
        codes = list({row["credit_code"] for _, row in rows})
        firms = {
            code: {"id": id_, "name": name, "district": district}
            for id_, code, name, district in rows_where_in(
                [Enterprise.id, Enterprise.credit_code, Enterprise.name, Enterprise.district],
                Enterprise.credit_code,
                codes,
                lock=True,
            )
        }
        history: dict[str, list[Facts]] = {code: [] for code in codes}
        code_of = {firm["id"]: code for code, firm in firms.items()}
        for enterprise_id, *facts in rows_where_in(
            [Certification.enterprise, *(getattr(Certification, f) for f in FACTS)],
            Certification.enterprise,
            list(code_of),
        ):
            history[code_of[enterprise_id]].append(Facts(*facts))
        new_firms: dict[str, dict] = {}
        new_certs: list[tuple[int, str, dict]] = []
        for number, row in rows:
            code = row["credit_code"]
            stored = firms.get(code) or new_firms.get(code)
            if stored is None:
                new_firms[code] = {
                    "name": row["name"],
                    "district": row["district"],
                    "industry_chain": row.get("industry_chain"),
                }
            else:
                clash = [f for f in ("name", "district") if stored[f] != row[f]]
                if clash:
                    for field in clash:
                        self._conflict(number, field, stored[field], row[field])
                    continue
            self._certification(number, code, row, history[code], new_certs)
        self._write(firms, new_firms, new_certs)

    def _certification(self, number, code, row, history, new_certs) -> None:
        tier = self.tiers[row["tier"]]
        data = {
            k: row.get(k)
            for k in ("year", "certified_on", "valid_until", "renewal", "document_no", "batch")
        }
        try:
            fields = prepare(tier, data)
        except Invalid as exc:
            for field, messages in (exc.errors or {}).get("json", {}).items():
                self._error(number, field, messages[0])
            return
        same = next(
            (c for c in history if c.tier_id == tier.key and c.year == fields["year"]), None
        )
        if same is not None:
            differences = [
                (name, getattr(same, name), fields[name])
                for name in ("certified_on", "renewal", "document_no")
                if fields[name] is not None and getattr(same, name) != fields[name]
            ]
            if "valid_until" in row and row["valid_until"] != same.valid_until:
                differences.append(("valid_until", same.valid_until, row["valid_until"]))
            if differences:
                for name, stored, given in differences:
                    self._conflict(number, name, stored, given)
            else:
                self.result["unchanged"] += 1
            return
        reason = violation(tier, fields, history, self.tiers)
        if reason:
            self._error(number, "tier", reason)
            return
        history.append(
            Facts(
                tier.key,
                fields["year"],
                fields["certified_on"],
                fields["valid_until"],
                None,
                fields["renewal"],
                fields.get("document_no"),
            )
        )
        new_certs.append((number, code, fields))

    def _write(self, firms, new_firms: dict[str, dict], new_certs: list) -> None:
        """Insert the chunk's new firms and certifications, and one audit event per row."""
        if new_firms:
            enterprises.register_many(
                [
                    (code, f["name"], f["district"], f["industry_chain"], self.stamp, self.stamp, 1)
                    for code, f in new_firms.items()
                ],
            )
            self.result["created_enterprises"] += len(new_firms)
        if not new_certs:
            return
        ids = {code: firm["id"] for code, firm in firms.items()}
        firms_ids = set(ids.values())
        ids.update(
            rows_where_in(
                [Enterprise.credit_code, Enterprise.id], Enterprise.credit_code, list(new_firms)
            )
        )
        bulk_insert(
            Certification,
            [
                Certification.enterprise,
                *(getattr(Certification, c) for c in WRITTEN),
                Certification.created_at,
            ],
            [(ids[code], *(f.get(c) for c in WRITTEN), self.stamp) for _, code, f in new_certs],
        )
        touched = list({ids[code] for _, code, _ in new_certs})
        # New firms start at version 1; known ones changed (a new certification): a new ETag.
        bump_versions(Enterprise, [i for i in touched if i in firms_ids], self.now)
        cert_ids = {
            (enterprise_id, tier, year): cert_id
            for cert_id, enterprise_id, tier, year in rows_where_in(
                [
                    Certification.id,
                    Certification.enterprise,
                    Certification.tier,
                    Certification.year,
                ],
                Certification.enterprise,
                touched,
            )
        }
        events, introduced = [], set()
        for number, code, f in new_certs:
            cert_id = cert_ids[(ids[code], f["tier"], f["year"])]
            firm = firms.get(code) or new_firms[code]
            registered = code in new_firms and code not in introduced  # this row made the firm
            introduced.add(code)
            data = {
                "row": number,
                "credit_code": code,
                "registered": registered,
                # The firm as it stands, so the trail alone can place the certification.
                "enterprise": {
                    "id": ids[code],
                    "name": firm["name"],
                    "district": firm["district"],
                    "industry_chain": firm.get("industry_chain"),
                },
                "certification": {"id": cert_id, **f},  # dates become ISO text in JSONField
            }
            district = firm["district"]
            events.append(
                ("import.row", f"enterprise/{code}/certification/{cert_id}", district, data)
            )
        # One audit event per row written, in one insert (rolled back with the rest).
        audit.record_many(self.actor, events)
        self.result["created_certifications"] += len(new_certs)


def _text(value):
    """A stored or given value as JSON shows it."""
    return value.isoformat() if isinstance(value, dt.date) else value
