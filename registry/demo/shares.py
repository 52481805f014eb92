"""Shares of a whole among the counties."""

import math


def split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` divided in proportion to `weights`, in whole numbers (largest remainder)."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    parts = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(parts.values())
    for k in sorted(exact, key=lambda k: exact[k] - parts[k], reverse=True)[:left]:
        parts[k] += 1
    return parts
