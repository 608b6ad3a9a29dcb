"""Landing the inbox: files read ahead, normalised and written a chunk at a time, three stages
working at once; each chunk in one transaction, and only then its files removed from the
inbox."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion import inbox as inbox_rules
from ingestion.cells import normalised_cells
from ingestion.fault_points import fault_point
from ingestion.inbox import Notice, Seen
from ingestion.landing.archive import flush_file_system, make_private, remove_from_inbox
from ingestion.landing.outcome import DiskFull, FileOutcome, LandingResult, is_disk_full
from ingestion.landing.receive import UNEXPECTED_ERROR, ReceivedFile, receive_file
from ingestion.landing.report import (
    record_reports,
    reports_needed,
    write_missing_reports,
    write_submitter_report,
)
from ingestion.landing.rules import RESENT_REASON, every_row_kept, resent_submissions
from ingestion.landing.schema import ensure_raw_schema
from ingestion.landing.writer import (
    insert_file_rejections,
    insert_receipts,
    insert_submissions,
    land_cells,
    record_notices,
)
from ingestion.limits import LandingLimits
from ingestion.narrative_review.proposals import insert_proposals
from ingestion.readers.table import UnreadableFile

log = logging.getLogger(__name__)


def inbox_files(inbox: Path) -> list[Path]:
    """Regular files waiting in the inbox under their final names, in name order (what
    else it holds is reported by landing: ingestion/inbox.py)."""
    return inbox_rules.list_inbox(inbox).candidates


# A chunk of files is landed in one transaction once it holds this many rows (or files):
# a national month of the communes (50,000 rows) is one chunk. Smaller chunks let the stages
# below overlap more, but measured on two cores they cost more than they gain: the stages
# contend for the GIL and the cores (12,000-row chunks: 1.2-1.5x the CPU time of one chunk).
CHUNK_ROWS = 100_000
CHUNK_FILES = 5_000
# Landing is three stages working on successive chunks at once: reader threads archive,
# hash and parse files; the calling thread normalises a chunk's cells (ingestion/cells.py);
# a writer thread applies the rules and writes the chunk before, in its own transaction.
# calamine, Arrow, hashing, file I/O and DuckDB release the GIL, so the stages share the
# machine's cores. Files are read ahead up to these bounds.
READER_THREADS = 2
GIL_SWITCH_INTERVAL = 0.0005
READ_AHEAD_BYTES = 64 * 1024 * 1024
READ_AHEAD_FILES = 2 * CHUNK_FILES


def land_inbox(
    inbox: Path,
    archive_dir: Path,
    con: duckdb.DuckDBPyConnection,
    landed_at: dt.datetime | None = None,
    chunk_rows: int = CHUNK_ROWS,
    limits: LandingLimits | None = None,
) -> LandingResult:
    """Land every complete file waiting in the inbox, in name order, a chunk of files per
    transaction; report what else the inbox holds.

    A file is removed from the inbox only after the transaction holding its rows has
    committed, and only if it is still what was archived. Times are naive UTC. `limits`:
    LandingLimits.from_env() when not given.
    """
    try:
        return _land_inbox(inbox, archive_dir, con, landed_at, chunk_rows, limits)
    except Exception as error:
        if is_disk_full(error):
            raise DiskFull(f"{type(error).__name__}: {error}") from error
        raise


def _land_inbox(
    inbox: Path,
    archive_dir: Path,
    con: duckdb.DuckDBPyConnection,
    landed_at: dt.datetime | None,
    chunk_rows: int,
    limits: LandingLimits | None,
) -> LandingResult:
    limits = limits or LandingLimits.from_env()
    ensure_raw_schema(con)
    make_private(archive_dir, con)
    landed_at = landed_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = LandingResult()
    write_missing_reports(con, landed_at)
    listing = inbox_rules.list_inbox(inbox)
    ready, settling = inbox_rules.settled(listing.candidates, limits.settle_seconds)
    first_seen = inbox_rules.first_sightings(inbox, ready)
    seen: set[str] = set()

    def receive(path: Path) -> ReceivedFile:
        # Never after the landing: a sighting recorded by a clock set ahead counts for nothing.
        received_at = min(first_seen[path], landed_at)
        return receive_file(path, ready[path], received_at, archive_dir, limits)

    with (
        ThreadPoolExecutor(READER_THREADS, thread_name_prefix="landing-read") as readers,
        ThreadPoolExecutor(1, thread_name_prefix="landing-write") as writer,
        con.cursor() as write_con,
        _duckdb_threads(con, 1),
        _gil_switch_interval(GIL_SWITCH_INTERVAL),
        _without_cyclic_gc(),
    ):
        writing: Future[list[FileOutcome]] | None = None
        for files in _chunks(_read_ahead(readers, receive, ready), chunk_rows):
            chunk = _prepare_chunk(con, files, seen)
            if writing is not None:
                result.files.extend(writing.result())
            writing = writer.submit(_write_chunk_isolated, write_con, chunk, landed_at, inbox)
        if writing is not None:
            result.files.extend(writing.result())
    record_notices(con, [*listing.notices, *settling], landed_at)
    result.files.extend(_not_taken(n) for n in [*listing.notices, *settling])
    return result


def _not_taken(notice: Notice) -> FileOutcome:
    reason = f"{notice.kind}: {notice.reason_en}"
    return FileOutcome(notice.file_name, "", "not_taken", reason=reason)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Python's cycle collector paused for the duration. Reading a workbook makes a list per
    row; every few hundred of them start a collection that walks every object the process
    holds (a Dagster run holds many), while landing's own objects hold no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _gil_switch_interval(seconds: float) -> Iterator[None]:
    """Python's GIL switch interval, for the duration (it is one setting for the process).
    A thread coming back from calamine or DuckDB, which run without the GIL, waits for it
    up to this long while another thread runs Python: at the default 5 ms a DuckDB write
    next to a busy Python thread took 0.54 s instead of 0.19 s, at 0.5 ms 0.22 s."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@contextmanager
