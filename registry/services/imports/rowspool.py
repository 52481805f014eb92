"""The list's rows between reading and writing: a chunk at a time, on disk beyond a few MiB.

A list is read and checked whole before any write begins; holding its 200,000 rows in memory
would make a worker's memory grow with the list. They wait here instead, pickled by chunk as
plain tuples (a slotted dataclass pickles through Python code, row by row: several times
slower), and are read back a chunk at a time. Rows whose firm must be looked up first (names
only, or placed outside the city) are also kept aside, so that identifying them does not read
the whole spool once more; and the credit codes that come more than once are marked (Repeats),
so that a dry run keeps only those firms from one chunk to the next.
"""

import pickle
import tempfile
from collections.abc import Iterator
from operator import attrgetter

from registry.services.imports.rows import ListRow

CHUNK = 2000
IN_MEMORY = 8 * 1024 * 1024
_FIELDS = attrgetter(*ListRow.__slots__)


class Repeats:
    """Which credit codes may occur more than once in the list, in fixed memory whatever its
    length: two bitmaps of the codes' hashes (seen, seen again). A code seen once may be taken
    for one seen again when its hash collides (rarely, and then it is only kept longer), never
    the reverse."""

    BITS = 1 << 23  # 1 MiB a bitmap: 200,000 codes set under 3 % of the bits

    def __init__(self):
        self.seen = bytearray(self.BITS // 8)
        self.again = bytearray(self.BITS // 8)

    @staticmethod
    def _bit(code: str) -> tuple[int, int]:
        at = hash(code) & (Repeats.BITS - 1)
        return at >> 3, 1 << (at & 7)

    def add(self, code: str) -> None:
        byte, mask = self._bit(code)
        if self.seen[byte] & mask:
            self.again[byte] |= mask
        else:
            self.seen[byte] |= mask

    def __contains__(self, code: str) -> bool:
        byte, mask = self._bit(code)
        return bool(self.again[byte] & mask)


class RowSpool:
    def __init__(self, chunk: int | None = None):
        self.chunk = chunk or CHUNK
        self.file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (closed)
        self.pending: list[tuple] = []
        self.to_identify: list[ListRow] = []  # rows named only by name, or placed outside
        self.repeats = Repeats()  # the codes given more than once (identified ones: add them)
        self.count = 0

    def append(self, row: ListRow) -> None:
        self.pending.append(_FIELDS(row))
        self.count += 1
        if row.to_identify:
            self.to_identify.append(row)
        if row.credit_code is not None:
            self.repeats.add(row.credit_code)
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
