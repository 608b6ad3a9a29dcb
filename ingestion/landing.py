"""Landing: every file in the inbox becomes a submission in the build database's raw schema.

The order of steps makes a crash at any point safe to repeat: the file is first archived
unchanged (content-addressed, never overwritten), then its rows are written in one
transaction, and only then is it removed from the inbox. A file whose content was landed
before is recognised by its hash and not landed twice.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.cells import normalised_cells
from ingestion.narrative_review.proposals import (
    Proposals,
    ensure_narrative_schema,
    insert_proposals,
    is_narrative,
    read_proposals,
)
from ingestion.readers.dispatch import read_file
from ingestion.readers.long_table import UnreadableFile
from ingestion.readers.skips import SKIPPED_DDL, insert_skipped, skipped_report_lines
from ingestion.reference.tables import land_reference_tables

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.submissions (
    submission_id varchar primary key,  -- sha256 of the file's bytes
    file_name varchar not null,
    archived_path varchar not null,
    received_at timestamp not null,
    shape varchar not null,
    status varchar not null,            -- accepted | partially_accepted | rejected
    rows_read integer not null,
    rows_accepted integer not null,
    rows_rejected integer not null,
    rejection_reason_en varchar,
    rejection_reason_vi varchar
);
create table if not exists raw.submission_values (
    submission_id varchar not null,
    row_number integer not null,
    unit_code varchar not null,
    period_code varchar not null,
    indicator_code varchar not null,
    value double not null,
    value_text varchar not null
    -- (submission_id, row_number) is unique by construction: one submission per content
    -- hash, one row number per row read. Not declared as a key: maintaining the index
    -- costs a third of writing the rows (databases landed before keep theirs).
);
create table if not exists raw.rejections (
    submission_id varchar not null,
    file_name varchar not null,
    row_number integer,                 -- null when the whole file was rejected
    column_name varchar,
    cell_text varchar,
    reason_en varchar not null,
    reason_vi varchar not null
);
-- Steward decisions (ingestion/stewardship.py): appended, never updated.
create table if not exists raw.steward_decisions (
    decision_id varchar primary key,
    submission_id varchar not null,
    decision varchar not null,          -- accept | reject | send_back
    reason varchar not null,
    steward varchar not null,
    decided_at timestamp not null
);
-- Added with the Vietnamese number and period rules; kept as ALTERs so an existing build
-- database gains them in place.
alter table raw.submission_values add column if not exists value_approximate boolean;
alter table raw.submission_values add column if not exists value_qualifier varchar;
alter table raw.submission_values add column if not exists value_whole double;
alter table raw.submission_values add column if not exists value_is_percent boolean;
alter table raw.submission_values add column if not exists period_text varchar;
alter table raw.submission_values add column if not exists period_kind varchar;
alter table raw.submission_values add column if not exists period_as_of date;
alter table raw.submission_values add column if not exists source_location varchar;
alter table raw.submission_values add column if not exists unit_of_measure varchar;
alter table raw.submission_values add column if not exists programme varchar;
alter table raw.submission_values add column if not exists disaggregation varchar;
alter table raw.submission_values add column if not exists note varchar;
alter table raw.submission_values add column if not exists unit_text varchar;
alter table raw.submission_values add column if not exists indicator_text varchar;
alter table raw.rejections add column if not exists source_location varchar;
-- received_at is when the file arrived in the inbox (its mtime there, never later than
-- landing); landed_at is when the pipeline took it in. Databases landed before landed_at
-- existed keep null there.
alter table raw.submissions add column if not exists landed_at timestamp;
-- The disaggregation as written; `disaggregation` holds its canonical code (null: total).
alter table raw.submission_values add column if not exists disaggregation_text varchar;
-- A value cell holding a withdrawal marker ('rút', 'hủy', ...): the figure is withdrawn and
-- `value` is null (docs/ingestion.md, "Withdrawing a figure").
alter table raw.submission_values add column if not exists value_withdrawn boolean;
alter table raw.submission_values alter column value drop not null;
"""


@dataclass
class FileOutcome:
    file_name: str
    submission_id: str
    status: str  # accepted | partially_accepted | rejected | duplicate
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    reason: str | None = None
    rows_skipped: int = 0  # section, total, signature and title rows (counted in rows_read)


