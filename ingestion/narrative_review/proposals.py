"""Narrative reports landed as *proposed* figures, for a steward to review.

A report (Word, PDF, web article, plain text) is archived and recorded in raw.submissions like
any file, with the shape 'narrative'. Its figures are not values yet: they land in
raw.narrative_figures with their evidence (quote, offsets, qualifier, counted unit), and only
the figures a steward accepts (ingestion/narrative_review/decisions.py) reach the facts,
as submissions of their own (raw.narrative_values, which dbt reads).

The view is the one definition of a figure's review state: its latest verdict (accept or
reject) and, field by field, its latest correction over what the extractor proposed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.normalise.periods import PeriodParseError, period_from_code

log = logging.getLogger(__name__)

NARRATIVE_SHAPE = "narrative"
EXACT = "exact"

NARRATIVE_DDL = """
create schema if not exists raw;
-- One row per narrative report landed: what the extractor made of its opening.
create table if not exists raw.narrative_reports (
    submission_id varchar not null,
    file_name varchar not null,
    title varchar,
    published_on date,
    unit_code varchar,                  -- null: the report's unit could not be resolved
    unit_text varchar,
    period_code varchar,                -- null: the report's period could not be resolved
    period_text varchar,
    figure_count integer not null,
    damaged_passages varchar            -- 'start-end' offsets, '; '-separated; no figures there
);
-- One row per figure the extractor proposes; never changed after landing.
create table if not exists raw.narrative_figures (
    submission_id varchar not null,
    figure_number integer not null,     -- 1, 2, ... in the order of the text
    value double not null,
    value_text varchar not null,        -- the number as written
    start_offset integer not null,      -- in the decoded, NFC text of the file
    end_offset integer not null,
    qualifier varchar not null,         -- exact | more_than | less_than | nearly | about
    value_whole double,                 -- b of 'a/b'
    counted varchar,                    -- what is counted: hội viên, hộ, đồng, %, ...
    indicator_code varchar,
    unit_code varchar,
    period_code varchar,
    period_kind varchar,
    period_as_of date,
    evidence varchar not null,          -- the sentence
    is_target boolean not null
);
-- Steward decisions on figures: appended, never updated. One row per figure per decision:
-- 'accept' or 'reject' (the figure's verdict), or 'correct' (the fields given replace the
-- proposed ones; null fields are left as they were).
create table if not exists raw.narrative_decisions (
    decision_id varchar not null,
    submission_id varchar not null,
    figure_number integer not null,
    decision varchar not null,          -- accept | reject | correct
    indicator_code varchar,
    unit_code varchar,
    period_code varchar,
    period_kind varchar,
    period_as_of date,
    reason varchar not null,
    steward varchar not null,
    decided_at timestamp not null
);
-- The accepted figures, released as submissions of their own (shape 'narrative_accepted'):
-- a submission never changes once landed, so each decision that changes a report's accepted
-- figures releases a new one and the steward's reject takes the one before out of the facts
-- (ingestion/narrative_review/release.py). dbt reads this table.
create table if not exists raw.narrative_values (
    submission_id varchar not null,     -- the release
    report_submission_id varchar not null,
    decision_id varchar not null,
    released_at timestamp not null,
    figure_number integer not null,
    unit_code varchar not null,
    period_code varchar not null,
    period_kind varchar not null,
    period_as_of date,
    indicator_code varchar not null,
    value double not null,
    value_text varchar not null,
    qualifier varchar not null,
    value_whole double,
    counted varchar,
    evidence varchar not null,
    start_offset integer not null,
    end_offset integer not null
);
create or replace view raw.narrative_figure_reviews as
with

verdicts as (
    select submission_id, figure_number, decision, reason, steward, decided_at
    from raw.narrative_decisions
    where decision in ('accept', 'reject')
    qualify row_number() over (
        partition by submission_id, figure_number order by decided_at desc, decision_id desc
    ) = 1
),

-- A period is corrected as a whole (code, kind, as-of date together), the others one by one.
corrections as (
    select
        submission_id,
        figure_number,
        last(indicator_code order by decided_at, decision_id)
            filter (where indicator_code is not null) as indicator_code,
        last(unit_code order by decided_at, decision_id)
            filter (where unit_code is not null) as unit_code,
        last({'code': period_code, 'kind': period_kind, 'as_of': period_as_of}
            order by decided_at, decision_id)
            filter (where period_code is not null) as period
    from raw.narrative_decisions
    where decision = 'correct'
    group by submission_id, figure_number
)

select
    figures.submission_id,
    figures.figure_number,
    submissions.file_name,
    coalesce(verdicts.decision, 'proposed') as review_status,
    coalesce(corrections.indicator_code, figures.indicator_code) as indicator_code,
    coalesce(corrections.unit_code, figures.unit_code) as unit_code,
    coalesce(corrections.period.code, figures.period_code) as period_code,
    coalesce(corrections.period.kind, figures.period_kind) as period_kind,
    case when corrections.period.code is null then figures.period_as_of
         else corrections.period.as_of end as period_as_of,
    figures.value,
    figures.value_text,
    figures.qualifier,
    figures.value_whole,
    figures.counted,
    figures.evidence,
    figures.start_offset,
    figures.end_offset,
    figures.is_target,
    figures.indicator_code as proposed_indicator_code,
    figures.unit_code as proposed_unit_code,
    figures.period_code as proposed_period_code,
    corrections.submission_id is not null as is_corrected,
    verdicts.reason as decision_reason,
    verdicts.steward as decided_by,
    verdicts.decided_at
