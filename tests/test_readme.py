"""The README stands alone: it points at nothing outside the repository, its
walk-through makes every token it uses before using it, and its shell recipes are safe to paste."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SHELL = "\n".join(re.findall(r"```sh\n(.*?)```", README, flags=re.S))


def test_no_reference_outside_the_repository():
    assert "../" not in README
    for target in re.findall(r"\]\(([^)#]+)\)", README):  # markdown links
        if not target.startswith(("http://", "https://")):
            assert (ROOT / target).exists(), target


def test_the_rules_and_the_counting_rules_are_in_the_repository():
    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for words in ("GB 32100", "2022-08-01", "three years", "renewal", "cumulative", "expected"):
        assert words in rules, words
    assert "docs/rules.md" in README


def test_every_token_is_made_before_it_is_used():
    made = set()
    for line in SHELL.splitlines():
        for used in re.findall(r"Bearer \$(\w+)", line):
            assert used in made, f"${used} is used before the walk-through makes it: {line}"
        if match := re.match(r"\s*(\w+)=\$\(.*create-token", line):
            made.add(match.group(1))
    assert "ADMIN" in made


def test_search_is_url_encoded_and_nothing_is_killed_by_pattern():
    assert re.search(r'--data-urlencode "q=', SHELL)
    assert not re.search(r"\?[^\s\"']*\bq=", SHELL), "q in a raw URL: Chinese needs encoding"
    for command in ("pkill", "pgrep", "killall"):
        assert command not in SHELL
