"""Any number of fake firms, for benchmarks: `registry demo-data --enterprises N`.

Valid credit codes, the 15 districts, plausible Chinese company names, published-list batch
dates, the ladder respected (innovative → specialized → little giant), renewals (复核) after
three years, a few revocations, and a handful of head-goose firms; years 2019 to 2026.
Rows go in with `insert_many` in chunks inside one transaction: 100k firms take seconds.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterator

from registry.db import write_transaction
from registry.demo.names import (
    BRANDS,
    CHAINS,
    SUFFIXES,
    TRADES,
    credit_code,
    name_prefixes,
)
from registry.demo.store import insert_certifications, insert_firms
from registry.models import District, Enterprise
from registry.services.audit import record
from registry.services.certifications import default_valid_until, tiers_by_key
from registry.services.clock import today
from registry.services.scope import Actor

FIRST_YEAR, LAST_YEAR = 2019, 2026
CHUNK = 500

# Published-list batch dates (month, day) per tier: lists come out in a few batches a year.
BATCHES = {
    "innovative_sme": ((3, 15), (6, 28), (10, 20)),
    "specialized_sme": ((7, 10), (12, 5)),
    "little_giant": ((7, 18),),
    "head_goose": ((4, 12),),
}


def _batch_day(rng: random.Random, tier: str, year: int, not_before: dt.date, last: dt.date):
    """A batch date of `tier` in `year` on or after `not_before`, not after `last`, or None."""
    days = [dt.date(year, m, d) for m, d in BATCHES[tier]]
    days = [d for d in days if not_before <= d <= last]
    return rng.choice(days) if days else None


def _certifications(rng: random.Random, day_limit: dt.date, tiers: dict) -> Iterator[dict]:
    """One firm's history, in date order, respecting the ladder and the revocation bar."""
    start = rng.randint(FIRST_YEAR, LAST_YEAR)
    history = []
    innovative = _batch_day(rng, "innovative_sme", start, dt.date(start, 1, 1), day_limit)
    if innovative is None:
        return iter(())
    history.append(("innovative_sme", start, innovative, False))
    specialized = None
    if rng.random() < 0.14:
        # while the innovative title is valid: through the end of its second year after
        year = rng.randint(start + 1, start + 2)
        if year <= LAST_YEAR:
            specialized = _batch_day(rng, "specialized_sme", year, innovative, day_limit)
            if specialized:
                history.append(("specialized_sme", year, specialized, False))
    if specialized and rng.random() < 0.09:
        year = rng.randint(specialized.year + 1, specialized.year + 2)
        if year <= LAST_YEAR:
            day = _batch_day(rng, "little_giant", year, specialized, day_limit)
            if day:
                history.append(("little_giant", year, day, False))
    top_tier, top_year, top_day, _ = history[-1]
    renewal_year = top_day.year + 2
    if renewal_year <= LAST_YEAR and rng.random() < 0.5:
        # 复核: the top title renewed in its last year of validity (DOMAIN.md §1)
        day = _batch_day(rng, top_tier, renewal_year, top_day, day_limit)
        if day:
            history.append((top_tier, renewal_year, day, True))
    if top_tier in ("specialized_sme", "little_giant") and rng.random() < 0.02:
        for year in range(max(2023, top_year), min(LAST_YEAR, top_year + 3) + 1):
            day = _batch_day(rng, "head_goose", year, dt.date(year, 1, 1), day_limit)
            if day:
                history.append(("head_goose", year, day, False))
    rows = [
        {
            "tier": tier,
            "year": year,
            "certified_on": day,
            "valid_until": default_valid_until(tiers[tier], day),
            "renewal": renewal,
            "document_no": f"豫工信企业〔{day.year}〕{rng.randint(10, 199)}号",
            "batch": f"{year}年度",
            "revoked_on": None,
            "revocation_reason": None,
        }
        for tier, year, day, renewal in history
    ]
    sme = [r for r in rows if r["tier"] != "head_goose"]
    if rng.random() < 0.006:
        last = sme[-1]
        revoked = last["certified_on"] + dt.timedelta(days=rng.randint(30, 500))
        if revoked <= min(day_limit, last["valid_until"]):
            last["revoked_on"] = revoked
            last["revocation_reason"] = rng.choice(
                ("重大安全事故", "严重失信", "偷税漏税", "数据造假", "重大质量事故")
            )
    return iter(rows)


def _firm(rng: random.Random, districts: tuple, prefix: dict, taken: set, now) -> tuple:
    """One fake firm's row: code, name, district, chain, created, updated, version.
    `districts`: their codes and their weights."""
    district = rng.choices(*districts)[0]
    division = rng.choice(("410700", district))
    name = f"{prefix[district]}{rng.choice(BRANDS)}{rng.choice(TRADES)}"
    code = credit_code(rng, division, taken)
    return (code, name + rng.choice(SUFFIXES), district, rng.choice(CHAINS), now, now, 1)


def _write(firms: list[tuple], histories: list[list[dict]], tiers: dict, now) -> int:
    """Insert the firms and their certifications (with the tallies); how many certifications."""
    id_of = insert_firms(firms)
    certs = [
        (
            id_of[firm[0]],
            c["tier"],
            c["year"],
            c["certified_on"],
            c["valid_until"],
            c["renewal"],
            c["document_no"],
            c["batch"],
            c["revoked_on"],
            c["revocation_reason"],
            now,
        )
        for firm, history in zip(firms, histories, strict=True)
        for c in history
    ]
    insert_certifications(certs, {id_of[firm[0]]: firm[2] for firm in firms}, tiers)
    return len(certs)


def generate(
    enterprises: int,
    *,
    seed: int = 1,
    on_progress: Callable[[int], None] | None = None,
    actor: Actor | None = None,
) -> dict[str, int]:
    """Add `enterprises` fake firms with their certifications; returns what was written."""
    rng = random.Random(seed)
    day_limit = today()
    rows = list(District.select().order_by(District.code))
    prefix = name_prefixes(rows)
    districts = ([d.code for d in rows], [3 if d.kind in ("district", "zone") else 2 for d in rows])
    tiers = tiers_by_key()
    with write_transaction():
        taken = {row[0] for row in Enterprise.select(Enterprise.credit_code).tuples()}
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        written = {"enterprises": 0, "certifications": 0}
        for offset in range(0, enterprises, CHUNK * 10):
            size = min(CHUNK * 10, enterprises - offset)
            firms, histories = [], []
            for _ in range(size):
                firms.append(_firm(rng, districts, prefix, taken, now))
                histories.append(_certifications(rng, day_limit, tiers))
            written["certifications"] += _write(firms, histories, tiers, now)
            written["enterprises"] += size
            if on_progress:
                on_progress(size)
        record(
            actor or Actor(name="demo-data", role="admin"),
            "demo_data.generated",
            "registry",
            district=None,
            data={**written, "seed": seed},
        )
    return written
