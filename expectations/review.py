"""The review tables in the build database's `quality` schema.

quality.check_failures     every failing row of every check of every run (GX's samples are
                           capped; this is not), with rule, severity and where to look.
quality.check_runs         one row per check per run: passed, counts, Data Docs, and why a
                           check could not run (a missing table: the check failed).
quality.submission_holds   the gate's holds, appended: a submission with an error finding is
                           held out of the facts until a steward decides (dbt's source).
quality.submission_reviews one row per submission with findings, a hold or a decision: what
                           the last run found and its review state, read from dbt's
                           int_submission_reviews (the one definition of that state).
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
    "expected_vi": "varchar",
    "waivable": "boolean",  # a steward's accept waives it (warnings, statistical errors)
    "waived_by_decision": "varchar",  # 'accept' when a steward's accept waives the row
    "held": "boolean",  # the row's submission was held out of the facts by this run
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
# Appended by the gate (expectations/gate.py); read by dbt (stg_quality__submission_holds,
# whose empty stand-in before the first hold lists the same columns).
HOLD_COLUMNS = {
    "hold_id": "varchar",
    "submission_id": "varchar",
    "run_id": "varchar",
    "held_at": "timestamp",
    "rules": "varchar",
    "is_waivable": "boolean",
    "reason_en": "varchar",
    "reason_vi": "varchar",
}
REVIEWS_VIEW = "intermediate.int_submission_reviews"
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


SUBMISSION_REVIEWS = f"""
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
        string_agg(distinct failures.rule, ', ' order by failures.rule) as rules
    from quality.check_failures as failures
    inner join latest_runs
        on failures.check_name = latest_runs.check_name
        and failures.run_id = latest_runs.run_id
    where failures.submission_id is not null
    group by failures.submission_id
)

select
    submissions.submission_id,
    submissions.file_name,
    submissions.received_at,
    coalesce(findings.errors, 0) as errors,
    coalesce(findings.warnings, 0) as warnings,
    findings.rules,
    reviews.latest_decision as decision,
    reviews.decision_reason as reason,
    reviews.steward,
    reviews.decided_at,
    reviews.is_held,
    reviews.held_at,
    reviews.hold_rules,
    reviews.hold_is_waivable,
    reviews.hold_reason_vi,
    reviews.is_excluded_from_facts,
    case
        when reviews.review_state <> 'not_reviewed' then reviews.review_state
        when findings.errors > 0 then 'to review: errors'
        when findings.warnings > 0 then 'to review: warnings'
        else 'no findings'
    end as review_status
from raw.submissions as submissions
inner join {REVIEWS_VIEW} as reviews
    on submissions.submission_id = reviews.submission_id
left join findings on submissions.submission_id = findings.submission_id
where findings.submission_id is not null or reviews.review_state <> 'not_reviewed'
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


def relation_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def ensure_quality_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The quality tables and views; raw.submissions and raw.steward_decisions must exist.
    quality.submission_reviews reads dbt's int_submission_reviews, so it is made once the
    warehouse has been built."""
    con.execute("create schema if not exists quality")
    con.execute(_create("check_failures", FAILURE_COLUMNS))
    for column in ("waivable", "held"):
        con.execute(f"alter table quality.check_failures add column if not exists {column} boolean")
    con.execute("alter table quality.check_failures add column if not exists expected_vi varchar")
    con.execute(_create("check_runs", RUN_COLUMNS))
    con.execute(_create("submission_holds", HOLD_COLUMNS))
    if relation_exists(con, REVIEWS_VIEW):
        con.execute(SUBMISSION_REVIEWS)
    con.execute(DECISION_LOG)


def review_states(
    con: duckdb.DuckDBPyConnection, relation: str = REVIEWS_VIEW
) -> dict[str, set[str]]:
    """{'accepted': ids, 'held': ids, 'excluded': ids} from int_submission_reviews (read
    from `relation`, where dbt builds it)."""
    rows = con.execute(
        f"select submission_id, is_accepted, is_held, is_excluded_from_facts from {relation} "
        "where is_accepted or is_held or is_excluded_from_facts"
    ).fetchall()
    return {
        "accepted": {sid for sid, accepted, _, _ in rows if accepted},
        "held": {sid for sid, _, held, _ in rows if held},
        "excluded": {sid for sid, _, _, excluded in rows if excluded},
    }


def record_holds(
    con: duckdb.DuckDBPyConnection, holds: pd.DataFrame, run_id: str, held_at: dt.datetime
) -> None:
    """Append the holds of a round (expectations.gate.holds_from) to quality.submission_holds."""
    frame = holds.assign(run_id=run_id, held_at=held_at).reindex(columns=list(HOLD_COLUMNS))
    con.register("_holds", frame)
    try:
        con.execute("insert into quality.submission_holds by name select * from _holds")
    finally:
        con.unregister("_holds")


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
    frame["held"] = frame["held"].fillna(False).astype(bool)
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
