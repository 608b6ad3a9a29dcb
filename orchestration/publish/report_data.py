"""What the leadership workbook and its charts show, read from the published database only.

Each subject is one query of a published mart, for one period; the workbook (workbook.py)
and the PNG/SVG charts (charts.py) draw the same frames, so a figure in a chart is the figure
in the table beside it and in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.normalise.periods import PeriodParseError, parse_period

# The membership rate's heading, in the tables and on the charts that draw them.
RATE_LABEL = "Tỷ lệ tập hợp hội viên (%)"

# The unit of measure in Vietnamese, as a label beside a figure.
UNIT_LABELS = {
    "person": "người",
    "household": "hộ",
    "house": "căn nhà",
    "session": "buổi",
    "vnd": "đồng",
    "percent": "%",
    "unit": "đơn vị",
    "group": "tổ, nhóm",
    "club": "câu lạc bộ",
    "case": "vụ việc",
}
VALUE_SOURCES = {"reported": "tự báo cáo", "derived": "tổng hợp từ cấp dưới"}


class ReportError(ValueError):
    """The workbook cannot be written for that period; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class ReportData:
    period_code: str
    period_name: str
    published_at: str
    run_id: str
    membership: pd.DataFrame
    members_trend: pd.DataFrame
    programmes: pd.DataFrame
    finances: pd.DataFrame
    completeness: pd.DataFrame
    scorecard: pd.DataFrame


def period_code_of(text: str) -> str:
    """A period as the user wrote it ('2025', 'năm 2025', 'quý 3/2025', '2025-Q3')."""
    try:
        return parse_period(text).code
    except PeriodParseError:
        return text.strip()


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


def latest_periods(published_db: Path) -> list[str]:
    """The latest year with provincial figures, and the latest period of any kind after it."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        rows = con.execute(
            "select distinct period_code, period_kind, period_end "
            "from mart_membership_by_province "
            "order by period_end desc, period_kind = 'year' desc"
        ).fetchall()
    years = [code for code, kind, _ in rows if kind == "year"]
    latest = [years[0]] if years else []
    if rows and rows[0][0] not in latest:
        latest.append(rows[0][0])
    return latest


def read_report_data(published_db: Path, period_text: str) -> ReportData:
    code = period_code_of(period_text)
    with duckdb.connect(str(published_db), read_only=True) as con:
        period = con.execute(
            "select period_name_vi, period_end from dim_period where period_code = ?", [code]
        ).fetchone()
        if period is None:
            raise ReportError(f"Không nhận ra kỳ báo cáo '{period_text}' (ví dụ: 2025, 2025-Q3).")
        has_figures = con.execute(
            "select count(*) from mart_membership_by_province where period_code = ?", [code]
        ).fetchone()[0]
        if not has_figures:
            raise ReportError(
                f"Cơ sở dữ liệu công bố {published_db} chưa có số liệu cấp tỉnh cho kỳ "
                f"{period[0]} ({code})."
            )
        run_id, published_at = con.execute(
            "select run_id, strftime(published_at, '%d/%m/%Y %H:%M UTC') from _publication"
        ).fetchone()
        params = [code]
        membership = _frame(
            con,
            "select province_name_vi, cluster_name_vi, members_total, women_18_plus, "
            "membership_rate_pct, members_admitted, members_lost, net_growth, "
            "grassroots_units_under_50, targets_achieved_pct, has_values_below_coverage "
            "from mart_membership_by_province where period_code = ? "
            "order by membership_rate_pct desc nulls last, province_name_vi",
            params,
        )
        members_trend = _frame(
            con,
            "select period_name_vi, value as members_total, value_source, coverage, "
            "is_below_coverage from mart_national_totals "
            "where indicator_code = 'members_total' and disaggregation = 'total' "
            "and period_kind = 'year' and period_end <= ? order by period_end",
            [period[1]],
        )
        programmes = _frame(
            con,
            "select coalesce(p.programme_name_vi, 'Khác') as programme_name_vi, "
            "n.indicator_name_vi, n.unit_of_measure, n.value, n.value_source, n.coverage, "
            "n.is_below_coverage from mart_national_totals n "
            "join dim_indicator i using (indicator_code) "
            "left join dim_programme p on i.programme_code = p.programme_code "
            "where n.period_code = ? and n.subject_area = 'programmes' "
            "and n.disaggregation = 'total' order by programme_name_vi, n.indicator_name_vi",
            params,
        )
        finances = _frame(
            con,
            "select province_name_vi, trust_loan_balance_vnd, borrowing_households, "
            "money_mobilised_vnd, money_spent_vnd, has_values_below_coverage "
            "from mart_finances_by_province where period_code = ? "
            "order by trust_loan_balance_vnd desc nulls last, province_name_vi",
            params,
        )
        completeness = _frame(
            con,
            "select province_name_vi, form, reports_expected, reports_received, "
            "reports_on_time, reporting_rate_pct, timeliness_rate_pct "
            "from mart_reporting_completeness where period_code = ? "
            "order by province_name_vi, form",
            params,
        )
        scorecard = _frame(
            con,
            "select cluster_name_vi, province_name_vi, membership_rate_rank_in_cluster, "
            "membership_rate_pct, members_total, net_growth, trust_loan_balance_vnd, "
            "borrowing_households, reporting_rate_pct, timeliness_rate_pct "
            "from mart_cluster_scorecard where period_code = ? "
            "order by cluster_name_vi, membership_rate_rank_in_cluster, province_name_vi",
            params,
        )
    programmes["unit_label"] = programmes.unit_of_measure.map(UNIT_LABELS).fillna(
        programmes.unit_of_measure
    )
    for frame in (programmes, members_trend):
        frame["value_source_vi"] = frame.value_source.map(VALUE_SOURCES)
    return ReportData(
        period_code=code,
        period_name=period[0],
        published_at=published_at,
        run_id=run_id,
        membership=membership,
        members_trend=members_trend,
        programmes=programmes,
        finances=finances,
        completeness=completeness,
        scorecard=scorecard,
    )
