"""The import from end to end: the stages in order, and the transaction they write in.

A dry run, a small list, a revocation list and every list on PostgreSQL are read and checked
whole (steps 1 to 5, reading.py and admission.py) before a write transaction begins; a dry run
takes none at all. A large list on SQLite is read as it is written: once its file, header and
facts are checked (steps 1 to 3), a forked child reads, identifies and decides its rows a chunk
at a time while this process writes them (pipeline.py). Either way, any bad row, unresolved
name or row outside a bureau's districts leaves the registry as it was, and the answer lists
every problem of the list.

A workbook of several lists (book.py) is one import: its sheets are read and checked whole, one
after the other, then written in one write transaction, in the workbook's order; the forked
child serves only a file's single list.
"""

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator
from typing import IO, NamedTuple

from registry.db import read_snapshot, write_transaction
from registry.messages import Message
from registry.services import scope
from registry.services.certifications import tiers_by_key
from registry.services.errors import Forbidden
from registry.services.imports import pipeline
from registry.services.imports.admission import Admission
from registry.services.imports.apply import Applier, Certifier, Terms
from registry.services.imports.book import BookSheet, named, open_book
from registry.services.imports.closing import settle
from registry.services.imports.facts import CERTIFY, REVOKE
from registry.services.imports.options import DEFAULT_OPTIONS, ImportOptions, Upload
from registry.services.imports.propose import Proposer
from registry.services.imports.reading import OpenList, resolutions, spooled
from registry.services.imports.result import ImportResult, Tally, combined, rejected
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
    size = _size(upload.file)
    vocabulary = Vocabulary.load()
    book = open_book(upload, given=given, options=options, vocabulary=vocabulary)
    lists = [entry for entry in book if entry.opened]
    first = lists[0].opened
    resolved = resolutions(resolve if resolve is not None else first.resolve, vocabulary, options)
    only = options.only_districts
    if only is None and options.own_districts_only:
        only = scope.writes_only_in(actor)
    job = _Job(actor, tiers_by_key(), only, resolved, options, on_progress or _unreported)
    if len(lists) > 1:
        tallies = _several(job, lists)
    else:
        with named(lists[0].name) if len(book) > 1 else contextlib.nullcontext():
            tallies = [_one(job, first, upload.file, size)]
    return _answer(options.dry_run, book, tallies)


class _Job(NamedTuple):
    """What every list of the file is loaded with."""

    actor: Actor
    tiers: dict
    only: frozenset[str] | None
    resolved: dict
    options: ImportOptions
    progress: Progress

    def terms(self, opened: OpenList) -> Terms:
        read = opened.read
        stage = read.list["stage"]["value"]
        return Terms(self.actor, self.tiers, self.only, read.columns, read.action, stage)

    def admission(self, tally: Tally) -> Admission:
        return Admission(tally.identified, self.resolved, self.only, self.options.skip_unresolved)


def _one(job: _Job, opened: OpenList, upload: IO[bytes], size: int) -> Tally:
    """A file's one list: a large one on SQLite through a forked child, any other in process."""
    options = job.options
    tally = Tally.begun(opened.read, outcomes=options.outcomes)
    admission, terms = job.admission(tally), job.terms(opened)
    kind = _kind(opened.read.action)
    if not options.dry_run and pipeline.streams(kind, size):
        chunks = admission.streamed(opened.rows)
        return _forked(terms, tally, chunks, upload, size, job.progress)
    _in_process(kind, terms, tally, admission, opened.rows, options.dry_run, job.progress)
    return tally


