"""The one Definitions object of the code location, loaded by workspace.yaml.

Built inside a function that Dagster calls when it loads the code location, so importing this
module reads no environment variable and parses no dbt manifest.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource, DbtManifestAssetSelection, DbtProject

from expectations.gate import EXPECTED_REPORTS_MODEL, ROLLED_UP_MODEL, VALUES_MODEL
from orchestration.ingestion.assets import landed_submissions
from orchestration.ingestion.sensors import build_inbox_sensor
from orchestration.pipeline_lock import locked_in_process_executor
from orchestration.project import DBT_EXECUTABLE, dbt_project, load_manifest, prepared_manifest
from orchestration.publish.assets import (
    PUBLISHED_DBT_SELECT,
    build_publish_asset,
    leadership_workbook,
)
from orchestration.quality.checks import (
    blocking_check_assets,
    build_gate_asset,
    build_quality_checks,
    checked_models,
    resolve_relations,
)
from orchestration.quality.narrative_review import build_narrative_job, narrative_review
from orchestration.quality.stewardship import build_steward_job
from orchestration.warehouse.assets import WarehouseTranslator, build_warehouse_assets
from orchestration.warehouse.resources import WarehouseResource

NIGHTLY_JOB = "nightly_job"
PIPELINE_TAG = {"vwu/pipeline": "nightly"}  # the run queue admits one such run at a time


def build_definitions(project: DbtProject = dbt_project) -> dg.Definitions:
    """The code location's definitions, for `project` (tests give another dbt project)."""
    manifest = load_manifest(prepared_manifest(project))
    # Every table a check reads is resolved now, at load: a model gone from the project
    # stops the code location with its name, not a run with a check that finds no table.
    relations = resolve_relations(manifest, checked_models())
    warehouse = build_warehouse_assets(project)
    with_checks = {VALUES_MODEL, ROLLED_UP_MODEL, EXPECTED_REPORTS_MODEL}
    model_keys = {key.path[-1]: key for key in warehouse.keys if key.path[-1] in with_checks}
    published = DbtManifestAssetSelection.build(
        manifest=manifest,
        select=PUBLISHED_DBT_SELECT,
        dagster_dbt_translator=WarehouseTranslator(),
    ).resolve([warehouse])
    # The publish asset waits for the published models and every asset with a blocking check.
    publish = build_publish_asset(
        sorted(published, key=lambda key: key.to_user_string()),
        blocking_check_assets(model_keys),
    )
    nightly = dg.define_asset_job(
        NIGHTLY_JOB,
        selection=dg.AssetSelection.all(),
        # One process: the build database admits one writer, and steps run in a chain anyway;
        # the whole run holds the pipeline lock, however it was started.
        executor_def=locked_in_process_executor,
        tags=PIPELINE_TAG,
        description="Land the inbox, build the warehouse, run the quality gate, publish the marts.",
    )
    nightly_schedule = dg.ScheduleDefinition(
        name="nightly_schedule",
        job=nightly,
        cron_schedule="0 2 * * *",
        execution_timezone="Asia/Ho_Chi_Minh",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    return dg.Definitions(
        assets=[
            landed_submissions,
            narrative_review,
            warehouse,
            build_gate_asset(model_keys, relations),
            publish,
            leadership_workbook,
        ],
        asset_checks=build_quality_checks(model_keys, relations),
        jobs=[nightly, build_steward_job(PIPELINE_TAG), build_narrative_job(PIPELINE_TAG)],
        schedules=[nightly_schedule],
        sensors=[build_inbox_sensor(nightly)],
        resources={
            "dbt": DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE),
            "warehouse": WarehouseResource.from_settings(),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
