"""Identifying firms: by a row's credit code, else by its name.

Provincial and MIIT lists name firms only. A names-only row is matched to a registered firm by
its folded name (former names count too), within the row's district when it has one. A row
whose region lies outside the city is skipped; so is a names-only row whose region is wider
than the city (a province, in MIIT's lists) and matches no firm. A names-only row inside the
city that matches none, or more than one, is unresolved: the import is refused, listing it
with its likeliest firms, until the clerk resolves it (a name → credit code resolution, which
registers the firm from the row when it is new) or asks to skip the unresolved rows.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from registry.db import rows_where_in
from registry.messages import Message, as_message, reason_of
from registry.models import Enterprise, FormerName
from registry.services.errors import Invalid
from registry.services.imports import cells
from registry.services.imports.layout import RawRow
from registry.services.imports.regions import DISTRICT, OUTSIDE, WIDER, Place, Regions
from registry.services.imports.result import note
from registry.services.imports.rows import ListRow
from registry.services.names import name_key

CANDIDATES = 3
CANDIDATE_CUTOFF = 60  # rapidfuzz's 0–100 similarity of the names' distinctive parts
LOOKUP_CHUNK = 2000
# What every firm's name shares says nothing of which firm it is.
_COMMON = ("有限责任公司", "股份有限公司", "有限公司", "集团", "公司", "河南省", "新乡市", "新乡")


@dataclass(frozen=True)
class Firm:
    code: str
    name: str
    district: str


@dataclass
class Resolution:
    credit_code: str
    district: str | None = None


@dataclass
class Identification:
    """What identifying the rows found, for the import's answer."""

    rows: list[ListRow] = field(default_factory=list)  # the rows to apply, each with a code
    skipped: list[dict] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    matched_by_name: int = 0
    resolved: int = 0


def _resolution_error(name: str, code: str | Message, **params) -> Invalid:
    message = as_message(code, **params)
    return Invalid(message, errors={"resolve": {name: [message]}})


def _resolution(name: str, code, district, regions: Regions) -> Resolution:
    try:
        code = cells.credit_code(code)
    except ValueError as exc:
        raise _resolution_error(name, reason_of(exc)) from exc
    place = regions.classify(cells.plain(district)) if district else None
    if district and (place is None or place.kind != DISTRICT):
        raise _resolution_error(name, "resolve.unknown_district", district=district)
    return Resolution(code, place.district if place else None)


def resolutions_from_mapping(mapping: dict, regions: Regions) -> dict[str, Resolution]:
    """`{name: credit_code}` or `{name: {"credit_code": …, "district": …}}`, by folded name."""
    found = {}
    for name, value in mapping.items():
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"credit_code", "district"})
            if unknown or "credit_code" not in value:
                raise _resolution_error(name, "resolve.shape")
            code, district = value["credit_code"], value.get("district")
        else:
            code, district = value, None
        if not isinstance(code, str) or not (district is None or isinstance(district, str)):
            raise _resolution_error(name, "resolve.text")
        found[name_key(name)] = _resolution(name, code, district, regions)
    return found


def resolutions_from_rows(rows: Iterator[RawRow], regions: Regions) -> dict[str, Resolution]:
    """A resolution sheet: 企业名称, 统一社会信用代码 (and 县（市、区）), one firm a row."""
    found = {}
    for raw in rows:
        name = cells.plain(raw.values.get("name"))
        if not name or not cells.plain(raw.values.get("credit_code")):
            raise _resolution_error(name or f"row {raw.number}", "resolve.incomplete")
        district = raw.values.get("district") or raw.values.get("region")
        found[name_key(name)] = _resolution(name, raw.values["credit_code"], district, regions)
    return found


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _firms_named(keys: list[str]) -> dict[str, dict[int, Firm]]:
    """Registered firms by folded name, current or former: key → {firm id: firm}."""
    found: dict[str, dict[int, Firm]] = {}
    fields = [Enterprise.id, Enterprise.credit_code, Enterprise.name, Enterprise.district]
    for chunk in _chunks(keys, LOOKUP_CHUNK):
        for id_, code, name, district, key in rows_where_in(
            [*fields, Enterprise.name_key], Enterprise.name_key, chunk
        ):
            found.setdefault(key, {})[id_] = Firm(code, name, district)
        former = rows_where_in(
            [FormerName.enterprise, FormerName.name_key], FormerName.name_key, chunk
        )
        ids = list({id_ for id_, _ in former})
        firms = {row[0]: Firm(*row[1:]) for row in rows_where_in(fields, Enterprise.id, ids)}
        for id_, key in former:
            found.setdefault(key, {})[id_] = firms[id_]
    return found


def _core(name: str) -> str:
    """A folded name without what every firm's name shares, for similarity."""
    for common in _COMMON:
        name = name.replace(common, "")
    return name


