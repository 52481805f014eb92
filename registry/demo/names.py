"""What every kind of demo data shares: plausible Chinese company names and valid credit codes."""

import random

from schemas.credit_code import CHARSET, check_character

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


def credit_code(rng: random.Random, division: str, taken: set[str]) -> str:
    """A valid credit code not in `taken` (and added to it)."""
    while True:
        body = "91" + division + "MA" + "".join(rng.choices(CHARSET, k=7))
        code = body + check_character(body)
        if code not in taken:
            taken.add(code)
            return code


def name_prefixes(districts) -> dict[str, str]:
    """A firm's name starts with its county's name, or the city's for urban districts and zones."""
    return {d.code: d.name_zh if d.kind.startswith("county") else "新乡市" for d in districts}
