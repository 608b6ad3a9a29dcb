"""The review tables in the build database's `quality` schema.

quality.check_failures     every failing row of every check of every run (GX's samples are
                           capped; this is not), with rule, severity and where to look.
quality.check_runs         one row per check per run: passed, counts, Data Docs, skip reason.
quality.submission_reviews one row per submission with findings or a decision: what the last
                           run found, the decision that counts, and whether it needs review.
quality.steward_decision_log  every steward decision (raw.steward_decisions, append-only)
                           with the file it concerns.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

FAILURE_COLUMNS = {
    "run_id": "varchar",
    "check_name": "varchar",
    "suite": "varchar",
    "rule": "varchar",
    "severity": "varchar",
    "submission_id": "varchar",
    "file_name": "varchar",
    "row_number": "integer",
    "unit": "varchar",
    "period": "varchar",
    "indicator": "varchar",
    "disaggregation": "varchar",
    "value": "double",
    "expected": "varchar",
    "waivable": "boolean",  # a steward's accept waives it (warnings, over-time errors)
    "waived_by_decision": "varchar",  # 'accept' when a steward's accept waives the row
    "checked_at": "timestamp",
}
RUN_COLUMNS = {
    "run_id": "varchar",
    "check_name": "varchar",
    "suite": "varchar",
    "asset": "varchar",
    "passed": "boolean",
    "failing_rows": "integer",
    "waived_rows": "integer",
    "data_docs": "varchar",
    "skipped": "varchar",
    "checked_at": "timestamp",
}
# Standard failing-row column → review-table column.
RENAMED = {
    "source_row_number": "row_number",
    "unit_code": "unit",
    "period_code": "period",
    "indicator_code": "indicator",
}


def _create(name: str, columns: dict[str, str]) -> str:
    body = ",\n    ".join(f"{column} {kind}" for column, kind in columns.items())
    return f"create table if not exists quality.{name} (\n    {body}\n)"


SUBMISSION_REVIEWS = """
create or replace view quality.submission_reviews as
with

latest_runs as (
    select check_name, run_id
    from quality.check_runs
    qualify row_number() over (partition by check_name order by checked_at desc) = 1
),

findings as (
    select
        failures.submission_id,
        count(*) filter (where failures.severity = 'error') as errors,
        count(*) filter (where failures.severity = 'warning') as warnings,
        count(*) filter (where not coalesce(failures.waivable, false)) as unwaivable,
        string_agg(distinct failures.rule, ', ' order by failures.rule) as rules
    from quality.check_failures as failures
    inner join latest_runs
        on failures.check_name = latest_runs.check_name
        and failures.run_id = latest_runs.run_id
    where failures.submission_id is not null
    group by failures.submission_id
),

decisions as (
    select *
    from raw.steward_decisions
    qualify row_number() over (
        partition by submission_id order by decided_at desc, decision_id desc
    ) = 1
)

select
    submissions.submission_id,
    submissions.file_name,
    submissions.received_at,
    coalesce(findings.errors, 0) as errors,
    coalesce(findings.warnings, 0) as warnings,
    findings.rules,
    decisions.decision,
    decisions.reason,
    decisions.steward,
    decisions.decided_at,
    case
        when decisions.decision in ('reject', 'send_back') then decisions.decision
        when decisions.decision = 'accept' and coalesce(findings.unwaivable, 0) = 0
            then decisions.decision
        when findings.errors > 0 then 'to review: errors'
        when findings.warnings > 0 then 'to review: warnings'
        else 'no findings'
    end as review_status
from raw.submissions as submissions
left join findings on submissions.submission_id = findings.submission_id
left join decisions on submissions.submission_id = decisions.submission_id
where findings.submission_id is not null or decisions.submission_id is not null
"""

DECISION_LOG = """
create or replace view quality.steward_decision_log as
select
    decisions.decided_at,
    decisions.steward,
    decisions.decision,
    decisions.reason,
    decisions.submission_id,
    submissions.file_name,
    decisions.decision_id
from raw.steward_decisions as decisions
left join raw.submissions as submissions
    on decisions.submission_id = submissions.submission_id
"""


def ensure_quality_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The quality tables and views; raw.submissions and raw.steward_decisions must exist."""
    con.execute("create schema if not exists quality")
    con.execute(_create("check_failures", FAILURE_COLUMNS))
    con.execute("alter table quality.check_failures add column if not exists waivable boolean")
    con.execute(_create("check_runs", RUN_COLUMNS))
    con.execute(SUBMISSION_REVIEWS)
    con.execute(DECISION_LOG)


def latest_decisions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """submission id → the decision that counts (the latest)."""
    rows = con.execute(
        "select submission_id, decision from raw.steward_decisions "
        "qualify row_number() over (partition by submission_id "
        "order by decided_at desc, decision_id desc) = 1"
    ).fetchall()
    return dict(rows)


def record_check(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    check_name: str,
    suite: str,
    asset: str,
    rows: pd.DataFrame,
    passed: bool,
    data_docs: str | None,
    skipped: str | None,
    checked_at: dt.datetime,
) -> None:
    """Replace this run's rows of this check (a retried step writes them once)."""
    frame = rows.rename(columns=RENAMED).copy()
    frame["run_id"] = run_id
    frame["check_name"] = check_name
    frame["checked_at"] = checked_at
    frame = frame.reindex(columns=list(FAILURE_COLUMNS))
    frame["row_number"] = pd.to_numeric(frame["row_number"], errors="coerce").astype("Int64")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    for column, kind in FAILURE_COLUMNS.items():
        if kind == "varchar":
            frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    con.execute("begin")
    try:
        con.execute(
            "delete from quality.check_failures where run_id = ? and check_name = ?",
            [run_id, check_name],
        )
        con.execute(
            "delete from quality.check_runs where run_id = ? and check_name = ?",
            [run_id, check_name],
        )
        con.register("_failures", frame)
        con.execute("insert into quality.check_failures by name select * from _failures")
        con.unregister("_failures")
        waived = int(frame["waived_by_decision"].notna().sum())
        con.execute(
            "insert into quality.check_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                check_name,
                suite,
                asset,
                passed,
                len(frame),
                waived,
                data_docs,
                skipped,
                checked_at,
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def prune_failures(con: duckdb.DuckDBPyConnection, check_name: str, keep_runs: int) -> None:
    """Keep the failing rows of the latest `keep_runs` runs of a check; check_runs keeps
    every run's summary."""
    con.execute(
        "delete from quality.check_failures where check_name = ? and run_id not in ("
        "select run_id from quality.check_runs where check_name = ? "
        "order by checked_at desc limit ?)",
        [check_name, check_name, keep_runs],
    )
