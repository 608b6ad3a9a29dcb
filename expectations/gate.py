"""The quality gate, end to end on the build database, in two stages.

Submissions (quarantine): the rules on submitted values (contract, consistency, over time,
cross-section) run on the candidate facts the build just made. An error on a row that names
a submission holds that submission, and only it: the hold is appended to
quality.submission_holds, int_submission_reviews turns it into is_excluded_from_facts, and
the caller rebuilds the models downstream of it (`rebuild`), so the held submission is out of
the facts before anything is published; an earlier revision of its values counts again. The
rules run again on the rebuilt facts until no new hold appears. An error that names no
submission (a table-level failure) stays open and blocks publishing.

Aggregates: the rules on what no single submission explains (rolled-up aggregates over time,
completeness) run on the rebuilt tables; their errors block publishing.

A steward's accept (int_submission_reviews.is_accepted) waives the waivable findings of that
submission. A table a check needs that is missing fails the check (fail closed). Every
failing row goes to quality.check_failures. Dagster's wiring (orchestration/quality/checks.py)
is thin around `gate_submissions` and `check_aggregates`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from expectations.frames import completeness_frame, rolled_up_frame, submission_frames
from expectations.history import HISTORY_MODEL, read_history
from expectations.review import (
    ensure_quality_schema,
    prune_failures,
    record_check,
    record_holds,
    review_states,
)
from expectations.runner import FAILING_ROW_COLUMNS, RuleOutcome, validate
from expectations.suites import (
    Rule,
    Severity,
    Suite,
    completeness_rules,
    consistency_rules,
    contract_rules,
    cross_section_rules,
    over_time_rules,
)
from expectations.vietnamese import vi_significant

VALUES_MODEL = "int_values_latest_revision"
ROLLED_UP_MODEL = "int_values_rolled_up"
EXPECTED_REPORTS_MODEL = "fct_submissions"
REVIEWS_MODEL = "int_submission_reviews"
CATALOGUE_MODEL = "stg_reference__indicators"
ORG_UNITS_MODEL = "stg_reference__org_units"
PERIODS_MODEL = "int_periods"
PEERS_MODEL = "int_value_peers"
MODEL_SCHEMAS = {
    VALUES_MODEL: "intermediate",
    ROLLED_UP_MODEL: "intermediate",
    REVIEWS_MODEL: "intermediate",
    PERIODS_MODEL: "intermediate",
    HISTORY_MODEL: "intermediate",
    PEERS_MODEL: "intermediate",
    EXPECTED_REPORTS_MODEL: "core",
    CATALOGUE_MODEL: "staging",
    ORG_UNITS_MODEL: "staging",
}
EXPECTED_REPORT_COLUMNS = [
    "unit_code",
    "period_code",
    "form",
    "deadline",
    "is_on_time",
    "first_received_at",
]
ROLLED_UP_FRAME = "over_time_rolled_up"
CONSISTENCY_FRAMES = ("net_growth", "members_vs_women", "member_parts", "parts", "money")
# The submissions stage runs at most this many times in a run: a hold can bring back an
# earlier revision that meets a new finding, itself held in the next round.
MAX_ROUNDS = 3
# Retention: failing rows of the latest runs of each check, Data Docs of the latest runs.
KEEP_FAILURE_RUNS = 30
KEEP_DOCS_RUNS = 14
# The findings written into a hold's reason; all of them are in quality.check_failures.
REASON_ROWS = 5

Stage = Literal["submissions", "aggregates"]


@dataclass(frozen=True)
class CheckSpec:
    name: str
    suite: Suite
    severity: Severity
    model: str  # the dbt model the check reads
    frames: tuple[str, ...]
    stage: Stage

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


def _pair(name: str, suite: Suite, frames: tuple[str, ...], model: str = VALUES_MODEL):
    stage: Stage = "submissions" if model == VALUES_MODEL else "aggregates"
    return [
        CheckSpec(f"{name}_errors", suite, "error", model, frames, stage),
        CheckSpec(f"{name}_warnings", suite, "warning", model, frames, stage),
    ]


CHECK_SPECS: list[CheckSpec] = [
    CheckSpec("contract_errors", "contract", "error", VALUES_MODEL, ("values",), "submissions"),
    *_pair("consistency", "consistency", CONSISTENCY_FRAMES),
    *_pair("over_time", "over_time", ("over_time",)),
    *_pair("cross_section", "cross_section", ("cross_section",)),
    *_pair("rolled_up_over_time", "over_time", (ROLLED_UP_FRAME,), ROLLED_UP_MODEL),
    CheckSpec(
        "completeness_warnings",
        "completeness",
        "warning",
        EXPECTED_REPORTS_MODEL,
        ("completeness",),
        "aggregates",
    ),
]


def stage_specs(stage: Stage) -> list[CheckSpec]:
    return [spec for spec in CHECK_SPECS if spec.stage == stage]


ROW_STATE_COLUMNS = ["waived_by_decision", "held"]


@dataclass
class CheckReport:
    spec: CheckSpec
    # Every failing row of the check's rules: open, waived by an accept, or of a submission
    # this run held (no longer in the facts).
    rows: pd.DataFrame
    outcomes: list[RuleOutcome] = field(default_factory=list)
    docs_index: Path | None = None
    missing: str | None = None  # a table the check needs is missing: the check fails

    @property
    def open_rows(self) -> pd.DataFrame:
        still = self.rows["waived_by_decision"].isna() & ~self.rows["held"].astype(bool)
        return self.rows[still].reset_index(drop=True)

    @property
    def held_rows(self) -> pd.DataFrame:
        return self.rows[self.rows["held"].astype(bool)].reset_index(drop=True)

    @property
    def waived_rows(self) -> pd.DataFrame:
        return self.rows[self.rows["waived_by_decision"].notna()].reset_index(drop=True)

    @property
    def passed(self) -> bool:
        return self.missing is None and self.open_rows.empty


@dataclass
class GateOutcome:
    reports: list[CheckReport]
    holds: pd.DataFrame  # HOLD_COLUMNS of quality.submission_holds, the holds of this run
    rounds: int


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame(columns=[*FAILING_ROW_COLUMNS, *ROW_STATE_COLUMNS]).astype({"held": bool})


def default_relations() -> dict[str, str]:
    """model → schema.name as dbt builds them by default; the Dagster code location passes
    the relations it resolved from dbt's manifest instead (orchestration/quality/checks.py)."""
    return {model: f"{schema}.{model}" for model, schema in MODEL_SCHEMAS.items()}


