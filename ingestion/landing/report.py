"""The submitter report: what became of a file, in Vietnamese first, beside its archived copy;
and the record of reports written, so a report lost to a crash is written on the next run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from ingestion.landing.archive import create_new
from ingestion.landing.outcome import FileOutcome
from ingestion.readers.headers import COLUMN_LABELS_VI

REPORT_SUFFIX = ".report.txt"
REPORT_ROWS_LISTED = 200


def write_submitter_report(
    con: duckdb.DuckDBPyConnection, archived: Path, outcome: FileOutcome
) -> Path:
    """A short report for the unit that sent the file, beside the archived copy.

    Vietnamese first: it goes back to the unit. The full list stays in raw.rejections.
    """
    # This file's rejections: the same bytes rejected whole under another name before keep
    # theirs (a resend under a fixed name), and a whole-file reason of an earlier landing of
    # the same bytes under this name (a file that failed unexpectedly) is history, not this
    # landing's outcome, once its rows were read.
    rejected_whole = outcome.status == "rejected" and outcome.rows_read == 0
    rows = con.execute(
        "select distinct row_number, column_name, cell_text, reason_vi, reason_en, "
        "nullif(trim(unit_text), ''), nullif(trim(period_text), '') "
        "from raw.rejections where submission_id = ? and file_name = ? "
        "and (row_number is not null or ?) "
        "order by row_number nulls first, column_name",
        [outcome.submission_id, outcome.file_name, rejected_whole],
    ).fetchall()
    lines = [
        f"Tệp / file: {outcome.file_name}",
        f"Mã bài nộp / submission: {outcome.submission_id}",
        f"Số dòng đọc / rows read: {outcome.rows_read}; nhận / accepted: {outcome.rows_accepted};"
        f" từ chối / rejected: {outcome.rows_rejected}; bỏ qua / skipped: {outcome.rows_skipped}",
        "",
    ]
    for row_number, column, cell, reason_vi, reason_en, unit, period in rows[:REPORT_ROWS_LISTED]:
        where = "cả tệp / whole file" if row_number is None else f"dòng / row {row_number}"
        written = [
            f"{label} {text!r}"
            for label, text in (("đơn vị / unit", unit), ("kỳ / period", period))
            if text
        ]
        if written:
            where += f" ({', '.join(written)})"
        label = COLUMN_LABELS_VI.get(column, column)
        cell_part = f", cột / column {label} ({column}) = {cell!r}" if column else ""
        lines.append(f"- {where}{cell_part}: {reason_vi} / {reason_en}")
    if len(rows) > REPORT_ROWS_LISTED:
        lines.append(
            f"... và {len(rows) - REPORT_ROWS_LISTED} lỗi khác / and "
            f"{len(rows) - REPORT_ROWS_LISTED} more"
        )
    listed = REPORT_ROWS_LISTED
    lines += skipped_report_lines(con, outcome.submission_id, outcome.file_name, listed)
    report = archived.with_name(archived.name + REPORT_SUFFIX)
    # Private like the archive it sits in; written whole under a temporary name, so that a
    # crash never leaves half a report that the next run would take as written.
    partial = report.with_name(report.name + ".partial")
    partial.unlink(missing_ok=True)
    with create_new(partial) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    partial.replace(report)
    return report


def skipped_report_lines(
    con: duckdb.DuckDBPyConnection, submission_id: str, file_name: str, listed: int
) -> list[str]:
    """The submitter report's lines for what was skipped, Vietnamese first."""
    rows = con.execute(
        "select distinct row_number, source_location, cell_text, reason_vi, reason_en "
        "from raw.skipped_rows where submission_id = ? and file_name = ? "
        "order by row_number nulls first, source_location",
        [submission_id, file_name],
    ).fetchall()
    if not rows:
        return []
    sheets = sum(1 for row in rows if row[0] is None)
    counted = f"{len(rows) - sheets} dòng / rows"
    if sheets:
        counted += f", {sheets} trang tính / sheets"
    lines = ["", f"Bỏ qua / skipped: {counted}"]
    for row_number, location, cell, reason_vi, reason_en in rows[:listed]:
        if row_number is None:
            where = f"trang / sheet {location}"
        else:
            where = f"dòng / row {row_number}" + (f" ({location})" if location else "")
        cell_part = f" = {cell!r}" if cell else ""
        lines.append(f"- {where}{cell_part}: {reason_vi} / {reason_en}")
    if len(rows) > listed:
        lines.append(f"... và {len(rows) - listed} dòng khác / and {len(rows) - listed} more")
    return lines


def record_reports(con: duckdb.DuckDBPyConnection, reports: list[tuple]) -> None:
    if reports:
        con.executemany("insert into raw.submitter_reports values (?, ?, ?)", reports)


# Which landed submissions get a submitter report: those with a rejected row or file, and
# those with a row or sheet skipped (the unit should know what was not read). Over
# raw.submissions as s.
NEEDS_REPORT = """(
    s.status in ('rejected', 'partially_accepted')
    or exists (select 1 from raw.skipped_rows as k where k.submission_id = s.submission_id)
)"""


def reports_needed(con: duckdb.DuckDBPyConnection, submission_ids: list[str]) -> set[str]:
    """Which of these landed submissions need a submitter report (NEEDS_REPORT)."""
    if not submission_ids:
        return set()
    found = con.execute(
        f"select submission_id from raw.submissions as s "
        f"where submission_id in (select unnest(?)) and {NEEDS_REPORT}",
        [submission_ids],
    ).fetchall()
    return {submission_id for (submission_id,) in found}


def write_missing_reports(con: duckdb.DuckDBPyConnection, at: dt.datetime) -> int:
    """Write the submitter report of every submission that needs one and has none recorded
    (a run that died between its landing commit and its reports); returns how many were
    written. Reports already on disk from before the record existed are recorded only."""
    missing = con.execute(
        f"""
        select submission_id, file_name, archived_path, status, rows_read, rows_accepted,
            rows_rejected, coalesce(rows_skipped, 0)
        from raw.submissions as s
        where {NEEDS_REPORT}
            and not exists (
                select 1 from raw.submitter_reports as r where r.submission_id = s.submission_id
            )
        """
    ).fetchall()
    recorded, written = [], 0
    for sid, name, archived_path, status, read, accepted, rejected, skipped in missing:
        archived = Path(archived_path)
        if not archived.name or not archived.parent.is_dir():
            continue  # no archived copy here to write beside (a database made by hand)
        report = archived.with_name(archived.name + REPORT_SUFFIX)
        if not report.exists():
            outcome = FileOutcome(name, sid, status, read, accepted, rejected, rows_skipped=skipped)
            write_submitter_report(con, archived, outcome)
            written += 1
        recorded.append((sid, str(report), at))
    record_reports(con, recorded)
    return written
