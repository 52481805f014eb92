"""Where things are: the project's root and the data files the tests read (tests/data/)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SAMPLE_LIST = DATA / "sample-list-gbk.csv"  # a bureau's list as Excel saves it: GBK, a title row
SAMPLE_PLAN = DATA / "sample-plan.json"  # a 2026–2028 plan with district allocations
PLAN_TARGETS = DATA / "plan-targets.json"  # the published 2023–2025 plan's 34 targets, as data
