"""Realistic fake data for trying and benchmarking: `registry demo-data`.

Valid credit codes, the 15 districts, plausible Chinese company names, published-list batch
dates, the ladder respected (innovative → specialized → little giant), renewals (复核) after
three years, a few revocations, and a handful of head-goose firms; years 2019 to 2026.
Rows go in with `insert_many` in chunks inside one transaction: 100k firms take seconds.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterator

from registry.db import bulk_insert, write_transaction
from registry.models import Certification, District, Enterprise
from registry.services import aggregates
from registry.services.audit import Actor, record
from registry.services.clock import today
from registry.services.enterprises import register_many
from schemas.credit_code import CHARSET, check_character

FIRST_YEAR, LAST_YEAR = 2019, 2026
CHUNK = 500

BRANDS = """
    华瑞 恒通 金龙 豫新 天力 鑫源 盛达 宏远 中原 卫华 新飞 白鹭 科隆 牧野 太行 瑞丰 佳禾
    永昌 博源 汇通 长兴 星火 银河 华晨 远航 德润 嘉诚 铭泰 凯瑞 泰隆 和信 润达 光大 金穗
    豫北 丰源 宏图 鼎盛 新锐 华兴 同力 正阳 方圆 晨光 海川 东方 明珠 康达 振宇 格林 驰骋
    锦程 祥瑞 万通 精诚 亿达 新科 中科 豫丰 恒瑞 安泰 宝丰 隆基 众成 骏马 百川 融创 卓越
""".split()
TRADES = """
    机械制造 电子科技 化工 生物医药 新材料 食品 纺织 汽车零部件 电池 起重机械 环保科技
    智能装备 精密铸造 包装材料 振动机械 电力设备 光电科技 医疗器械 特种车辆 农业机械
    制冷设备 软件科技 新能源科技 建材 耐火材料 制药 电缆 阀门 轴承 塑业
""".split()
SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
CHAINS = (
    "装备制造",
    "电池及新能源",
    "生物医药",
    "食品加工",
    "新材料",
    "电子信息",
    "纺织服装",
    "现代化工",
    None,
)
# Published-list batch dates (month, day) per tier: lists come out in a few batches a year.
BATCHES = {
    "innovative_sme": ((3, 15), (6, 28), (10, 20)),
    "specialized_sme": ((7, 10), (12, 5)),
    "little_giant": ((7, 18),),
    "head_goose": ((4, 12),),
}


def _code(rng: random.Random, division: str, taken: set[str]) -> str:
    while True:
        body = "91" + division + "MA" + "".join(rng.choices(CHARSET, k=7))
        code = body + check_character(body)
        if code not in taken:
            taken.add(code)
            return code


def _batch_day(rng: random.Random, tier: str, year: int, not_before: dt.date, last: dt.date):
    """A batch date of `tier` in `year` on or after `not_before`, not after `last`, or None."""
    days = [dt.date(year, m, d) for m, d in BATCHES[tier]]
    days = [d for d in days if not_before <= d <= last]
    return rng.choice(days) if days else None


def _certifications(rng: random.Random, day_limit: dt.date) -> Iterator[dict]:
    """One firm's history, in date order, respecting the ladder and the revocation bar."""
    start = rng.randint(FIRST_YEAR, LAST_YEAR)
    history = []
    innovative = _batch_day(rng, "innovative_sme", start, dt.date(start, 1, 1), day_limit)
    if innovative is None:
        return iter(())
    history.append(("innovative_sme", start, innovative, False))
    specialized = None
    if rng.random() < 0.14:
        year = rng.randint(start + 1, start + 3)
        if year <= LAST_YEAR:
            specialized = _batch_day(rng, "specialized_sme", year, innovative, day_limit)
            if specialized:
                history.append(("specialized_sme", year, specialized, False))
    if specialized and rng.random() < 0.09:
        year = rng.randint(specialized.year + 1, specialized.year + 3)
        if year <= LAST_YEAR:
            day = _batch_day(rng, "little_giant", year, specialized, day_limit)
            if day:
                history.append(("little_giant", year, day, False))
    top_tier, top_year, top_day, _ = history[-1]
    renewal_year = top_year + 3
    if renewal_year <= LAST_YEAR and rng.random() < 0.5:
        # 复核: the top title renewed in its last year of validity
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
            "valid_until": dt.date(year + (1 if tier == "head_goose" else 3), 12, 31),
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
    districts = [d.code for d in rows]
    weights = [3 if d.kind in ("district", "zone") else 2 for d in rows]
    # A firm's name starts with its county's name, or the city's for urban districts and zones.
    prefix = {d.code: d.name_zh if d.kind.startswith("county") else "新乡市" for d in rows}
    with write_transaction():
        taken = {row[0] for row in Enterprise.select(Enterprise.credit_code).tuples()}
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        written = {"enterprises": 0, "certifications": 0}
        cert_fields = [
            Certification.enterprise,
            Certification.tier,
            Certification.year,
            Certification.certified_on,
            Certification.valid_until,
            Certification.renewal,
            Certification.document_no,
            Certification.batch,
            Certification.revoked_on,
            Certification.revocation_reason,
            Certification.created_at,
        ]
        for offset in range(0, enterprises, CHUNK * 10):
            size = min(CHUNK * 10, enterprises - offset)
            firms, histories = [], []
            for _ in range(size):
                district = rng.choices(districts, weights)[0]
                division = rng.choice(("410700", district))
                name = f"{prefix[district]}{rng.choice(BRANDS)}{rng.choice(TRADES)}"
                firms.append(
                    (
                        _code(rng, division, taken),
                        name + rng.choice(SUFFIXES),
                        district,
                        rng.choice(CHAINS),
                        now,
                        now,
                        1,
                    )
                )
                histories.append(_certifications(rng, day_limit))
            register_many(firms)
            codes = [firm[0] for firm in firms]
            id_of = {}
            for start in range(0, size, CHUNK):
                id_of.update(
                    Enterprise.select(Enterprise.credit_code, Enterprise.id)
                    .where(Enterprise.credit_code.in_(codes[start : start + CHUNK]))
                    .tuples()
                )
            certs = [
                (
                    id_of[code],
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
                for code, history in zip(codes, histories, strict=True)
                for c in history
            ]
            bulk_insert(Certification, cert_fields, certs)
            aggregates.registered(list(id_of.values()))
            written["enterprises"] += size
            written["certifications"] += len(certs)
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
