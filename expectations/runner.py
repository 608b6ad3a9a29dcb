"""Run a suite's rules on pandas frames and collect every failing row for the steward.

Great Expectations decides pass or fail; the failing rows are taken from the full index list
that the pandas engine returns with result format COMPLETE. GX caps its row samples, so we
never use them, and a result whose index list is shorter than its failure count is an error
here rather than a silent truncation. With a docs folder, the run goes through a GX
Checkpoint that builds Data Docs there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import great_expectations as gx
import pandas as pd

from expectations.frames import ROW_COLUMNS
from expectations.suites import Rule

FAILING_ROW_COLUMNS = ["suite", "rule", "severity", "waivable", *ROW_COLUMNS]


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    success: bool
    failing_count: int


@dataclass(frozen=True)
class ValidationOutcome:
    outcomes: list[RuleOutcome]
    failing_rows: pd.DataFrame  # FAILING_ROW_COLUMNS, every failing row of every rule
    docs_index: Path | None = None

    def failed(self, severity: str) -> list[RuleOutcome]:
        return [o for o in self.outcomes if not o.success and o.rule.severity == severity]

    def rows(self, severity: str) -> pd.DataFrame:
        return self.failing_rows[self.failing_rows.severity == severity].reset_index(drop=True)

    @property
    def blocking_failed(self) -> bool:
        return bool(self.failed("error"))


class IncompleteResultError(RuntimeError):
    """GX reported more failures than rows it listed; refusing to show a partial list."""


def _context(docs_dir: Path | None) -> gx.data_context.AbstractDataContext:
    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except (ImportError, AttributeError):  # cosmetic only
        pass
    for site in list(context.get_site_names()):
        context.delete_data_docs_site(site)  # the default site writes to a temp folder
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(
            "vwu_quality",
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def validate(
    frames: dict[str, pd.DataFrame],
    rules: list[Rule],
    docs_dir: Path | None = None,
    suite_name: str = "vwu",
) -> ValidationOutcome:
    """Every rule whose frame is given; rules of absent frames are the caller's to report."""
    context = _context(docs_dir)
    source = context.data_sources.add_pandas(f"frames_{uuid.uuid4().hex[:8]}")
    outcomes: list[RuleOutcome] = []
    failing: list[pd.DataFrame] = []
    definitions: list[gx.ValidationDefinition] = []
    inputs: dict[str, pd.DataFrame] = {}
    for frame_name in sorted({r.frame for r in rules if r.frame in frames}):
        frame = frames[frame_name].reset_index(drop=True)
        suite = context.suites.add(gx.ExpectationSuite(name=f"{suite_name}_{frame_name}"))
        for rule in (r for r in rules if r.frame == frame_name):
            expectation = rule.expectation.copy(deep=True)
            expectation.meta = {"rule": rule.name, "severity": rule.severity}
            suite.add_expectation(expectation)
        batch = source.add_dataframe_asset(frame_name).add_batch_definition_whole_dataframe("all")
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=frame_name, data=batch, suite=suite)
            )
        )
        inputs[frame_name] = frame
    by_name = {r.name: r for r in rules}
    for definition in definitions:
        frame = inputs[definition.name]
        result = _run(context, definition, frame, docs_dir is not None)
        for expectation_result in result.results:
            rule = by_name[expectation_result.expectation_config.meta["rule"]]
            count = int(expectation_result.result.get("unexpected_count") or 0)
            success = bool(expectation_result.success)
            outcomes.append(RuleOutcome(rule, success, count if count else int(not success)))
            if count:
                failing.append(_listed_rows(frame, expectation_result.result, count, rule))
            elif not success:  # a table-level expectation (e.g. a column type): one row
                failing.append(_failing_rows(frame.head(0), rule, summary=True))
    rows = (
        pd.concat(failing, ignore_index=True)
        if failing
        else pd.DataFrame(columns=FAILING_ROW_COLUMNS)
    )
    index = docs_dir / "index.html" if docs_dir is not None else None
    return ValidationOutcome(outcomes, rows, index)


def _run(context, definition, frame: pd.DataFrame, with_docs: bool):
    parameters = {"dataframe": frame}
    result_format = {"result_format": "COMPLETE"}
    if not with_docs:
        return definition.run(batch_parameters=parameters, result_format=result_format)
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"checkpoint_{definition.name}",
            validation_definitions=[definition],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
            result_format=result_format,
        )
    )
    (result,) = checkpoint.run(batch_parameters=parameters).run_results.values()
    return result


def _listed_rows(frame: pd.DataFrame, result: dict, count: int, rule: Rule) -> pd.DataFrame:
    indexes = result.get("unexpected_index_list") or []
    if len(indexes) != count:
        raise IncompleteResultError(
            f"rule {rule.name}: {count} failing rows but {len(indexes)} listed"
        )
    return _failing_rows(frame.loc[indexes], rule)


def _failing_rows(rows: pd.DataFrame, rule: Rule, summary: bool = False) -> pd.DataFrame:
    out = pd.DataFrame(index=[0] if summary else rows.index)
    for column in ROW_COLUMNS:
        out[column] = rows[column] if column in rows.columns and not summary else None
    out["suite"] = rule.suite
    out["rule"] = rule.name
    out["severity"] = rule.severity
    out["waivable"] = rule.waivable
    out["expected"] = out["expected"].where(out["expected"].notna(), rule.expected_en)
    out["expected_vi"] = out["expected_vi"].where(out["expected_vi"].notna(), rule.expected_vi)
    return out[FAILING_ROW_COLUMNS].reset_index(drop=True)
