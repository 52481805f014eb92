"""Credit codes and districts for tests: a valid code for any seed, and the two districts the
`auth` fixture's bureaus hold."""

import random

from schemas.credit_code import CHARSET, check_character

DISTRICT = "410702"  # 红旗区: the bureau fixture's district
OTHER_DISTRICT = "410703"  # 卫滨区: outside it


def make_code(seed: int | str, division: str = "410702") -> str:
    """A valid credit code, different for each seed."""
    rng = random.Random(seed)
    body = "91" + division + "".join(rng.choice(CHARSET) for _ in range(9))
    return body + check_character(body)
