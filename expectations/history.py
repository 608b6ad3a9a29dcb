"""The statistics of each value's own history, computed in DuckDB SQL.

For every value: the values of the same group (unit, indicator, disaggregation, period kind)
with an earlier period end are its history. Of them: count, median, min, max, the median
absolute deviation (MAD) and the mean absolute deviation around the median (MeanAD).

The modified z-score is 0.6745·|x − median| / MAD (Iglewicz and Hoaglin). When MAD is 0
(at least half of the history is one value), the fallback is |x − median| / (1.253314·MeanAD),
the usual substitute; when MeanAD is 0 too (the whole history is one constant), the score is
3.5·|x − median| / max(0.5·|median|, 10), so a value is flagged only when it differs from
that constant by more than half of it and by more than 10.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from expectations.suites import MIN_HISTORY

STAT_COLUMNS = [
    "history_count",
    "history_median",
    "history_min",
    "history_max",
    "history_mad",
    "history_mean_ad",
    "modified_z",
    "judged",
]


def _sql(group: list[str]) -> str:
    same = " and ".join(f"h.{c} is not distinct from c.{c}" for c in group)
    return f"""
with

current_values as (
    select row_id, value, period_end, {", ".join(group)} from frame
),

history as (
    select c.row_id, c.value as x, h.value as earlier
    from current_values as c
    inner join current_values as h
        on {same} and h.period_end < c.period_end
    where h.value is not null
),

centre as (
    select
        row_id,
        any_value(x) as x,
        count(*) as history_count,
        median(earlier) as history_median,
        min(earlier) as history_min,
        max(earlier) as history_max
    from history
    group by row_id
),

spread as (
    select
        history.row_id,
        median(abs(history.earlier - centre.history_median)) as history_mad,
        avg(abs(history.earlier - centre.history_median)) as history_mean_ad
    from history
    inner join centre on history.row_id = centre.row_id
    group by history.row_id
),

scored as (
    select
        centre.*,
        spread.history_mad,
        spread.history_mean_ad,
        case
            when spread.history_mad > 0
                then 0.6745 * abs(centre.x - centre.history_median) / spread.history_mad
            when spread.history_mean_ad > 0
                then abs(centre.x - centre.history_median) / (1.253314 * spread.history_mean_ad)
            else 3.5 * abs(centre.x - centre.history_median)
                / greatest(0.5 * abs(centre.history_median), 10)
        end as modified_z
    from centre
    inner join spread on centre.row_id = spread.row_id
)

select
    row_id,
    {", ".join(c for c in STAT_COLUMNS if c != "judged")},
    history_count >= {MIN_HISTORY} as judged
from scored
"""


def history_stats(values: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """STAT_COLUMNS indexed like `values` (0..n-1); judged is False without enough history."""
    frame = values[["value", "period_end", *group]].reset_index(drop=True)
    frame = frame.assign(row_id=range(len(frame)), value=frame["value"].astype("float64"))
    with duckdb.connect() as con:
        con.register("frame", frame)
        stats = con.sql(_sql(group)).df().set_index("row_id")
    stats = stats.reindex(range(len(frame)))
    stats["judged"] = stats["judged"].fillna(False).astype(bool)
    stats["history_count"] = stats["history_count"].fillna(0)
    return stats[STAT_COLUMNS]