@dataclass
class LandingResult:
    files: list[FileOutcome] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for f in self.files if f.status in statuses)

    @property
    def taken_in(self) -> int:
        return self.count("accepted", "partially_accepted")

    @property
    def rejected(self) -> int:
        return self.count("rejected")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_DDL)
    con.execute(SKIPPED_DDL)
    ensure_narrative_schema(con)


def land_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the reference tables with the current reviewed files."""
    ensure_raw_schema(con)
    land_reference_tables(con)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_file(source: Path, data: bytes, submission_id: str, archive_dir: Path) -> Path:
    """Copy the file, byte for byte, to archive/<hash prefix>/<hash>__<original name>.

    One directory per hash prefix (256 in all), not one per file: creating a directory for
    every submission cost about 1 ms a file on the build machine's disk, half the time of
    landing a commune's CSV. Files archived before under <hash>/<original name> stay there;
    raw.submissions.archived_path gives each file's place.

    A new file is created in its place at once (exclusively, so two writers never share
    it), not written beside and renamed: each entry made in a directory costs the file
    system a journal write, and the rename was one of two (archiving 3,321 commune CSVs on
    two threads: 2.20 s to 1.82 s at best, 2.68 s to 2.30 s at the median). A file already
    in its place is kept only if it holds exactly `data`; one cut short by a crash is written
    again whole, beside and renamed over.
    """
    target = archive_dir / submission_id[:2] / f"{submission_id}__{source.name}"
    try:
        out = _create_new(target)
    except FileExistsError:
        if target.read_bytes() != data:
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(data)
            partial.replace(target)
        return target
    with out:
        out.write(data)
    return target


def _create_new(path: Path) -> BinaryIO:
    """`path` opened for writing, created now; FileExistsError if it is there already."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        descriptor = os.open(path, flags, 0o644)
    except FileNotFoundError:  # the first file of its prefix
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, flags, 0o644)
    return os.fdopen(descriptor, "wb")


def inbox_files(inbox: Path) -> list[Path]:
    """Files waiting in the inbox, in name order; hidden and partial uploads are left alone."""
    if not inbox.exists():
        return []
    return sorted(
        p
        for p in inbox.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".partial")
    )


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
) -> LandingResult:
    """Land every file waiting in the inbox, in name order, a chunk of files per transaction.

    A file is removed from the inbox only after the transaction holding its rows has
    committed. Times are naive UTC.
    """
    ensure_raw_schema(con)
    landed_at = landed_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = LandingResult()
    paths = inbox_files(inbox)
    seen: set[str] = set()

    def receive(path: Path) -> _ReceivedFile:
        return _receive_file(path, archive_dir, landed_at)

    with (
        ThreadPoolExecutor(READER_THREADS, thread_name_prefix="landing-read") as readers,
        ThreadPoolExecutor(1, thread_name_prefix="landing-write") as writer,
        con.cursor() as write_con,
        _duckdb_threads(con, 1),
        _gil_switch_interval(GIL_SWITCH_INTERVAL),
        _without_cyclic_gc(),
    ):
        writing: Future[list[FileOutcome]] | None = None
        for files in _chunks(_read_ahead(readers, receive, paths), chunk_rows):
            chunk = _prepare_chunk(con, files, seen)
            if writing is not None:
                result.files.extend(writing.result())
            writing = writer.submit(_write_chunk, write_con, chunk, landed_at)
        if writing is not None:
            result.files.extend(writing.result())
    return result


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
    pool: ThreadPoolExecutor, receive: Callable[[Path], _ReceivedFile], paths: list[Path]
) -> Iterator[_ReceivedFile]:
    """receive(path) for every path, in order, with files read ahead up to the bounds."""
    pending: deque[tuple[Future[_ReceivedFile], int]] = deque()
    pending_bytes = 0
    waiting = iter(paths)
    next_path = next(waiting, None)
    while next_path is not None or pending:
        while next_path is not None and (
            not pending or (pending_bytes < READ_AHEAD_BYTES and len(pending) < READ_AHEAD_FILES)
        ):
            size = next_path.stat().st_size
            pending.append((pool.submit(receive, next_path), size))
            pending_bytes += size
            next_path = next(waiting, None)
        future, size = pending.popleft()
        pending_bytes -= size
        yield future.result()


