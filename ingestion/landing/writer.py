"""Writing a chunk's files into the raw tables: accepted rows, rejections, skips, submissions,
receipts and inbox notices, each as one columnar statement (row-by-row inserts cost a third of
a national batch's landing). The caller holds the transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.inbox import Notice
from ingestion.landing.outcome import FileOutcome
from ingestion.landing.receive import ReceivedFile
from ingestion.landing.rules import CELL_RULES, NORMALISED, REJECTED_CELL, ROW_RULES, repeats_sql


def lookup_table(fields: list[tuple[str, pa.DataType]], rows: list[tuple]) -> pa.Table:
    """Row tuples as an Arrow table of these typed fields, for a columnar insert or join."""
    return pa.table(
        {name: pa.array([r[i] for r in rows], kind) for i, (name, kind) in enumerate(fields)}
    )


def land_cells(
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
            (accepted,) = insert_accepted(con, cells, "_cells", "true").fetchone()
        else:
            repeats = con.execute(repeats_sql(cell_rule_broken)).to_arrow_table()
            con.register("_repeats", repeats)
            (accepted,) = insert_accepted(
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
        insert_rejections(con)
    finally:
        for name in ("_cells", "_repeats"):
            con.unregister(name)
    return {sid: (read, accepted) for sid, read, accepted in counts}


def insert_rejections(con: duckdb.DuckDBPyConnection) -> None:
    """One statement for every rule: each costs a scan of the batch, not a round trip.
    The cell rules need no repeat findings, so they read _cells alone."""
    broken_rules = " union all ".join(
        f"select submission_id, file_name, row_number, '{rule.column}', "
        f"{REJECTED_CELL.get(rule.column, rule.column)}, {rule.reason_en}, {rule.reason_vi}, "
        f"source_location, unit_text, period "
        f"from {'_cells' if rule in CELL_RULES else NORMALISED} "
        f"where {rule.predicate}"
        for rule in ROW_RULES
    )
    con.execute(
        "insert into raw.rejections (submission_id, file_name, row_number, column_name, "
        f"cell_text, reason_en, reason_vi, source_location, unit_text, period_text) "
        f"{broken_rules}"
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


def insert_accepted(
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
    ("file_mtime", pa.timestamp("us")),
    ("rows_skipped", pa.int32()),
]


def insert_submissions(
    con: duckdb.DuckDBPyConnection,
    files: list[ReceivedFile],
    outcomes: dict[Path, FileOutcome],
    landed_at: dt.datetime,
) -> None:
    """A row of raw.submissions for each newly landed file, with its counts and reasons."""
    rows = []
    for f in files:
        o = outcomes[f.path]
        reason_vi = f.error.reason_vi if f.error else None
        if o.status == "partially_accepted" or (o.status == "rejected" and not f.error):
            data_rows = o.rows_accepted + o.rows_rejected  # as the English reason counts
            reason_vi = f"{o.rows_rejected} trên {data_rows} dòng số liệu bị từ chối"
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
                f.seen.mtime,
                o.rows_skipped,
            )
        )
    if not rows:
        return
    # Bytes rejected whole before and sent again are landed again in their place.
    (again,) = con.execute(
        "select count(*) from raw.submissions where submission_id in (select unnest(?))",
        [[row[0] for row in rows]],
    ).fetchone()
    # One columnar insert: row-by-row executemany costs a third of a national batch's landing.
    con.register("_submissions", lookup_table(SUBMISSION_FIELDS, rows))
    try:
        con.execute(
            f"insert {'or replace ' if again else ''}into raw.submissions "
            f"({', '.join(n for n, _ in SUBMISSION_FIELDS)}) select * from _submissions"
        )
    finally:
        con.unregister("_submissions")


def insert_skipped(
    con: duckdb.DuckDBPyConnection, submission_id: str, file_name: str, skipped: pa.Table
) -> None:
    """Keep a file's skipped rows and sheets in raw.skipped_rows."""
    if skipped is None or skipped.num_rows == 0:
        return
    n = skipped.num_rows
    table = skipped.append_column(
        "submission_id", pa.repeat(pa.scalar(submission_id, pa.string()), n)
    ).append_column("file_name", pa.repeat(pa.scalar(file_name, pa.string()), n))
    con.register("_skipped", table)
    try:
        con.execute(
            "insert into raw.skipped_rows (submission_id, file_name, row_number, "
            "source_location, cell_text, reason_en, reason_vi, counted) "
            "select submission_id, file_name, row_number, source_location, cell_text, "
            "reason_en, reason_vi, counted from _skipped"
        )
    finally:
        con.unregister("_skipped")


def insert_receipts(
    con: duckdb.DuckDBPyConnection,
    files: list[ReceivedFile],
    outcomes: dict[Path, FileOutcome],
    landed_at: dt.datetime,
) -> None:
    if not files:
        return
    fields = [
        ("submission_id", pa.string()),
        ("file_name", pa.string()),
        ("received_at", pa.timestamp("us")),
        ("file_mtime", pa.timestamp("us")),
        ("landed_at", pa.timestamp("us")),
    ]
    rows = [
        (f.submission_id, outcomes[f.path].file_name, f.received_at, f.seen.mtime, landed_at)
        for f in files
    ]
    con.register("_receipts", lookup_table(fields, rows))
    try:
        con.execute(
            "insert into raw.submission_receipts (submission_id, file_name, received_at, "
            "file_mtime, landed_at) select * from _receipts"
        )
    finally:
        con.unregister("_receipts")


def record_notices(con: duckdb.DuckDBPyConnection, notices: list[Notice], at: dt.datetime) -> None:
    if notices:
        con.executemany(
            "insert into raw.inbox_notices values (?, ?, ?, ?, ?)",
            [(at, n.file_name, n.kind, n.reason_en, n.reason_vi) for n in notices],
        )


def insert_file_rejections(
    con: duckdb.DuckDBPyConnection, files: list[ReceivedFile], outcomes: dict[Path, FileOutcome]
) -> None:
    """The reason of every file rejected whole (no row of it was read)."""
    rejected = [
        (
            outcomes[f.path].submission_id,
            outcomes[f.path].file_name,
            f.error.reason_en,
            f.error.reason_vi,
        )
        for f in files
        if f.error is not None
    ]
    if rejected:
        con.executemany(
            "insert into raw.rejections (submission_id, file_name, reason_en, reason_vi) "
            "values (?, ?, ?, ?)",
            rejected,
        )