from raw.narrative_figures as figures
inner join raw.submissions as submissions
    on figures.submission_id = submissions.submission_id
left join verdicts
    on figures.submission_id = verdicts.submission_id
    and figures.figure_number = verdicts.figure_number
left join corrections
    on figures.submission_id = corrections.submission_id
    and figures.figure_number = corrections.figure_number
"""

FIGURE_FIELDS = [
    ("submission_id", pa.string()),
    ("figure_number", pa.int32()),
    ("value", pa.float64()),
    ("value_text", pa.string()),
    ("start_offset", pa.int32()),
    ("end_offset", pa.int32()),
    ("qualifier", pa.string()),
    ("value_whole", pa.float64()),
    ("counted", pa.string()),
    ("indicator_code", pa.string()),
    ("unit_code", pa.string()),
    ("period_code", pa.string()),
    ("period_kind", pa.string()),
    ("period_as_of", pa.date32()),
    ("evidence", pa.string()),
    ("is_target", pa.bool_()),
]
REPORT_FIELDS = [
    ("submission_id", pa.string()),
    ("file_name", pa.string()),
    ("title", pa.string()),
    ("published_on", pa.date32()),
    ("unit_code", pa.string()),
    ("unit_text", pa.string()),
    ("period_code", pa.string()),
    ("period_text", pa.string()),
    ("figure_count", pa.int32()),
    ("damaged_passages", pa.string()),
]


def ensure_narrative_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(NARRATIVE_DDL)


def is_narrative(path: Path, data: bytes) -> bool:
    """True for a report in prose. A .txt that is really a tab-separated table is not one: it
    goes to the table readers."""
    from ingestion.narrative import NARRATIVE_SUFFIXES, looks_like_table

    suffix = path.suffix.lower()
    if suffix not in NARRATIVE_SUFFIXES:
        return False
    return not (suffix == ".txt" and looks_like_table(data))


@dataclass(frozen=True)
class Proposals:
    """One report's row for raw.narrative_reports and its figures for raw.narrative_figures."""

    report: tuple
    figures: list[tuple]


def read_proposals(path: Path, data: bytes, submission_id: str) -> tuple[str, Proposals]:
    """(shape, proposals) of a narrative file; raises UnreadableFile with the reason for the
    submitter when the file cannot be read (e.g. a scanned PDF without a text layer).

    A report whose own unit or period is not resolved still lands its figures: the steward
    gives the missing fields before accepting them."""
    from ingestion.narrative import extract_report, read_document

    document = read_document(path, data)
    report = extract_report(document)
    report_period = _period_fields(report.period_code, path)
    figures = []
    for number, figure in enumerate(sorted(report.figures, key=lambda f: f.start), start=1):
        period_code = figure.period or report.period_code
        period = _period_fields(period_code, path) if figure.period else report_period
        figures.append(
            (
                submission_id,
                number,
                float(figure.value),
                figure.text,
                figure.start,
                figure.end,
                figure.qualifier,
                figure.whole,
                figure.counted,
                figure.indicator,
                figure.unit or report.unit_code,
                *period,
                figure.evidence,
                bool(figure.is_target),
            )
        )
    damaged = "; ".join(f"{start}-{end}" for start, end in report.damaged) or None
    row = (
        submission_id,
        path.name,
        document.title,
        _as_date(document.published),
        report.unit_code,
        report.unit_text,
        report_period[0],
        report.period_text,
        len(figures),
        damaged,
    )
    return NARRATIVE_SHAPE, Proposals(row, figures)


def _period_fields(code: str | None, path: Path) -> tuple[str | None, str | None, dt.date | None]:
    """(code, kind, as-of date) of a canonical period code; a code that is not canonical is
    left for the steward to give (logged: it is the extractor's mistake, not the unit's)."""
    if not code:
        return None, None, None
    try:
        period = period_from_code(code)
    except PeriodParseError:
        log.warning("%s: the extractor gave the period %r, not a canonical code", path.name, code)
        return None, None, None
    return period.code, period.kind, period.as_of


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def insert_proposals(
    con: duckdb.DuckDBPyConnection, proposals: list[Proposals]
) -> dict[str, tuple[int, int]]:
    """Write the reports and their proposed figures (inside the caller's transaction);
    returns submission_id → (figures read, figures taken in for review) as landing counts
    rows. Every figure is taken in: none is a value until a steward accepts it."""
    if not proposals:
        return {}
    _insert(con, "narrative_reports", REPORT_FIELDS, [p.report for p in proposals])
    _insert(con, "narrative_figures", FIGURE_FIELDS, [f for p in proposals for f in p.figures])
    return {p.report[0]: (len(p.figures), len(p.figures)) for p in proposals}


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[tuple[str, pa.DataType]],
    rows: list[tuple],
) -> None:
    if not rows:
        return
    arrow = pa.table(
        {name: pa.array([r[i] for r in rows], kind) for i, (name, kind) in enumerate(fields)}
    )
    view = f"_narrative_{table}"
    con.register(view, arrow)
    try:
        columns = ", ".join(name for name, _ in fields)
        con.execute(f"insert into raw.{table} ({columns}) select {columns} from {view}")
    finally:
        con.unregister(view)