def table_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    schema, _, name = relation.partition(".")
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
    ]


def _relation(model: str, relations: Mapping[str, str]) -> str:
    return relations.get(model, f"raw.{model}")


def _read(con: duckdb.DuckDBPyConnection, model: str, relations: Mapping[str, str]) -> pd.DataFrame:
    return con.sql(f"select * from {_relation(model, relations)}").df()


def missing_reason(
    con: duckdb.DuckDBPyConnection,
    model: str,
    relations: Mapping[str, str],
    needed: list[str] | None = None,
) -> str | None:
    """Why a table cannot be checked (it is missing, or lacks columns), in English and
    Vietnamese; None when it can."""
    table = _relation(model, relations)
    columns = table_columns(con, table)
    if not columns:
        return (
            f"failed: {table} is not in the build database, so nothing could be checked / "
            f"không kiểm tra được: bảng {table} không có trong cơ sở dữ liệu"
        )
    absent = [c for c in needed or [] if c not in columns]
    if absent:
        return (
            f"failed: {table} lacks the columns {', '.join(absent)} / "
            f"không kiểm tra được: bảng {table} thiếu các cột {', '.join(absent)}"
        )
    return None


def _submission_inputs(con: duckdb.DuckDBPyConnection, relations: Mapping[str, str]) -> str | None:
    models = [
        VALUES_MODEL,
        CATALOGUE_MODEL,
        ORG_UNITS_MODEL,
        PERIODS_MODEL,
        REVIEWS_MODEL,
        HISTORY_MODEL,
        PEERS_MODEL,
    ]
    return next((r for r in (missing_reason(con, m, relations) for m in models) if r), None)


def submission_rules(known_indicators: list[str], rates_may_exceed_100: list[str]) -> list[Rule]:
    return (
        contract_rules(known_indicators, rates_may_exceed_100)
        + consistency_rules()
        + over_time_rules()
        + cross_section_rules()
    )


# What each rule requires, in Vietnamese: the clause of a hold's reason.
RULE_TEXT_VI = {r.name: r.expected_vi for r in submission_rules([], [])}


def aggregate_rules() -> list[Rule]:
    return over_time_rules(ROLLED_UP_FRAME, "rolled_up_") + completeness_rules()


def _apply_reviews(rows: pd.DataFrame, accepted: set[str]) -> pd.DataFrame:
    """An accept waives the waivable findings of its submission (int_submission_reviews)."""
    rows = rows.copy()
    waived = rows["waivable"].astype(bool) & rows["submission_id"].isin(accepted)
    rows["waived_by_decision"] = pd.Series("accept", index=rows.index).where(waived, None)
    rows["held"] = False
    return rows


