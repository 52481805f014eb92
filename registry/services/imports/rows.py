"""A row of the list: its cells read, the list's facts filled in, its place found, its dates
checked by the same rule a single certification follows."""

import datetime as dt
from dataclasses import dataclass

from registry.models import Tier
from registry.services.certifications import prepare
from registry.services.errors import Invalid
from registry.services.imports import cells
from registry.services.imports.facts import ListFacts
from registry.services.imports.layout import Layout, RawRow
from registry.services.imports.regions import Place, Regions
from registry.services.imports.vocabulary import COLUMNS, UNUSED, Vocabulary

ROW_KEYS = tuple(c for c in COLUMNS if c not in UNUSED)
_TEXT = ("name", "document_no", "batch", "industry_chain")


@dataclass(slots=True)
class ListRow:
    """One firm's row, ready to be identified and applied (slots: lists run to 200,000 rows)."""

    number: int
    name: str
    credit_code: str | None
    place: Place
    tier: str
    year: int
    certified_on: dt.date
    valid_until: dt.date
    renewal: bool
    document_no: str | None
    batch: str | None
    industry_chain: str | None
    found_by: str = "code"  # how the firm was identified: code | name | resolution

    @property
    def district(self) -> str | None:
        return self.place.district

    def skipped(self, reason: str) -> dict:
        """The row as the answer lists a row skipped (or unresolved)."""
        return {"row": self.number, "name": self.name, "region": self.place.text, "reason": reason}

    def certification(self) -> dict:
        """The certification the row records, as the services write it."""
        return {
            "tier": self.tier,
            "year": self.year,
            "certified_on": self.certified_on,
            "valid_until": self.valid_until,
            "renewal": self.renewal,
            "document_no": self.document_no,
            "batch": self.batch,
        }


class RowReader:
    """Turns raw rows into ListRows, or into errors naming the column as the file prints it."""

    def __init__(
        self, layout: Layout, facts: ListFacts, vocabulary: Vocabulary, tiers: dict[str, Tier]
    ):
        self.layout, self.facts, self.vocabulary, self.tiers = layout, facts, vocabulary, tiers
        self.regions = Regions(vocabulary)
        self.parsers = {
            "credit_code": cells.credit_code,
            "tier": self._tier,
            "year": cells.year,
            "certified_on": cells.date,
            "valid_until": cells.last_day,
            "renewal": self._renewal,
        }

    def _tier(self, value) -> str:
        key = self.vocabulary.tier(cells.plain(value))
        if key is None:
            raise ValueError(f"unknown tier {cells.plain(value)!r}")
        return key

    def _renewal(self, value) -> bool:
        if isinstance(value, bool):
            return value
        answer = self.vocabulary.answer(cells.plain(value))
        if answer is None:
            raise ValueError(f"not yes or no: {cells.plain(value)!r}")
        return answer

    def error(self, number: int | None, name: str, message: str) -> dict:
        return {
            "row": number,
            "field": name,
            "column": self.layout.printed(name),
            "message": message,
        }

    def read(self, raw: RawRow) -> tuple[ListRow | None, list[dict]]:
        """The row, or its errors (every one of them)."""
        if not isinstance(raw.values, dict):
            return None, [self.error(raw.number, "row", "must be an object of columns")]
        errors = [
            self.error(raw.number, key, "Unknown field.")
            for key in raw.values
            if key not in ROW_KEYS
        ]
        values = {}
        for name, value in raw.values.items():
            if name not in ROW_KEYS or value is None:
                continue
            if isinstance(value, list | dict) or (isinstance(value, bool) and name != "renewal"):
                errors.append(self.error(raw.number, name, "must be text, a number or a date"))
                continue
            if isinstance(value, str) and not value.strip():
                continue
            try:
                parse = self.parsers.get(name)
                if parse is not None:
                    values[name] = parse(value)
                elif name in _TEXT:
                    values[name] = cells.text(value, name) or None
                else:
                    values[name] = cells.plain(value) or None
            except ValueError as exc:
                errors.append(self.error(raw.number, name, str(exc)))
        if "name" not in values and "credit_code" not in values:
            errors.append(self.error(raw.number, "name", "a firm's name or credit code is needed"))
        try:
            place = self.regions.place(values.get("region"), values.get("district"))
        except ValueError as exc:
            errors.append(self.error(raw.number, "district", str(exc)))
        for name in ("tier", "certified_on"):
            if values.get(name) is None and self.facts.value(name) is not None:
                values[name] = self.facts.value(name)
            if values.get(name) is None and not any(e["field"] == name for e in errors):
                errors.append(self.error(raw.number, name, "Missing data for required field."))
        if errors:
            return None, errors
        return self._checked(raw.number, values, place)

    def _checked(self, number: int, values: dict, place: Place) -> tuple[ListRow | None, list]:
        """The certification's own rules (dates, the default validity), as a POST checks them."""
        data = {
            name: values.get(name, self.facts.value(name))
            for name in ("year", "certified_on", "valid_until", "renewal", "document_no", "batch")
        }
        try:
            fields = prepare(self.tiers[values["tier"]], data)
        except Invalid as exc:
            return None, [
                self.error(number, name, messages[0])
                for name, messages in (exc.errors or {}).get("json", {}).items()
            ]
        row = ListRow(
            number=number,
            name=values.get("name") or "",
            credit_code=values.get("credit_code"),
            place=place,
            tier=fields["tier"],
            year=fields["year"],
            certified_on=fields["certified_on"],
            valid_until=fields["valid_until"],
            renewal=fields["renewal"],
            document_no=fields.get("document_no"),
            batch=fields.get("batch"),
            industry_chain=values.get("industry_chain"),
        )
        return row, []