class Candidates:
    """The registered firms most like a name: within a district, or city-wide."""

    def __init__(self):
        self.pools: dict[str | None, tuple[list[Firm], list[str]]] = {}

    def _pool(self, district: str | None) -> tuple[list[Firm], list[str]]:
        if district not in self.pools:
            query = Enterprise.select(
                Enterprise.credit_code, Enterprise.name, Enterprise.district, Enterprise.name_key
            )
            if district is not None:
                query = query.where(Enterprise.district == district)
            firms, names = [], []
            for code, name, firm_district, key in query.tuples().iterator():
                firms.append(Firm(code, name, firm_district))
                names.append(_core(key))
            self.pools[district] = (firms, names)
        return self.pools[district]

    def like(self, name: str, district: str | None) -> list[dict]:
        """The likeliest firms, found by their names' distinctive parts; each scored by its
        whole name's similarity (a near miss is not shown as 100)."""
        firms, names = self._pool(district)
        key = name_key(name)
        found = process.extract(
            _core(key),
            names,
            scorer=fuzz.WRatio,
            limit=CANDIDATES,
            score_cutoff=CANDIDATE_CUTOFF,
        )
        return [
            _candidate(firms[index], fuzz.ratio(key, name_key(firms[index].name)))
            for _, _, index in found
        ]


def _candidate(firm: Firm, score: float) -> dict:
    return {
        "credit_code": firm.code,
        "name": firm.name,
        "district": firm.district,
        "score": round(score),
    }


class Identifier:
    """Identifies rows batch after batch (a list read as a stream gives its rows a chunk at a
    time); `unused` says, at the end, which resolutions matched no names-only row."""

    def __init__(self, resolutions: dict[str, Resolution]):
        self.resolutions = resolutions
        self.candidates = Candidates()
        self.used: set[str] = set()

    def identify(self, rows: Iterable[ListRow]) -> Identification:
        """Give every row a credit code, or say why it is skipped or unresolved."""
        rows = list(rows)
        found = Identification()
        names_only = [r for r in rows if r.credit_code is None and r.place.kind != OUTSIDE]
        named = _firms_named(sorted({name_key(r.name) for r in names_only}))
        for row in rows:
            if row.place.kind == OUTSIDE:
                found.skipped.append(
                    row.skipped(Message("import.outside_city", place=row.place.text))
                )
            elif row.credit_code is not None:
                found.rows.append(row)
            elif name_key(row.name) in self.resolutions:
                self._resolved(row, found)
            else:
                self._named(row, list(named.get(name_key(row.name), {}).values()), found)
        return found

    def _resolved(self, row: ListRow, found: Identification) -> None:
        key = name_key(row.name)
        self.used.add(key)
        resolution = self.resolutions[key]
        row.credit_code, row.found_by = resolution.credit_code, "resolution"
        if resolution.district is not None and row.place.kind != DISTRICT:
            # The list's own district stands; a resolution places a firm the list does not.
            row.place = Place(DISTRICT, resolution.district, row.place.text)
        elif resolution.district not in (None, row.district):
            found.warnings.append(
                note(
                    row.number,
                    Message(
                        "import.resolution_elsewhere",
                        name=row.name,
                        resolved=resolution.district,
                        listed=row.district,
                    ),
                )
            )
        found.resolved += 1
        found.rows.append(row)

    def _named(self, row: ListRow, matches: list[Firm], found: Identification) -> None:
        if row.place.kind == DISTRICT:
            matches = [m for m in matches if m.district == row.district]
        if len(matches) == 1:
            row.credit_code, row.found_by = matches[0].code, "name"
            found.matched_by_name += 1
            found.rows.append(row)
        elif not matches and row.place.kind == WIDER:
            reason = Message("import.wider_than_city", place=row.place.text)
            found.skipped.append(row.skipped(reason))
        else:
            where = row.place.text or Message("import.the_city")
            if matches:
                reason = Message("import.same_name_firms", count=len(matches), where=where)
                likely = [_candidate(m, 100) for m in matches]
            else:
                reason = Message("import.no_firm_named", where=where)
                likely = self.candidates.like(row.name, row.district)
            found.unresolved.append({**row.skipped(reason), "candidates": likely})

    def unused(self) -> list[dict]:
        """A warning for each resolution that matched no names-only row."""
        return [
            note(None, Message("import.resolution_unused", name=key))
            for key in sorted(set(self.resolutions) - self.used)
        ]


def identify(rows: Iterable[ListRow], resolutions: dict[str, Resolution]) -> Identification:
    """Give every row a credit code, or say why it is skipped or unresolved (all at once)."""
    identifier = Identifier(resolutions)
    found = identifier.identify(rows)
    found.warnings.extend(identifier.unused())
    return found