def _duckdb_threads(con: duckdb.DuckDBPyConnection, threads: int) -> Iterator[None]:
    """DuckDB's thread count for the database, for the duration (it is one setting for
    every connection to it). Landing's statements are small and its stages already run in
    parallel: DuckDB's own threads then cost more in hand-offs than they save."""
    (before,) = con.execute("select current_setting('threads')").fetchone()
    con.execute(f"set threads = {threads}")
    try:
        yield
    finally:
        con.execute(f"set threads = {before}")


def _read_ahead(
    pool: ThreadPoolExecutor,
    receive: Callable[[Path], ReceivedFile],
    paths: dict[Path, Seen],
) -> Iterator[ReceivedFile]:
    """receive(path) for every path, in order, with files read ahead up to the bounds."""
    pending: deque[tuple[Future[ReceivedFile], int]] = deque()
    pending_bytes = 0
    waiting = iter(paths)
    next_path = next(waiting, None)
    while next_path is not None or pending:
        while next_path is not None and (
            not pending or (pending_bytes < READ_AHEAD_BYTES and len(pending) < READ_AHEAD_FILES)
        ):
            size = paths[next_path].size
            pending.append((pool.submit(receive, next_path), size))
            pending_bytes += size
            next_path = next(waiting, None)
        future, size = pending.popleft()
        pending_bytes -= size
        yield future.result()


def _chunks(received: Iterator[ReceivedFile], chunk_rows: int) -> Iterator[list[ReceivedFile]]:
    chunk: list[ReceivedFile] = []
    rows = 0
    for file in received:
        chunk.append(file)
        rows += file.rows.num_rows if file.rows is not None else 0
        if rows >= chunk_rows or len(chunk) >= CHUNK_FILES:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


@dataclass
class _Chunk:
    files: list[ReceivedFile]  # every file of the chunk, in order
    new_files: list[ReceivedFile]  # those not landed before
    cells: pa.Table | None  # the new readable files' rows, normalised
    every_row_kept: bool = False  # proved: no row of `cells` breaks a row rule