def _chunks(received: Iterator[_ReceivedFile], chunk_rows: int) -> Iterator[list[_ReceivedFile]]:
    chunk: list[_ReceivedFile] = []
    rows = 0
    for file in received:
        chunk.append(file)
        rows += file.rows.num_rows if file.rows is not None else 0
        if rows >= chunk_rows or len(chunk) >= CHUNK_FILES:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


def received_time(path: Path, landed_at: dt.datetime) -> dt.datetime:
    """When the file arrived in the inbox: its modification time there, in naive UTC.

    Capped at the landing time: a clock set ahead on the machine that wrote the file must
    not make a report look received after it was taken in.
    """
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)
    return min(mtime, landed_at)


@dataclass
class _ReceivedFile:
    path: Path
    submission_id: str
    archived: Path
    shape: str
    received_at: dt.datetime
    rows: pa.Table | None = None
    error: UnreadableFile | None = None
    skipped: pa.Table | None = None  # skipped sheets and rows (readers/skips.py)
    proposals: Proposals | None = None  # a narrative report's figures, for review


def _receive_file(path: Path, archive_dir: Path, landed_at: dt.datetime) -> _ReceivedFile:
    """Archive a file unchanged and read its rows (in a reader thread).

    A file whose bytes were landed before is read here too, and recognised as a duplicate
    when its chunk is landed: reading it is wasted only in that rare case.
    """
    received_at = received_time(path, landed_at)
    data = path.read_bytes()
    submission_id = content_hash(data)
    archived = archive_file(path, data, submission_id, archive_dir)
    received = _ReceivedFile(path, submission_id, archived, "unknown", received_at)
    try:
        if is_narrative(path, data):
            received.shape, received.proposals = read_proposals(path, data, submission_id)
            return received
        read = read_file(path, data)
        received.shape, rows, received.skipped = read.shape, read.rows, read.skipped
        if rows.num_rows == 0:
            raise UnreadableFile(
                "the file has a header but no rows", "tệp có tiêu đề nhưng không có dòng số liệu"
            )
        n = rows.num_rows
        received.rows = rows.append_column(
            "submission_id", pa.repeat(pa.scalar(submission_id, pa.string()), n)
        ).append_column("file_name", pa.repeat(pa.scalar(path.name, pa.string()), n))
    except UnreadableFile as exc:
        received.error = exc
    return received


@dataclass
class _Chunk:
    files: list[_ReceivedFile]  # every file of the chunk, in order
    new_files: list[_ReceivedFile]  # those not landed before
    cells: pa.Table | None  # the new readable files' rows, normalised
    every_row_kept: bool = False  # proved: no row of `cells` breaks a row rule


def _prepare_chunk(
    con: duckdb.DuckDBPyConnection, files: list[_ReceivedFile], seen: set[str]
) -> _Chunk:
    """Set aside the files landed before (or earlier in this run) and normalise the rest."""
    unseen = [f.submission_id for f in files if f.submission_id not in seen]
    landed: set[str] = set()
    if unseen:
        found = con.execute(
            "select submission_id from raw.submissions where submission_id in (select unnest(?))",
            [unseen],
        ).fetchall()
        landed = {submission_id for (submission_id,) in found}
    new_files = []
    for received in files:
        if received.submission_id not in seen and received.submission_id not in landed:
            new_files.append(received)
        seen.add(received.submission_id)  # the same bytes twice in one run: one submission
    readable = [f.rows for f in new_files if f.rows is not None]
    # One Arrow chunk: DuckDB scans a table of thousands of tiny chunks (one per file) slowly.
    if not readable:
        return _Chunk(files, new_files, None)
    cells = normalised_cells(pa.concat_tables(readable).combine_chunks())
    return _Chunk(files, new_files, cells, every_row_kept(cells))


