"""The README and the guides in docs/ stand alone: they point at nothing outside the repository,
their links and anchors resolve, each page's recipes make every token they use before using it
and are safe to paste; the README is a newcomer's page that leads to every guide."""

import re
from pathlib import Path

import pytest

from tests.support.paths import ROOT

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def shell(page: Path) -> str:
    return "\n".join(re.findall(r"```sh\n(.*?)```", text(page), flags=re.S))


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces as -."""
    found = set()
    for heading in re.findall(r"^#+\s+(.*)$", text(page), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def ids(pages):
    return [page.relative_to(ROOT).as_posix() for page in pages]


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_every_link_and_anchor_resolves_inside_the_repository(page):
    for target in LINK.findall(text(page)):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.is_relative_to(ROOT), f"{target}: outside the repository"
        assert linked.exists(), f"{target}: no such file"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{target}: no such heading"


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_no_page_cites_a_tracker_item_or_a_file_beside_the_project(page):
    body = text(page)
    assert not re.search(r"\bissue\s+#?\d+|\s#\d{2,}\b", body, flags=re.I)
    for name in ("SPEC.md", "DOMAIN.md", "LISTS.md", "STYLE.md", "../shared"):
        assert name not in body, name


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_every_token_is_made_before_it_is_used(page):
    made = set()
    for line in shell(page).splitlines():
        for used in re.findall(r"Bearer \$(\w+)", line):
            assert used in made, f"${used} is used before the page makes it: {line}"
        if match := re.match(r"\s*(\w+)=\$\(.*create-token", line):
            made.add(match.group(1))


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_recipes_encode_search_and_kill_nothing_by_pattern(page):
    recipes = shell(page)
    assert not re.search(r"\?[^\s\"']*\bq=", recipes), "q in a raw URL: Chinese needs encoding"
    for command in ("pkill", "pgrep", "killall"):
        assert command not in recipes


def test_the_readme_is_a_newcomers_page_leading_to_every_guide():
    body = text(README)
    assert len(body.splitlines()) <= 200
    assert "make run" in body and "make test" in body
    assert re.search(r'--data-urlencode "q=', shell(README))
    assert "ADMIN" in shell(README)
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in LINK.findall(body)}
    for guide in sorted((ROOT / "docs").glob("*.md")):
        assert guide.resolve() in linked, f"README does not lead to {guide.name}"


def test_the_rules_and_the_counting_rules_are_in_the_repository():
    rules = text(ROOT / "docs" / "rules.md")
    for words in ("GB 32100", "2022-08-01", "three years", "renewal", "cumulative", "expected"):
        assert words in rules, words
    assert "docs/rules.md" in text(README)