def _several(job: _Job, lists: list[BookSheet]) -> list[Tally]:
    """A book's lists, each read and identified in turn, then all written in one write
    transaction (dry: rolled back), each sheet seeing the ones before it: any sheet refused,
    nothing is written."""
    spools, tallies, admissions = [], [], []
    try:
        for entry in lists:
            with named(entry.name):
                spools.append(spooled(entry.opened.rows))
        for entry, spool in zip(lists, spools, strict=True):
            tally = Tally.begun(entry.opened.read, outcomes=job.options.outcomes)
            admission = job.admission(tally)
            if admissions:  # one clerk's resolutions for the book: used by any of its sheets
                admission.identifier = admissions[0].identifier
            with read_snapshot():
                for row in admission.identify(spool.to_identify):
                    spool.repeats.add(row.credit_code)
            tallies.append(tally)
            admissions.append(admission)
        admissions[-1].finished()
        _apply_book(job, lists, spools, tallies, admissions)
    finally:
        for spool in spools:
            spool.close()
    return tallies


def _apply_book(job: _Job, lists, spools, tallies: list[Tally], admissions) -> None:
    """Step 6 for every list of the book, in one write transaction. A dry run writes too and
    rolls it all back, so that each sheet meets what the sheets before it would write, as the
    load does (a firm in two sheets is new in the first, unchanged in the second); a book
    refused already is only decided, in a snapshot."""
    write = not any(t.refused for t in tallies)
    total, done = sum(len(spool) for spool in spools), 0
    with _discarded(), write_transaction() if write else read_snapshot():
        for entry, spool, tally, admission in zip(lists, spools, tallies, admissions, strict=True):
            kind = _kind(entry.opened.read.action)
            applier = kind(
                job.terms(entry.opened),
                tally.applied,
                write=write,
                repeats=spool.repeats,
                store=InProcess(),
            )
            for chunk in spool.chunks():
                applier.apply(admission.admitted(chunk))
                done += len(chunk)
                job.progress(done, total)
        _settled(job.actor, job.only, tallies, write=write)
        if job.options.dry_run or any(t.applied.forbidden or t.refused for t in tallies):
            raise _Discard


def _kind(action: str) -> type[Applier]:
    """The applier of a list of this kind: titles granted, revoked, or proposed."""
    if action == REVOKE:
        return Revoker
    return Certifier if action == CERTIFY else Proposer


def _settled(actor: Actor, only, tallies: list[Tally], *, write: bool) -> None:
    """The final lists' applications closed (if `write`) and those left out named, once their
    titles are written (closing.py)."""
    finals = [(t.read.list, t.applied) for t in tallies if t.read.action == CERTIFY]
    if finals and not any(t.applied.forbidden or t.refused for t in tallies):
        settle(actor, finals, only, write)


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
        _settled(terms.actor, terms.only_districts, [answered], write=True)
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
        _settled(applier.actor, applier.terms.only_districts, [tally], write=applier.write)


def _answer(dry_run: bool, book: list[BookSheet], tallies: list[Tally]) -> ImportResult:
    """The import's answer, or why nothing was written: for a file of one sheet as ever; for a
    book, its totals with each sheet's own list and counts (`sheets`)."""
    lists = [entry for entry in book if entry.opened]
    several = len(book) > 1
    forbidden = [
        f"{entry.name}:{n}" if several else str(n)
        for entry, tally in zip(lists, tallies, strict=True)
        for n in tally.applied.forbidden
    ]
    if forbidden:
        rows = forbidden[:20] + (["…"] if len(forbidden) > 20 else [])
        raise Forbidden("import.outside_own_districts", rows=rows)
    results = [ImportResult.of(dry_run, tally) for tally in tallies]
    named = [(entry.name, result) for entry, result in zip(lists, results, strict=True)]
    result = combined(dry_run, named) if several else results[0]
    # By position: two sheets may share a name (a PDF's two tables on one page).
    counted = {entry.position: r for entry, r in zip(lists, results, strict=True)}
    result.sheets = [
        {**entry.report(), "counts": counted[entry.position].counts() if entry.opened else None}
        for entry in book
    ]
    if result.unresolved and not result.errors:
        raise rejected(result, Message("import.unresolved", count=len(result.unresolved)))
    if result.errors:
        raise rejected(result)
    return result