def _write_chunk(
    con: duckdb.DuckDBPyConnection, chunk: _Chunk, landed_at: dt.datetime
) -> list[FileOutcome]:
    """Land a prepared chunk in one transaction; returns each file's outcome, in order."""
    outcomes = {f.path: FileOutcome(f.path.name, f.submission_id, "duplicate") for f in chunk.files}
    con.execute("begin transaction")
    try:
        counts = (
            _land_cells(con, chunk.cells, chunk.every_row_kept) if chunk.cells is not None else {}
        )
        counts.update(insert_proposals(con, [f.proposals for f in chunk.new_files if f.proposals]))
        for received in chunk.new_files:
            outcome = _outcome(received, counts)
            outcomes[received.path] = outcome
            if received.error is not None:
                con.execute(
                    "insert into raw.rejections (submission_id, file_name, reason_en, reason_vi) "
                    "values (?, ?, ?, ?)",
                    [
                        outcome.submission_id,
                        outcome.file_name,
                        received.error.reason_en,
                        received.error.reason_vi,
                    ],
                )
        _insert_submissions(con, chunk.new_files, outcomes, landed_at)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    for received in chunk.new_files:
        outcome = outcomes[received.path]
        skipped_any = received.skipped is not None and received.skipped.num_rows > 0
        if outcome.status in ("rejected", "partially_accepted") or skipped_any:
            write_submitter_report(con, received.archived, outcome)
    remove_from_inbox([f.path for f in chunk.files])
    return [outcomes[f.path] for f in chunk.files]


# Removing a file that is on disk waits on the file system's journal (about 2.4 ms a file on
# the build machine's disk, 3.3 s of landing 1,000 commune CSVs); the waits overlap when
# several removals are in flight (0.26 ms a file with 16).
_REMOVALS_IN_FLIGHT = 16


def remove_from_inbox(paths: list[Path]) -> None:
    """Remove landed files from the inbox; every file is removed before this returns."""
    if len(paths) < 2:
        for path in paths:
            path.unlink()
        return
    with ThreadPoolExecutor(max_workers=_REMOVALS_IN_FLIGHT) as pool:
        # list(): an error removing any file is raised here, after the others are tried.
        list(pool.map(Path.unlink, paths))


def _outcome(received: _ReceivedFile, counts: dict[str, tuple[int, int]]) -> FileOutcome:
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


def _rows_skipped(received: _ReceivedFile) -> int:
    if received.skipped is None or received.skipped.num_rows == 0:
        return 0
    return received.skipped.column("counted").combine_chunks().true_count


SUBMISSION_FIELDS = [
    ("submission_id", pa.string()),
    ("file_name", pa.string()),
    ("archived_path", pa.string()),
    ("received_at", pa.timestamp("us")),
    ("shape", pa.string()),
    ("status", pa.string()),
    ("rows_read", pa.int32()),
    ("rows_accepted", pa.int32()),
    ("rows_rejected", pa.int32()),
    ("rejection_reason_en", pa.string()),
    ("rejection_reason_vi", pa.string()),
    ("landed_at", pa.timestamp("us")),
]


def _insert_submissions(con, files: list[_ReceivedFile], outcomes, landed_at) -> None:
    rows = []
    for f in files:
        o = outcomes[f.path]
        reason_vi = f.error.reason_vi if f.error else None
        if o.status == "partially_accepted" or (o.status == "rejected" and not f.error):
            reason_vi = f"{o.rows_rejected} trên {o.rows_read} dòng bị từ chối"
        if f.error is None and f.skipped is not None:
            insert_skipped(con, f.submission_id, o.file_name, f.skipped)
        rows.append(
            (
                f.submission_id,
                o.file_name,
                str(f.archived),
                f.received_at,
                f.shape,
                o.status,
                o.rows_read,
                o.rows_accepted,
                o.rows_rejected,
                o.reason,
                reason_vi,
                landed_at,
            )
        )
    if not rows:
        return
    # One columnar insert: row-by-row executemany costs a third of a national batch's landing.
    con.register("_submissions", _lookup_table(SUBMISSION_FIELDS, rows))
    try:
        con.execute(
            f"insert into raw.submissions ({', '.join(n for n, _ in SUBMISSION_FIELDS)}) "
            "select * from _submissions"
        )
    finally:
        con.unregister("_submissions")


REPORT_SUFFIX = ".report.txt"
REPORT_ROWS_LISTED = 200


