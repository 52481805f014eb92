"""A chunk of a list's titles, as written: the rows ready for the database, decided in one
process and written (`write`) in the one that holds the write transaction (the same one, or the
writer of pipeline.py)."""

import datetime as dt
from dataclasses import dataclass

from registry.db import bulk_insert, bump_versions
from registry.models import Certification, Enterprise
from registry.services import aggregates, audit
from registry.services.aggregates.tallies import Share
from registry.services.scope import Actor

WRITTEN = ("tier", "year", "certified_on", "valid_until", "renewal", "document_no", "batch")

CERTIFICATION_COLUMNS = [  # the order of the rows apply.Certifier builds
    Certification.id,
    Certification.enterprise,
    *(getattr(Certification, c) for c in WRITTEN),
    Certification.created_at,
]


@dataclass(slots=True)
class Writes:
    """A chunk's writes as decided, rows ready for the database: they can be decided in one
    process and written in another (pipeline.py); `write` runs them in the open write
    transaction."""

    firm_fields: list[str]  # names: fields themselves would pickle their model with them
    firms: list[tuple]  # enterprises.bulk_rows
    certifications: list[tuple]  # in the order of CERTIFICATION_COLUMNS
    touched: list[int]  # firms registered before whose version moves
    moment: dt.datetime
    tallies: Share
    # Each certification's row of the list: (row, credit code, registered, found by, and the
    # firm's name, district and industry chain), for its audit event.
    rows: list[tuple]
    actor: Actor

    def write(self) -> None:
        """Insert the new firms and certifications, and one audit event per row."""
        bulk_insert(Enterprise, [getattr(Enterprise, f) for f in self.firm_fields], self.firms)
        bulk_insert(Certification, CERTIFICATION_COLUMNS, self.certifications)
        bump_versions(Enterprise, self.touched, self.moment)
        aggregates.add(self.tallies)
        # One audit event per row written, in one insert (rolled back with the rest).
        audit.insert_rows(audit.event_rows(self.actor, self._events()))

    def _events(self) -> list[tuple]:
        """The rows' audit events (built where they are written: the writing process has the
        time to spare), the firm as it stands in each, so the trail alone places the title."""
        events = []
        for (number, code, registered, found_by, name, district, chain), certification in zip(
            self.rows, self.certifications, strict=True
        ):
            cert_id, firm_id, *values, _ = certification
            data = {
                "row": number,
                "credit_code": code,
                "registered": registered,
                "found_by": found_by,
                "enterprise": {
                    "id": firm_id,
                    "name": name,
                    "district": district,
                    "industry_chain": chain,
                },
                "certification": {"id": cert_id, **_as_shown(values)},
            }
            events.append(
                ("import.row", f"enterprise/{code}/certification/{cert_id}", district, data)
            )
        return events


def _as_shown(values: list) -> dict:
    """A certification's WRITTEN values as the audit trail shows them: dates as ISO text
    already (JSON's encoder then calls no Python for them)."""
    tier, year, certified_on, valid_until, renewal, document_no, batch = values
    return {
        "tier": tier,
        "year": year,
        "certified_on": None if certified_on is None else certified_on.isoformat(),
        "valid_until": None if valid_until is None else valid_until.isoformat(),
        "renewal": renewal,
        "document_no": document_no,
        "batch": batch,
    }
