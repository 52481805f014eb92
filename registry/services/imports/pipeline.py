"""A large import on both cores: its rows decided in a child process, written in this one.

Deciding a chunk (which firms are new, which titles, the audit events, the tallies' change) is
Python work; writing it is mostly the database's, with the driver's own Python around it. In
one process they take turns; here a forked child decides chunk after chunk and sends each
chunk's writes (apply.Writes: plain rows) down a pipe, while this process, inside its write
transaction, writes the chunk before. The answer is the child's (its counts, conflicts,
warnings, errors), sent last.

Only on SQLite with a database file: the child reads from a connection of its own, whose
snapshot begins after this process took the write lock, so it sees the registry as the import
found it, and nothing changes it meanwhile (SQLite has one writer). The child never sees what
the import writes and needs not: like a dry run, it keeps in memory the firms that come again,
and counts the ids it gives after the largest ones stored. PostgreSQL locks each firm an import
touches inside the import's own transaction (FOR UPDATE), which a second connection cannot do:
there, and for small lists, the import decides and writes in one process.
"""

import contextlib
import fcntl
import os
import pickle
import signal
from collections.abc import Callable, Iterable

from registry.db import database, forget_connection, is_sqlite, last_id, read_snapshot
from registry.models import Certification, Enterprise
from registry.services.imports.apply import Certifier

PIPE_BYTES = 1 << 20  # Linux's largest by default (64 KiB unless asked)
# Fewer rows than this are decided in this process: forking costs more than it saves.
MIN_ROWS = 4000


class ChildLost(RuntimeError):
    """The deciding process ended without its answer (killed, out of memory)."""


def forks(applier, rows: int) -> bool:
    """Whether this import is decided in a child process."""
    path = database.obj.database if is_sqlite() else ""
    return (
        isinstance(applier, Certifier)
        and applier.write
        and rows >= MIN_ROWS
        and hasattr(os, "fork")
        and path not in ("", ":memory:")
        and not path.startswith("file:")
    )


def apply_forked(
    applier: Certifier,
    chunks: Iterable[list],
    on_progress: Callable[[int], None],
) -> None:
    """Decide `chunks` in a child process and write them here, in the open write transaction;
    `applier.result` and `applier.forbidden` become the child's."""
    first_ids = {model: last_id(model) + 1 for model in (Enterprise, Certification)}
    readable, writable = os.pipe()
    with contextlib.suppress(OSError):  # a chunk's writes in the pipe: the child runs ahead
        fcntl.fcntl(writable, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child: measured by the parent's results)
        os.close(readable)
        _decide(applier, chunks, first_ids, writable)
    os.close(writable)
    answered = False
    try:
        with os.fdopen(readable, "rb") as pipe:
            done = 0
            while not answered:
                try:
                    kind, payload = pickle.load(pipe)
                except EOFError:
                    lost = "the import's deciding process ended without an answer"
                    raise ChildLost(lost) from None
                if kind == "error":
                    raise payload
                if kind == "writes":
                    rows, writes = payload
                    if writes is not None:
                        writes.write()
                    done += rows
                    on_progress(done)
                else:
                    result, forbidden = payload
                    applier.result.clear()
                    applier.result.update(result)
                    applier.forbidden[:] = forbidden
                    answered = True
    finally:
        if not answered:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


class _Counted:
    """Ids after the largest stored when the child began (no one else writes meanwhile)."""

    def __init__(self, first: dict):
        self.next = dict(first)

    def __call__(self, model, count: int) -> list[int]:
        first = self.next[model]
        self.next[model] = first + count
        return list(range(first, first + count))


def _decide(applier: Certifier, chunks: Iterable[list], first_ids: dict, writable: int):
    """The child: decide every chunk, send each one's writes, then the answer; never return."""
    status = 0
    # The parent's connection stays open here, unused and never closed: closing a copy of a
    # SQLite connection in a forked process would release locks the parent relies on.
    inherited = database.obj._state.conn  # noqa: F841 (kept referenced until _exit)
    forget_connection()
    try:
        with os.fdopen(writable, "wb") as pipe:
            try:
                applier.new_ids = _Counted(first_ids)
                with read_snapshot():
                    for chunk in chunks:
                        message = ("writes", (len(chunk), applier.decide(chunk)))
                        pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
                answer = (applier.result, applier.forbidden)
                pickle.dump(("answer", answer), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                status = 1
                pickle.dump(("error", _sendable(exc)), pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # the parent is gone (a broken pipe): nothing to tell
        status = 1
    finally:
        os._exit(status)


def _sendable(exc: Exception) -> Exception:
    """The exception itself if it survives pickling, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
