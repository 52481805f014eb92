"""The import from end to end: the stages in order, and the transaction they write in.

A dry run, a small list, a revocation list and every list on PostgreSQL are read and checked
whole (steps 1 to 5, reading.py and admission.py) before a write transaction begins; a dry run
takes none at all. A large list on SQLite is read as it is written: once its file, header and
facts are checked (steps 1 to 3), a forked child reads, identifies and decides its rows a chunk
at a time while this process writes them (pipeline.py). Either way, any bad row, unresolved
name or row outside a bureau's districts leaves the registry as it was, and the answer lists
every problem of the list.
"""

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from registry.db import read_snapshot, write_transaction
from registry.messages import Message
from registry.services import scope
from registry.services.certifications import tiers_by_key
from registry.services.errors import Forbidden
from registry.services.imports import pipeline
from registry.services.imports.admission import Admission
from registry.services.imports.apply import Applier, Certifier, Terms
from registry.services.imports.facts import REVOKE
from registry.services.imports.options import DEFAULT_OPTIONS, ImportOptions, Upload
from registry.services.imports.reading import open_list, resolutions, spooled
from registry.services.imports.result import ImportResult, Tally, rejected
from registry.services.imports.revoke import Revoker
from registry.services.imports.rows import ListRow
from registry.services.imports.store import InProcess, Store
from registry.services.imports.vocabulary import Vocabulary
from registry.services.scope import Actor

Progress = Callable[[int, int], None]  # (rows done, rows in all): a chunk at a time


def run_import(
    actor: Actor,
    upload: Upload,
    *,
    given: dict | None = None,
    resolve: Upload | dict | None = None,
    options: ImportOptions = DEFAULT_OPTIONS,
    on_progress: Progress | None = None,
) -> ImportResult:
    """Load a list: read and check all of it, then write all of it (or, dry, nothing).

    `given`: the list's facts as the clerk gives them (tier, year, certified_on, document_no,
    batch, renewal, valid_until); `resolve`: names → credit codes for names-only rows.
    Raises ImportRejected (bad rows, missing facts, unresolved names: nothing written),
    Forbidden (rows outside a bureau's districts) or Invalid (a bad parameter).
    """
    tiers = tiers_by_key()
    size = _size(upload.file)
    vocabulary = Vocabulary.load()
    opened = open_list(upload, given=given, options=options, vocabulary=vocabulary)
    resolved = resolutions(resolve if resolve is not None else opened.resolve, vocabulary, options)
    only = options.only_districts
    if only is None and options.own_districts_only:
        only = scope.writes_only_in(actor)
    tally = Tally.begun(opened.read, outcomes=options.outcomes)
    admission = Admission(tally.identified, resolved, only, options.skip_unresolved)
    terms = Terms(actor, tiers, only, opened.read.columns)
    kind = Revoker if opened.read.action == REVOKE else Certifier
    progress = on_progress or _unreported
    if not options.dry_run and pipeline.streams(kind, size):
        chunks = admission.streamed(opened.rows)
        tally = _forked(terms, tally, chunks, upload.file, size, progress)
    else:
        _in_process(kind, terms, tally, admission, opened.rows, options.dry_run, progress)
    return _answer(options.dry_run, tally)


def _unreported(done: int, total: int) -> None:
    """No one follows the import's progress."""


def _size(file: IO[bytes]) -> int:
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    return size


class _Discard(Exception):
    """Raised inside the transaction to roll it back (bad rows, forbidden rows)."""


@contextlib.contextmanager
def _discarded():
    with contextlib.suppress(_Discard):
        yield


def _forked(
    terms: Terms,
    tally: Tally,
    chunks: Iterator[list[ListRow]],
    upload: IO[bytes],
    size: int,
    progress: Progress,
) -> Tally:
    """Steps 4 to 6 of a large list on SQLite: read and decided in a child process, written in
    this one's write transaction; the answer is the child's tally."""

    def certifier(store: Store) -> Certifier:
        """The child's applier, made in the child with the child's store."""
        return Certifier(terms, tally.applied, write=True, repeats=(), store=store)

    with _discarded(), write_transaction():
        answered = pipeline.apply_forked(certifier, chunks, tally, upload, size, progress)
        if answered.applied.forbidden or answered.refused:
            raise _Discard
    return answered


def _in_process(
    kind: type[Applier],
    terms: Terms,
    tally: Tally,
    admission: Admission,
    rows: Iterator[ListRow],
    dry_run: bool,
    progress: Progress,
) -> None:
    """Steps 4 and 5 for the whole list, then step 6 in this process."""
    spool = spooled(rows)
    try:
        with read_snapshot():
            for row in admission.identify(spool.to_identify):
                spool.repeats.add(row.credit_code)  # it counts toward the list's repeats
        admission.finished()
        write = not (tally.refused or dry_run)
        applier = kind(terms, tally.applied, write=write, repeats=spool.repeats, store=InProcess())
        chunks = (admission.admitted(chunk) for chunk in spool.chunks())
        _apply(applier, chunks, len(spool), tally, progress)
    finally:
        spool.close()


def _apply(
    applier: Applier, chunks: Iterable[list[ListRow]], total: int, tally: Tally, progress
) -> None:
    """Step 6 in this process: the rows, chunk by chunk, in one write transaction (or, dry, a
    snapshot)."""
    with _discarded(), write_transaction() if applier.write else read_snapshot():
        done = 0
        for chunk in chunks:
            applier.apply(chunk)
            done += len(chunk)
            progress(done, total)
        if tally.applied.forbidden or tally.refused:
            raise _Discard


def _answer(dry_run: bool, tally: Tally) -> ImportResult:
    """The import's answer, or why nothing was written."""
    forbidden = tally.applied.forbidden
    if forbidden:
        rows = [str(n) for n in forbidden[:20]] + (["…"] if len(forbidden) > 20 else [])
        raise Forbidden("import.outside_own_districts", rows=rows)
    result = ImportResult.of(dry_run, tally)
    if result.unresolved and not result.errors:
        raise rejected(result, Message("import.unresolved", count=len(result.unresolved)))
    if result.errors:
        raise rejected(result)
    return result
