"""The words of published lists: headers, tier wordings, district and region names, yes and no.

They are data (seeds/aliases.json, loaded into the Alias table beside the districts' and tiers'
own names), folded the way lists vary: width (NFKC), spaces, quotes and Latin case.
"""

import re
import unicodedata
from dataclasses import dataclass

from registry.models import Alias, District, Tier
from schemas.imports import LIST_COLUMNS

# The columns a list may have, by the registry's names (schemas.imports); `serial` and `status`
# are known only so that a header row is recognised and our own export reads back.
COLUMNS = LIST_COLUMNS
UNUSED = ("serial", "status")
ALIAS_KINDS = ("header", "tier", "district", "region", "answer")

_SPACE = re.compile(r"\s+")
_QUOTES = re.compile(r"[\"'“”‘’「」『』《》]")
# Prefixes a tier's wording may carry beyond its seeded forms.
_LEVEL_PREFIX = re.compile(r"^(国家级|省级|河南省|国家|省)")


def fold(text: str) -> str:
    """Width, spaces and Latin case folded: `县（市、区）` and `县(市、区)` are one header."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def fold_label(text: str) -> str:
    """`fold`, and quotes dropped: `专精特新“小巨人”企业` is `专精特新小巨人企业`."""
    return _QUOTES.sub("", fold(text))


@dataclass
class Vocabulary:
    headers: dict[str, str]  # folded header → column
    tiers: dict[str, str]  # folded wording → tier key
    districts: dict[str, str]  # folded name → district code
    regions: dict[str, str]  # folded name → city | wider | outside
    answers: dict[str, bool]  # folded yes or no
    tier_labels: dict[str, str]  # tier key → its Chinese label

    @classmethod
    def load(cls) -> "Vocabulary":
        """The seeded words, with every district's and tier's own names among them."""
        found: dict[str, dict[str, str]] = {kind: {} for kind in ALIAS_KINDS}
        for kind, name, value in Alias.select(Alias.kind, Alias.name, Alias.value).tuples():
            found[kind][(fold_label if kind == "tier" else fold)(name)] = value
        for column in COLUMNS:
            found["header"].setdefault(fold(column), column)
        districts = found["district"]
        for district in District.select():
            for name in (district.code, district.name_zh, district.short_name_zh):
                if name:
                    districts[fold(name)] = district.code
        tier_labels = {}
        for tier in Tier.select(Tier.key, Tier.label_zh, Tier.label_en):
            tier_labels[tier.key] = tier.label_zh
            for name in (tier.key, tier.label_zh, tier.label_en):
                found["tier"].setdefault(fold_label(name), tier.key)
        return cls(
            headers=found["header"],
            tiers=found["tier"],
            districts=districts,
            regions=found["region"],
            answers={name: value == "yes" for name, value in found["answer"].items()},
            tier_labels=tier_labels,
        )

    def column(self, header) -> str | None:
        """The column a printed header names (`统一社会\\n信用代码` included), or None."""
        return self.headers.get(fold(str(header))) if header is not None else None

    def tier(self, text: str) -> str | None:
        """The tier a cell or parameter names: its key, label or a published wording."""
        folded = fold_label(text)
        return self.tiers.get(folded) or self.tiers.get(_LEVEL_PREFIX.sub("", folded))

    def tiers_in(self, title: str) -> list[str]:
        """Every tier a title names, longest wording first (`重点培育头雁企业` is no `头雁企业`)."""
        text, named = fold_label(title), []
        for wording in sorted(self.tiers, key=len, reverse=True):
            if len(wording) > 2 and wording in text:
                text = text.replace(wording, "|")
                if self.tiers[wording] not in named:
                    named.append(self.tiers[wording])
        return named

    def answer(self, text: str) -> bool | None:
        return self.answers.get(fold(text))
