"""The list's rows between reading and writing: a chunk at a time, on disk beyond a few MiB.

A list is read and checked whole before any write begins; holding its 200,000 rows in memory
would make a worker's memory grow with the list. They wait here instead, pickled by chunk as
plain tuples (a slotted dataclass pickles through Python code, row by row: several times
slower), and are read back a chunk at a time. Rows whose firm must be looked up first (names
only, or placed outside the city) are also kept aside, so that identifying them does not read
the whole spool once more.
"""

import pickle
import tempfile
from collections.abc import Iterator
from operator import attrgetter

from registry.services.imports.regions import OUTSIDE
from registry.services.imports.rows import ListRow

CHUNK = 2000
IN_MEMORY = 8 * 1024 * 1024
_FIELDS = attrgetter(*ListRow.__slots__)


class RowSpool:
    def __init__(self, chunk: int = CHUNK):
        self.chunk = chunk
        self.file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (closed)
        self.pending: list[tuple] = []
        self.to_identify: list[ListRow] = []  # rows named only by name, or placed outside
        self.count = 0

    def append(self, row: ListRow) -> None:
        self.pending.append(_FIELDS(row))
        self.count += 1
        if row.credit_code is None or row.place.kind == OUTSIDE:
            self.to_identify.append(row)
        if len(self.pending) >= self.chunk:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            pickle.dump(self.pending, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.pending = []

    def chunks(self) -> Iterator[list[ListRow]]:
        """The rows, a chunk at a time, in file order (again at each call)."""
        self._flush()
        self.file.seek(0)
        while True:
            try:
                chunk = pickle.load(self.file)
            except EOFError:
                return
            yield [ListRow(*fields) for fields in chunk]

    def rows(self) -> Iterator[ListRow]:
        for chunk in self.chunks():
            yield from chunk

    def __len__(self) -> int:
        return self.count

    def close(self) -> None:
        self.file.close()
