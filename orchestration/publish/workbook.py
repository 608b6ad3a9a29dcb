"""The leadership workbook (báo cáo lãnh đạo): one formatted .xlsx for a period, from the
published database only, with Vietnamese labels, number formats, frozen headers, filters, one
sheet per subject and native Excel charts (xlsxwriter: charts Excel itself draws and that stay
editable, which no image-based library gives).

python -m orchestration.publish.workbook PERIOD [--out file.xlsx] [--charts folder]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from orchestration.publish.excel import Column, new_workbook, write_table
from orchestration.publish.report_data import (
    RATE_LABEL,
    ReportData,
    ReportError,
    read_report_data,
)
from orchestration.settings import Settings

CHART_SIZE = {"x_scale": 1.6, "y_scale": 1.8}
CLUSTER_COLOURS = ["#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000", "#2E75B6", "#A50021"]

MEMBERSHIP = [
    Column("province_name_vi", "Tỉnh, thành phố", width=24),
    Column("cluster_name_vi", "Cụm thi đua", width=30),
    Column("members_total", "Tổng số hội viên", "count"),
    Column("women_18_plus", "Phụ nữ từ 18 tuổi trở lên", "count"),
    Column("membership_rate_pct", RATE_LABEL, "pct"),
    Column("members_admitted", "Kết nạp mới", "count"),
    Column("members_lost", "Giảm", "count"),
    Column("net_growth", "Phát triển mới", "count"),
    Column("grassroots_units_under_50", "Cơ sở Hội có tỷ lệ tập hợp dưới 50%", "count"),
    Column("targets_achieved_pct", "Tỷ lệ chỉ tiêu nhiệm kỳ đạt (%)", "pct"),
    Column("has_values_below_coverage", "Có số liệu thiếu độ bao phủ", "flag"),
]
TREND = [
    Column("period_name_vi", "Năm", width=14),
    Column("members_total", "Tổng số hội viên toàn quốc (địa giới 2025)", "count", width=24),
    Column("value_source_vi", "Nguồn số liệu", width=22),
    Column("coverage", "Độ bao phủ", "share"),
]
PROGRAMMES = [
    Column("programme_name_vi", "Chương trình, phong trào", width=40),
    Column("indicator_name_vi", "Chỉ tiêu", width=50),
    Column("unit_label", "Đơn vị tính", width=12),
    Column("value", "Kết quả toàn quốc", "count", width=18),
    Column("value_source_vi", "Nguồn số liệu", width=22),
    Column("coverage", "Độ bao phủ", "share"),
]
FINANCES = [
    Column("province_name_vi", "Tỉnh, thành phố", width=24),
    Column("trust_loan_balance_vnd", "Dư nợ ủy thác NHCSXH (đồng)", "vnd", width=22),
    Column("borrowing_households", "Số hộ vay vốn", "count"),
    Column("money_mobilised_vnd", "Kinh phí vận động (đồng)", "vnd", width=20),
    Column("money_spent_vnd", "Chi hoạt động (đồng)", "vnd", width=20),
    Column("has_values_below_coverage", "Có số liệu thiếu độ bao phủ", "flag"),
]
COMPLETENESS = [
    Column("province_name_vi", "Tỉnh, thành phố (tại thời điểm báo cáo)", width=26),
    Column("form", "Biểu mẫu", width=12),
    Column("reports_expected", "Số báo cáo phải nộp", "count"),
    Column("reports_received", "Số báo cáo đã nhận", "count"),
    Column("reports_on_time", "Số báo cáo đúng hạn", "count"),
    Column("reporting_rate_pct", "Tỷ lệ báo cáo (%)", "pct"),
    Column("timeliness_rate_pct", "Tỷ lệ đúng hạn (%)", "pct"),
]
SCORECARD = [
    Column("cluster_name_vi", "Cụm thi đua", width=30),
    Column("province_name_vi", "Tỉnh, thành phố", width=24),
    Column("membership_rate_rank_in_cluster", "Xếp hạng trong cụm", "count"),
    Column("membership_rate_pct", RATE_LABEL, "pct"),
    Column("members_total", "Tổng số hội viên", "count"),
    Column("net_growth", "Phát triển mới", "count"),
    Column("trust_loan_balance_vnd", "Dư nợ ủy thác (đồng)", "vnd", width=20),
    Column("borrowing_households", "Số hộ vay vốn", "count"),
    Column("reporting_rate_pct", "Tỷ lệ báo cáo (%)", "pct"),
    Column("timeliness_rate_pct", "Tỷ lệ đúng hạn (%)", "pct"),
]
# Sheet names, one per subject (Excel allows 31 characters, no : \\ / ? * [ ]).
SHEETS = {
    "about": "Giới thiệu",
    "membership": "Hội viên",
    "trend": "Xu hướng hội viên",
    "programmes": "Chương trình",
    "finances": "Tài chính",
    "completeness": "Báo cáo đầy đủ",
    "scorecard": "Cụm thi đua",
}


def _ref(sheet: str, first_row: int, last_row: int, col: int) -> list:
    return [sheet, first_row, col, last_row, col]


def _chart(workbook: Workbook, kind: str, title: str, axis_title: str, number_format: str):
    chart = workbook.add_chart({"type": kind})
    chart.set_title({"name": title, "name_font": {"size": 12}})
    chart.set_legend({"none": True})
    value_axis = {
        "name": axis_title,
        "num_format": number_format,
        "major_gridlines": {"visible": True},
    }
    if kind == "bar":
        chart.set_x_axis(value_axis)
        chart.set_y_axis({"reverse": True})  # the first (highest-ranked) row at the top
    else:
        chart.set_y_axis(value_axis)
    return chart


def _column(columns: Sequence[Column], name: str) -> int:
    return next(i for i, c in enumerate(columns) if c.name == name)


def _table_sheet(
    workbook: Workbook, key: str, title: str, frame, columns: Sequence[Column]
) -> tuple[Worksheet, int, int]:
    sheet = workbook.add_worksheet(SHEETS[key])
    sheet.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 14}))
    first, last = write_table(workbook, sheet, frame, columns, first_row=2)
    return sheet, first, last


def _about_sheet(workbook: Workbook, data: ReportData) -> None:
    sheet = workbook.add_worksheet(SHEETS["about"])
    bold = workbook.add_format({"bold": True, "font_size": 14})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, f"Báo cáo số liệu Hội LHPN Việt Nam - {data.period_name}", bold)
    lines = [
        ("Kỳ báo cáo", f"{data.period_name} ({data.period_code})"),
        ("Số liệu công bố lúc", data.published_at),
        ("Lần công bố", data.run_id),
        (
            "Địa giới",
            "Số liệu theo địa giới sau sáp nhập 2025 (34 tỉnh, thành phố); số liệu các năm "
            "trước được quy đổi về tỉnh mới. Riêng mục Báo cáo đầy đủ theo tỉnh tại thời điểm "
            "báo cáo.",
        ),
        ("Tỷ lệ", "Mọi tỷ lệ tính theo phần trăm (0-100), tính lại từ tử số và mẫu số."),
        (
            "Độ bao phủ",
            "Số liệu tổng hợp từ quá ít đơn vị cấp dưới không được đưa vào tổng và được đánh "
            "dấu (cột 'Có số liệu thiếu độ bao phủ').",
        ),
    ]
    for row, (label, text) in enumerate(lines, start=2):
        sheet.write_string(row, 0, label, workbook.add_format({"bold": True}))
        sheet.write_string(row, 1, text, wrap)
    for row, name in enumerate(list(SHEETS.values())[1:], start=len(lines) + 3):
        sheet.write_url(row, 1, f"internal:'{name}'!A1", string=f"→ {name}")


def _membership(workbook: Workbook, data: ReportData) -> None:
    name = SHEETS["membership"]
    sheet, first, last = _table_sheet(
        workbook,
        "membership",
        f"Hội viên theo tỉnh, {data.period_name}",
        data.membership,
        MEMBERSHIP,
    )
    chart = _chart(workbook, "bar", "Tỷ lệ tập hợp hội viên theo tỉnh (%)", "%", "0")
    chart.add_series(
        {
            "name": RATE_LABEL,
            "categories": _ref(name, first, last, _column(MEMBERSHIP, "province_name_vi")),
            "values": _ref(name, first, last, _column(MEMBERSHIP, "membership_rate_pct")),
            "fill": {"color": "#2E75B6"},
            "gap": 40,
        }
    )
    chart.set_size({"width": 620, "height": max(420, 18 * len(data.membership) + 80)})
    sheet.insert_chart(2, len(MEMBERSHIP) + 1, chart)


def _trend(workbook: Workbook, data: ReportData) -> None:
    name = SHEETS["trend"]
    sheet, first, last = _table_sheet(
        workbook,
        "trend",
        "Tổng số hội viên toàn quốc qua các năm, địa giới 2025 (trước và sau sáp nhập)",
        data.members_trend,
        TREND,
    )
    chart = _chart(
        workbook, "line", "Tổng số hội viên qua các năm (địa giới 2025)", "Hội viên", "#,##0"
    )
    chart.add_series(
        {
            "name": "Tổng số hội viên",
            "categories": _ref(name, first, last, 0),
            "values": _ref(name, first, last, 1),
            "marker": {"type": "circle", "size": 7},
            "data_labels": {"value": True, "num_format": "#,##0"},
        }
    )
    chart.set_size(CHART_SIZE)
    sheet.insert_chart(2, len(TREND) + 1, chart)


def _programmes(workbook: Workbook, data: ReportData) -> None:
    name = SHEETS["programmes"]
    sheet, first, last = _table_sheet(
        workbook,
        "programmes",
        f"Kết quả chương trình toàn quốc, {data.period_name}",
        data.programmes,
        PROGRAMMES,
    )
    chart = _chart(workbook, "bar", "Kết quả các chương trình (toàn quốc)", "Kết quả", "#,##0")
    chart.add_series(
        {
            "name": "Kết quả toàn quốc",
            "categories": _ref(name, first, last, _column(PROGRAMMES, "indicator_name_vi")),
            "values": _ref(name, first, last, _column(PROGRAMMES, "value")),
            "fill": {"color": "#548235"},
        }
    )
    chart.set_x_axis({"name": "Kết quả (thang logarit)", "log_base": 10, "num_format": "#,##0"})
    chart.set_size({"width": 760, "height": max(420, 26 * len(data.programmes) + 80)})
    sheet.insert_chart(2, len(PROGRAMMES) + 1, chart)


def _finances(workbook: Workbook, data: ReportData) -> None:
    name = SHEETS["finances"]
    sheet, first, last = _table_sheet(
        workbook, "finances", f"Tài chính theo tỉnh, {data.period_name}", data.finances, FINANCES
    )
    provinces = _ref(name, first, last, 0)
    loans = workbook.add_chart({"type": "column"})
    loans.add_series(
        {
            "name": "Dư nợ ủy thác (đồng)",
            "categories": provinces,
            "values": _ref(name, first, last, _column(FINANCES, "trust_loan_balance_vnd")),
            "fill": {"color": "#1F4E79"},
        }
    )
    households = workbook.add_chart({"type": "line"})
    households.add_series(
        {
            "name": "Số hộ vay vốn",
            "categories": provinces,
            "values": _ref(name, first, last, _column(FINANCES, "borrowing_households")),
            "y2_axis": True,
            "marker": {"type": "diamond", "size": 6},
            "line": {"none": True},
        }
    )
    loans.combine(households)
    loans.set_title({"name": "Dư nợ ủy thác và số hộ vay vốn theo tỉnh", "name_font": {"size": 12}})
    loans.set_y_axis({"name": "Dư nợ (đồng)", "num_format": '#,##0,,," tỷ"'})
    households.set_y2_axis({"name": "Số hộ vay", "num_format": "#,##0"})
    loans.set_legend({"position": "bottom"})
    loans.set_size({"width": 900, "height": 480})
    sheet.insert_chart(2, len(FINANCES) + 1, loans)


def _completeness(workbook: Workbook, data: ReportData) -> None:
    sheet, _, _ = _table_sheet(
        workbook,
        "completeness",
        f"Tình hình gửi báo cáo, {data.period_name}",
        data.completeness,
        COMPLETENESS,
    )
    # The chart reads the scorecard's rates by 2025 province (the same mart's rule).
    chart = _chart(
        workbook, "bar", "Tỷ lệ báo cáo và đúng hạn theo tỉnh (địa giới 2025, %)", "%", "0"
    )
    scorecard = SHEETS["scorecard"]
    rows = (3, 2 + len(data.scorecard))
    for column, colour in (("reporting_rate_pct", "#2E75B6"), ("timeliness_rate_pct", "#C55A11")):
        chart.add_series(
            {
                "name": [scorecard, 2, _column(SCORECARD, column)],
                "categories": _ref(scorecard, *rows, _column(SCORECARD, "province_name_vi")),
                "values": _ref(scorecard, *rows, _column(SCORECARD, column)),
                "fill": {"color": colour},
            }
        )
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 700, "height": max(420, 22 * len(data.scorecard) + 100)})
    sheet.insert_chart(2, len(COMPLETENESS) + 1, chart)


def _scorecard(workbook: Workbook, data: ReportData) -> None:
    name = SHEETS["scorecard"]
    sheet, first, last = _table_sheet(
        workbook,
        "scorecard",
        f"Bảng xếp hạng cụm thi đua, {data.period_name}",
        data.scorecard,
        SCORECARD,
    )
    clusters = list(dict.fromkeys(data.scorecard.cluster_name_vi))
    chart = _chart(workbook, "bar", "Tỷ lệ tập hợp hội viên theo cụm thi đua (%)", "%", "0")
    chart.add_series(
        {
            "name": RATE_LABEL,
            "categories": [name, first, 0, last, 1],  # cluster and province, two levels
            "values": _ref(name, first, last, _column(SCORECARD, "membership_rate_pct")),
            "points": [
                {"fill": {"color": CLUSTER_COLOURS[clusters.index(c) % len(CLUSTER_COLOURS)]}}
                for c in data.scorecard.cluster_name_vi
            ],
        }
    )
    chart.set_size({"width": 760, "height": max(480, 20 * len(data.scorecard) + 100)})
    sheet.insert_chart(2, len(SCORECARD) + 1, chart)


def write_workbook(data: ReportData, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = new_workbook(out)
    workbook.set_properties(
        {
            "title": f"Báo cáo số liệu Hội LHPN Việt Nam - {data.period_name}",
            "author": "vwu-warehouse",
        }
    )
    _about_sheet(workbook, data)
    for write in (_membership, _trend, _programmes, _finances, _completeness, _scorecard):
        write(workbook, data)
    workbook.close()
    return out


def default_output(published_db: Path, period_code: str) -> Path:
    return published_db.parent / "reports" / f"bao-cao-{period_code}.xlsx"


def write_report(published_db: Path, period: str, out: Path | None = None) -> Path:
    data = read_report_data(published_db, period)
    return write_workbook(data, out or default_output(published_db, data.period_code))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("period", help="kỳ báo cáo, ví dụ 2025, 'năm 2025', 2025-Q3")
    parser.add_argument("--out", type=Path, help="tệp .xlsx (mặc định: bên cạnh CSDL công bố)")
    parser.add_argument("--charts", type=Path, help="thư mục ghi biểu đồ PNG và SVG")
    args = parser.parse_args(argv)
    published_db = Settings.from_env().published_db
    if not published_db.exists():
        print(f"Chưa có cơ sở dữ liệu công bố {published_db}: hãy chạy `make run` trước.")
        return 2
    try:
        data = read_report_data(published_db, args.period)
    except ReportError as error:
        print(error, file=sys.stderr)
        return 2
    out = write_workbook(data, args.out or default_output(published_db, data.period_code))
    print(f"Đã ghi báo cáo {data.period_name}: {out}")
    if args.charts:
        from orchestration.publish.charts import save_charts

        for path in save_charts(data, args.charts):
            print(f"Biểu đồ: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