def write_submitter_report(
    con: duckdb.DuckDBPyConnection, archived: Path, outcome: FileOutcome
) -> Path:
    """A short report for the unit that sent the file, beside the archived copy.

    Vietnamese first: it goes back to the unit. The full list stays in raw.rejections.
    """
    rows = con.execute(
        "select row_number, column_name, cell_text, reason_vi, reason_en from raw.rejections "
        "where submission_id = ? order by row_number nulls first, column_name",
        [outcome.submission_id],
    ).fetchall()
    lines = [
        f"Tệp / file: {outcome.file_name}",
        f"Mã bài nộp / submission: {outcome.submission_id}",
        f"Số dòng đọc / rows read: {outcome.rows_read}; nhận / accepted: {outcome.rows_accepted};"
        f" từ chối / rejected: {outcome.rows_rejected}",
        "",
    ]
    for row_number, column, cell, reason_vi, reason_en in rows[:REPORT_ROWS_LISTED]:
        where = "cả tệp / whole file" if row_number is None else f"dòng / row {row_number}"
        cell_part = f", cột / column {column} = {cell!r}" if column else ""
        lines.append(f"- {where}{cell_part}: {reason_vi} / {reason_en}")
    if len(rows) > REPORT_ROWS_LISTED:
        lines.append(
            f"... và {len(rows) - REPORT_ROWS_LISTED} lỗi khác / and "
            f"{len(rows) - REPORT_ROWS_LISTED} more"
        )
    listed = REPORT_ROWS_LISTED
    lines += skipped_report_lines(con, outcome.submission_id, outcome.file_name, listed)
    report = archived.with_name(archived.name + REPORT_SUFFIX)
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


class RowRule(NamedTuple):
    """A rule every row must keep. `field` is the column of the normalised cells the rule
    reads: the rule is broken where it is empty ('') or, for the others, where it is set
    (the normalisers and the repeat check set a reason or a finding, null when all is well).
    The reasons are SQL expressions over the row."""

    column: str  # the cell the rejection names
    field: str
    broken_when_empty: bool
    reason_en: str
    reason_vi: str

    @property
    def predicate(self) -> str:
        return f"{self.field} = ''" if self.broken_when_empty else f"{self.field} is not null"

    def broken(self, cells: pa.Table) -> pa.Array:
        """The predicate in Arrow: True for each row that breaks the rule."""
        column = cells.column(self.field)
        hit = pc.equal(column, "") if self.broken_when_empty else pc.is_valid(column)
        return pc.fill_null(hit, False)


# Each rule says which cell is wrong and why, in English and Vietnamese. A row breaking
# several rules is rejected once per rule, so the submitter sees every problem at once.
# The period and value rules read the reasons the normalisers gave (null when parsed).
CELL_RULES = [
    RowRule("unit", "unit_text", True, "'the unit is empty'", "'thiếu đơn vị'"),
    RowRule("unit", "unit_reason_en", False, "unit_reason_en", "unit_reason_vi"),
    RowRule("period", "period_reason_en", False, "period_reason_en", "period_reason_vi"),
    RowRule("indicator", "indicator_text", True, "'the indicator is empty'", "'thiếu chỉ tiêu'"),
    RowRule(
        "indicator", "indicator_reason_en", False, "indicator_reason_en", "indicator_reason_vi"
    ),
    RowRule("value", "value_reason_en", False, "value_reason_en", "value_reason_vi"),
    RowRule(
        "disaggregation",
        "disaggregation_reason_en",
        False,
        "disaggregation_reason_en",
        "disaggregation_reason_vi",
    ),
]
# Repeats within one file, among the rows every cell rule accepted (same unit, period,
# indicator and disaggregation): an exact repeat (same value) keeps the first row and rejects
# each later one; rows that disagree are all rejected, since the file does not say which
# value is right and taking either would be a guess.
REPEAT_RULES = [
    RowRule(
        "value",
        "duplicate_of",
        False,
        "'duplicate of row ' || duplicate_of",
        "'trùng lặp với dòng ' || duplicate_of",
    ),
    RowRule(
        "value",
        "conflicting_rows",
        False,
        "'conflicting values for the same unit, period, indicator and disaggregation in rows '"
        " || conflicting_rows || '; none was taken, send the right value once'",
        "'các dòng ' || conflicting_rows || ' ghi giá trị khác nhau cho cùng đơn vị, kỳ, chỉ tiêu"
        " và phân tổ; không dòng nào được nhận, hãy gửi lại một giá trị đúng'",
    ),
]
ROW_RULES = CELL_RULES + REPEAT_RULES
# The key a row must not repeat within its file (the repeat rules), as _repeats_sql groups.
ROW_KEY = ("submission_id", "unit", "period_code", "indicator", "disaggregation")
REJECTED_CELL = {
    "unit": "unit_text",
    "indicator": "indicator_text",
    "value": "value_text",
    "disaggregation": "disaggregation_text",
}


