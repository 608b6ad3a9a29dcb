"""The dbt models as Dagster assets; the body only runs `dbt build`, the SQL is in dbt_project/."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from pydantic import Field

from orchestration.project import dbt_project, prepared_manifest
from orchestration.warehouse.reference_state import (
    last_built_fingerprint,
    record_built_fingerprint,
    reference_fingerprint,
)
from orchestration.warehouse.resources import WarehouseResource


class WarehouseTranslator(DagsterDbtTranslator):
    """Models are grouped by layer. Sources keep the default keys (source, table), which are
    the keys of the landing asset's raw tables."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return "warehouse_" + fqn[1] if len(fqn) > 2 else "warehouse"


class DbtConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Rebuild every incremental model from all of history (docs/operations.md). "
        "Done anyway when the reference data changed since the last successful build.",
    )


def needs_full_refresh(config: DbtConfig, reference_changed: bool) -> bool:
    return config.full_refresh or reference_changed


# dbt's unit tests check the models' logic on fixed inputs: they run where the models change,
# in the tests' `dbt build` (tests/integration/test_warehouse_support.build), not every night
# on data they never read. The data tests, which read the night's data, stay in the build.
NIGHTLY_EXCLUDES = ["--exclude-resource-type", "unit_test"]


def dbt_build_args(config: DbtConfig, reference_changed: bool) -> list[str]:
    """The `dbt build` command line; pure, so tests check it case by case without dbt."""
    refresh = ["--full-refresh"] if needs_full_refresh(config, reference_changed) else []
    return ["build", *NIGHTLY_EXCLUDES, *refresh]


def build_warehouse_assets(project: DbtProject = dbt_project) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=prepared_manifest(project),
        project=project,
        dagster_dbt_translator=WarehouseTranslator(),
    )
    def warehouse_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        config: DbtConfig,
    ):
        with warehouse.connect() as con:
            fingerprint = reference_fingerprint(con)
            reference_changed = last_built_fingerprint(con) != fingerprint
        if reference_changed:
            context.log.info(
                "the reference data changed since the last successful build (or there was "
                "none): every incremental model is rebuilt in full"
            )
        warehouse.point_dbt_here()
        yield from dbt.cli(dbt_build_args(config, reference_changed), context=context).stream()
        if context.is_subset:
            # Models left out of this run were not refreshed: the next whole build is.
            return
        # Reached only when dbt succeeded: stream() raises on a failed build.
        with warehouse.connect() as con:
            record_built_fingerprint(
                con,
                fingerprint,
                context.run_id,
                needs_full_refresh(config, reference_changed),
            )

    return warehouse_models
