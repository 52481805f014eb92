"""A city mid-plan: what `registry demo-data` makes with no option.

Read from the plan (xinxiang-2023-2025 by default), so that the screens look like Xinxiang's:
about the plan's quotas each year (some years a little over, some under), published in batches
in the months the province and MIIT publish their lists; the ladder respected (a 专精特新 title
goes to a firm holding an innovative one, a 小巨人 to a 专精特新 firm); renewals (复核) of titles
in their last year; a few revocations; 头雁 lists each spring growing toward the plan's 10; the
other designations (规上, 高新技术, 上云…) and the bureaus' figures of the other measures growing
toward their targets. Counties differ: each has a strength (长垣's cranes and 高新区's firms weigh
more than 封丘) and a yearly swing, so some lead one year and lag the next. History starts in
2020, so the plan begins from a stock, and runs to today: nothing is announced in the future.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from registry.db import write_transaction
from registry.demo.figures import insert_figures
from registry.demo.names import (
    BRANDS,
    CHAINS,
    SUFFIXES,
    TRADES,
    credit_code,
    name_prefixes,
)
from registry.demo.pipeline import AT_RISK, LADDER, add_pipeline
from registry.demo.shares import split
from registry.demo.store import insert_certifications, insert_firms
from registry.models import District, Enterprise, Plan, Target
from registry.services.audit import record
from registry.services.certifications import default_valid_until, tiers_by_key
from registry.services.clock import today
from registry.services.progress import default_year
from registry.services.scope import Actor

PLAN_ID = "xinxiang-2023-2025"
FIRST_YEAR = 2020
STRENGTH = {  # how much of the city's cultivation each county-level division carries
    "410702": 1.3,  # 红旗区
    "410703": 0.8,  # 卫滨区
    "410704": 0.6,  # 凤泉区
    "410711": 0.9,  # 牧野区
    "410721": 1.1,  # 新乡县
    "410724": 0.8,  # 获嘉县
    "410725": 0.55,  # 原阳县
    "410726": 0.5,  # 延津县
    "410727": 0.45,  # 封丘县
    "410781": 0.7,  # 卫辉市
    "410782": 0.95,  # 辉县市
    "410783": 1.5,  # 长垣市
    "410771": 1.4,  # 高新区
    "410772": 1.0,  # 经开区
    "410773": 0.5,  # 平原示范区
}
# (month, day, share of the year's titles): when each kind of list comes out
BATCHES = {
    "innovative_sme": ((6, 20, 0.45), (9, 25, 0.35), (12, 15, 0.20)),
    "specialized_sme": ((5, 30, 0.6), (12, 10, 0.4)),
    "little_giant": ((7, 14, 1.0),),
    "head_goose": ((4, 28, 1.0),),
    "head_goose_candidate": ((4, 28, 1.0),),
    "above_scale": ((3, 10, 1.0),),
    "revenue_10bn": ((3, 10, 1.0),),
    "listed": ((4, 18, 0.5), (11, 6, 0.5)),
    "service_manufacturing": ((11, 20, 1.0),),
    "high_tech": ((11, 30, 0.6), (12, 22, 0.4)),
    "cloud_enterprise": ((3, 31, 0.25), (6, 30, 0.25), (9, 30, 0.25), (12, 28, 0.25)),
}
DEFAULT_BATCH = ((10, 15, 1.0),)
ISSUERS = {"little_giant": "工信部企业函", "head_goose": "豫制造强省办"}
RENEWED = {"innovative_sme": 0.35, "specialized_sme": 0.7, "little_giant": 0.85}  # 复核 rates
BATCH_NAMES = "一二三四五六"


@dataclass
class Firm:
    code: str
    name: str
    district: str
    chain: str | None
    titles: list = field(default_factory=list)  # [Title]
    by_tier: dict = field(default_factory=dict)  # {tier: [Title]}


@dataclass
class Title:
    tier: str
    year: int
    certified_on: dt.date
    valid_until: dt.date
    renewal: bool
    document_no: str
    batch: str
    revoked_on: dt.date | None = None
    reason: str | None = None

    def active(self, day: dt.date) -> bool:
        revoked = self.revoked_on is not None and self.revoked_on <= day
        return self.certified_on <= day <= self.valid_until and not revoked


class City:
    """The firms and titles of a made-up city, built year by year, written at the end."""

    def __init__(self, rng: random.Random, scale: float, last_day: dt.date):
        self.rng, self.scale, self.last_day = rng, scale, last_day
        districts = list(District.select().order_by(District.code))
        self.prefix = name_prefixes(districts)
        self.codes = [d.code for d in districts]
        self.tiers = tiers_by_key()
        self.firms: list[Firm] = []
        self.with_tier: dict[str, dict[int, Firm]] = {}  # {tier: firms that had it, in order}
        self.by_district: dict[str, list[Firm]] = {code: [] for code in self.codes}
        self.taken_codes = {c for (c,) in Enterprise.select(Enterprise.credit_code).tuples()}
        self.taken_names = {n for (n,) in Enterprise.select(Enterprise.name).tuples()}
        self.timing: dict = {}
        self.weight: dict = {}
        self.swing = {
            (code, year): rng.uniform(0.7, 1.3)
            for code in self.codes
            for year in range(FIRST_YEAR, last_day.year + 1)
        }

    def weights(self, year: int) -> dict[str, float]:
        return {c: STRENGTH.get(c, 1.0) * self.swing[(c, year)] for c in self.codes}

    def new_firm(self, district: str) -> Firm:
        rng = self.rng
        while True:
            brand = rng.choice(BRANDS) + (rng.choice(BRANDS) if rng.random() < 0.3 else "")
            name = f"{self.prefix[district]}{brand}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
            if name not in self.taken_names:
                self.taken_names.add(name)
                break
        code = credit_code(rng, rng.choice(("410700", district)), self.taken_codes)
        firm = Firm(code, name, district, rng.choice(CHAINS))
        self.firms.append(firm)
        self.by_district[district].append(firm)
        return firm

    def batches(self, tier: str, year: int) -> list[tuple[dt.date, float, str]]:
        """This year's lists of `tier` already out: (day, share of the year's titles, 批次)."""
        out = []
        batches = BATCHES.get(tier, DEFAULT_BATCH)
        # each year's lists a few weeks earlier or later, a batch a little larger or smaller
        shift = self.timing.setdefault((tier, year), self.rng.randint(-25, 25))
        for i, (month, day, share) in enumerate(batches):
            on = dt.date(year, month, min(day, 28)) + dt.timedelta(days=shift)
            on = min(max(on, dt.date(year, 1, 2)), dt.date(year, 12, 30))
            if len(batches) > 1:
                share *= self.weight.setdefault((tier, year, i), self.rng.uniform(0.75, 1.25))
            if on <= self.last_day:
                out.append((on, share, f"{year}年度第{BATCH_NAMES[i]}批"))
        return out

    def grant(self, firm: Firm, tier: str, on: dt.date, batch: str, renewal=False) -> None:
        issuer = ISSUERS.get(tier, "豫工信企业")
        number = 10 + (on.month * 7 + on.day + len(tier)) % 180
        title = Title(
            tier,
            on.year,
            on,
            default_valid_until(self.tiers[tier], on),
            renewal,
            f"{issuer}〔{on.year}〕{number}号",
            batch,
        )
        firm.titles.append(title)
        firm.by_tier.setdefault(tier, []).append(title)
        self.with_tier.setdefault(tier, {})[id(firm)] = firm

    def holders(self, tier: str) -> list[Firm]:
        return list(self.with_tier.get(tier, {}).values())

    def holds(self, firm: Firm, tiers: tuple[str, ...], day: dt.date) -> bool:
        return any(t.active(day) for tier in tiers for t in firm.by_tier.get(tier, ()))

    # Each kind of title --------------------------------------------------------------------

    def ladder_year(self, tier: str, year: int, count: int) -> None:
        """`count` new titles of an SME tier, to firms the ladder allows, by county."""
        ladder = ("innovative_sme", "specialized_sme", "little_giant")
        rank = ladder.index(tier)
        for on, share, batch in self.batches(tier, year):
            for district, n in split(round(count * share), self.weights(year)).items():
                if rank == 0:
                    for _ in range(n):
                        self.grant(self.new_firm(district), tier, on, batch)
                    continue
                pool = [
                    f
                    for f in self.holders(ladder[rank - 1])
                    if f.district == district
                    and self.holds(f, ladder[rank - 1 : rank], on)
                    and not any(tier in f.by_tier for tier in ladder[rank:])
                ]
                for firm in self.rng.sample(pool, min(n, len(pool))):
                    self.grant(firm, tier, on, batch)

    def renewals(self, year: int) -> None:
        """复核: titles in their last year of validity, renewed with the year's first list."""
        for tier, rate in RENEWED.items():
            batches = self.batches(tier, year)
            if not batches:
                continue
            on, _, batch = batches[0]
            higher = ("specialized_sme", "little_giant")[list(RENEWED).index(tier) :]
            for firm in self.holders(tier):
                last = firm.by_tier[tier]
                if (
                    last[-1].valid_until.year == year
                    and last[-1].active(on)
                    and not self.holds(firm, higher, on)
                    and self.rng.random() < rate
                ):
                    self.grant(firm, tier, on, batch.replace("年度", "年度复核"), renewal=True)

    def annual_designation(self, tier: str, year: int, count: int) -> None:
        """New titles of a designation counted per year (上市挂牌, 服务型制造)."""
        for on, share, batch in self.batches(tier, year):
            for district, n in split(round(count * share), self.weights(year)).items():
                pool = [f for f in self.by_district[district] if not self.holds(f, (tier,), on)]
                pool = [f for f in pool if f.titles] or pool  # certified firms first
                for firm in self.rng.sample(pool, min(n, len(pool))):
                    self.grant(firm, tier, on, batch)

    def stock_designation(self, tier: str, year: int, holders: int) -> None:
        """Enough titles of a designation that about `holders` firms hold it at the year's end:
        yearly lists re-list last year's holders; longer titles are renewed when they run out."""
        batches = self.batches(tier, year)
        if not batches:
            return
        end = dt.date(year, 12, 31)
        yearly = self.tiers[tier].validity_years == 1
        for on, share, batch in batches:
            if yearly:  # a yearly list names most of last year's holders again
                last_year_end = dt.date(year - 1, 12, 31)
                for firm in self.holders(tier):
                    if (
                        self.holds(firm, (tier,), last_year_end)
                        and not self.holds(firm, (tier,), on)
                        and self.rng.random() < 0.95
                    ):
                        self.grant(firm, tier, on, batch)
            elif on == batches[0][0]:
                for firm in self.holders(tier):
                    last = firm.by_tier[tier]
                    if last[-1].valid_until.year == year and self.rng.random() < 0.85:
                        self.grant(firm, tier, on, batch, renewal=True)
            held = sum(1 for f in self.holders(tier) if self.holds(f, (tier,), end))
            later = sum(part for day, part, _ in batches if day >= on)
            missing = round(max(0, holders - held) * share / later)
            for district, n in split(missing, self.weights(year)).items():
                pool = [
                    f
                    for f in self.by_district[district]
                    if f.titles and not any(t.valid_until >= on for t in f.by_tier.get(tier, ()))
                ]
                chosen = self.rng.sample(pool, min(n, len(pool)))
                chosen += [self.new_firm(district) for _ in range(n - len(chosen))]
                for firm in chosen:
                    self.grant(firm, tier, on, batch)

    def revocations(self, years: range, count: int) -> None:
        """A few titles revoked (事故, 失信…), each the firm's last in its ladder."""
        ladder = ("innovative_sme", "specialized_sme", "little_giant")
        candidates = []
        for firm in self.firms:
            sme = [t for t in firm.titles if t.tier in ladder]
            last = max(sme, key=lambda t: t.certified_on, default=None)
            if last is not None and last.year in years and not last.renewal:
                candidates.append(last)
        for title in self.rng.sample(candidates, min(count, len(candidates))):
            on = title.certified_on + dt.timedelta(days=self.rng.randint(60, 400))
            if on <= min(self.last_day, title.valid_until):
                title.revoked_on = on
                title.reason = self.rng.choice(
                    ("重大安全事故", "严重失信行为", "偷税漏税", "数据造假", "重大质量事故")
                )

    # Writing ------------------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        ids = insert_firms([(f.code, f.name, f.district, f.chain, now, now, 1) for f in self.firms])
        self.ids = ids  # the firms' ids by credit code (their applications are written next)
        rows = [
            (
                ids[f.code],
                t.tier,
                t.year,
                t.certified_on,
                t.valid_until,
                t.renewal,
                t.document_no,
                t.batch,
                t.revoked_on,
                t.reason,
                now,
            )
            for f in self.firms
            for t in f.titles
        ]
        insert_certifications(rows, {ids[f.code]: f.district for f in self.firms}, self.tiers)
        return {"enterprises": len(self.firms), "certifications": len(rows)}