def _lookup_table(fields: list[tuple[str, pa.DataType]], rows: list[tuple]) -> pa.Table:
    """Row tuples as an Arrow table of these typed fields, for a columnar insert or join."""
    return pa.table(
        {name: pa.array([r[i] for r in rows], kind) for i, (name, kind) in enumerate(fields)}
    )


def _repeats_sql(cell_rule_broken: str) -> str:
    """For rows that repeat a key of their file among the rows the cell rules accept: the
    earlier row they duplicate, or the list of rows whose values conflict. Reads _cells."""
    return f"""
with
-- The key as one 64-bit hash: grouping by it is several times cheaper than by five texts.
clean as (
    select
        submission_id, row_number,
        hash(submission_id, unit, period_code, indicator, coalesce(disaggregation, ''))
            as row_key,
        hash(value, whole, approximate, is_percent) as value_key
    from _cells
    where not ({cell_rule_broken})
),
-- Keys seen more than once, found with a plain count first: the ordered list and the
-- distinct count below are costly per group, and almost every key is seen once.
repeated_keys as (
    select row_key from clean group by row_key having count(*) > 1
),
repeated as (
    select
        row_key,
        min(row_number) as first_row,
        count(distinct value_key) as distinct_values,
        string_agg(cast(row_number as varchar), ', ' order by row_number) as all_rows
    from clean
    semi join repeated_keys using (row_key)
    group by row_key
)
select
    clean.submission_id, clean.row_number,
    case when repeated.distinct_values = 1 and clean.row_number <> repeated.first_row
         then repeated.first_row end as duplicate_of,
    case when repeated.distinct_values > 1 then repeated.all_rows end as conflicting_rows
from clean
inner join repeated using (row_key)
"""


# Every row with its parsed cells and its repeat findings. The batch's rows are normalised
# once into _cells; _repeats holds only the few rows that repeat a key, so joining it is cheap.
NORMALISED = """(
    select _cells.*, _repeats.duplicate_of, _repeats.conflicting_rows
    from _cells
    left join _repeats using (submission_id, row_number)
)"""


def every_row_kept(cells: pa.Table) -> bool:
    """True when no row of `cells` breaks a row rule: no cell rule is broken and no row
    repeats the key of another row of its file.

    Checked in Arrow, as the cells are normalised, so that the usual clean chunk is written
    with a plain insert. False means only that the writer must apply the rules in SQL, which
    finds and names every broken one (it is also the answer if the key check cannot say).
    """
    if any(pc.any(rule.broken(cells)).as_py() for rule in CELL_RULES):
        return False
    # Each row's key as one integer made of its columns' dictionary indices: the keys are
    # distinct exactly when the rows' (ROW_KEY) tuples are.
    key: pa.Array | None = None
    try:
        for name in ROW_KEY:
            encoded = pc.dictionary_encode(cells.column(name).combine_chunks().fill_null(""))
            indices = encoded.indices.cast(pa.int64())
            key = (
                indices
                if key is None
                else pc.add_checked(pc.multiply_checked(key, len(encoded.dictionary)), indices)
            )
    except pa.ArrowInvalid:  # a key too wide for 64 bits
        return False
    return key is not None and pc.count_distinct(key).as_py() == cells.num_rows


