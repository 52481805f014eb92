"""Realistic fake data: `registry demo-data` makes a city mid-plan (city.py); with
`--enterprises N`, any number of firms for benchmarks (bench.py)."""

from registry.demo.bench import generate
from registry.demo.city import generate_city
from registry.demo.names import BRANDS, SUFFIXES, TRADES

__all__ = ["BRANDS", "SUFFIXES", "TRADES", "generate", "generate_city"]
