"""The quality gate in Dagster: one asset that quarantines submissions, and the aggregate checks.

`quality/submission_gate` runs after the warehouse build. It runs the rules on submitted
values, holds every submission with an error (expectations.gate.gate_submissions), rebuilds
the models downstream of int_submission_reviews without them (a second dbt invocation), and
reports its checks (`contract_errors`, `consistency_*`, `over_time_*`, `cross_section_*`):
an error check fails, and blocks publishing, only for an error no held submission explains.
The held submissions are listed in its metadata and in each check's.

The aggregate checks (`rolled_up_over_time_*` on int_values_rolled_up, `completeness_warnings`
on fct_submissions) run after the gate, on the rebuilt tables; their errors block publishing.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg
import pandas as pd
from dagster_dbt import DbtCliResource

from expectations.gate import (
    MODEL_SCHEMAS,
    VALUES_MODEL,
    CheckReport,
    CheckSpec,
    GateOutcome,
    check_aggregates,
    gate_submissions,
    stage_specs,
)
from orchestration.markdown import md_text
from orchestration.project import dbt_project
from orchestration.warehouse.resources import WarehouseResource

GATE_ASSET = dg.AssetKey(["quality", "submission_gate"])
# The second dbt invocation: the holds' staging view (made again once the holds table
# exists) and all it feeds through int_submission_reviews, rebuilt without the held
# submissions (incremental models rebuild only the reports that changed).
REBUILD_ARGS = ["build", "--select", "stg_quality__submission_holds+"]
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
    "expected_vi": "expected",
    "rule": "rule",
}


class CheckedModelMissing(RuntimeError):
    """A model the quality checks read is not in dbt's manifest: the code location does not
    load, rather than a blocking check finding no table at run time."""


def checked_models() -> list[str]:
    """The dbt models the gate and the aggregate checks read (expectations.gate's list)."""
    return sorted(MODEL_SCHEMAS)


def resolve_relations(manifest: Mapping[str, Any], models: Iterable[str]) -> dict[str, str]:
    """dbt model name → the relation (schema.alias) dbt builds it as, read from the manifest.

    Raises CheckedModelMissing naming every model the manifest lacks.
    """
    nodes = {
        node["name"]: node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model"
    }
    wanted = sorted(set(models))
    absent = [model for model in wanted if model not in nodes]
    if absent:
        raise CheckedModelMissing(
            "The quality checks read dbt models that dbt's manifest does not have: "
            f"{', '.join(absent)}. A blocking check would find no table to check. Restore the "
            "model, or change what the check reads (expectations/gate.py), then run "
            "`make manifest`."
        )
    return {
        model: f"{nodes[model]['schema']}.{nodes[model].get('alias') or model}" for model in wanted
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
    shown["expected_vi"] = shown["expected_vi"].where(
        shown["expected_vi"].notna(), shown["expected"]
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


def held_list(holds: pd.DataFrame) -> str:
    """The submissions held out of the facts: file, id to paste, rules, reason in Vietnamese."""
    if holds.empty:
        return "none"
    return "\n".join(
        f"- {md_text(h['file_name'])} ({h['submission_id'][:12]}): {md_text(h['rules'])}"
        + ("" if h["is_waivable"] else " (không thể chấp nhận: từ chối hoặc trả lại)")
        + f" — {md_text(h['reason_vi'])}"
        for h in holds.to_dict("records")
    )


def reports_listed(rows: pd.DataFrame) -> str:
    """Completeness: the expected reports not received by their deadline, all of them."""
    lines = [
        f"- {md_text(r['unit_code'])} {md_text(r['period_code'])}: "
        f"{md_text(r['expected_vi'] or r['expected'])}"
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
    held = report.held_rows
    metadata: dict[str, dg.MetadataValue] = {
        "failing_rows": dg.MetadataValue.int(len(rows)),
        "waived_by_steward": dg.MetadataValue.int(len(report.waived_rows)),
        "held_rows": dg.MetadataValue.int(len(held)),
        "first_failing_rows": dg.MetadataValue.md(first_rows_table(rows)),
        "submissions_to_review": dg.MetadataValue.md(submissions_to_review(rows)),
        "held_submissions": dg.MetadataValue.md(submissions_to_review(held)),
        # What a steward reviewing a held submission needs to see: its failing rows.
        "first_held_rows": dg.MetadataValue.md(first_rows_table(held)),
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
    if report.missing:
        metadata["missing_table"] = dg.MetadataValue.text(report.missing)
    return metadata


def _description(spec: CheckSpec) -> str:
    if spec.stage == "submissions":
        effect = (
            "an error holds the submission it names out of the facts; an error naming no "
            "submission blocks publishing"
            if spec.blocking
            else "never blocks publishing"
        )
    else:
        effect = "a failure blocks publishing" if spec.blocking else "never blocks publishing"
    return (
        f"Great Expectations, {spec.suite.replace('_', ' ')} rules of {spec.severity} "
        f"severity; {effect}. Every failing row is in quality.check_failures."
    )


def _result(
    report: CheckReport, asset_key: dg.AssetKey, run_id: str, log: dg.DagsterLogManager
) -> dg.AssetCheckResult:
    if report.missing:
        log.error(f"{report.spec.name}: {report.missing}")
    blocking = report.spec.blocking
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=report.spec.name,
        passed=report.passed,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        metadata=report_metadata(report, run_id),
    )


def gate_metadata(outcome: GateOutcome) -> dict[str, dg.MetadataValue]:
    return {
        "held_submissions": dg.MetadataValue.md(held_list(outcome.holds)),
        "held_count": dg.MetadataValue.int(len(outcome.holds)),
        "rounds": dg.MetadataValue.int(outcome.rounds),
        "held_files": dg.MetadataValue.json(
            [
                {"file_name": h["file_name"], "submission_id": h["submission_id"][:12]}
                | {"rules": h["rules"], "waivable": bool(h["is_waivable"])}
                for h in outcome.holds.to_dict("records")
            ]
        ),
    }


def build_gate_asset(
    model_keys: Mapping[str, dg.AssetKey], relations: Mapping[str, str]
) -> dg.AssetsDefinition:
    """`relations`: model → the table the gate reads it from, resolved from the manifest."""
    specs = stage_specs("submissions")

    @dg.asset(
        key=GATE_ASSET,
        deps=[model_keys[VALUES_MODEL]],
        group_name="quality",
        kinds={"python", "duckdb"},
        check_specs=[
            dg.AssetCheckSpec(
                spec.name, asset=GATE_ASSET, blocking=spec.blocking, description=_description(spec)
            )
            for spec in specs
        ],
        description=(
            "The quality gate on submitted values: each submission with an error is held out "
            "of the facts (its earlier revision counts), the models it feeds are rebuilt, "
            "and everything else goes on to publishing. Lists the held submissions."
        ),
    )
    def submission_gate(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ):
        def rebuild() -> None:
            context.log.info(
                "rebuilding what int_submission_reviews feeds, without the held submissions"
            )
            warehouse.point_dbt_here()
            dbt.cli(REBUILD_ARGS, manifest=dbt_project.manifest_path).wait()

        outcome = gate_submissions(
            warehouse.connect,
            rebuild,
            context.run_id,
            warehouse.data_docs_path,
            relations=relations,
        )
        for hold in outcome.holds.to_dict("records"):
            context.log.warning(
                f"held {hold['file_name']} ({hold['submission_id'][:12]}): {hold['reason_en']}"
            )
        yield dg.MaterializeResult(metadata=gate_metadata(outcome))
        for report in outcome.reports:
            yield _result(report, GATE_ASSET, context.run_id, context.log)

    return submission_gate


def build_aggregate_checks(
    model_keys: Mapping[str, dg.AssetKey], relations: Mapping[str, str]
) -> dg.AssetChecksDefinition:
    """The checks of what no submission explains, on the tables rebuilt after the gate."""
    specs = stage_specs("aggregates")
    targets = {spec.name: model_keys.get(spec.model, GATE_ASSET) for spec in specs}

    @dg.multi_asset_check(
        name="quality_aggregates",
        specs=[
            dg.AssetCheckSpec(
                spec.name,
                asset=targets[spec.name],
                blocking=spec.blocking,
                description=_description(spec),
                additional_deps=[GATE_ASSET],
            )
            for spec in specs
        ],
        description="Rolled-up aggregates over time and completeness, after the gate.",
    )
    def aggregate_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        run_id = context.op_execution_context.run_id
        with warehouse.connect() as con:
            reports = check_aggregates(con, run_id, warehouse.data_docs_path, relations=relations)
        for report in reports:
            yield _result(report, targets[report.spec.name], run_id, context.log)

    return aggregate_checks


def build_quality_checks(
    model_keys: Mapping[str, dg.AssetKey], relations: Mapping[str, str]
) -> list[dg.AssetChecksDefinition]:
    """`model_keys`: dbt model name → asset key, for the models present in the project;
    `relations`: model → table, resolved from the manifest (resolve_relations)."""
    return [build_aggregate_checks(model_keys, relations)]


def blocking_check_assets(model_keys: Mapping[str, dg.AssetKey]) -> list[dg.AssetKey]:
    """Every asset carrying a blocking check: the publish asset depends on them."""
    keys = {GATE_ASSET}
    keys |= {model_keys.get(s.model, GATE_ASSET) for s in stage_specs("aggregates") if s.blocking}
    return sorted(keys, key=lambda key: key.to_user_string())
