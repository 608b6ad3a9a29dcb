"""The dashboard's questions to the published database: plain functions, no Streamlit.

Every call opens its own read-only connection and closes it: a publication replaces the file
by a rename, and the next question then reads the new file while an answer in progress keeps
the old one. The build database is never opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from expectations.vietnamese import vi_number
from orchestration.publish.excel import Column
from orchestration.publish.report_data import UNIT_LABELS, VALUE_SOURCES

BORDERS = {
    "2025": "Địa giới sau sáp nhập 2025",
    "own_time": "Địa giới tại thời điểm báo cáo",
}
NATIONAL = "VN"
# The selection as a table, for the screen and for the downloads.
TABLE = [
    Column("rank", "Xếp hạng", "count", width=10),
    Column("unit_name_vi", "Đơn vị", width=28),
    Column("cluster_name_vi", "Cụm thi đua", width=30),
    Column("period_name_vi", "Kỳ báo cáo", width=18),
    Column("indicator_name_vi", "Chỉ tiêu", width=40),
    Column("unit_label", "Đơn vị tính", width=12),
    Column("value", "Giá trị", "decimal", width=16),
    Column("value_source_vi", "Nguồn số liệu", width=22),
    Column("coverage", "Độ bao phủ", "share"),
    Column("borders_vi", "Địa giới", width=28),
]


@dataclass(frozen=True)
class Area:
    """What the analyst looks at: the nation, one cluster or one province."""

    kind: str  # 'national', 'cluster' or 'province'
    code: str
    name: str


@contextmanager
def reading(published_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _df(published_db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with reading(published_db) as con:
        return con.execute(sql, params or []).df()


def indicators(published_db: Path) -> pd.DataFrame:
    """Indicators with provincial figures, by subject and Vietnamese name."""
    frame = _df(
        published_db,
        "select i.indicator_code, i.indicator_name_vi, i.subject_area, i.unit_of_measure "
        "from dim_indicator i where exists (select 1 from mart_indicator_series s "
        "where s.indicator_code = i.indicator_code and s.unit_level = 'province') "
        "order by list_position(['members', 'programmes', 'finances', 'targets'], "
        "i.subject_area), i.indicator_code != 'members_total', i.indicator_name_vi",
    )
    frame["unit_label"] = frame.unit_of_measure.map(UNIT_LABELS).fillna(frame.unit_of_measure)
    frame["label"] = frame.indicator_name_vi + " (" + frame.unit_label + ")"
    return frame


def periods(published_db: Path, indicator_code: str) -> pd.DataFrame:
    return _df(
        published_db,
        "select distinct period_code, period_name_vi, period_kind, period_end "
        "from mart_indicator_series where indicator_code = ? and unit_level = 'province' "
        "order by period_end desc, period_kind = 'year' desc, period_code",
        [indicator_code],
    )


def areas(published_db: Path, borders: str) -> list[Area]:
    """The nation, the emulation clusters and the provinces of the border view."""
    frame = _df(
        published_db,
        "select distinct unit_code, unit_name_vi, cluster_code, cluster_name_vi "
        "from mart_indicator_series where borders = ? and unit_level = 'province' "
        "order by unit_name_vi",
        [borders],
    )
    clusters = frame.dropna(subset=["cluster_code"]).drop_duplicates("cluster_code")
    return [
        Area("national", NATIONAL, "Toàn quốc"),
        *(
            Area("cluster", row.cluster_code, f"Cụm thi đua: {row.cluster_name_vi}")
            for row in clusters.sort_values("cluster_name_vi").itertuples()
        ),
        *(Area("province", row.unit_code, row.unit_name_vi) for row in frame.itertuples()),
    ]


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    frame["unit_label"] = frame.unit_of_measure.map(UNIT_LABELS).fillna(frame.unit_of_measure)
    frame["value_source_vi"] = frame.value_source.map(VALUE_SOURCES)
    frame["borders_vi"] = frame.borders.map(BORDERS)
    return frame


def ranking(
    published_db: Path, indicator_code: str, period_code: str, borders: str
) -> pd.DataFrame:
    """Every province on the indicator for the period, highest first, with its rank."""
    frame = _df(
        published_db,
        "select *, rank() over (order by value desc nulls last) as rank "
        "from mart_indicator_series where indicator_code = ? and period_code = ? "
        "and borders = ? and unit_level = 'province' and disaggregation = 'total' "
        "order by rank, unit_name_vi",
        [indicator_code, period_code, borders],
    )
    return _labelled(frame)


def selection(
    published_db: Path, indicator_code: str, period_code: str, borders: str, area: Area
) -> pd.DataFrame:
    """The rows of the chosen area: the nation's total, a cluster's provinces, a province."""
    if area.kind == "national":
        frame = _df(
            published_db,
            "select *, null as rank from mart_indicator_series where indicator_code = ? "
            "and period_code = ? and borders = ? and unit_code = ? and disaggregation = 'total'",
            [indicator_code, period_code, borders, NATIONAL],
        )
        return _labelled(frame)
    ranked = ranking(published_db, indicator_code, period_code, borders)
    column = "cluster_code" if area.kind == "cluster" else "unit_code"
    return ranked[ranked[column] == area.code].reset_index(drop=True)


def series(
    published_db: Path, indicator_code: str, period_kind: str, borders: str, area: Area
) -> pd.DataFrame:
    """The area's figures over every period of the same kind, for the chart."""
    where = {
        "national": "unit_code = ?",
        "cluster": "cluster_code = ?",
        "province": "unit_code = ?",
    }
    return _df(
        published_db,
        "select period_name_vi, period_end, unit_name_vi, value from mart_indicator_series "
        "where indicator_code = ? and period_kind = ? and borders = ? "
        f"and disaggregation = 'total' and {where[area.kind]} "
        "and unit_level in ('province', 'central') order by period_end, unit_name_vi",
        [indicator_code, period_kind, borders, area.code],
    )


def publication(published_db: Path) -> tuple[str, str]:
    with reading(published_db) as con:
        return con.execute(
            "select run_id, strftime(published_at, '%d/%m/%Y %H:%M UTC') from _publication"
        ).fetchone()


def format_number(value: float | None, unit_of_measure: str) -> str:
    """A figure as Vietnamese readers write it: '.' groups thousands, ',' marks decimals."""
    if value is None or pd.isna(value):
        return "—"
    digits = 1 if unit_of_measure == "percent" else (0 if float(value).is_integer() else 2)
    text = vi_number(value, digits, trim=False)
    return text + (" %" if unit_of_measure == "percent" else "")
