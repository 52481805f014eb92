"""What a wall screen must not do, measured in the page: text over text, text cut off by its
card or panel or the screen, a panel or card whose content is taller or wider than itself,
counties out of sight, and (at 1920×1080) text smaller than a room can read."""

from pathlib import Path

# the function alone: Playwright calls a string that starts as a function does
LAYOUT_PROBLEMS = (
    (Path(__file__).parent / "screen_layout.js").read_text("utf-8").split("*/", 1)[1].strip()
)


def layout_problems(page, *, min_font: float = 0) -> dict:
    """{"problems": [...], "rows": county rows, "fragments": text fragments measured}."""
    return page.evaluate(LAYOUT_PROBLEMS, min_font)
