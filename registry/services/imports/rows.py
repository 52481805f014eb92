"""A row of the list: its cells read, the list's facts filled in, its place found, its dates
checked by the same rule a single certification follows."""

import dataclasses
import datetime as dt
import operator

from registry.messages import Message, code_of, reason_of
from registry.models import Tier
from registry.services.certifications import prepare
from registry.services.clock import today
from registry.services.errors import Invalid
from registry.services.imports import cells
from registry.services.imports.facts import PROPOSALS, REVOKE, ListFacts
from registry.services.imports.layout import Layout, RawRow
from registry.services.imports.regions import OUTSIDE, Place, Regions, UnknownPlace
from registry.services.imports.result import entry
from registry.services.imports.vocabulary import COLUMNS, UNUSED, Vocabulary

ROW_KEYS = tuple(c for c in COLUMNS if c not in UNUSED)
_TEXT = (
    "name",
    "document_no",
    "batch",
    "industry_chain",
    "reason",
    "contact_name",
    "contact_phone",
)
# Cells a list repeats row after row (a tier, a date, a district): each distinct one read once.
_KEYS = frozenset(ROW_KEYS)
_REPEATED = _KEYS - {"name", "credit_code"}
_FACT_FIELDS = ("year", "certified_on", "valid_until", "renewal", "document_no", "batch")
_REQUIRED = ("tier", "certified_on")
_FIRM = frozenset({"name", "credit_code"})  # a row's own cells: the others repeat
_CONTACT = ("contact_name", "contact_phone")  # a county's sheet's, row by row
_STAND_IN = "—"
_UNSEEN = object()
_TEXT_OR_NONE = (str, type(None))
MEMO_LIMIT = 50_000  # cells (and rows' shared cells) remembered: memory stays bounded


@dataclasses.dataclass(slots=True)
class ListRow:
    """One firm's row, ready to be identified and applied (slots: lists run to 200,000 rows).
    A row of a revocation list names the title (tier, and year if the list says) revoked."""

    number: int
    name: str
    credit_code: str | None
    place: Place
    tier: str
    year: int | None
    certified_on: dt.date | None
    valid_until: dt.date | None
    renewal: bool
    document_no: str | None
    batch: str | None
    industry_chain: str | None
    revoked_on: dt.date | None = None
    reason: str | None = None
    found_by: str = "code"  # how the firm was identified: code | name | resolution
    contact_name: str | None = None  # a county's sheet's contact for the application
    contact_phone: str | None = None

    @property
    def district(self) -> str | None:
        return self.place.district

    @property
    def to_identify(self) -> bool:
        """Named only, or placed outside the city: its firm is looked up before it applies."""
        return self.credit_code is None or self.place.kind == OUTSIDE

    def skipped(self, reason: Message) -> dict:
        """The row as the answer lists a row skipped (or unresolved): why, and its code."""
        return {
            "row": self.number,
            "name": self.name,
            "region": self.place.text,
            "code": code_of(reason, "value.invalid"),
            "reason": reason,
        }


# What a row shares with rows alike: its fields after the firm's name and code (and before how
# the firm was found), in ListRow's order.
_NAMES = [f.name for f in dataclasses.fields(ListRow)]
_shared_fields = operator.attrgetter(*_NAMES[3 : _NAMES.index("found_by")])


