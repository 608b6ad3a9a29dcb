"""The analysts' dashboard (Streamlit): pick an indicator, a period, the borders and an area;
see the table, the chart over time and the province ranking; download the selection.

Streamlit because it is Python end to end (the same process reads DuckDB and draws altair),
runs as one local process on 127.0.0.1, and needs no JavaScript build. It reads only the
published database, through orchestration/dashboard/data.py.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from orchestration.dashboard import data
from orchestration.publish.excel import frame_to_csv, frame_to_xlsx
from orchestration.settings import Settings


def _shown(frame: pd.DataFrame, unit_of_measure: str) -> pd.DataFrame:
    """The selection as the screen shows it: Vietnamese labels, numbers written the
    Vietnamese way."""
    shown = pd.DataFrame(
        {
            column.label: (
                frame[column.name].map(lambda v: data.format_number(v, unit_of_measure))
                if column.name == "value"
                else frame[column.name]
            )
            for column in data.TABLE
            if column.name not in ("indicator_name_vi", "borders_vi")
        }
    )
    shown["Xếp hạng"] = shown["Xếp hạng"].map(lambda r: "" if pd.isna(r) else str(int(r)))
    shown["Độ bao phủ"] = shown["Độ bao phủ"].map(
        lambda c: "" if pd.isna(c) else f"{100 * c:.0f} %"
    )
    return shown.fillna("")


def main() -> None:
    st.set_page_config(page_title="Số liệu Hội LHPN Việt Nam", layout="wide")
    published_db = Settings.from_env().published_db
    st.title("Số liệu Hội Liên hiệp Phụ nữ Việt Nam")
    if not published_db.exists():
        st.error(f"Chưa có cơ sở dữ liệu công bố ({published_db}). Hãy chạy `make run` trước.")
        return
    run_id, published_at = data.publication(published_db)
    st.caption(f"Số liệu công bố lúc {published_at} (lần chạy {run_id[:8]}).")

    indicators = data.indicators(published_db).set_index("indicator_code")
    left, middle, right = st.columns([3, 2, 2])
    indicator = left.selectbox(
        "Chỉ tiêu", indicators.index, format_func=lambda code: indicators.at[code, "label"]
    )
    unit = indicators.at[indicator, "unit_of_measure"]
    periods = data.periods(published_db, indicator).set_index("period_code")
    period = middle.selectbox(
        "Kỳ báo cáo", periods.index, format_func=lambda code: periods.at[code, "period_name_vi"]
    )
    borders = right.radio("Địa giới", list(data.BORDERS), format_func=data.BORDERS.get)
    areas = data.areas(published_db, borders)
    area = st.selectbox(
        "Phạm vi: toàn quốc, cụm thi đua hoặc tỉnh", areas, format_func=lambda a: a.name
    )

    chosen = data.selection(published_db, indicator, period, borders, area)
    name = indicators.at[indicator, "indicator_name_vi"]
    period_name = periods.at[period, "period_name_vi"]
    st.subheader(f"{name} - {area.name} - {period_name}")
    if area.kind != "cluster" and len(chosen) == 1:
        st.metric(
            f"{name} ({indicators.at[indicator, 'unit_label']})",
            data.format_number(chosen["value"].iloc[0], unit),
        )
    if chosen.empty:
        st.info("Không có số liệu cho lựa chọn này.")
    else:
        st.table(_shown(chosen, unit))
        if chosen.is_below_coverage.any():
            st.warning("Có số liệu tổng hợp từ quá ít đơn vị cấp dưới: không đưa vào tổng.")
        download = f"{indicator}-{period}-{borders}-{area.code}"
        one, two = st.columns(2)
        one.download_button(
            "Tải về Excel",
            frame_to_xlsx(chosen, data.TABLE, "Số liệu"),
            file_name=f"{download}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        two.download_button(
            "Tải về CSV",
            frame_to_csv(chosen, data.TABLE),
            file_name=f"{download}.csv",
            mime="text/csv",
        )

    kind = periods.at[period, "period_kind"]
    history = data.series(published_db, indicator, kind, borders, area)
    st.subheader("Diễn biến qua các kỳ")
    if not history.empty:
        chart = (
            alt.Chart(history)
            .mark_line(point=True)
            .encode(
                x=alt.X("period_name_vi:N", sort=alt.SortField("period_end"), title="Kỳ báo cáo"),
                y=alt.Y("value:Q", title=name),
                color=alt.Color("unit_name_vi:N", title="Đơn vị"),
            )
        )
        st.altair_chart(chart, use_container_width=True)

    st.subheader(f"Xếp hạng các tỉnh - {period_name}")
    ranked = data.ranking(published_db, indicator, period, borders)
    if not ranked.empty:
        bars = (
            alt.Chart(ranked.dropna(subset=["value"]))
            .mark_bar()
            .encode(
                x=alt.X("value:Q", title=name),
                y=alt.Y(
                    "unit_name_vi:N",
                    sort="-x",
                    title=None,
                    axis=alt.Axis(labelOverlap=False, labelLimit=240),
                ),
                color=alt.condition(
                    alt.FieldOneOfPredicate(field="unit_code", oneOf=list(chosen.unit_code)),
                    alt.value("#C55A11"),
                    alt.value("#2E75B6"),
                ),
            )
            .properties(height=22 * len(ranked))
        )
        st.altair_chart(bars, use_container_width=True)


main()