def _reports(
    specs: list[CheckSpec],
    rules: list[Rule],
    rows: pd.DataFrame,
    outcomes: list[RuleOutcome],
    docs_index: Path | None,
    missing: str | None,
) -> list[CheckReport]:
    reports = []
    for spec in specs:
        names = {r.name for r in rules if r.frame in spec.frames and r.severity == spec.severity}
        selected = rows[rows.rule.isin(names)].reset_index(drop=True) if len(rows) else None
        reports.append(
            CheckReport(
                spec=spec,
                rows=_empty_rows() if selected is None or selected.empty else selected,
                outcomes=[o for o in outcomes if o.rule.name in names],
                docs_index=docs_index,
                missing=missing,
            )
        )
    return reports


def _record(
    con: duckdb.DuckDBPyConnection, reports: list[CheckReport], run_id: str, at: dt.datetime
) -> None:
    for report in reports:
        record_check(
            con,
            run_id,
            report.spec.name,
            report.spec.suite,
            report.spec.model,
            report.rows,
            report.passed,
            str(report.docs_index) if report.docs_index else None,
            report.missing,
            at,
        )
        prune_failures(con, report.spec.name, KEEP_FAILURE_RUNS)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def screen_submissions(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    docs_root: Path | None,
    checked_at: dt.datetime | None = None,
    carried: pd.DataFrame | None = None,
    relations: Mapping[str, str] | None = None,
) -> list[CheckReport]:
    """One round of the submissions stage on the current facts; `carried`: failing rows of
    submissions held earlier in this run, kept in the record as held; `relations`: model →
    the table it is read from (default_relations() when not given)."""
    checked_at = checked_at or _now()
    ensure_quality_schema(con)
    specs = stage_specs("submissions")
    relations = relations or default_relations()
    missing = _submission_inputs(con, relations)
    if missing:
        reports = _reports(specs, [], _empty_rows(), [], None, missing)
        _record(con, reports, run_id, checked_at)
        return reports
    catalogue = _read(con, CATALOGUE_MODEL, relations)
    units = _read(con, ORG_UNITS_MODEL, relations).set_index("unit_code")["unit_level"]
    frames = submission_frames(
        _read(con, VALUES_MODEL, relations),
        catalogue,
        _read(con, PERIODS_MODEL, relations),
        units,
        read_history(con, _relation(HISTORY_MODEL, relations), "submitted"),
        _read(con, PEERS_MODEL, relations),
    )
    exceed = catalogue.loc[catalogue.rate_may_exceed_100.astype(bool), "indicator_code"]
    rules = submission_rules(catalogue.indicator_code.tolist(), sorted(exceed))
    docs_dir = docs_root / run_id / "submissions" if docs_root is not None else None
    outcome = validate(frames, rules, docs_dir, suite_name="submissions")
    accepted = review_states(con, _relation(REVIEWS_MODEL, relations))["accepted"]
    rows = _apply_reviews(outcome.failing_rows, accepted)
    if carried is not None and not carried.empty:
        rows = pd.concat([carried, rows], ignore_index=True)
    reports = _reports(specs, rules, rows, outcome.outcomes, outcome.docs_index, None)
    _record(con, reports, run_id, checked_at)
    return reports


def _hold_reason(rows: pd.DataFrame, vietnamese: bool) -> str:
    """The first findings of a held submission, one clause each."""
    lines = []
    for row in rows.head(REASON_ROWS).to_dict("records"):
        where = " ".join(
            str(row[c])
            for c in ("unit_code", "period_code", "indicator_code")
            if isinstance(row[c], str)
        )
        line_no, value = row["source_row_number"], row["value"]
        number = isinstance(value, float | int) and pd.notna(value)
        if vietnamese:
            at_row = f"dòng {int(line_no)}: " if pd.notna(line_no) else ""
            shown = f" = {vi_significant(value)}" if number else ""
            rule = RULE_TEXT_VI.get(row["rule"], row["rule"])
            detail = row["expected_vi"]
        else:
            at_row = f"row {int(line_no)}: " if pd.notna(line_no) else ""
            shown = f" = {value:,.6g}" if number else ""
            rule, detail = row["rule"], row["expected"]
        detail = f" ({detail})" if isinstance(detail, str) and detail else ""
        lines.append(f"{at_row}{where}{shown}: {rule}{detail}")
    more = len(rows) - REASON_ROWS
    if more > 0:
        lines.append(f"… và {more} dòng nữa" if vietnamese else f"… and {more} more")
    return "; ".join(lines)