def _land_cells(
    con: duckdb.DuckDBPyConnection, cells: pa.Table, every_row_kept: bool = False
) -> dict[str, tuple[int, int]]:
    """Land the normalised rows of a chunk of files by the rules; returns submission_id →
    (rows read, rows accepted). `every_row_kept`: see every_row_kept()."""
    cell_rule_broken = " or ".join(f"({rule.predicate})" for rule in CELL_RULES)
    any_rule_broken = " or ".join(f"({rule.predicate})" for rule in ROW_RULES)
    # Kept as Arrow, not a temp table: writing 50,000 rows of 30 columns into DuckDB's
    # table storage costs three times building them (0.55 s against 0.18 s on 34 provinces).
    con.register("_cells", cells)
    try:
        if every_row_kept:
            (accepted,) = _insert_accepted(con, cells, "_cells", "true").fetchone()
        else:
            repeats = con.execute(_repeats_sql(cell_rule_broken)).to_arrow_table()
            con.register("_repeats", repeats)
            (accepted,) = _insert_accepted(
                con, cells, NORMALISED, f"not ({any_rule_broken})"
            ).fetchone()
        if accepted == cells.num_rows:
            # Every row of every file taken in, the usual case: nothing to reject or count.
            read = pc.value_counts(cells.column("submission_id"))
            return {
                sid: (n, n)
                for sid, n in zip(
                    read.field("values").to_pylist(), read.field("counts").to_pylist(), strict=True
                )
            }
        counts = con.execute(
            f"""
            select submission_id, count(*), count(*) filter (where not ({any_rule_broken}))
            from {NORMALISED} group by submission_id
            """
        ).fetchall()
        _insert_rejections(con)
    finally:
        for name in ("_cells", "_repeats"):
            con.unregister(name)
    return {sid: (read, accepted) for sid, read, accepted in counts}


def _insert_rejections(con: duckdb.DuckDBPyConnection) -> None:
    """One statement for every rule: each costs a scan of the batch, not a round trip.
    The cell rules need no repeat findings, so they read _cells alone."""
    broken_rules = " union all ".join(
        f"select submission_id, file_name, row_number, '{rule.column}', "
        f"{REJECTED_CELL.get(rule.column, rule.column)}, {rule.reason_en}, {rule.reason_vi}, "
        f"source_location from {'_cells' if rule in CELL_RULES else NORMALISED} "
        f"where {rule.predicate}"
        for rule in ROW_RULES
    )
    con.execute(
        "insert into raw.rejections (submission_id, file_name, row_number, column_name, "
        f"cell_text, reason_en, reason_vi, source_location) {broken_rules}"
    )


# Each column of raw.submission_values and the cell it is written from.
VALUE_COLUMNS = [
    ("submission_id", "submission_id"),
    ("row_number", "row_number"),
    ("unit_code", "unit"),
    ("period_code", "period_code"),
    ("indicator_code", "indicator"),
    ("value", "value"),
    ("value_text", "value_text"),
    ("value_approximate", "approximate"),
    ("value_qualifier", "qualifier"),
    ("value_whole", "whole"),
    ("value_is_percent", "is_percent"),
    ("value_withdrawn", "withdrawn"),
    ("period_text", "period"),
    ("period_kind", "period_kind"),
    ("period_as_of", "period_as_of"),
    ("source_location", "source_location"),
    ("unit_of_measure", "unit_of_measure"),
    ("programme", "programme"),
    ("disaggregation", "disaggregation"),
    ("note", "note"),
    ("unit_text", "unit_text"),
    ("indicator_text", "indicator_text"),
    ("disaggregation_text", "disaggregation_text"),
]


def _insert_accepted(
    con: duckdb.DuckDBPyConnection, cells: pa.Table, source: str, accepted: str
) -> duckdb.DuckDBPyConnection:
    """Insert the rows of `source` (_cells, or NORMALISED with the repeat findings) where
    `accepted` holds; the result holds the number inserted.

    A cell that is null in every row of the chunk (most chunks have no note, programme or
    qualifier) is left out of the insert, and the column takes its default, null: DuckDB
    then stores one constant instead of a value per row (a national month of workbooks:
    16 columns instead of 22, insert and commit 0.02 s faster)."""
    written = [
        (column, cell)
        for column, cell in VALUE_COLUMNS
        if cells.column(cell).null_count < cells.num_rows
    ]
    return con.execute(
        f"""
        insert into raw.submission_values ({", ".join(column for column, _ in written)})
        select {", ".join(cell for _, cell in written)}
        from {source} where {accepted}
        """
    )