class Quotas:
    """How many titles of each tier a year brings, from the plan's targets."""

    def __init__(self, rng: random.Random, plan: Plan, scale: float):
        self.rng, self.plan, self.scale = rng, plan, scale
        self.targets = list(
            Target.select().where((Target.plan == plan) & Target.tier.is_null(False))
        )
        self.plan_years = range(plan.first_year, plan.last_year + 1)
        self.stocks = {t.tier_id: t for t in self.targets if t.kind != "annual"}
        self.reach = {tier: rng.uniform(0.7, 1.08) for tier in self.stocks}

    def yearly(self, tier: str, year: int) -> int:
        """The plan's quota of new titles for `year` (the nearest plan year's outside it)."""
        nearest = min(self.plan_years, key=lambda y: abs(y - year))
        values = [t.value for t in self.targets if t.tier_id == tier and t.year == nearest]
        quota = values[0] if values else 0
        if year not in self.plan_years:
            quota *= 0.8 if year < self.plan.first_year else 1.0
        return round(quota * self.scale * self.rng.uniform(0.85, 1.15))

    def quota(self, tier: str, year: int) -> float:
        """The plan's annual target of `tier` for `year`, scaled (0 without one)."""
        values = [t.value for t in self.targets if t.tier_id == tier and t.year == year]
        return (values[0] if values and year in self.plan_years else 0) * self.scale

    def holders(self, tier: str, year: int) -> int:
        """Firms holding a stock designation at `year`: from about 40 % of the target in 2020
        to its reach at the plan's end."""
        step = min(1.0, (year - FIRST_YEAR) / (self.plan.last_year - FIRST_YEAR))
        held = self.stocks[tier].value * self.scale * self.reach[tier] * (0.4 + 0.6 * step)
        return max(1, round(held))