def holds_from(reports: list[CheckReport]) -> pd.DataFrame:
    """One hold per submission with an open error: the submission, its file, the rules, whether
    an accept may waive them all, and the findings in English and Vietnamese."""
    errors = [r.open_rows for r in reports if r.spec.blocking and r.spec.stage == "submissions"]
    rows = pd.concat(errors, ignore_index=True) if errors else _empty_rows()
    named = rows.submission_id.map(lambda s: isinstance(s, str)).astype(bool)
    rows = rows.loc[named]
    holds = []
    for submission_id, found in rows.groupby("submission_id", sort=True):
        holds.append(
            {
                "hold_id": uuid.uuid4().hex,
                "submission_id": submission_id,
                "file_name": found.file_name.dropna().iloc[0]
                if found.file_name.notna().any()
                else None,
                "rules": ", ".join(sorted(set(found.rule))),
                "is_waivable": bool(found.waivable.astype(bool).all()),
                "reason_en": _hold_reason(found, vietnamese=False),
                "reason_vi": _hold_reason(found, vietnamese=True),
            }
        )
    return pd.DataFrame(
        holds,
        columns=["hold_id", "submission_id", "file_name", "rules", "is_waivable"]
        + ["reason_en", "reason_vi"],
    )


def _held_rows(reports: list[CheckReport], held: set[str]) -> pd.DataFrame:
    """The failing rows (every check, every severity) of the submissions just held."""
    frames = [r.rows[r.rows.submission_id.isin(held)] for r in reports]
    rows = pd.concat(frames, ignore_index=True) if frames else _empty_rows()
    rows["held"] = True
    return rows


def gate_submissions(
    connect: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    rebuild: Callable[[], None],
    run_id: str,
    docs_root: Path | None,
    checked_at: dt.datetime | None = None,
    max_rounds: int = MAX_ROUNDS,
    relations: Mapping[str, str] | None = None,
) -> GateOutcome:
    """The submissions stage: screen, hold, rebuild, until no new hold (at most max_rounds).

    `connect` opens the build database; it is closed while `rebuild` runs dbt (one writer).
    Holds found in the last round are recorded (the next run leaves them out) but their rows
    stay open: they are still in this run's facts, so the check fails and nothing publishes.
    """
    checked_at = checked_at or _now()
    carried = _empty_rows()
    holds: list[pd.DataFrame] = []
    for round_number in range(1, max_rounds + 1):
        with connect() as con:
            reports = screen_submissions(con, run_id, docs_root, checked_at, carried, relations)
            new = holds_from(reports)
            if not new.empty:
                record_holds(con, new, run_id, _now())
        if new.empty:
            break
        holds.append(new)
        if round_number == max_rounds:
            break
        carried = pd.concat(
            [carried, _held_rows(reports, set(new.submission_id))], ignore_index=True
        )
        rebuild()
    all_holds = pd.concat(holds, ignore_index=True) if holds else holds_from([])
    if docs_root is not None:
        prune_docs(docs_root, KEEP_DOCS_RUNS)
    return GateOutcome(reports, all_holds, round_number)


def check_aggregates(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    docs_root: Path | None,
    checked_at: dt.datetime | None = None,
    relations: Mapping[str, str] | None = None,
) -> list[CheckReport]:
    """The aggregates stage: rolled-up aggregates over time, and completeness; `relations`
    as for screen_submissions."""
    checked_at = checked_at or _now()
    ensure_quality_schema(con)
    rules = aggregate_rules()
    frames: dict[str, pd.DataFrame] = {}
    missing: dict[str, str] = {}
    # The aggregates are judged on their history (int_value_history, built from the
    # roll-up); the roll-up is named first when it is the table missing.
    relations = relations or default_relations()
    reason = missing_reason(con, ROLLED_UP_MODEL, relations) or missing_reason(
        con, HISTORY_MODEL, relations
    )
    if reason:
        missing[ROLLED_UP_FRAME] = reason
    else:
        history = read_history(con, _relation(HISTORY_MODEL, relations), "rolled_up")
        frames[ROLLED_UP_FRAME] = rolled_up_frame(history)
    reason = missing_reason(con, EXPECTED_REPORTS_MODEL, relations, EXPECTED_REPORT_COLUMNS)
    if reason:
        missing["completeness"] = reason
    else:
        expected = _read(con, EXPECTED_REPORTS_MODEL, relations)
        frames["completeness"] = completeness_frame(expected, checked_at.date())
    docs_dir = docs_root / run_id / "aggregates" if docs_root is not None else None
    outcome = validate(frames, rules, docs_dir, suite_name="aggregates")
    rows = outcome.failing_rows.copy()
    rows["waived_by_decision"] = None  # an aggregate has no submission a steward could accept
    rows["held"] = False
    reports = []
    for spec in stage_specs("aggregates"):
        (report,) = _reports(
            [spec],
            rules,
            rows,
            outcome.outcomes,
            outcome.docs_index,
            next((missing[f] for f in spec.frames if f in missing), None),
        )
        reports.append(report)
    _record(con, reports, run_id, checked_at)
    if docs_root is not None:
        prune_docs(docs_root, KEEP_DOCS_RUNS)
    return reports


def prune_docs(docs_root: Path, keep: int) -> None:
    """Keep the Data Docs folders of the latest `keep` runs (by modification time)."""
    runs = sorted((p for p in docs_root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in runs[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