class RowReader:
    """Turns raw rows into ListRows, or into errors naming the column as the file prints it."""

    def __init__(
        self, layout: Layout, facts: ListFacts, vocabulary: Vocabulary, tiers: dict[str, Tier]
    ):
        self.layout, self.facts, self.vocabulary, self.tiers = layout, facts, vocabulary, tiers
        self.regions = Regions(vocabulary)
        self.memo: dict[tuple, tuple] = {}  # (column, cell) → (value, None) or (None, error)
        self.shared: dict[tuple, tuple | None] = {}  # a row's cells but the firm's → _alike
        self.defaults = tuple((name, facts.value(name)) for name in _FACT_FIELDS)
        self.required = ("tier", "revoked_on", "reason") if facts.action == REVOKE else _REQUIRED
        if facts.action in PROPOSALS:
            self.required = ("tier",)
        self.parsers = {
            "credit_code": cells.credit_code,
            "tier": self._tier,
            "year": cells.year,
            "certified_on": cells.date,
            "valid_until": cells.last_day,
            "renewal": self._renewal,
            "revoked_on": cells.date,
        }

    def _tier(self, value) -> str:
        key = self.vocabulary.tier(cells.plain(value))
        if key is None:
            raise ValueError(Message("cell.unknown_tier", value=cells.plain(value)))
        return key

    def _renewal(self, value) -> bool:
        if isinstance(value, bool):
            return value
        answer = self.vocabulary.answer(cells.plain(value))
        if answer is None:
            raise ValueError(Message("cell.not_yes_no", value=cells.plain(value)))
        return answer

    def error(self, number: int | None, name: str, message: Message) -> dict:
        return entry(number, name, self.layout.printed(name), message)

    def read(self, raw: RawRow) -> tuple[ListRow | None, list[dict]]:
        """The row, or its errors (every one of them)."""
        number, given = raw.number, raw.values
        if type(given) is not dict:
            return None, [self.error(number, "row", Message("row.not_object"))]
        row = self._alike(number, given)
        if row is not None:
            return row, []
        row, errors = self._read(number, given)
        printed = given.get("name")
        if errors and type(printed) is str and printed.strip(cells.BLANK):
            for error in errors:  # the firm as the row prints it, beside its number
                error["name"] = printed.strip(cells.BLANK)
        return row, errors

    def _alike(self, number: int, given: dict) -> ListRow | None:
        """The common row, quickly: its cells other than the firm's (its title, place, dates)
        as an earlier row's, all sound, and its firm's name and code sound. None for any other
        row, read cell by cell (`_read`), which names every error."""
        if any(given.get(name) not in (None, "") for name in _CONTACT):
            return None  # a contact differs row by row: read cell by cell
        try:
            key = tuple([item for item in given.items() if item[0] not in _FIRM])
            shared = self.shared.get(key, _UNSEEN)
        except TypeError:  # a cell that is a list or an object (JSON)
            return None
        if shared is _UNSEEN:
            if len(self.shared) >= MEMO_LIMIT:  # a column that differs row by row
                self.shared.clear()
            # The cell-by-cell reading of these cells, with a stand-in for the firm's.
            row, _ = self._read(0, dict(key, name=_STAND_IN))
            shared = self.shared[key] = None if row is None else _shared_fields(row)
        if shared is None:
            return None
        name, code = given.get("name"), given.get("credit_code")
        if type(name) not in _TEXT_OR_NONE or type(code) not in _TEXT_OR_NONE:
            return None  # a number, a list…: read cell by cell, to be named
        try:
            name = cells.text(name, "name") if name else ""
            code = cells.credit_code(code) if code and code.strip(cells.BLANK) else None
        except ValueError:
            return None
        if not (name or code):
            return None  # neither given
        return ListRow(number, name, code, *shared)

    def _read(self, number: int, given: dict) -> tuple[ListRow | None, list[dict]]:
        """The row read cell by cell: the row, or every error."""
        memo, errors, values = self.memo, [], {}
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        for name, value in given.items():
            if value is None:
                continue
            if name not in _KEYS:
                errors.append(self.error(number, name, Message("field.unknown")))
                continue
            kind = type(value)
            if kind is str:
                if not value.strip(cells.BLANK):
                    continue
            elif kind is list or kind is dict or (kind is bool and name != "renewal"):
                errors.append(self.error(number, name, Message("row.cell_kind")))
                continue
            if name in _REPEATED:
                found = memo.get((name, value))
                if found is None:
                    found = memo[(name, value)] = self._parsed(name, value)
            else:
                found = self._parsed(name, value)
            if found[1] is not None:
                errors.append(self.error(number, name, found[1]))
            elif found[0] is not None:
                values[name] = found[0]
        if "name" not in values and "credit_code" not in values:
            errors.append(self.error(number, "name", Message("row.firm_needed")))
        key = ("place", values.get("region"), values.get("district"))
        if key not in memo:
            try:
                memo[key] = (self.regions.place(key[1], key[2]), None)
            except UnknownPlace as exc:
                memo[key] = (None, (exc.column, reason_of(exc)))
        place, problem = memo[key]
        if problem:
            errors.append(self.error(number, *problem))
        for name in self.required:
            if name not in values:
                if self.facts.value(name) is not None:
                    values[name] = self.facts.value(name)
                elif not any(e["field"] == name for e in errors):
                    errors.append(self.error(number, name, Message("row.missing", field=name)))
        if errors:
            return None, errors
        if self.facts.action == REVOKE:
            return self._revocation(number, values, place)
        if self.facts.action in PROPOSALS:
            return self._proposal(number, values, place)
        return self._checked(number, values, place)

    def _proposal(self, number: int, values: dict, place: Place) -> tuple[ListRow | None, list]:
        """A firm proposed for a title (a 公示, a recommendation): which tier and year, and the
        day of the move (the list's date if given, else today; never a day to come). The year
        is the list's, else that day's."""
        data = {name: values.get(name, fact) for name, fact in self.defaults}
        on = data["certified_on"] or today()
        if on > today():
            future = Message("field.in_future", field="certified_on")
            return None, [self.error(number, "certified_on", future)]
        fields = {**data, "tier": values["tier"], "certified_on": on, "renewal": False}
        fields["year"] = data["year"] or on.year
        return _row(number, values, place, fields), []

    def _revocation(self, number: int, values: dict, place: Place) -> tuple[ListRow | None, list]:
        """A title revoked: which (tier, and year if given), when and why."""
        if values["revoked_on"] > today():
            future = Message("field.in_future", field="revoked_on")
            return None, [self.error(number, "revoked_on", future)]
        title = {"tier": values["tier"], "year": values.get("year", self.facts.value("year"))}
        return _row(number, values, place, title, renewal=False), []

    def _parsed(self, name: str, value) -> tuple:
        """(the value, None), or (None, why it cannot be read)."""
        try:
            parse = self.parsers.get(name)
            if parse is not None:
                return parse(value), None
            if name in _TEXT:
                return cells.text(value, name) or None, None
            return cells.plain(value) or None, None
        except ValueError as exc:  # CreditCodeError is one too
            return None, reason_of(exc)

    def _checked(self, number: int, values: dict, place: Place) -> tuple[ListRow | None, list]:
        """The certification's own rules (dates, the default validity), as a POST checks them."""
        data = tuple([values.get(name, fact) for name, fact in self.defaults])
        key = ("certification", values["tier"], *data)
        if key not in self.memo:
            try:
                tier = self.tiers[values["tier"]]
                self.memo[key] = (prepare(tier, dict(zip(_FACT_FIELDS, data, strict=True))), None)
            except Invalid as exc:
                self.memo[key] = (None, exc.fields or {})
        fields, problems = self.memo[key]
        if problems:
            return None, [self.error(number, name, found[0]) for name, found in problems.items()]
        return _row(number, values, place, fields), []


def _row(number: int, values: dict, place: Place, fields: dict, **more) -> ListRow:
    """A row from its cells (the firm, a revocation's day and reason) and its title's fields."""
    if more:
        fields = {**fields, **more}
    return ListRow(
        number,
        values.get("name", ""),
        values.get("credit_code"),
        place,
        fields["tier"],
        fields["year"],
        fields.get("certified_on"),
        fields.get("valid_until"),
        fields["renewal"],
        fields.get("document_no"),
        fields.get("batch"),
        values.get("industry_chain"),
        values.get("revoked_on"),
        values.get("reason"),
        contact_name=values.get("contact_name"),
        contact_phone=values.get("contact_phone"),
    )
