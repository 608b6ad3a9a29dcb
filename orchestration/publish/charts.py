"""The leadership workbook's charts as PNG and SVG files, for reports and slides.

Drawn with altair from the same frames as the workbook (report_data.py) and rendered offline
by vl-convert (no browser, no network). The text is set in DejaVu Sans, which has every
Vietnamese letter.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt

from orchestration.publish.report_data import RATE_LABEL, ReportData

FONT = "DejaVu Sans"
WIDTH = 560


def _configured(chart: alt.TopLevelMixin, title: str) -> alt.TopLevelMixin:
    return (
        chart.properties(title=title)
        .configure(font=FONT)
        .configure_title(fontSize=15, anchor="start")
        .configure_axis(labelFontSize=11, titleFontSize=12, labelLimit=260)
        .configure_legend(labelFontSize=11, titleFontSize=12, orient="bottom")
    )


def membership_rate_by_province(data: ReportData) -> alt.TopLevelMixin:
    frame = data.membership[["province_name_vi", "membership_rate_pct"]].dropna()
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#2E75B6")
        .encode(
            x=alt.X("membership_rate_pct:Q", title=RATE_LABEL),
            y=alt.Y("province_name_vi:N", sort="-x", title=None),
            tooltip=["province_name_vi", alt.Tooltip("membership_rate_pct:Q", format=".1f")],
        )
        .properties(width=WIDTH, height=16 * len(frame))
    )
    return _configured(chart, f"Tỷ lệ tập hợp hội viên theo tỉnh, {data.period_name}")


def members_trend(data: ReportData) -> alt.TopLevelMixin:
    frame = data.members_trend[["period_name_vi", "members_total"]]
    base = alt.Chart(frame).encode(
        x=alt.X("period_name_vi:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("members_total:Q", title="Tổng số hội viên", scale=alt.Scale(zero=False)),
    )
    chart = (
        base.mark_line(point=alt.OverlayMarkDef(size=80), color="#1F4E79")
        + base.mark_text(dy=-14, fontSize=11).encode(
            text=alt.Text("members_total:Q", format=",.0f")
        )
    ).properties(width=WIDTH, height=300)
    return _configured(chart, "Tổng số hội viên toàn quốc qua các năm (địa giới 2025)")


def programme_outcomes(data: ReportData) -> alt.TopLevelMixin:
    frame = data.programmes.dropna(subset=["value"])
    frame = frame[frame.value > 0].assign(
        label=lambda f: f.indicator_name_vi + " (" + f.unit_label + ")"
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#548235")
        .encode(
            x=alt.X(
                "value:Q", title="Kết quả toàn quốc (thang logarit)", scale=alt.Scale(type="log")
            ),
            # Bars start at 1: a log scale has no zero.
            x2=alt.datum(1),
            y=alt.Y("label:N", sort="-x", title=None),
        )
        .properties(width=WIDTH, height=26 * len(frame))
    )
    return _configured(chart, f"Kết quả các chương trình, {data.period_name}")


def trust_loans(data: ReportData) -> alt.TopLevelMixin:
    frame = data.finances.dropna(subset=["trust_loan_balance_vnd"]).assign(
        loans_billion=lambda f: f.trust_loan_balance_vnd / 1e9
    )
    base = alt.Chart(frame).encode(
        x=alt.X("province_name_vi:N", sort=None, title=None, axis=alt.Axis(labelAngle=-60))
    )
    bars = base.mark_bar(color="#1F4E79").encode(
        y=alt.Y("loans_billion:Q", title="Dư nợ ủy thác NHCSXH (tỷ đồng)")
    )
    points = base.mark_point(color="#C55A11", filled=True, shape="diamond", size=60).encode(
        y=alt.Y("borrowing_households:Q", title="Số hộ vay vốn (◆)")
    )
    chart = alt.layer(bars, points).resolve_scale(y="independent").properties(width=760, height=320)
    return _configured(chart, f"Dư nợ ủy thác và số hộ vay vốn theo tỉnh, {data.period_name}")


def reporting_completeness(data: ReportData) -> alt.TopLevelMixin:
    frame = data.scorecard.melt(
        id_vars=["province_name_vi"],
        value_vars=["reporting_rate_pct", "timeliness_rate_pct"],
        var_name="measure",
        value_name="pct",
    ).dropna()
    frame["measure"] = frame.measure.map(
        {"reporting_rate_pct": "Tỷ lệ báo cáo", "timeliness_rate_pct": "Tỷ lệ đúng hạn"}
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("pct:Q", title="%", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("province_name_vi:N", title=None),
            yOffset="measure:N",
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(range=["#2E75B6", "#C55A11"]),
            ),
        )
        .properties(width=WIDTH, height=26 * frame.province_name_vi.nunique())
    )
    return _configured(
        chart, f"Tình hình gửi báo cáo theo tỉnh (địa giới 2025), {data.period_name}"
    )


def cluster_scorecard(data: ReportData) -> alt.TopLevelMixin:
    frame = data.scorecard.dropna(subset=["membership_rate_pct"]).assign(
        label=lambda f: (
            f.province_name_vi
            + " (#"
            + f.membership_rate_rank_in_cluster.astype(int).astype(str)
            + ")"
        )
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("membership_rate_pct:Q", title=RATE_LABEL),
            y=alt.Y("label:N", sort=None, title=None),
            color=alt.Color("cluster_name_vi:N", title="Cụm thi đua"),
        )
        .properties(width=WIDTH, height=16 * len(frame))
    )
    return _configured(chart, f"Xếp hạng trong cụm thi đua, {data.period_name}")


CHARTS = {
    "ty-le-tap-hop-hoi-vien": membership_rate_by_province,
    "xu-huong-hoi-vien": members_trend,
    "ket-qua-chuong-trinh": programme_outcomes,
    "du-no-uy-thac": trust_loans,
    "bao-cao-day-du": reporting_completeness,
    "cum-thi-dua": cluster_scorecard,
}


def save_charts(
    data: ReportData, folder: Path, formats: tuple[str, ...] = ("png", "svg")
) -> list[Path]:
    """Every chart of the workbook, as <name>-<period>.<format> in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in CHARTS.items():
        chart = draw(data)
        for fmt in formats:
            path = folder / f"{name}-{data.period_code}.{fmt}"
            chart.save(str(path), format=fmt, scale_factor=2 if fmt == "png" else 1)
            written.append(path)
    return written
