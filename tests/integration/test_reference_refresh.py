"""The warehouse asset rebuilds every incremental model when the reference data changed, and
only then (or when asked): real dbt on a small build database, through Dagster.

A row planted in an incremental model's table, for a report no submission touches, stays
through an incremental build and is gone after a full refresh: that is how the test sees
which of the two dbt ran.
"""

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource

from expectations.review import ensure_quality_schema
from ingestion.landing import ensure_raw_schema, land_reference
from orchestration.project import DBT_EXECUTABLE, dbt_project
from orchestration.warehouse.assets import build_warehouse_assets
from orchestration.warehouse.reference_state import STATE_TABLE
from orchestration.warehouse.resources import WarehouseResource

PLANTED = ("ZZ-PLANTED", "2099", "planted")


def build(
    models: dg.AssetsDefinition, instance: dg.DagsterInstance, full_refresh: bool | None = None
) -> None:
    config = {} if full_refresh is None else {"full_refresh": full_refresh}
    result = dg.materialize(
        [models],
        instance=instance,
        resources={
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
            "warehouse": WarehouseResource.from_settings(),
        },
        run_config={"ops": {"warehouse_models": {"config": config}}},
    )
    assert result.success


def plant(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "insert into intermediate.int_report_revisions by name "
        "select ? as unit_code, ? as period_code, ? as form",
        list(PLANTED),
    )


def planted(con: duckdb.DuckDBPyConnection) -> bool:
    (count,) = con.execute(
        "select count(*) from intermediate.int_report_revisions "
        "where unit_code = ? and period_code = ? and form = ?",
        list(PLANTED),
    ).fetchone()
    return count == 1


def refreshes(con: duckdb.DuckDBPyConnection) -> list[bool]:
    rows = con.execute(f"select full_refresh from {STATE_TABLE} order by built_at").fetchall()
    return [full for (full,) in rows]


@pytest.mark.slow
def test_a_changed_reference_table_rebuilds_everything(data_dir, monkeypatch):
    monkeypatch.setenv("VWU_DBT_THREADS", "4")
    warehouse = WarehouseResource.from_settings()
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        ensure_quality_schema(con)
        land_reference(con)
    models = build_warehouse_assets()
    with dg.instance_for_test() as instance:
        build(models, instance)  # the first build: no fingerprint yet, so in full
        with warehouse.connect() as con:
            assert refreshes(con) == [True]
            plant(con)

        # Nothing changed, and the Launchpad's config asks for no full refresh: incremental,
        # the planted row stays.
        build(models, instance, full_refresh=False)
        with warehouse.connect() as con:
            assert refreshes(con) == [True, False]
            assert planted(con)
            # The catalogue as landed changes: one indicator's Vietnamese name corrected.
            con.execute(
                "update raw.ref_indicators set name_vi = name_vi || ' (sửa)' "
                "where indicator_code = (select min(indicator_code) from raw.ref_indicators)"
            )

        build(models, instance)  # --full-refresh: the planted row is gone
        with warehouse.connect() as con:
            assert refreshes(con) == [True, False, True]
            assert not planted(con)
