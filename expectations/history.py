"""The statistics of each value's own history, as dbt computes them.

The one definition of a value's history (the earlier values of the same unit, indicator,
disaggregation and period kind) and of its statistics and modified z-score is the dbt model
int_value_history (macros/modified_z.sql for the score). The gate reads its rows; what
counts as enough history and as far is the rules' business (expectations/suites.py).
"""

from __future__ import annotations

from typing import Literal

import duckdb
import pandas as pd

HISTORY_MODEL = "int_value_history"
HistoryOf = Literal["submitted", "rolled_up"]
STAT_COLUMNS = [
    "history_count",
    "history_median",
    "history_min",
    "history_max",
    "history_mad",
    "history_mean_ad",
    "modified_z",
]


def read_history(
    con: duckdb.DuckDBPyConnection, relation: str, history_of: HistoryOf
) -> pd.DataFrame:
    """The model's rows of one kind (`relation`: its schema-qualified name)."""
    frame = con.execute(f"select * from {relation} where history_of = ?", [history_of]).df()
    frame["history_count"] = frame["history_count"].fillna(0)
    return frame
