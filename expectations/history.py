"""The statistics of each value's own history, as dbt computes them.

The one definition of a value's history (the earlier values of the same unit, indicator,
disaggregation and period kind) and of its statistics and modified z-score is the dbt model
int_value_history (macros/modified_z.sql for the score). The gate reads its rows; what
counts as enough history and as far is the rules' business (expectations/suites.py).
"""

from __future__ import annotations

from typing import Literal, get_args

import duckdb
import pandas as pd

HISTORY_MODEL = "int_value_history"
HistoryOf = Literal["submitted", "rolled_up"]


def read_history(
    con: duckdb.DuckDBPyConnection, relation: str, history_of: HistoryOf
) -> pd.DataFrame:
    """The model's rows of one kind (`relation`: its schema-qualified name). The kind is
    written into the query, not bound, so that DuckDB plans the other kind away."""
    if history_of not in get_args(HistoryOf):
        raise ValueError(f"history_of must be one of {get_args(HistoryOf)}, not {history_of!r}")
    return con.sql(f"select * from {relation} where history_of = '{history_of}'").df()
