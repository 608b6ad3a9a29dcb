"""The reference tables landed into the build database's raw schema on every run.

One registry, so that a new reference file (clusters, programmes, the reporting calendar)
is one entry here and one dbt source, and landing itself does not change.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from ingestion.reference.calendar import load_reporting_calendar
from ingestion.reference.catalogue import load_catalogue
from ingestion.reference.org_units import load_org_units

# raw table name → loader of its frame. The dbt source `reference` lists the same names.
REFERENCE_TABLES: dict[str, Callable[[], pd.DataFrame]] = {
    "ref_org_units": lambda: load_org_units().units,
    "ref_org_unit_crosswalk": lambda: load_org_units().crosswalk,
    "ref_indicators": load_catalogue,
    "ref_reporting_calendar": load_reporting_calendar,
}


def land_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Replace every reference table with the current reviewed files."""
    con.execute("create schema if not exists raw")
    for name, load in REFERENCE_TABLES.items():
        con.register("_frame", load())
        try:
            con.execute(f"create or replace table raw.{name} as select * from _frame")
        finally:
            con.unregister("_frame")
