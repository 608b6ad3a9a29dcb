"""The raw tables are declared once: the landing's registry (ingestion/landing/schema.py).

The dbt sources name the tables dbt reads with the registry's asset keys, the landing asset
outputs exactly those keys, and the tables landing creates are the registry's. A table added
in one place and not the others (as the reporting calendar once was: landed, read by dbt,
but no asset) fails here.
"""

from __future__ import annotations

import dagster as dg
import duckdb
import yaml

from ingestion.landing import (
    RAW_DDL,
    RAW_TABLES,
    ensure_raw_schema,
    land_reference,
    landed_tables,
)
from orchestration.ingestion.assets import landed_submissions
from orchestration.settings import REPO_ROOT

SOURCES_YAML = REPO_ROOT / "dbt_project" / "models" / "staging" / "_staging__sources.yml"


def _declared_sources() -> dict[tuple[str, str], dict]:
    """(source, table) → (the source's schema, the table's entry) of every declared table."""
    document = yaml.safe_load(SOURCES_YAML.read_text(encoding="utf-8"))
    return {
        (source["name"], table["name"]): {"schema": source["schema"], **table}
        for source in document["sources"]
        for table in source["tables"]
    }


def _asset_key(entry: dict) -> list[str] | None:
    return entry.get("config", {}).get("meta", {}).get("dagster", {}).get("asset_key")


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw'"
    ).fetchall()
    return {name for (name,) in rows}


def test_every_table_dbt_reads_from_landing_is_a_source_with_the_registry_asset_key():
    declared = _declared_sources()
    for table in landed_tables():
        assert table.asset_key in declared, f"raw.{table.name} is not a dbt source"
        entry = declared[table.asset_key]
        assert entry["schema"] == "raw", table.name
        assert _asset_key(entry) == list(table.asset_key), table.name


def test_every_source_names_its_asset_and_every_reference_source_is_landed():
    declared = _declared_sources()
    registry = {table.asset_key for table in RAW_TABLES if table.asset_key}
    reference = {table.asset_key for table in RAW_TABLES if table.reference}
    for (source, name), entry in declared.items():
        assert _asset_key(entry) == [source, name], f"{source}.{name} declares no asset key"
        if source == "reference":
            assert (source, name) in reference, f"reference.{name} is not landed"
    # A registry table that dbt does not read is left out of the sources on purpose.
    assert registry <= set(declared)


def test_the_landing_asset_outputs_exactly_the_tables_dbt_reads_from_it():
    outputs = set(landed_submissions.keys)
    assert outputs == {dg.AssetKey(list(table.asset_key)) for table in landed_tables()}
    assert dg.AssetKey(["reference", "ref_reporting_calendar"]) in outputs
    assert dg.AssetKey(["inbox", "submission_receipts"]) in outputs


def test_landing_creates_exactly_the_registry_tables():
    with duckdb.connect() as con:
        con.execute(RAW_DDL)
        assert _tables(con) == {t.name for t in RAW_TABLES if not t.reference}
        # The narrative review's own tables (ingestion/narrative_review/proposals.py).
        ensure_raw_schema(con)
        before = _tables(con)
        land_reference(con)
        assert _tables(con) - before == {t.name for t in RAW_TABLES if t.reference}
        # A reference table is replaced whole from its file, so it has rows once landed.
        for table in RAW_TABLES:
            if table.reference:
                (rows,) = con.execute(f"select count(*) from raw.{table.name}").fetchone()
                assert rows > 0, table.name
