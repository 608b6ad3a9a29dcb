"""The raw schema of the build database: one registry of its tables (what each holds, its
DDL and migrations, which are reference data, which dbt source reads it), and the
statements that create them or bring a database landed before up to date in place (kept as
ALTERs, never as a rebuild: a build database holds years of submissions).

The registry is the one list of the raw tables: the dbt sources
(dbt_project/models/staging/_staging__sources.yml) name the same tables with the same asset
keys, the landing asset (orchestration/ingestion/assets.py) takes its outputs from it, and
a test holds the three together.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion.narrative_review.proposals import ensure_narrative_schema
from ingestion.reference.tables import REFERENCE_TABLES, land_reference_tables

__all__ = [
    "RAW_DDL",
    "RAW_TABLES",
    "RawTable",
    "ensure_raw_schema",
    "land_reference",
    "landed_tables",
]


@dataclass(frozen=True)
class RawTable:
    """A table of the raw schema that landing writes.

    `source` is the dbt source that reads it (its Dagster asset key is [source, name]);
    None when dbt does not read it. `ddl` creates it, `migrations` bring an older database
    up to date, in order. A reference table has neither: it is replaced whole from its
    reviewed file on every run (ingestion/reference/tables.py says how each is loaded).
    """

    name: str
    description: str
    source: str | None = "inbox"
    ddl: str = ""
    migrations: tuple[str, ...] = ()
    reference: bool = False

    @property
    def asset_key(self) -> tuple[str, str] | None:
        return (self.source, self.name) if self.source else None


def _added(table: str, *columns: str) -> tuple[str, ...]:
    return tuple(f"alter table raw.{table} add column if not exists {c};" for c in columns)


SUBMISSIONS = RawTable(
    "submissions",
    "Submissions: one row per distinct file received, with its status.",
    ddl="""
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
);""",
    # received_at is when the pipeline first saw the file in the inbox (landed before
    # 7 December 2026: the file's mtime there); landed_at is when the pipeline took it in
    # (null in databases landed before it existed). file_mtime: the file's own modification
    # time, as the sender's tools left it, information only. rows_skipped: section, total,
    # signature and title rows (readers/skips.py), counted in rows_read.
    migrations=_added(
        "submissions", "landed_at timestamp", "file_mtime timestamp", "rows_skipped integer"
    ),
)
SUBMISSION_VALUES = RawTable(
    "submission_values",
    "Accepted rows of every submission.",
    ddl="""
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
);""",
    # Added with the Vietnamese number and period rules, the disaggregation as written
    # (`disaggregation` holds its canonical code, null for the total) and withdrawals: a value
    # cell holding a withdrawal marker ('rút', 'hủy', ...) withdraws the figure, and `value`
    # is null (docs/ingestion.md, "Withdrawing a figure").
    migrations=(
        *_added(
            "submission_values",
            "value_approximate boolean",
            "value_qualifier varchar",
            "value_whole double",
            "value_is_percent boolean",
            "period_text varchar",
            "period_kind varchar",
            "period_as_of date",
            "source_location varchar",
            "unit_of_measure varchar",
            "programme varchar",
            "disaggregation varchar",
            "note varchar",
            "unit_text varchar",
            "indicator_text varchar",
            "disaggregation_text varchar",
            "value_withdrawn boolean",
        ),
        "alter table raw.submission_values alter column value drop not null;",
    ),
)
SUBMISSION_RECEIPTS = RawTable(
    "submission_receipts",
    # Interface I2: the first arrival of the bytes, or the same bytes again after another
    # revision of their unit x period x form landed (a unit undoing a correction).
    "Every arrival of a submission that counts as an event, with when the pipeline first "
    "saw the file.",
    ddl="""
create table if not exists raw.submission_receipts (
    submission_id varchar not null,
    file_name varchar not null,
    received_at timestamp not null,
    file_mtime timestamp,
    landed_at timestamp not null
);""",
)
REJECTIONS = RawTable(
    "rejections",
    "Every rejected row or file, with its reason.",
    ddl="""
create table if not exists raw.rejections (
    submission_id varchar not null,
    file_name varchar not null,
    row_number integer,                 -- null when the whole file was rejected
    column_name varchar,
    cell_text varchar,
    reason_en varchar not null,
    reason_vi varchar not null
);""",
    # The unit and period as the row wrote them, so a clerk finds the row in a file of many.
    migrations=_added(
        "rejections", "source_location varchar", "unit_text varchar", "period_text varchar"
    ),
)
STEWARD_DECISIONS = RawTable(
    "steward_decisions",
    "Steward decisions, appended by the steward job.",
    ddl="""
create table if not exists raw.steward_decisions (
    decision_id varchar primary key,
    submission_id varchar not null,
    decision varchar not null,          -- accept | reject | send_back
    reason varchar not null,
    steward varchar not null,
    decided_at timestamp not null
);""",
)
SKIPPED_ROWS = RawTable(
    "skipped_rows",
    "Rows and sheets of a file that are not data (readers/skips.py), each with its reason.",
    source=None,
    ddl="""
create table if not exists raw.skipped_rows (
    submission_id varchar not null,
    file_name varchar not null,
    row_number integer,                 -- null for a whole sheet
    source_location varchar,
    cell_text varchar,
    reason_en varchar not null,
    reason_vi varchar not null,
    counted boolean not null            -- a row of a sheet read (counted in rows read)
);""",
)
INBOX_NOTICES = RawTable(
    "inbox_notices",
    "What the inbox held that was not taken (links, special files, folders, hidden names, "
    "uploads not finished), appended on every run that sees them.",
    source=None,
    ddl="""
create table if not exists raw.inbox_notices (
    seen_at timestamp not null,
    file_name varchar not null,
    kind varchar not null,
    reason_en varchar not null,
    reason_vi varchar not null
);""",
)
SUBMITTER_REPORTS = RawTable(
    "submitter_reports",
    "The submitter reports written: one lost to a crash after the landing commit is written "
    "again on the next run.",
    source=None,
    ddl="""
create table if not exists raw.submitter_reports (
    submission_id varchar not null,
    report_path varchar not null,
    written_at timestamp not null
);""",
)
REFERENCE = tuple(
    RawTable(
        name,
        f"Reference data raw.{name}, replaced from its reviewed file on every run.",
        source="reference",
        reference=True,
    )
    for name in REFERENCE_TABLES
)

RAW_TABLES: tuple[RawTable, ...] = (
    SUBMISSIONS,
    SUBMISSION_VALUES,
    SUBMISSION_RECEIPTS,
    REJECTIONS,
    STEWARD_DECISIONS,
    SKIPPED_ROWS,
    INBOX_NOTICES,
    SUBMITTER_REPORTS,
    *REFERENCE,
)

RAW_DDL = "\n".join(
    [
        "create schema if not exists raw;",
        *(table.ddl for table in RAW_TABLES if table.ddl),
        *(m for table in RAW_TABLES for m in table.migrations),
    ]
)


def landed_tables() -> tuple[RawTable, ...]:
    """The tables landing writes that dbt reads: the landing asset's outputs."""
    return tuple(table for table in RAW_TABLES if table.source is not None)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_DDL)
    ensure_narrative_schema(con)


def land_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the reference tables with the current reviewed files."""
    ensure_raw_schema(con)
    land_reference_tables(con)
