"""A large import on both cores: its rows read and decided in a child process, written in this
one.

Reading a list's rows and deciding them (which firms are new, which titles, the audit events,
the tallies' change) is Python work; writing them is mostly the database's, with the driver's
own Python around it. In one process they take turns; here a forked child reads the list chunk
after chunk as it decides it, and sends each chunk's writes (writes.Writes: plain rows) down a
pipe, while this process, inside its write transaction, writes the chunk before. The answer is
the child's (its counts, conflicts, warnings, errors: the import's Tally), sent last.

The child's applier is the one seam: it is made with the child's store (_Piped, a store.Store),
which reads from the child's own connection, counts the ids it gives, and sends the writes down
the pipe; nothing else of the applier differs from one process's.

Only on SQLite with a database file: the child reads from a connection of its own, whose
snapshot begins after this process took the write lock, so it sees the registry as the import
found it, and nothing changes it meanwhile (SQLite has one writer). What the import writes the
child's snapshot never shows: it keeps a chunk's firms in memory while it decides the chunk,
and marks every firm it has seen (Seen, in fixed memory); when a later row names a firm marked
seen, the child asks this process, whose transaction holds what the import wrote, for the firm
as it now stands. PostgreSQL locks each firm an import touches inside the import's own
transaction (FOR UPDATE), which a second connection cannot do: there, for small lists and for
dry runs, the list is read whole first, then decided and written in one process.
"""

import contextlib
import fcntl
import os
import pickle
import signal
from collections.abc import Callable, Iterable
from typing import IO, BinaryIO, NoReturn

import peewee as pw

from registry.db import database, is_sqlite, last_id, open_database, read_snapshot
from registry.models import Certification, Enterprise
from registry.services.imports.apply import Applier, Certifier
from registry.services.imports.result import Tally
from registry.services.imports.rows import ListRow
from registry.services.imports.store import Facts, Firm, Store, Writable, stored

PIPE_BYTES = 1 << 20  # Linux's largest by default (64 KiB unless asked)
# Smaller uploads (some 2,000 rows of CSV) are read and applied in this process: forking and
# the pipe cost more than they save.
MIN_BYTES = 256 * 1024


class ChildLost(RuntimeError):
    """The deciding process ended without its answer (killed, out of memory)."""


def streams(kind: type, size: int) -> bool:
    """Whether a real import of this kind, from an upload of `size` bytes, is read and decided
    in a child process."""
    path = database.obj.database if is_sqlite() else ""
    return (
        kind is Certifier
        and size >= MIN_BYTES
        and hasattr(os, "fork")
        and path not in ("", ":memory:")
        and not path.startswith("file:")
    )


