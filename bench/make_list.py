"""Write a published list (Chinese headers, GB18030 like Excel saves it) of N new firms."""

import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry.demo import BRANDS, SUFFIXES, TRADES
from schemas.credit_code import CHARSET, check_character

DISTRICTS = (
    "红旗区",
    "卫滨区",
    "凤泉区",
    "牧野区",
    "新乡县",
    "获嘉县",
    "原阳县",
    "延津县",
    "封丘县",
    "卫辉市",
    "辉县市",
    "长垣市",
    "高新区",
    "经开区",
    "平原示范区",
)


def write_list(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    seen = set()
    with open(path, "w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["2024年度新乡市创新型中小企业名单"])
        writer.writerow(
            [
                "序号",
                "统一社会信用代码",
                "企业名称",
                "县（市、区）",
                "类别",
                "年度",
                "公告日期",
                "文号",
            ]
        )
        for number in range(1, rows + 1):
            while True:
                body = "91410700MA" + "".join(rng.choices(CHARSET, k=7))
                code = body + check_character(body)
                if code not in seen:
                    seen.add(code)
                    break
            name = f"新乡市{rng.choice(BRANDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
            writer.writerow(
                [
                    number,
                    code,
                    name,
                    rng.choice(DISTRICTS),
                    "创新型中小企业",
                    "2024年度",
                    "2024年6月28日",
                    "豫工信企业〔2024〕58号",
                ]
            )


if __name__ == "__main__":
    write_list(Path(sys.argv[1]), int(sys.argv[2]))
