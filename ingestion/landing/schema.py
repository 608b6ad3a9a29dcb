"""The raw schema of the build database: its tables, and the migrations that bring a database
landed before up to date in place (kept as ALTERs, never as a rebuild: a build database holds
years of submissions)."""

from __future__ import annotations

import duckdb

from ingestion.narrative_review.proposals import ensure_narrative_schema
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
-- received_at is when the pipeline first saw the file in the inbox (landed before
-- 7 December 2026: the file's mtime there); landed_at is when the pipeline took it in.
-- Databases landed before landed_at existed keep null there.
alter table raw.submissions add column if not exists landed_at timestamp;
-- The disaggregation as written; `disaggregation` holds its canonical code (null: total).
alter table raw.submission_values add column if not exists disaggregation_text varchar;
-- A value cell holding a withdrawal marker ('rút', 'hủy', ...): the figure is withdrawn and
-- `value` is null (docs/ingestion.md, "Withdrawing a figure").
alter table raw.submission_values add column if not exists value_withdrawn boolean;
alter table raw.submission_values alter column value drop not null;
-- The file's own modification time, as the sender's tools left it: information only.
alter table raw.submissions add column if not exists file_mtime timestamp;
-- Every arrival that counts as an event (interface I2): the first arrival of the bytes, or
-- the same bytes again after another revision of their unit x period x form landed (a unit
-- undoing a correction). received_at: when the pipeline first saw the file in the inbox.
create table if not exists raw.submission_receipts (
    submission_id varchar not null,
    file_name varchar not null,
    received_at timestamp not null,
    file_mtime timestamp,
    landed_at timestamp not null
);
-- What the inbox held that was not taken: links, special files, folders, hidden names,
-- uploads not finished. Appended on every run that sees them.
create table if not exists raw.inbox_notices (
    seen_at timestamp not null,
    file_name varchar not null,
    kind varchar not null,
    reason_en varchar not null,
    reason_vi varchar not null
);
-- The submitter reports written: a report lost to a crash after the landing commit is
-- written again on the next run.
create table if not exists raw.submitter_reports (
    submission_id varchar not null,
    report_path varchar not null,
    written_at timestamp not null
);
"""


# Where the skipped rows and sheets are kept, beside the submission (the readers find them:
# ingestion/readers/skips.py; landing writes them in its transaction).
SKIPPED_DDL = """
create table if not exists raw.skipped_rows (
    submission_id varchar not null,
    file_name varchar not null,
    row_number integer,                 -- null for a whole sheet
    source_location varchar,
    cell_text varchar,
    reason_en varchar not null,
    reason_vi varchar not null,
    counted boolean not null            -- a row of a sheet read (counted in rows read)
);
alter table raw.submissions add column if not exists rows_skipped integer;
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_DDL)
    con.execute(SKIPPED_DDL)
    ensure_narrative_schema(con)


def land_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the reference tables with the current reviewed files."""
    ensure_raw_schema(con)
    land_reference_tables(con)
