"""One suite of the quality gate, end to end on the build database.

Reads the checked tables, builds the frames, validates them with Great Expectations (Data Docs
built for the run), applies the steward's decisions (an accept waives the waivable findings
of that submission) and writes every failing row to quality.check_failures. Dagster's asset
checks (orchestration/quality/checks.py) are thin wrappers around `run_suite`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from expectations.frames import (
    RATES_MAY_EXCEED_100,
    build_frames,
    build_over_time_frame,
    completeness_frame,
    rolled_up_frame,
)
from expectations.review import (
    ensure_quality_schema,
    latest_decisions,
    prune_failures,
    record_check,
)
from expectations.runner import FAILING_ROW_COLUMNS, RuleOutcome, validate
from expectations.suites import (
    Rule,
    Severity,
    Suite,
    completeness_rules,
    consistency_rules,
    contract_rules,
    over_time_rules,
)

VALUES_MODEL = "int_values_latest_revision"
ROLLED_UP_MODEL = "int_values_rolled_up"
EXPECTED_REPORTS_MODEL = "fct_submissions"
MODEL_SCHEMAS = {VALUES_MODEL: "intermediate", ROLLED_UP_MODEL: "intermediate"}
MODEL_SCHEMAS[EXPECTED_REPORTS_MODEL] = "core"
ROLLED_UP_COLUMNS = [
    "borders",
    "unit_code",
    "unit_level",
    "period_code",
    "period_kind",
    "period_end",
    "indicator_code",
    "disaggregation",
    "value",
]
EXPECTED_REPORT_COLUMNS = [
    "unit_code",
    "period_code",
    "form",
    "deadline",
    "is_on_time",
    "first_received_at",
]
ROLLED_UP_FRAME = "over_time_rolled_up"
# Retention: failing rows of the latest runs of each check, Data Docs of the latest runs.
KEEP_FAILURE_RUNS = 30
KEEP_DOCS_RUNS = 14


@dataclass(frozen=True)
class CheckSpec:
    name: str
    suite: Suite
    severity: Severity
    model: str  # the dbt model whose asset carries the check
    frames: tuple[str, ...] | None = None  # None: every frame of the suite but the others'

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


CHECK_SPECS: dict[Suite, list[CheckSpec]] = {
    "contract": [CheckSpec("contract_errors", "contract", "error", VALUES_MODEL)],
    "consistency": [
        CheckSpec("consistency_errors", "consistency", "error", VALUES_MODEL),
        CheckSpec("consistency_warnings", "consistency", "warning", VALUES_MODEL),
    ],
    "over_time": [
        CheckSpec("over_time_errors", "over_time", "error", VALUES_MODEL, ("over_time",)),
        CheckSpec("over_time_warnings", "over_time", "warning", VALUES_MODEL, ("over_time",)),
        CheckSpec(
            "rolled_up_over_time_errors", "over_time", "error", ROLLED_UP_MODEL, (ROLLED_UP_FRAME,)
        ),
        CheckSpec(
            "rolled_up_over_time_warnings",
            "over_time",
            "warning",
            ROLLED_UP_MODEL,
            (ROLLED_UP_FRAME,),
        ),
    ],
    "completeness": [
        CheckSpec("completeness_warnings", "completeness", "warning", EXPECTED_REPORTS_MODEL)
    ],
}


@dataclass
class CheckReport:
    spec: CheckSpec
    rows: pd.DataFrame  # every failing row of the check's severity, waived ones included
    outcomes: list[RuleOutcome] = field(default_factory=list)
    docs_index: Path | None = None
    skipped: str | None = None

    @property
    def open_rows(self) -> pd.DataFrame:
        return self.rows[self.rows["waived_by_decision"].isna()].reset_index(drop=True)

    @property
    def passed(self) -> bool:
        return self.open_rows.empty


class MissingInputError(RuntimeError):
    """A table the suite cannot do without is missing from the build database."""


def table_columns(con: duckdb.DuckDBPyConnection, model: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [MODEL_SCHEMAS.get(model, "raw"), model],
        ).fetchall()
    ]


def _read(con: duckdb.DuckDBPyConnection, model: str) -> pd.DataFrame:
    return con.sql(f"select * from {MODEL_SCHEMAS.get(model, 'raw')}.{model}").df()


def _missing_reason(con: duckdb.DuckDBPyConnection, model: str, needed: list[str]) -> str | None:
    columns = table_columns(con, model)
    table = f"{MODEL_SCHEMAS[model]}.{model}"
    if not columns:
        return f"skipped: {table} is not in the build database (not built by this project yet)"
    missing = [c for c in needed if c not in columns]
    if missing:
        return f"skipped: {table} lacks the columns {', '.join(missing)}"
    return None


def _values(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not table_columns(con, VALUES_MODEL):
        raise MissingInputError(
            f"intermediate.{VALUES_MODEL} is not in the build database: build the warehouse first"
        )
    return _read(con, VALUES_MODEL)


def _rules_and_frames(
    con: duckdb.DuckDBPyConnection, suite: Suite, today: dt.date
) -> tuple[list[Rule], dict[str, pd.DataFrame], dict[str, str]]:
    """(rules, frames, skipped: frame → reason)."""
    if suite == "contract" or suite == "consistency":
        catalogue = _read(con, "ref_indicators")
        units = {r[0] for r in con.execute("select unit_code from raw.ref_org_units").fetchall()}
        frames = build_frames(_values(con), catalogue, units)
        if suite == "consistency":
            return consistency_rules(), frames, {}
        rules = contract_rules(catalogue.indicator_code.tolist(), sorted(RATES_MAY_EXCEED_100))
        return rules, frames, {}
    if suite == "over_time":
        frames = {"over_time": build_over_time_frame(_values(con))}
        rules = over_time_rules() + over_time_rules(ROLLED_UP_FRAME, "rolled_up_")
        reason = _missing_reason(con, ROLLED_UP_MODEL, ROLLED_UP_COLUMNS)
        if reason:
            return rules, frames, {ROLLED_UP_FRAME: reason}
        frames[ROLLED_UP_FRAME] = rolled_up_frame(_read(con, ROLLED_UP_MODEL))
        return rules, frames, {}
    reason = _missing_reason(con, EXPECTED_REPORTS_MODEL, EXPECTED_REPORT_COLUMNS)
    if reason:
        return completeness_rules(), {}, {"completeness": reason}
    expected = _read(con, EXPECTED_REPORTS_MODEL)
    return completeness_rules(), {"completeness": completeness_frame(expected, today)}, {}


def _apply_decisions(rows: pd.DataFrame, decisions: dict[str, str]) -> pd.DataFrame:
    rows = rows.copy()
    decision = rows["submission_id"].map(decisions)
    waived = rows["waivable"].astype(bool) & (decision == "accept")
    rows["waived_by_decision"] = decision.where(waived, None)
    return rows


def _spec_frames(spec: CheckSpec, rules: list[Rule]) -> set[str]:
    if spec.frames is not None:
        return set(spec.frames)
    return {r.frame for r in rules if r.suite == spec.suite}


def run_suite(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    run_id: str,
    docs_root: Path | None,
    checked_at: dt.datetime | None = None,
) -> list[CheckReport]:
    """Validate one suite, record every failing row, and return one report per check."""
    checked_at = checked_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ensure_quality_schema(con)
    rules, frames, skipped = _rules_and_frames(con, suite, checked_at.date())
    docs_dir = docs_root / run_id / suite if docs_root is not None else None
    outcome = validate(frames, rules, docs_dir, suite_name=suite)
    rows = _apply_decisions(outcome.failing_rows, latest_decisions(con))
    reports = []
    for spec in CHECK_SPECS[suite]:
        spec_frames = _spec_frames(spec, rules)
        names = {r.name for r in rules if r.frame in spec_frames and r.severity == spec.severity}
        reason = next((skipped[f] for f in spec_frames if f in skipped), None)
        report = CheckReport(
            spec=spec,
            rows=rows[rows.rule.isin(names)].reset_index(drop=True)
            if len(rows)
            else pd.DataFrame(columns=[*FAILING_ROW_COLUMNS, "waived_by_decision"]),
            outcomes=[o for o in outcome.outcomes if o.rule.name in names],
            docs_index=outcome.docs_index,
            skipped=reason,
        )
        record_check(
            con,
            run_id,
            spec.name,
            spec.suite,
            spec.model,
            report.rows,
            report.passed,
            str(report.docs_index) if report.docs_index else None,
            reason,
            checked_at,
        )
        prune_failures(con, spec.name, KEEP_FAILURE_RUNS)
        reports.append(report)
    if docs_root is not None:
        prune_docs(docs_root, KEEP_DOCS_RUNS)
    return reports


def prune_docs(docs_root: Path, keep: int) -> None:
    """Keep the Data Docs folders of the latest `keep` runs (by modification time)."""
    runs = sorted((p for p in docs_root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in runs[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
