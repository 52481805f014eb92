"""Realistic fake data: `registry demo-data` makes a city mid-plan (city.py); with
`--enterprises N`, any number of firms for benchmarks (bench.py)."""

from registry.services.demo.bench import generate
from registry.services.demo.city import generate_city
from registry.services.demo.names import BRANDS, SUFFIXES, TRADES

__all__ = ["BRANDS", "SUFFIXES", "TRADES", "generate", "generate_city"]
