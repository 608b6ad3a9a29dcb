"""Run the rules on pandas frames and collect every failing row for the steward.

Great Expectations decides pass or fail; the failing rows are taken from the full index list
that the pandas engine returns with result format COMPLETE. GX caps its row samples, so we
never use them, and a result whose index list is shorter than its failure count is an error
here rather than a silent truncation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import great_expectations as gx
import pandas as pd

from expectations.suites import Rule

FAILING_ROW_COLUMNS = [
    "rule",
    "severity",
    "submission_id",
    "file_name",
    "unit_code",
    "period_code",
    "indicator_code",
    "value",
    "expected",
    "source_row_number",
]


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    success: bool
    failing_count: int


@dataclass(frozen=True)
class ValidationOutcome:
    outcomes: list[RuleOutcome]
    failing_rows: pd.DataFrame  # FAILING_ROW_COLUMNS, every failing row of every rule

    def failed(self, severity: str) -> list[RuleOutcome]:
        return [o for o in self.outcomes if not o.success and o.rule.severity == severity]

    @property
    def blocking_failed(self) -> bool:
        return bool(self.failed("error"))


class IncompleteResultError(RuntimeError):
    """GX reported more failures than rows it listed; refusing to show a partial list."""


def _context() -> gx.data_context.AbstractDataContext:
    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except (ImportError, AttributeError):  # cosmetic only
        pass
    return context


def validate(frames: dict[str, pd.DataFrame], rules: list[Rule]) -> ValidationOutcome:
    context = _context()
    source = context.data_sources.add_pandas(f"frames_{uuid.uuid4().hex[:8]}")
    outcomes: list[RuleOutcome] = []
    failing: list[pd.DataFrame] = []
    for frame_name in sorted({r.frame for r in rules}):
        frame = frames[frame_name].reset_index(drop=True)
        frame_rules = [r for r in rules if r.frame == frame_name]
        suite = context.suites.add(gx.ExpectationSuite(name=f"vwu_{frame_name}"))
        for rule in frame_rules:
            expectation = rule.expectation.copy(deep=True)
            expectation.meta = {"rule": rule.name, "severity": rule.severity}
            suite.add_expectation(expectation)
        batch = source.add_dataframe_asset(frame_name).add_batch_definition_whole_dataframe("all")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"validate_{frame_name}", data=batch, suite=suite)
        )
        result = definition.run(
            batch_parameters={"dataframe": frame}, result_format={"result_format": "COMPLETE"}
        )
        by_name = {r.name: r for r in frame_rules}
        for expectation_result in result.results:
            rule = by_name[expectation_result.expectation_config.meta["rule"]]
            count = int(expectation_result.result.get("unexpected_count") or 0)
            outcomes.append(RuleOutcome(rule, bool(expectation_result.success), count))
            if count:
                indexes = expectation_result.result.get("unexpected_index_list") or []
                if len(indexes) != count:
                    raise IncompleteResultError(
                        f"rule {rule.name}: {count} failing rows but {len(indexes)} listed"
                    )
                failing.append(_failing_rows(frame.loc[indexes], rule))
    rows = (
        pd.concat(failing, ignore_index=True)
        if failing
        else pd.DataFrame(columns=FAILING_ROW_COLUMNS)
    )
    return ValidationOutcome(outcomes, rows)


def _failing_rows(rows: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    out = pd.DataFrame(index=rows.index)
    for column in FAILING_ROW_COLUMNS:
        out[column] = rows[column] if column in rows.columns else None
    if rule.reported_indicator:
        out["indicator_code"] = rule.reported_indicator
        out["value"] = rows[rule.reported_indicator]
    out["rule"] = rule.name
    out["severity"] = rule.severity
    out["expected"] = rule.expected_en
    return out[FAILING_ROW_COLUMNS].reset_index(drop=True)
