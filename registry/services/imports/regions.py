"""Placing a row by its region: a district of the city, the city itself, a wider region that
holds it (the province, in MIIT's lists), or a region outside it (another city or province).

Lists print a district as `红旗区` or `新乡市红旗区`, `高新区` or `新乡高新技术产业开发区`; a
provincial list names the city (`新乡市`) and, beside it, `长垣市`; MIIT's names provinces and
计划单列市 (`河南`, `宁波`). The names are data: seeds/aliases.json and the districts' own.
"""

import re
from dataclasses import dataclass

from registry.messages import Message
from registry.services.imports.vocabulary import Vocabulary, fold

DISTRICT, CITY, WIDER, OUTSIDE = "district", "city", "wider", "outside"
_COUNT = re.compile(r"[(（][^)）]*[)）]$")  # `新乡市（25家）`
_SUFFIX = re.compile(r"(省|市)$")


class UnknownPlace(ValueError):
    """A region or district the registry does not know; `column` says which of the two."""

    def __init__(self, column: str, message: Message):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Place:
    kind: str  # district | city | wider | outside
    district: str | None = None  # the district's code, for a district
    text: str = ""  # the region as the row prints it


UNPLACED = Place(CITY)  # a list without any region column: somewhere in the city


class Regions:
    def __init__(self, vocabulary: Vocabulary):
        self.districts = vocabulary.districts
        self.regions = vocabulary.regions
        self.city_names = sorted(
            (name for name, kind in self.regions.items() if kind == CITY), key=len, reverse=True
        )
        self.wider_names = sorted(
            (name for name, kind in self.regions.items() if kind == WIDER), key=len, reverse=True
        )

    def classify(self, text: str) -> Place | None:
        """What a printed region is, or None when the registry does not know it."""
        folded = _COUNT.sub("", fold(text))
        for name in (folded, *self._without_prefixes(folded)):
            if name in self.districts:
                return Place(DISTRICT, self.districts[name], text)
            if name in self.regions:
                return Place(self.regions[name], None, text)
        base = _SUFFIX.sub("", folded)
        if base != folded and base in self.regions:
            return Place(self.regions[base], None, text)
        return None

    def _without_prefixes(self, name: str) -> list[str]:
        """`河南省新乡市红旗区` → `新乡市红旗区`, `红旗区`: the wider names, then the city's."""
        found = []
        for prefixes in (self.wider_names, self.city_names):
            for prefix in prefixes:
                if name.startswith(prefix) and len(name) > len(prefix):
                    name = name[len(prefix) :]
                    found.append(name)
                    break
        return found

    def place(self, region: str | None, district: str | None) -> Place:
        """A row's place from its region (city or province level) and district columns."""
        wide = self.classify(region) if region else None
        if region and wide is None:
            raise UnknownPlace("region", Message("cell.unknown_region", value=region))
        if wide is not None and wide.kind == OUTSIDE:
            # Another city's `高新区` is not ours: the city column decides first.
            return Place(OUTSIDE, None, " ".join(filter(None, (region, district))))
        if district:
            narrow = self.classify(district)
            if narrow is not None and narrow.kind != WIDER:
                return narrow
            raise UnknownPlace("district", Message("cell.unknown_district", value=district))
        return wide or UNPLACED
