"""The demo city's applications: the funnel behind its titles.

Every new title of the SME ladder from the plan's first year to the year the dashboards show
has its application, closed as certified after its 公示 (each certified application is a
title of that firm, tier and year, and the other way round). Beside them, the applications
that came to nothing, closed where they stopped, in about the shares a bureau sees: of those
that reached the 公示 about 90 % are certified, the city's review about 60 %, the county's
recommendation 40 %, an application 25 %, the pool 20 %. The year the dashboards show has
its open applications at every stage: enough for 创新型 to reach its quota, too few for 专精特新
(the city lists fewer of them that year: `AT_RISK`). Written in bulk; the funnel's tally
rebuilt from a scan at the end.
"""

import datetime as dt
import random

from registry.db import bulk_insert, new_ids
from registry.models import Application, ApplicationMove, utcnow
from registry.services.applications import tally

LADDER = ("innovative_sme", "specialized_sme", "little_giant")
PREREQUISITE = {"specialized_sme": "innovative_sme", "little_giant": "specialized_sme"}
# The share certified of those whose furthest stage reached each one (the demo's conversion)
REACHED = {
    "publicized": 0.9,
    "reviewed": 0.6,
    "recommended": 0.4,
    "applied": 0.25,
    "candidate": 0.2,
}
ORDER = ("candidate", "applied", "recommended", "reviewed", "publicized")
AT_RISK = "specialized_sme"  # the tier the city falls short of in the year shown
# Of the open applications' expected titles, the share each stage holds
OPEN_SHARE = {
    "publicized": 0.3,
    "reviewed": 0.25,
    "recommended": 0.2,
    "applied": 0.15,
    "candidate": 0.1,
}
REASONS = ("未通过专家评审", "公示期间收到异议", "研发投入占比不足", "主营业务收入不达标")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
APPLICATION_FIELDS = [
    Application.id,
    Application.enterprise,
    Application.tier,
    Application.year,
    Application.batch,
    Application.contact_name,
    Application.contact_phone,
    Application.stage,
    Application.highest,
    Application.is_open,
    Application.created_at,
    Application.updated_at,
]
MOVE_FIELDS = [
    ApplicationMove.application,
    ApplicationMove.stage,
    ApplicationMove.on,
    ApplicationMove.at,
    ApplicationMove.actor_name,
    ApplicationMove.reason,
]
ACTOR = "demo-data"


def _failed(certified: int, rng: random.Random) -> dict[str, int]:
    """How many of a year's applications stopped at each stage, for `certified` titles: the
    shares REACHED gives, a little off each year."""
    stopped, reached_before = {}, certified
    for stage in reversed(ORDER):
        reached = certified / REACHED[stage] * rng.uniform(0.92, 1.08)
        stopped[stage] = max(0, round(reached - reached_before))
        reached_before = max(reached, reached_before)
    return stopped