def _a_year(city: City, quotas: Quotas, year: int, shown: int) -> None:
    """One year of lists: renewals, the ladder's new titles, the designations, 头雁 candidates.
    In the year the dashboards show (`shown`), the city lists fewer 专精特新 than the plan
    wants: its funnel shows the tier at risk."""
    city.renewals(year)
    for tier in ("innovative_sme", "specialized_sme", "little_giant"):
        count = quotas.yearly(tier, year)
        if year == shown and tier == AT_RISK:
            count = round(quotas.quota(tier, year) * 0.85)
        city.ladder_year(tier, year, count)
    for tier in ("listed", "service_manufacturing"):
        city.annual_designation(tier, year, quotas.yearly(tier, year))
    for tier in quotas.stocks:
        city.stock_designation(tier, year, quotas.holders(tier, year))
    candidates = round(max(3, 8 * quotas.scale))
    for on, _, batch in city.batches("head_goose_candidate", year):
        for firm in city.rng.sample(city.firms, min(candidates, len(city.firms))):
            if not any(t.year == year and t.tier.startswith("head") for t in firm.titles):
                city.grant(firm, "head_goose_candidate", on, batch)


def generate_city(
    *, seed: int = 1, scale: float = 1.0, plan_id: str = PLAN_ID, actor: Actor | None = None
) -> dict[str, int]:
    """Add a city mid-plan (see the module's docstring); `scale` shrinks it for tests."""
    rng = random.Random(seed)
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise ValueError(f"no plan {plan_id}: run `registry init-db` first")
    last_day = today()
    city = City(rng, scale, last_day)
    quotas = Quotas(rng, plan, scale)
    shown = default_year(plan, last_day)
    with write_transaction():
        for year in range(FIRST_YEAR, last_day.year + 1):
            _a_year(city, quotas, year, shown)
        city.revocations(quotas.plan_years, max(1, round(6 * scale)))
        written = city.write()
        written["figures"] = insert_figures(rng, plan, city, scale)
        year_quotas = {tier: round(quotas.quota(tier, shown)) for tier in LADDER}
        written["applications"] = add_pipeline(city, rng, plan.first_year, shown, year_quotas)
        record(
            actor or Actor(name="demo-data", role="admin"),
            "demo_data.generated",
            "registry",
            district=None,
            data={**written, "seed": seed, "plan": plan_id, "scale": scale},
        )
    return written