def _prepare_chunk(
    con: duckdb.DuckDBPyConnection, files: list[ReceivedFile], seen: set[str]
) -> _Chunk:
    """Set aside the files landed before (or earlier in this run) and normalise the rest.

    "Landed before" means bytes that were read: bytes rejected whole (a wrong ending, text
    that cannot be read) were never landed, and the same bytes sent again, under a fixed
    name say, are landed afresh."""
    taken = [f for f in files if f.notice is None]
    unseen = [f.submission_id for f in taken if f.submission_id not in seen]
    landed: set[str] = set()
    if unseen:
        found = con.execute(
            "select submission_id from raw.submissions where submission_id in (select unnest(?))"
            " and not (status = 'rejected' and rows_read = 0)",
            [unseen],
        ).fetchall()
        landed = {submission_id for (submission_id,) in found}
    # The same bytes twice in one run are one submission: the first readable file of them
    # lands it, and the others are duplicates. Bytes rejected whole stay open, as above: the
    # same bytes under a fixed name later in the run (or the chunk) land in their place.
    chosen: dict[str, ReceivedFile] = {}
    for received in taken:
        if received.submission_id in seen or received.submission_id in landed:
            continue
        earlier = chosen.get(received.submission_id)
        if earlier is None or (earlier.error is not None and received.error is None):
            chosen[received.submission_id] = received
    new_files = [f for f in taken if chosen.get(f.submission_id) is f]
    seen.update(f.submission_id for f in new_files if f.error is None)
    cells = _normalised(new_files)
    if cells is None:
        return _Chunk(files, new_files, None)
    return _Chunk(files, new_files, cells, every_row_kept(cells))


def _normalised(files: list[ReceivedFile]) -> pa.Table | None:
    """The readable files' rows normalised, as one Arrow chunk (DuckDB scans a table of
    thousands of tiny chunks, one per file, slowly). Should normalising fail, each file is
    normalised alone, and a file that fails so is rejected: one file never stops the rest."""
    readable = [f.rows for f in files if f.rows is not None]
    if not readable:
        return None
    try:
        return normalised_cells(pa.concat_tables(readable).combine_chunks())
    except Exception:
        log.exception("normalising a chunk failed; normalising each file alone")
    normalised = []
    for received in files:
        if received.rows is None:
            continue
        try:
            normalised.append(normalised_cells(received.rows))
        except Exception:
            log.exception("landing %s: normalising failed unexpectedly", received.path.name)
            received.rows, received.error = None, UnreadableFile(*UNEXPECTED_ERROR)
    if not normalised:
        return None
    return pa.concat_tables(normalised, promote_options="permissive").combine_chunks()


def _write_chunk_isolated(
    con: duckdb.DuckDBPyConnection, chunk: _Chunk, landed_at: dt.datetime, inbox: Path
) -> list[FileOutcome]:
    """Land a prepared chunk in one transaction, then its reports and inbox; returns each
    file's outcome, in order. Should the transaction fail for anything but a full disk, each
    file of the chunk is landed in a transaction of its own, and a file that fails alone is rejected
    whole. Once a transaction has committed, its files are landed: what follows (reports,
    the inbox) never lands them again."""
    try:
        outcomes = _commit_chunk(con, chunk, landed_at)
    except Exception as error:
        if is_disk_full(error):
            raise
        log.exception("landing a chunk of %d files failed; landing each alone", len(chunk.files))
    else:
        return _after_commit(con, chunk, outcomes, landed_at, inbox)
    new = {id(f) for f in chunk.new_files}
    results: list[FileOutcome] = []
    for received in chunk.files:
        alone = [received] if id(received) in new else []
        try:
            single = _Chunk([received], alone, _normalised(alone))
            outcomes = _commit_chunk(con, single, landed_at)
        except Exception as error:
            if is_disk_full(error) or not alone:
                raise
            log.exception("landing %s failed unexpectedly", received.path.name)
            received.rows, received.proposals = None, None
            received.error = UnreadableFile(*UNEXPECTED_ERROR)
            single = _Chunk([received], alone, None)
            outcomes = _commit_chunk(con, single, landed_at)
        results += _after_commit(con, single, outcomes, landed_at, inbox)
    return results


