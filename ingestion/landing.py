"""Landing: every file in the inbox becomes a submission in the build database's raw schema.

The order of steps makes a crash at any point safe to repeat: the file is first archived
unchanged (content-addressed, never overwritten), then its rows are written in one
transaction, and only then is it removed from the inbox. A file whose content was landed
before is recognised by its hash and not landed twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.readers.long_table import UnreadableFile, read_long_csv
from ingestion.reference.catalogue import load_catalogue
from ingestion.reference.org_units import load_org_units

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
    value_text varchar not null,
    primary key (submission_id, row_number)
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
"""

SUPPORTED_SUFFIXES = {".csv": "long_csv"}


@dataclass
class FileOutcome:
    file_name: str
    submission_id: str
    status: str  # accepted | partially_accepted | rejected | duplicate
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    reason: str | None = None


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


def land_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the reference tables with the current catalogue and org units."""
    ensure_raw_schema(con)
    org = load_org_units()
    frames = {
        "ref_org_units": org.units,
        "ref_org_unit_crosswalk": org.crosswalk,
        "ref_indicators": load_catalogue(),
    }
    for name, frame in frames.items():
        con.register("_frame", frame)
        con.execute(f"create or replace table raw.{name} as select * from _frame")
        con.unregister("_frame")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_file(source: Path, data: bytes, submission_id: str, archive_dir: Path) -> Path:
    """Copy the file, byte for byte, to archive/<hash prefix>/<hash>/<original name>."""
    target_dir = archive_dir / submission_id[:2] / submission_id
    target = target_dir / source.name
    if not target.exists():
        target_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(data)
        partial.replace(target)
    return target


def inbox_files(inbox: Path) -> list[Path]:
    """Files waiting in the inbox, in name order; hidden and partial uploads are left alone."""
    if not inbox.exists():
        return []
    return sorted(
        p
        for p in inbox.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".partial")
    )


def land_inbox(
    inbox: Path,
    archive_dir: Path,
    con: duckdb.DuckDBPyConnection,
    received_at: dt.datetime | None = None,
) -> LandingResult:
    ensure_raw_schema(con)
    received_at = received_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = LandingResult()
    for path in inbox_files(inbox):
        data = path.read_bytes()
        submission_id = content_hash(data)
        archived = archive_file(path, data, submission_id, archive_dir)
        known = con.execute(
            "select 1 from raw.submissions where submission_id = ?", [submission_id]
        ).fetchone()
        if known:
            outcome = FileOutcome(path.name, submission_id, "duplicate")
        else:
            outcome = _land_file(con, path, data, submission_id, archived, received_at)
        result.files.append(outcome)
        path.unlink()
    return result


def _land_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    data: bytes,
    submission_id: str,
    archived: Path,
    received_at: dt.datetime,
) -> FileOutcome:
    shape = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    con.execute("begin transaction")
    try:
        if shape is None:
            raise UnreadableFile(
                f"files ending in {path.suffix or '(no extension)'} are not accepted; "
                f"send {', '.join(SUPPORTED_SUFFIXES)}",
                f"không nhận tệp có đuôi {path.suffix or '(không có đuôi)'}; "
                f"hãy gửi {', '.join(SUPPORTED_SUFFIXES)}",
            )
        rows = read_long_csv(data).rows
        outcome = _land_rows(con, path.name, submission_id, rows)
        _insert_submission(con, submission_id, path, archived, received_at, shape, outcome)
    except UnreadableFile as exc:
        outcome = FileOutcome(path.name, submission_id, "rejected", reason=exc.reason_en)
        con.execute(
            "insert into raw.rejections values (?, ?, null, null, null, ?, ?)",
            [submission_id, path.name, exc.reason_en, exc.reason_vi],
        )
        _insert_submission(
            con,
            submission_id,
            path,
            archived,
            received_at,
            shape or "unknown",
            outcome,
            exc.reason_en,
            exc.reason_vi,
        )
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return outcome


# Each rule says which cell is wrong and why, in English and Vietnamese. A row breaking
# several rules is rejected once per rule, so the submitter sees every problem at once.
ROW_RULES = [
    ("unit", "trim(unit) = ''", "the unit code is empty", "thiếu mã đơn vị"),
    ("period", "trim(period) = ''", "the period is empty", "thiếu kỳ báo cáo"),
    (
        "period",
        "trim(period) <> '' and not regexp_full_match(trim(period), '\\d{4}(-(0[1-9]|1[0-2]))?')",
        "the period must be a year (2024) or a month (2024-07)",
        "kỳ báo cáo phải là năm (2024) hoặc tháng (2024-07)",
    ),
    ("indicator", "trim(indicator) = ''", "the indicator code is empty", "thiếu mã chỉ tiêu"),
    (
        "value",
        "try_cast(trim(value_text) as double) is null",
        "the value is not a number (write digits only, e.g. 180833 or 4.2)",
        "giá trị không phải là số (chỉ ghi chữ số, ví dụ 180833 hoặc 4.2)",
    ),
]


def _land_rows(
    con: duckdb.DuckDBPyConnection, file_name: str, submission_id: str, rows: pa.Table
) -> FileOutcome:
    con.register("_rows", rows)
    try:
        for column, predicate, reason_en, reason_vi in ROW_RULES:
            cell = "value_text" if column == "value" else column
            con.execute(
                f"""
                insert into raw.rejections
                select ?, ?, row_number, ?, {cell}, ?, ?
                from _rows where {predicate}
                """,
                [submission_id, file_name, column, reason_en, reason_vi],
            )
        any_rule_broken = " or ".join(f"({predicate})" for _, predicate, *_ in ROW_RULES)
        con.execute(
            f"""
            insert into raw.submission_values
            select ?, row_number, trim(unit), trim(period), trim(indicator),
                   cast(trim(value_text) as double), value_text
            from _rows where not ({any_rule_broken})
            """,
            [submission_id],
        )
        accepted = con.execute(
            "select count(*) from raw.submission_values where submission_id = ?", [submission_id]
        ).fetchone()[0]
    finally:
        con.unregister("_rows")
    read = rows.num_rows
    rejected = read - accepted
    if read == 0:
        raise UnreadableFile(
            "the file has a header but no rows", "tệp có tiêu đề nhưng không có dòng số liệu"
        )
    status = "accepted" if rejected == 0 else "partially_accepted" if accepted else "rejected"
    reason = None if rejected == 0 else f"{rejected} of {read} rows rejected; see raw.rejections"
    return FileOutcome(file_name, submission_id, status, read, accepted, rejected, reason)


def _insert_submission(
    con, submission_id, path, archived, received_at, shape, outcome, reason_en=None, reason_vi=None
) -> None:
    con.execute(
        "insert into raw.submissions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            submission_id,
            path.name,
            str(archived),
            received_at,
            shape,
            outcome.status,
            outcome.rows_read,
            outcome.rows_accepted,
            outcome.rows_rejected,
            reason_en or outcome.reason,
            reason_vi,
        ],
    )
