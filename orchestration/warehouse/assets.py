"""The dbt models as Dagster assets; the body only runs `dbt build`, the SQL is in dbt_project/."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.project import dbt_project
from orchestration.settings import Settings


class WarehouseTranslator(DagsterDbtTranslator):
    """Models are grouped by layer. Sources keep the default keys (source, table), which are
    the keys of the landing asset's raw tables."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return "warehouse_" + fqn[1] if len(fqn) > 2 else "warehouse"


def dbt_build_args() -> list[str]:
    """Kept pure so tests can check the CLI arguments without running dbt."""
    return ["build"]


def build_warehouse_assets() -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=WarehouseTranslator(),
    )
    def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        # dbt's profile reads the build database's path from the environment of the dbt
        # process, which dagster-dbt copies from ours at this moment.
        os.environ["VWU_WAREHOUSE_DB"] = str(Settings.from_env().warehouse_db)
        yield from dbt.cli(dbt_build_args(), context=context).stream()

    return warehouse_models