def _commit_chunk(
    con: duckdb.DuckDBPyConnection, chunk: _Chunk, landed_at: dt.datetime
) -> dict[Path, FileOutcome]:
    """The chunk's rows, rejections, submissions, receipts and notices in one transaction."""
    outcomes = {f.path: FileOutcome(f.path.name, f.submission_id, "duplicate") for f in chunk.files}
    new_ids = {f.submission_id for f in chunk.new_files}
    duplicates = [f for f in chunk.files if f.notice is None and f.submission_id not in new_ids]
    con.execute("begin transaction")
    try:
        counts = (
            land_cells(con, chunk.cells, chunk.every_row_kept) if chunk.cells is not None else {}
        )
        counts.update(insert_proposals(con, [f.proposals for f in chunk.new_files if f.proposals]))
        for received in chunk.new_files:
            outcomes[received.path] = _outcome(received, counts)
        insert_file_rejections(con, chunk.new_files, outcomes)
        insert_submissions(con, chunk.new_files, outcomes, landed_at)
        resent = resent_submissions(con, [f.submission_id for f in duplicates])
        for received in duplicates:
            if received.submission_id in resent:
                outcomes[received.path].status = "resent"
                outcomes[received.path].reason = RESENT_REASON
        insert_receipts(
            con,
            [*chunk.new_files, *(f for f in duplicates if f.submission_id in resent)],
            outcomes,
            landed_at,
        )
        not_read = [f for f in chunk.files if f.notice is not None]
        for received in not_read:
            outcomes[received.path] = _not_taken(received.notice)
        record_notices(con, [f.notice for f in not_read], landed_at)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    fault_point("landing.committed", ", ".join(f.path.name for f in chunk.files))
    return outcomes


def _after_commit(
    con: duckdb.DuckDBPyConnection,
    chunk: _Chunk,
    outcomes: dict[Path, FileOutcome],
    landed_at: dt.datetime,
    inbox: Path,
) -> list[FileOutcome]:
    """The submitter reports of a committed chunk, then its files out of the inbox. Should
    either fail (a report that cannot be written, a file the inbox will not let go), the
    landing stands: the next run writes the missing reports (write_missing_reports) and takes
    the file left in the inbox as a duplicate."""
    try:
        needing = reports_needed(con, [f.submission_id for f in chunk.new_files])
        reports = []
        for received in chunk.new_files:
            if received.submission_id in needing:
                report = write_submitter_report(con, received.archived, outcomes[received.path])
                reports.append((received.submission_id, str(report), landed_at))
        record_reports(con, reports)
        taken = [f for f in chunk.files if f.notice is None]
        if taken:
            flush_file_system(taken[0].archived)
        removed = remove_from_inbox([(f.path, f.seen) for f in taken])
        inbox_rules.forget_sightings(inbox, removed)
    except Exception as error:
        if is_disk_full(error):
            raise
        log.exception(
            "after landing %s: reports or the inbox failed; the next run completes them",
            ", ".join(f.path.name for f in chunk.files),
        )
    return [outcomes[f.path] for f in chunk.files]


def _outcome(received: ReceivedFile, counts: dict[str, tuple[int, int]]) -> FileOutcome:
    name, submission_id = received.path.name, received.submission_id
    if received.error is not None:
        return FileOutcome(name, submission_id, "rejected", reason=received.error.reason_en)
    read, accepted = counts[submission_id]
    rejected = read - accepted
    status = "accepted" if rejected == 0 else "partially_accepted" if accepted else "rejected"
    reason = None if rejected == 0 else f"{rejected} of {read} rows rejected; see raw.rejections"
    # Rows read = accepted + rejected + skipped (each skip traced in raw.skipped_rows).
    skipped = _rows_skipped(received)
    return FileOutcome(
        name, submission_id, status, read + skipped, accepted, rejected, reason, skipped
    )


def _rows_skipped(received: ReceivedFile) -> int:
    if received.skipped is None or received.skipped.num_rows == 0:
        return 0
    return received.skipped.column("counted").combine_chunks().true_count
