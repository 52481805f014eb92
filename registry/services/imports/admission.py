"""Step 5 for rows read: their firms identified (those that need it), and the rows outside the
districts loaded set aside; for the whole list before it applies, or chunk by chunk as it is
read. What it finds goes to the answer's Identified part."""

import itertools
from collections.abc import Iterator

from registry.messages import Message
from registry.services.imports import rowspool
from registry.services.imports.firms import Identifier, Resolution
from registry.services.imports.regions import DISTRICT
from registry.services.imports.result import Identified
from registry.services.imports.rows import ListRow


class Admission:
    """Which rows of the list go on to apply, and with which firm."""

    def __init__(
        self,
        identified: Identified,
        resolutions: dict[str, Resolution],
        only: frozenset[str] | None,
        skip_unresolved: bool,
    ):
        self.identified, self.only, self.skip_unresolved = identified, only, skip_unresolved
        self.identifier = Identifier(resolutions)
        self.found_rows: dict[int, ListRow] = {}  # identified, until their chunk applies
        self.dropped: set[int] = set()

    def loaded(self, row: ListRow) -> bool:
        """Whether the row is in a district loaded (a row placed in no district is)."""
        return self.only is None or row.place.kind != DISTRICT or row.district in self.only

    def identify(self, rows: list[ListRow]) -> list[ListRow]:
        """Look up the firms of `rows` (that need it); the names-only rows found."""
        to_identify = [row for row in rows if row.to_identify and self.loaded(row)]
        names_only = {row.number for row in to_identify if row.credit_code is None}
        found = self.identifier.identify(to_identify)
        self.found_rows.update((row.number, row) for row in found.rows)
        self.dropped.update(r.number for r in to_identify if r.number not in self.found_rows)
        answer = self.identified
        answer.skipped.extend(found.skipped)
        answer.warnings.extend(found.warnings)
        answer.matched_by_name += found.matched_by_name
        answer.resolved += found.resolved
        if found.unresolved and self.skip_unresolved:
            answer.skipped.extend(
                {k: v for k, v in entry.items() if k != "candidates"} for entry in found.unresolved
            )
        else:
            answer.unresolved.extend(found.unresolved)
        return [row for row in found.rows if row.number in names_only]

    def finished(self) -> None:
        """Every row identified: the resolutions no row used are warned of."""
        self.identified.warnings.extend(self.identifier.unused())

    def admitted(self, chunk: list[ListRow]) -> list[ListRow]:
        """The rows of `chunk` that apply, identified (each row's lookup is forgotten here)."""
        kept = []
        for row in chunk:
            if not self.loaded(row):
                self.identified.skipped.append(
                    row.skipped(Message("import.not_loaded_district", district=row.district))
                )
            elif row.number in self.dropped:
                self.dropped.discard(row.number)
            else:
                kept.append(self.found_rows.pop(row.number, row))
        return kept

    def streamed(self, rows: Iterator[ListRow]) -> Iterator[list[ListRow]]:
        """Steps 4 and 5 a chunk at a time, as the rows are read (a read snapshot open)."""
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, rowspool.CHUNK)):
            self.identify(chunk)
            yield self.admitted(chunk)
        self.finished()
