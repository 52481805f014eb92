"""What an applier asks of the database, behind one seam (Store): the firms as stored, the ids
of the rows it writes, and the writing itself. An import decided where it writes uses this
process's connection (InProcess); one decided in a forked child reads from the child's snapshot
and sends its writes to the writing process (pipeline.py)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from registry.db import new_ids, rows_where_in
from registry.models import Application, Certification, Enterprise, FormerName
from registry.services.names import name_key

FACTS = (
    "tier",
    "year",
    "certified_on",
    "valid_until",
    "revoked_on",
    "renewal",
    "document_no",
    "id",
)


@dataclass(slots=True)
class Facts:
    """What the rules need of a certification, stored or from an earlier row of the list."""

    tier_id: str
    year: int
    certified_on: dt.date
    valid_until: dt.date
    revoked_on: dt.date | None
    renewal: bool
    document_no: str | None
    id: int | None = None  # None until written


@dataclass(slots=True)
class Firm:
    """A registered firm as the rules need it, or one the list registers."""

    id: int | None  # None until written
    name: str
    name_keys: tuple[str, ...]  # its name and former names, folded
    district: str
    industry_chain: str | None = None
    # Its open applications (the list's rows move or close them): (id, tier, year, stage, batch)
    applications: list[tuple] = field(default_factory=list)


def stored(codes: list[str], lock: bool) -> tuple[dict[str, Firm], dict[str, list[Facts]]]:
    """The registered firms of `codes` (locked, where the engine locks rows, if `lock`) with
    their former names and open applications, and their certifications, by credit code."""
    firms, history, code_of = {}, {}, {}
    for id_, code, name, district in rows_where_in(
        [Enterprise.id, Enterprise.credit_code, Enterprise.name, Enterprise.district],
        Enterprise.credit_code,
        codes,
        lock=lock,
    ):
        firms[code] = Firm(id_, name, (name_key(name),), district)
        history[code] = []
        code_of[id_] = code
    ids = list(code_of)
    for id_, key in rows_where_in(
        [FormerName.enterprise, FormerName.name_key], FormerName.enterprise, ids
    ):
        firms[code_of[id_]].name_keys += (key,)
    for id_, *facts in rows_where_in(
        [Certification.enterprise, *(getattr(Certification, f) for f in FACTS)],
        Certification.enterprise,
        ids,
    ):
        history[code_of[id_]].append(Facts(*facts))
    for id_, is_open, *application in rows_where_in(
        [
            Application.enterprise,
            Application.is_open,
            Application.id,
            Application.tier,
            Application.year,
            Application.stage,
            Application.batch,
        ],
        Application.enterprise,
        ids,
    ):
        if is_open:  # (a firm's closed ones are few, and the index leads by the firm)
            firms[code_of[id_]].applications.append(tuple(application))
    return firms, history


class Writable(Protocol):
    """A chunk's writes as decided (writes.Writes, revoke.Revocations)."""

    def write(self) -> None:
        """Run them in the open write transaction."""


class Store(Protocol):
    """Where an applier reads the registry and sends what it writes."""

    def stored(
        self, codes: list[str], lock: bool
    ) -> tuple[dict[str, Firm], dict[str, list[Facts]]]:
        """The registered firms of `codes` and their certifications (as `stored` gives them)."""

    def new_ids(self, model, count: int) -> list[int]:
        """The ids of `count` new rows of `model`."""

    def write(self, writes: Writable) -> None:
        """A chunk's writes, to be written in the import's write transaction."""


class InProcess:
    """The store of an import decided where it writes: this process's connection, inside its
    write transaction (or, dry, its read snapshot)."""

    def stored(
        self, codes: list[str], lock: bool
    ) -> tuple[dict[str, Firm], dict[str, list[Facts]]]:
        """The firms as this connection sees them."""
        return stored(codes, lock)

    def new_ids(self, model, count: int) -> list[int]:
        """Ids as db.new_ids gives them (a sequence on PostgreSQL)."""
        return new_ids(model, count)

    def write(self, writes: Writable) -> None:
        """Written at once, in the open transaction."""
        writes.write()
