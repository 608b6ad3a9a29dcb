"""The leadership workbook, opened as a reader would: openpyxl for the sheets and cells, the
zip for the chart parts Excel draws. Its figures are checked against the published database
of a real nightly run; a unit name written as a formula stays text."""

import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from orchestration.publish.charts import CHARTS, save_charts
from orchestration.publish.excel import Column, csv_safe, frame_to_csv, frame_to_xlsx
from orchestration.publish.report_data import ReportError, read_report_data
from orchestration.publish.workbook import SHEETS, write_report
from orchestration.settings import REPO_ROOT
from tests.integration.test_published_database import published_demo

pytestmark = pytest.mark.slow
PERIOD = "2025"
HOSTILE = ['=HYPERLINK("http://evil.example","bấm")', "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return published_demo(tmp_path_factory)


@pytest.fixture(scope="module")
def workbook_path(published, tmp_path_factory) -> Path:
    return write_report(published, f"năm {PERIOD}", tmp_path_factory.mktemp("wb") / "r.xlsx")


def rows_of(sheet) -> list[dict]:
    """Data rows under the header on row 3, keyed by the Vietnamese labels."""
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:] if any(row)]


def test_one_sheet_per_subject_with_frozen_headers_and_filters(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    assert book.sheetnames == list(SHEETS.values())
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A4", name
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A3:"), name
    rate = book["Hội viên"].cell(row=4, column=5)
    assert rate.number_format == "0.0"
    assert book["Tài chính"].cell(row=4, column=2).number_format == "#,##0"


def test_every_subject_has_a_native_excel_chart(workbook_path):
    with zipfile.ZipFile(workbook_path) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        xml = {name: archive.read(name).decode("utf-8") for name in charts}
    assert len(charts) == 6
    kinds = {
        name: ('barDir val="bar"' in text, "<c:lineChart>" in text) for name, text in xml.items()
    }
    assert sum(bar for bar, _ in kinds.values()) >= 4  # ranked bars
    assert any(line for _, line in kinds.values())  # the trend across the merger
    # Each chart reads its cells from the workbook (a reference, not a picture).
    referenced = " ".join(xml.values())
    for sheet in ("Hội viên", "Xu hướng hội viên", "Chương trình", "Tài chính", "Cụm thi đua"):
        assert f"'{sheet}'!$" in referenced, sheet


def test_figures_equal_the_published_database(workbook_path, published):
    book = openpyxl.load_workbook(workbook_path)
    with duckdb.connect(str(published), read_only=True) as con:
        membership = {
            r[0]: r[1:]
            for r in con.execute(
                "select province_name_vi, members_total, membership_rate_pct "
                "from mart_membership_by_province where period_code = ?",
                [PERIOD],
            ).fetchall()
        }
        loans = dict(
            con.execute(
                "select province_name_vi, trust_loan_balance_vnd from mart_finances_by_province "
                "where period_code = ?",
                [PERIOD],
            ).fetchall()
        )
        trend = dict(
            con.execute(
                "select period_name_vi, value from mart_national_totals "
                "where indicator_code = 'members_total' and disaggregation = 'total' "
                "and period_kind = 'year' and period_code <= ?",
                [PERIOD],
            ).fetchall()
        )
    sheet_rows = rows_of(book["Hội viên"])
    assert {r["Tỉnh, thành phố"] for r in sheet_rows} == set(membership)
    rates = [r["Tỷ lệ tập hợp hội viên (%)"] for r in sheet_rows]
    assert rates == sorted(rates, reverse=True)  # ranked
    for row in sheet_rows:
        members, rate = membership[row["Tỉnh, thành phố"]]
        assert row["Tổng số hội viên"] == members
        assert row["Tỷ lệ tập hợp hội viên (%)"] == pytest.approx(rate)
        assert 1 < rate <= 100
    for row in rows_of(book["Tài chính"]):
        assert row["Dư nợ ủy thác NHCSXH (đồng)"] == loans[row["Tỉnh, thành phố"]]
    got_trend = {
        r["Năm"]: r["Tổng số hội viên toàn quốc (địa giới 2025)"]
        for r in rows_of(book["Xu hướng hội viên"])
    }
    assert got_trend == trend and len(trend) >= 3  # before and after the 2025 merger


def test_a_hostile_unit_name_stays_text(published, tmp_path):
    hostile_db = tmp_path / "marts.duckdb"
    shutil.copy(published, hostile_db)
    os.chmod(hostile_db, stat.S_IRUSR | stat.S_IWUSR)
    with duckdb.connect(str(hostile_db)) as con:
        provinces = [
            r[0]
            for r in con.execute(
                "select province_code from mart_membership_by_province where period_code = ? "
                "order by province_code limit ?",
                [PERIOD, len(HOSTILE)],
            ).fetchall()
        ]
        for code, text in zip(provinces, HOSTILE, strict=True):
            con.execute(
                "update mart_membership_by_province set province_name_vi = ? "
                "where province_code = ?",
                [text, code],
            )
    out = write_report(hostile_db, PERIOD, tmp_path / "hostile.xlsx")
    sheet = openpyxl.load_workbook(out)["Hội viên"]
    cells = {c.value: c for row in sheet.iter_rows(min_row=4, max_col=1) for c in row}
    for text in HOSTILE:
        assert cells[text].data_type == "s", text
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in archive.read(n).decode("utf-8") for n in sheets)


def test_downloads_share_the_same_safety():
    import pandas as pd

    frame = pd.DataFrame(
        {"name": HOSTILE + ["Tỉnh Hải Dương"], "value": [1.5, -2.0, 3.0, 4.0, 5.0]}
    )
    columns = [Column("name", "Tên đơn vị"), Column("value", "Giá trị", "decimal")]
    lines = frame_to_csv(frame, columns).decode("utf-8-sig").splitlines()
    assert lines[0] == "Tên đơn vị,Giá trị"
    assert all(line.startswith(("\"'", "'")) for line in lines[1:5]), lines
    assert lines[5].startswith("Tỉnh Hải Dương") and lines[2].endswith(",-2.0")
    assert csv_safe(-2.0) == -2.0
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(frame_to_xlsx(frame, columns, "Số liệu"))).active
    assert [c.value for c in sheet["A"][1:5]] == HOSTILE
    assert all(c.data_type == "s" for c in sheet["A"][1:5])


def test_an_unknown_period_is_refused_in_vietnamese(published):
    with pytest.raises(ReportError, match="chưa có số liệu cấp tỉnh"):
        read_report_data(published, "2031")


def test_make_report_writes_the_file_where_asked(published, tmp_path):
    out = tmp_path / "lanh-dao.xlsx"
    env = dict(os.environ, VWU_PUBLISHED_DB=str(published))
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.publish.workbook", "năm 2025", "--out", str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Năm 2025" in completed.stdout
    assert openpyxl.load_workbook(out).sheetnames == list(SHEETS.values())


def test_the_same_charts_as_png_and_svg(published, tmp_path):
    data = read_report_data(published, PERIOD)
    written = save_charts(data, tmp_path)
    assert len(written) == 2 * len(CHARTS)
    for path in written:
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            assert "<svg" in path.read_text()[:500]
    svg = (tmp_path / f"ty-le-tap-hop-hoi-vien-{PERIOD}.svg").read_text()
    assert "Tỷ lệ tập hợp hội viên" in svg
