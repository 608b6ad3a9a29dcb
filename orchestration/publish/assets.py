"""The publish step: its own asset, so that a failed blocking check stops it.

Dagster already skips this asset when an upstream step fails or a blocking check fails in the
same run. The asset checks it again against the run's own event log before it copies
anything, so that no run publishes marts it did not build and audit itself: a run that
materialises only this asset (from the UI), a run whose checks were left out of the
selection, or a run that failed half-way all leave the published database as it was.
"""

import os
from collections.abc import Sequence
from pathlib import Path

import dagster as dg

from orchestration.publish.publisher import publish_marts
from orchestration.publish.report_data import ReportError, latest_periods
from orchestration.publish.workbook import write_report
from orchestration.warehouse.resources import WarehouseResource

PUBLISHED_MARTS = dg.AssetKey("published_marts")
# The dbt selection of what is published: the one list, kept in dbt_project.yml.
PUBLISHED_DBT_SELECT = "tag:published"
# Test-only: path of a marker file; the publisher pauses before its rename while it exists.
HOLD_ENV = "VWU_TEST_HOLD_PUBLISH"


def published_tables(published: Sequence[dg.AssetKey]) -> list[str]:
    """Table names of the published dbt models (their keys are schema/name)."""
    return sorted({key.path[-1] for key in published})


def _this_run_events(instance: dg.DagsterInstance, run_id: str, event_type: dg.DagsterEventType):
    records = instance.get_records_for_run(run_id, of_type=event_type).records
    return [r.event_log_entry.dagster_event.event_specific_data for r in records]


def blocking_checks_upstream(asset_graph, upstream: Sequence[dg.AssetKey]) -> set[dg.AssetCheckKey]:
    """Blocking checks on the upstream assets and on everything they are built from."""
    assets = set(upstream)
    for key in upstream:
        assets |= asset_graph.get_ancestor_asset_keys(key)
    return {
        check
        for check in asset_graph.get_check_keys_for_assets(assets)
        if asset_graph.get_check_spec(check).blocking
    }


def unmet_conditions(
    instance: dg.DagsterInstance,
    run_id: str,
    upstream: Sequence[dg.AssetKey],
    blocking: set[dg.AssetCheckKey],
) -> list[str]:
    """Why this run may not publish, in words; empty when it may."""
    materialised = {
        m.materialization.asset_key
        for m in _this_run_events(instance, run_id, dg.DagsterEventType.ASSET_MATERIALIZATION)
    }
    evaluations = {
        dg.AssetCheckKey(e.asset_key, e.check_name): e
        for e in _this_run_events(instance, run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    }
    reasons = [
        f"{key.to_user_string()} was not materialised in this run"
        for key in upstream
        if key not in materialised
    ]
    for check in sorted(blocking, key=lambda c: (c.asset_key.to_user_string(), c.name)):
        where = f"blocking check {check.name} on {check.asset_key.to_user_string()}"
        evaluation = evaluations.get(check)
        if evaluation is None:
            reasons.append(f"{where} was not evaluated in this run")
        elif not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            reasons.append(f"{where} failed in this run")
    return reasons


def hold_marker() -> Path | None:
    value = os.environ.get(HOLD_ENV)
    return Path(value) if value else None


def build_publish_asset(
    published: Sequence[dg.AssetKey], audited: Sequence[dg.AssetKey]
) -> dg.AssetsDefinition:
    """`published`: the dbt models tagged published; `audited`: every asset carrying a
    blocking check. The publish step waits for both."""
    upstream = list(dict.fromkeys([*published, *audited]))
    tables = published_tables(published)

    @dg.asset(
        key=PUBLISHED_MARTS,
        deps=upstream,
        group_name="publish",
        description=(
            "The marts copied to the analysts' database, replaced atomically; runs only when "
            "the marts were built and every blocking check passed in the same run."
        ),
        kinds={"duckdb"},
    )
    def published_marts(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        blocking = blocking_checks_upstream(context.job_def.asset_layer.asset_graph, upstream)
        reasons = unmet_conditions(context.instance, context.run_id, upstream, blocking)
        if reasons:
            raise dg.Failure(
                description=(
                    "Not published: this run did not build and audit the marts itself. "
                    f"The published database {warehouse.published_db} was left as it was. "
                    "Run the whole nightly_job. " + "; ".join(reasons[:20])
                ),
                metadata={"reasons": dg.MetadataValue.md("\n".join(f"- {r}" for r in reasons))},
                allow_retries=False,
            )
        publication = publish_marts(
            warehouse.warehouse_path,
            warehouse.published_path,
            context.run_id,
            tables,
            hold=hold_marker(),
        )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(publication.path)),
                "tables": dg.MetadataValue.json(publication.tables),
                "blocking_checks_passed": dg.MetadataValue.int(len(blocking)),
            }
        )

    return published_marts


LEADERSHIP_WORKBOOK = dg.AssetKey("leadership_workbook")


@dg.asset(
    key=LEADERSHIP_WORKBOOK,
    deps=[PUBLISHED_MARTS],
    group_name="publish",
    description=(
        "The leadership workbook (báo cáo lãnh đạo, .xlsx with native charts) for the latest "
        "year and the latest period, written from the published database into its folder."
    ),
    kinds={"excel"},
)
def leadership_workbook(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    written: dict[str, str] = {}
    for period in latest_periods(warehouse.published_path):
        try:
            written[period] = str(write_report(warehouse.published_path, period))
        except ReportError as error:
            # A period without provincial figures has no workbook; the publication stands.
            context.log.warning(f"no workbook for {period}: {error}")
    return dg.MaterializeResult(metadata={"workbooks": dg.MetadataValue.json(written)})