class Funnel:
    """The applications of the demo city (`city`, written: its firms have ids)."""

    def __init__(self, city, rng: random.Random, year: int, quotas: dict[str, int]):
        self.city, self.rng, self.year, self.quotas = city, rng, year, quotas
        self.applications: list[list] = []  # rows as APPLICATION_FIELDS, without the id
        self.moves: list[list] = []  # (index into applications, stage, on, reason)
        self.taken: set = set()  # (firm code, tier, year) that have an application

    def contact(self) -> tuple[str, str]:
        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(("经理", "女士", "先生", "主任"))
        return name, "13" + "".join(rng.choice("0123456789") for _ in range(9))

    def add(self, firm, tier: str, year: int, path: list[tuple[str, dt.date]], batch=None):
        """An application of `firm` moved along `path` ((stage, day) …, the last its stage)."""
        self.taken.add((firm.code, tier, year))
        stage = path[-1][0]
        highest = max((s for s, _ in path if s in ORDER), key=ORDER.index)
        now = utcnow()
        name, phone = self.contact()
        row = [self.city.ids[firm.code], tier, year, batch, name, phone, stage, highest]
        self.applications.append([*row, stage in ORDER, now, now])
        index = len(self.applications) - 1
        for step, on in path:
            reason = self.rng.choice(REASONS) if step == "rejected" else None
            self.moves.append([index, step, min(on, self.city.last_day), reason])

    def path(self, year: int, highest: str, outcome: str | None, end: dt.date) -> list:
        """From the pool or an application to `highest`, then `outcome` on `end`."""
        start = dt.date(year, 2, 1) + dt.timedelta(days=self.rng.randint(0, 40))
        start = min(start, end - dt.timedelta(days=30))  # a list early in the year
        first = "candidate" if highest == "candidate" or self.rng.random() < 0.4 else "applied"
        path = [(first, start)]
        if highest != first:
            middle = start + (end - start) * (ORDER.index(highest) / 5)
            path.append((highest, max(start, min(middle, end))))
        if outcome:
            path.append((outcome, max(end, path[-1][1])))
        return path

    def pool(self, tier: str, year: int) -> list:
        """Firms that may apply for `tier` in `year`: not holding it that year, without an
        application for it; for a higher tier, holders of the one below first."""
        below = PREREQUISITE.get(tier)
        firms = [
            f
            for f in self.city.firms
            if (f.code, tier, year) not in self.taken
            and not any(t.year == year for t in f.by_tier.get(tier, ()))
            and (below is None or below in f.by_tier)
        ]
        self.rng.shuffle(firms)
        return firms

    def closed_year(self, tier: str, year: int) -> None:
        """The year's titles, each closed as certified after its 公示, and the applications
        that came to nothing (those of the year shown: only as many as its lists so far)."""
        titled = [
            (firm, title)
            for firm in self.city.holders(tier)
            for title in firm.by_tier[tier]
            if title.year == year and not title.renewal
        ]
        for firm, title in titled:
            path = self.path(year, "publicized", "certified", title.certified_on)
            self.add(firm, tier, year, path, title.batch)
        ends = [day for day, _, _ in self.city.batches(tier, year)] or [dt.date(year, 12, 1)]
        stopped = _failed(len(titled), self.rng)
        firms = iter(self.pool(tier, year))
        for stage, count in stopped.items():
            for firm in (next(firms, None) for _ in range(count)):
                if firm is None:
                    return
                quits = stage == "candidate" or self.rng.random() < 0.2
                outcome = "withdrawn" if quits else "rejected"
                end = self.rng.choice(ends)
                self.add(firm, tier, year, self.path(year, stage, outcome, end))

    def open_year(self, tier: str, certified: int) -> None:
        """The open applications of the year shown: for the tier at risk, half of what its
        quota still needs; for the others, what it needs and a tenth of the quota more."""
        quota = self.quotas.get(tier, 0)
        gap = max(quota - certified, 0)
        wanted = gap * 0.5 if tier == AT_RISK else gap + 0.1 * quota + 1
        firms = iter(self.pool(tier, self.year))
        for stage, share in OPEN_SHARE.items():
            for firm in (next(firms, None) for _ in range(round(wanted * share / REACHED[stage]))):
                if firm is None:
                    return
                self.add(
                    firm, tier, self.year, self.path(self.year, stage, None, self.city.last_day)
                )

    def write(self) -> int:
        """Insert the applications and their moves; rebuild the funnel's tally."""
        ids = new_ids(Application, len(self.applications))
        bulk_insert(
            Application,
            APPLICATION_FIELDS,
            [[i, *r] for i, r in zip(ids, self.applications, strict=True)],
        )
        at = utcnow()
        rows = [
            (ids[index], stage, on, at, ACTOR, reason) for index, stage, on, reason in self.moves
        ]
        bulk_insert(ApplicationMove, MOVE_FIELDS, rows)
        tally.rebuild()
        return len(ids)


def add_pipeline(city, rng: random.Random, first_year: int, year: int, quotas: dict) -> int:
    """The demo city's applications from `first_year` to `year` (the year shown, whose open
    ones are weighed against `quotas`: {tier: the year's quota}); how many were written."""
    funnel = Funnel(city, rng, year, quotas)
    for tier in LADDER:
        for past in range(first_year, year + 1):
            funnel.closed_year(tier, past)
        certified = sum(
            1
            for firm in city.holders(tier)
            for title in firm.by_tier[tier]
            if title.year == year and not title.renewal and title.certified_on <= city.last_day
        )
        funnel.open_year(tier, certified)
    return funnel.write()
