"""The quality gate as Dagster asset checks: one multi-check per suite of expectations/.

Each suite yields `<suite>_errors` (blocking: a failure stops the publish asset) and, where
the suite has warning rules, `<suite>_warnings` (never blocks). The checks sit on the assets
they validate; the work is expectations.gate.run_suite, which also writes every failing row
to quality.check_failures.
"""

from collections.abc import Mapping

import dagster as dg
import duckdb
import pandas as pd

from expectations.gate import CHECK_SPECS, VALUES_MODEL, CheckReport, CheckSpec, run_suite
from expectations.suites import SUITES, Suite
from orchestration.markdown import md_text
from orchestration.settings import Settings

FIRST_ROWS_SHOWN = 20
REPORTS_LISTED = 200  # Dagster's metadata is no place for tens of thousands of lines
SHOWN_COLUMNS = {
    "submission_id": "submission",
    "file_name": "file",
    "source_row_number": "row",
    "unit_code": "unit",
    "period_code": "period",
    "indicator_code": "indicator",
    "value": "value",
    "expected": "expected",
    "rule": "rule",
}


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}"
    return md_text(value)


def first_rows_table(rows: pd.DataFrame) -> str:
    if rows.empty:
        return "none"
    shown = rows.head(FIRST_ROWS_SHOWN).copy()
    shown["submission_id"] = shown["submission_id"].map(
        lambda s: s[:12] if isinstance(s, str) else None
    )
    header = "| " + " | ".join(SHOWN_COLUMNS.values()) + " |"
    rule = "|" + "---|" * len(SHOWN_COLUMNS)
    body = [
        "| " + " | ".join(_cell(row[c]) for c in SHOWN_COLUMNS) + " |"
        for row in shown.to_dict("records")
    ]
    more = [f"\n… and {len(rows) - len(shown)} more in quality.check_failures"]
    return "\n".join([header, rule, *body]) + (more[0] if len(rows) > len(shown) else "")


def submissions_to_review(rows: pd.DataFrame) -> str:
    listed = rows.loc[rows.submission_id.map(lambda s: isinstance(s, str)).astype(bool)]
    pairs = sorted(set(zip(listed.file_name.astype(str), listed.submission_id, strict=True)))
    return "\n".join(f"- {md_text(name)} ({sid[:12]})" for name, sid in pairs) or "none"


def reports_listed(rows: pd.DataFrame) -> str:
    """Completeness: the expected reports not received by their deadline, all of them."""
    lines = [
        f"- {md_text(r['unit_code'])} {md_text(r['period_code'])}: {md_text(r['expected'])}"
        for r in rows.head(REPORTS_LISTED).to_dict("records")
    ]
    if len(rows) > REPORTS_LISTED:
        lines.append(f"- … and {len(rows) - REPORTS_LISTED} more in quality.check_failures")
    return "\n".join(lines) or "none"


def rules_table(report: CheckReport) -> str:
    lines = [
        f"| {md_text(o.rule.name)} | {o.rule.severity} | {'passed' if o.success else 'FAILED'} "
        f"| {o.failing_count} |"
        for o in report.outcomes
    ]
    return "| rule | severity | result | failing rows |\n|---|---|---|---|\n" + "\n".join(lines)


def report_metadata(report: CheckReport, run_id: str) -> dict[str, dg.MetadataValue]:
    rows = report.open_rows
    metadata: dict[str, dg.MetadataValue] = {
        "failing_rows": dg.MetadataValue.int(len(rows)),
        "waived_by_steward": dg.MetadataValue.int(len(report.rows) - len(rows)),
        "first_failing_rows": dg.MetadataValue.md(first_rows_table(rows)),
        "submissions_to_review": dg.MetadataValue.md(submissions_to_review(rows)),
        "rules": dg.MetadataValue.md(rules_table(report)),
        "review_table": dg.MetadataValue.text(
            f"select * from quality.check_failures where run_id = '{run_id}' "
            f"and check_name = '{report.spec.name}'"
        ),
    }
    if report.spec.suite == "completeness":
        metadata["reports_not_received_by_deadline"] = dg.MetadataValue.md(reports_listed(rows))
    if report.docs_index is not None:
        metadata["data_docs"] = dg.MetadataValue.path(str(report.docs_index))
    if report.skipped:
        metadata["skipped"] = dg.MetadataValue.text(report.skipped)
    return metadata


def _description(spec: CheckSpec) -> str:
    effect = "blocks publishing" if spec.blocking else "never blocks publishing"
    return (
        f"Great Expectations, {spec.suite.replace('_', ' ')} rules of {spec.severity} "
        f"severity; a failure {effect}. Every failing row is in quality.check_failures."
    )


def _target(spec: CheckSpec, model_keys: Mapping[str, dg.AssetKey]) -> dg.AssetKey:
    # A model not (yet) in the dbt project: its check sits on the values it derives from
    # and reports the skip.
    return model_keys.get(spec.model) or model_keys[VALUES_MODEL]


def build_suite_check(
    suite: Suite, model_keys: Mapping[str, dg.AssetKey]
) -> dg.AssetChecksDefinition:
    specs = CHECK_SPECS[suite]
    targets = {spec.name: _target(spec, model_keys) for spec in specs}

    @dg.multi_asset_check(
        name=f"quality_{suite}",
        specs=[
            dg.AssetCheckSpec(
                spec.name,
                asset=targets[spec.name],
                blocking=spec.blocking,
                description=_description(spec),
            )
            for spec in specs
        ],
        description=f"The {suite.replace('_', ' ')} suite of the quality gate.",
    )
    def suite_check(context: dg.AssetCheckExecutionContext):
        settings = Settings.from_env()
        with duckdb.connect(str(settings.warehouse_db)) as con:
            reports = run_suite(
                con, suite, context.op_execution_context.run_id, settings.quality_dir / "data_docs"
            )
        for report in reports:
            if report.skipped:
                context.log.info(f"{report.spec.name}: {report.skipped}")
            yield dg.AssetCheckResult(
                asset_key=targets[report.spec.name],
                check_name=report.spec.name,
                passed=report.passed,
                severity=dg.AssetCheckSeverity.ERROR
                if report.spec.blocking
                else dg.AssetCheckSeverity.WARN,
                metadata=report_metadata(report, context.op_execution_context.run_id),
            )

    return suite_check


def build_quality_checks(
    model_keys: Mapping[str, dg.AssetKey],
) -> list[dg.AssetChecksDefinition]:
    """`model_keys`: dbt model name → asset key, for the models present in the project."""
    return [build_suite_check(suite, model_keys) for suite in SUITES]


def blocking_check_assets(model_keys: Mapping[str, dg.AssetKey]) -> list[dg.AssetKey]:
    """Every asset carrying a blocking check: the publish asset depends on them."""
    keys = {
        _target(spec, model_keys)
        for specs in CHECK_SPECS.values()
        for spec in specs
        if spec.blocking
    }
    return sorted(keys, key=lambda key: key.to_user_string())