class Seen:
    """Which credit codes the child has seen, in fixed memory (a Bloom filter: 4 MiB, three
    bits a code). A code never seen may be taken for one seen (one in some 200,000 at the
    200,000 rows of the largest list, and then it is only asked for), never the reverse. It
    must be rare: asking waits for the writer to catch up with the child."""

    BITS = 1 << 25

    def __init__(self):
        self.bits = bytearray(self.BITS // 8)

    def among(self, codes: Iterable[str]) -> list[str]:
        """The codes of `codes` that may have been seen."""
        return [code for code in codes if all(self._probe(code, False))]

    def add(self, codes: Iterable[str]) -> None:
        """Mark `codes` seen."""
        for code in codes:
            self._probe(code, True)

    def _probe(self, code: str, mark: bool) -> tuple[int, int, int]:
        """The code's three bits (each nonzero if set), set first if `mark`."""
        bits, mask = self.bits, self.BITS - 1
        value = hash(code)
        first, step = value & mask, (value >> 32) | 1
        one, two, three = first, (first + step) & mask, (first + 2 * step) & mask
        if mark:
            bits[one >> 3] |= 1 << (one & 7)
            bits[two >> 3] |= 1 << (two & 7)
            bits[three >> 3] |= 1 << (three & 7)
        return (
            bits[one >> 3] & (1 << (one & 7)),
            bits[two >> 3] & (1 << (two & 7)),
            bits[three >> 3] & (1 << (three & 7)),
        )


def apply_forked(
    applier_for: Callable[[Store], Applier],
    chunks: Iterable[list[ListRow]],
    tally: Tally,
    upload: IO[bytes],
    size: int,
    on_progress: Callable[[int, int], None],
) -> Tally:
    """Read and decide `chunks` (read from `upload`, of `size` bytes) in a child process, with
    the applier `applier_for` makes of the child's store, and write them here, in the open
    write transaction. The answer is the child's `tally` (which its reading, identifying and
    applying filled), sent back whole."""
    first_ids = {model: last_id(model) + 1 for model in (Enterprise, Certification)}
    busy_timeout_ms = database.pragma("busy_timeout")  # the child's connection waits as long
    readable, writable = os.pipe()
    asked, answering = os.pipe()
    with contextlib.suppress(OSError):  # a chunk's writes in the pipe: the child runs ahead
        fcntl.fcntl(writable, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child: measured by the parent's results)
        os.close(readable)
        os.close(answering)
        child = _Child(applier_for, chunks, tally, upload, first_ids, busy_timeout_ms)
        child.run(writable, asked)
    os.close(writable)
    os.close(asked)
    answered = False
    try:
        with os.fdopen(readable, "rb") as pipe, os.fdopen(answering, "wb") as answers:
            tally = _written(pipe, answers, size, on_progress)
            answered = True
    finally:
        if not answered:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return tally


def _written(pipe: BinaryIO, answers: BinaryIO, size: int, on_progress) -> Tally:
    """This process's part: what the child sends, written as it comes, until its answer."""
    done = 0
    while True:
        try:
            kind, payload = pickle.load(pipe)
        except EOFError:
            raise ChildLost("the import's deciding process ended without an answer") from None
        if kind == "error":
            raise payload
        if kind == "ask":  # firms the import has written: as this transaction sees them
            pickle.dump(stored(payload, False), answers, pickle.HIGHEST_PROTOCOL)
            answers.flush()
        elif kind == "writes":
            payload.write()
        elif kind == "read":
            rows, position = payload
            done += rows
            on_progress(done, max(done, round(done * size / max(position, 1))))
        else:
            on_progress(done, done)
            return payload


class _Piped:
    """The child's store. Firms it has seen before (and forgotten, their chunk done) are asked
    of the parent, whose transaction holds what the import wrote; the others are read from the
    child's snapshot. Ids follow the largest stored when the child began (no one else writes
    meanwhile). Writes go down the pipe."""

    def __init__(self, pipe: BinaryIO, answers: BinaryIO, first_ids: dict):
        self.pipe, self.answers, self.seen = pipe, answers, Seen()
        self.next_ids = dict(first_ids)

    def stored(
        self, codes: list[str], lock: bool
    ) -> tuple[dict[str, Firm], dict[str, list[Facts]]]:
        """The firms of `codes`, from the snapshot or (seen before) from the parent."""
        again = self.seen.among(codes)
        firms, history = stored(list(set(codes).difference(again)), lock)
        if again:
            self.send("ask", again)
            self.pipe.flush()
            written, their_history = pickle.load(self.answers)
            firms.update(written)
            history.update(their_history)
        self.seen.add(codes)
        return firms, history

    def new_ids(self, model, count: int) -> list[int]:
        """The next `count` ids of `model`."""
        first = self.next_ids[model]
        self.next_ids[model] = first + count
        return list(range(first, first + count))

    def write(self, writes: Writable) -> None:
        """Sent to the parent, which writes them in its transaction."""
        self.send("writes", writes)

    def send(self, kind: str, payload) -> None:
        """One message to the parent: what it is, and its content."""
        pickle.dump((kind, payload), self.pipe, protocol=pickle.HIGHEST_PROTOCOL)


class _Child:
    """The forked child: reads and decides every chunk on a connection of its own, sends each
    chunk's writes and how far it read, then its answer; never returns."""

    def __init__(self, applier_for, chunks, tally: Tally, upload: IO[bytes], first_ids, busy):
        self.applier_for, self.chunks, self.tally = applier_for, chunks, tally
        self.upload, self.first_ids, self.busy_timeout_ms = upload, first_ids, busy

    def run(self, writable: int, asked: int) -> NoReturn:
        """Decide every chunk, sending what the parent needs; then exit, whatever happened."""
        status = 0
        try:
            # The parent's handle stays open here, unused and never closed (closing a copy of a
            # SQLite connection in a forked process would release locks the parent relies on).
            inherited = _reconnect(self.busy_timeout_ms)  # noqa: F841 (referenced until _exit)
            with os.fdopen(writable, "wb") as pipe, os.fdopen(asked, "rb") as answers:
                store = _Piped(pipe, answers, self.first_ids)
                try:
                    self._decide(store)
                except Exception as exc:
                    status = 1
                    store.send("error", _sendable(exc))
        except BaseException:  # the parent is gone (a broken pipe): nothing to tell
            status = 1
        finally:
            os._exit(status)

    def _decide(self, store: _Piped) -> None:
        """Every chunk read, decided and sent with how far the upload was read; the answer."""
        applier = self.applier_for(store)
        with read_snapshot():
            for chunk in self.chunks:
                applier.apply(chunk)
                store.send("read", (len(chunk), self.upload.tell()))
        store.send("answer", self.tally)


def _reconnect(busy_timeout_ms: int) -> pw.Database:
    """The child's own connection: the proxy bound anew to the same database file (opened on
    first use); the inherited handle, returned, is left as it is."""
    inherited = database.obj
    database.initialize(None)  # unbound first: binding anew closes a bound handle
    open_database(f"sqlite:///{inherited.database}", busy_timeout_ms=busy_timeout_ms)
    return inherited


def _sendable(exc: Exception) -> Exception:
    """The exception itself if it survives pickling, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
