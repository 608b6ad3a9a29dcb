"""Files made the way Excel and union clerks make them, landed into a real DuckDB.

Each test builds its input as the real world does (openpyxl workbooks with number formats,
merged titles, hidden sheets, formulas; CSV as Excel saves it in the Vietnamese and English
locales; UTF-16 "Unicode Text") and shows the careful outcome: the right value, or a
rejection in Vietnamese the clerk can act on, never a silent wrong value.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from ingestion.landing import REPORT_SUFFIX, land_inbox
from ingestion.normalise.text import encode_cp1258
from ingestion.readers.dispatch import read_file

REPO = Path(__file__).resolve().parents[2]
# English words a parser would put in a message; none may reach a clerk's Vietnamese reason.
PARSER_WORDS = re.compile(r"Expected|Error|error|Traceback|CSV parse|Row #|exception", re.I)


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        yield connection


class Landed:
    """One file landed: its outcome, values, rejections, skips and submitter report."""

    def __init__(self, tmp_path: Path, con: duckdb.DuckDBPyConnection, name: str, data: bytes):
        inbox = tmp_path / "inbox"
        inbox.mkdir(exist_ok=True)
        (inbox / name).write_bytes(data)
        result = land_inbox(inbox, tmp_path / "archive", con)
        (self.outcome,) = result.files
        self.values = con.execute(
            "select indicator_code, unit_code, period_code, value, value_is_percent, "
            "value_text, value_withdrawn from raw.submission_values order by row_number"
        ).fetchall()
        self.rejections = con.execute(
            "select row_number, column_name, cell_text, reason_en, reason_vi "
            "from raw.rejections order by row_number"
        ).fetchall()
        self.skipped = con.execute(
            "select row_number, source_location, cell_text, reason_vi, counted "
            "from raw.skipped_rows order by row_number nulls first"
        ).fetchall()
        reports = list((tmp_path / "archive").rglob("*" + REPORT_SUFFIX))
        self.report = reports[0].read_text(encoding="utf-8") if reports else ""

    def value(self, indicator: str) -> float | None:
        found = [v for v in self.values if v[0] == indicator]
        assert len(found) == 1, (indicator, self.values, self.rejections)
        return found[0][3]

    def reason_vi(self, cell_text: str) -> str:
        found = [r for r in self.rejections if r[2] == cell_text]
        assert found, (cell_text, self.rejections)
        return found[0][4]

    def counts_add_up(self) -> None:
        o = self.outcome
        assert o.rows_read == o.rows_accepted + o.rows_rejected + o.rows_skipped, o
        assert o.rows_skipped == sum(1 for s in self.skipped if s[4])

    def vietnamese_only(self) -> None:
        for *_, reason_vi in self.rejections:
            assert not PARSER_WORDS.search(reason_vi), reason_vi


def _save(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- class 3: every sheet, every cell, as Excel shows it ------------------------------------


def _clerks_workbook() -> bytes:
    """A province's annual workbook as a clerk lays it out."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Báo cáo"
    ws["A1"] = "HỘI LHPN TỈNH TUYÊN QUANG"
    ws.merge_cells("A1:E1")
    ws["A2"] = "BÁO CÁO SỐ LIỆU CÔNG TÁC HỘI NĂM 2025"
    ws.merge_cells("A2:E2")
    ws.append([])
    ws.append(["Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "ĐVT", "Giá trị"])  # row 4
    ws.append(["I. CÔNG TÁC HỘI VIÊN"])  # row 5, merged across
    ws.merge_cells("A5:E5")
    ws.append(["P2025-08", "năm 2025", "members_total", "người", 812345])  # row 6
    ws["E6"].number_format = "#,##0"
    ws.append([None, "năm 2025", "members_rate", "%", 0.792])  # row 7
    ws["E7"].number_format = "0.0%"
    ws.merge_cells("A6:A7")  # the unit written once for its rows
    ws.append(["II. TÀI CHÍNH", None, None, None, None])  # row 8
    ws.merge_cells("A8:E8")
    ws.append(["P2025-08", "năm 2025", "fin_money_mobilised", "tỷ đồng", "4,2"])  # row 9
    ws.append(["Tổng cộng", None, None, None, 812349.2])  # row 10
    ws.append([])
    ws.append([None, None, "Người lập biểu", None, "TM. BAN THƯỜNG VỤ"])  # row 12
    ws.append([None, None, "(Ký, ghi rõ họ tên)", None, "CHỦ TỊCH"])  # row 13
    ws.append([None, None, "Nguyễn Thị Hoa", None, "Lê Thị Mai"])  # row 14
    draft = book.create_sheet("Nháp")
    draft.append(["Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Giá trị"])
    draft.append(["P2025-08", "năm 2025", "members_admitted", 999])
    draft.sheet_state = "hidden"
    notes = book.create_sheet("Hướng dẫn")
    notes["A1"] = "Điền số liệu vào cột Giá trị; không sửa cột Chỉ tiêu."
    return _save(book)


def test_a_clerks_workbook_lands_as_excel_shows_it(tmp_path: Path, con) -> None:
    landed = Landed(tmp_path, con, "tuyen_quang_2025.xlsx", _clerks_workbook())
    # The unit merged over rows 6-7 applies to both; the %-formatted 0.792 is 79.2%; '4,2'
    # with ĐVT 'tỷ đồng' is 4.2 billion đồng.
    assert {v[1] for v in landed.values} == {"P2025-08"}
    assert landed.value("members_total") == 812345
    assert landed.value("members_rate") == pytest.approx(79.2)
    assert [v[4] for v in landed.values if v[0] == "members_rate"] == [True]
    assert landed.value("fin_money_mobilised") == pytest.approx(4.2e9)
    # The hidden sheet is never landed, and named in the submitter report, as is the sheet
    # that holds no table.
    assert not any(v[0] == "members_admitted" for v in landed.values)
    assert "Nháp" in landed.report and "bị ẩn" in landed.report
    assert "Hướng dẫn" in landed.report and "không có bảng số liệu" in landed.report
    # Title, section, total and signature rows: skipped, each traced, counted as read.
    skipped = {row for row, _, _, _, counted in landed.skipped if counted}
    assert {1, 2, 5, 8, 10, 12, 13, 14} <= skipped
    reasons = {row: reason for row, _, _, reason, _ in landed.skipped}
    assert "tổng cộng" in reasons[10] and "mục" in reasons[5] and "chữ ký" in reasons[12]
    assert "phía trên bảng" in reasons[1]  # the title row, told apart from a section
    assert "Tổng cộng" in landed.report
    assert landed.outcome.rows_accepted == 3 and landed.outcome.rows_rejected == 0
    landed.counts_add_up()


def test_a_cell_excel_turned_into_a_date_is_rejected_saying_so(tmp_path: Path, con) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị"])
    # A clerk typed '8/8' (targets met of targets set) and '12/12': Excel stored dates.
    ws.append(["P2025-08", "nhiệm kỳ 2021-2026", "target_achieved", dt.datetime(2025, 8, 8)])
    ws["D2"].number_format = "d/m"
    ws.append(["P2025-08", "năm 2025", "members_total", dt.datetime(2025, 12, 12)])
    ws["D3"].number_format = "d/m"
    ws.append(["P2025-08", "năm 2025", "members_lost", 120])
    landed = Landed(tmp_path, con, "targets.xlsx", _save(book))
    assert landed.outcome.status == "partially_accepted"
    assert [v[0] for v in landed.values] == ["members_lost"]
    dates = [r for r in landed.rejections if r[1] == "value"]
    assert [r[0] for r in dates] == [2, 3]
    for *_, reason_vi in dates:
        assert "ngày" in reason_vi and "Văn bản" in reason_vi
    assert "8/8" in dates[0][4] and "12/12" in dates[1][4]
    landed.vietnamese_only()


def test_a_formula_without_a_saved_result_is_rejected_saying_so(tmp_path: Path, con) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["unit", "period", "indicator", "value"])
    ws.append(["P2025-08", "2025", "members_admitted", 1200])
    ws.append(["P2025-08", "2025", "members_lost", 300])
    # A program wrote the formula; no Excel ever computed and saved its result.
    ws.append(["P2025-08", "2025", "members_net_growth", "=D2-D3"])
    landed = Landed(tmp_path, con, "formula.xlsx", _save(book))
    assert sorted(v[0] for v in landed.values) == ["members_admitted", "members_lost"]
    ((row, column, _, _, reason_vi),) = landed.rejections
    assert (row, column) == (4, "value")
    assert "công thức" in reason_vi and "=D2-D3" in reason_vi


def test_every_visible_sheet_is_read_and_rows_say_where_they_came_from(tmp_path: Path, con) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Tháng 1"
    second = book.create_sheet("Tháng 2")
    for ws, month, members in ((first, "tháng 1/2025", 800), (second, "tháng 2/2025", 810)):
        ws.append(["Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Giá trị"])
        ws.append(["P2025-08", month, "members_total", members])
    landed = Landed(tmp_path, con, "two_months.xlsx", _save(book))
    assert sorted((v[2], v[3]) for v in landed.values) == [("2025-01", 800), ("2025-02", 810)]
    locations = con.execute("select source_location from raw.submission_values").fetchall()
    assert sorted(locations) == [("Tháng 1!2",), ("Tháng 2!2",)]


def test_a_period_excel_made_a_month_date_is_that_month(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["unit", "period", "indicator", "value"])
    ws.append(["P2025-08", dt.datetime(2025, 8, 1), "members_total", 5])  # typed '8/2025'
    ws["B2"].number_format = "mmm-yy"
    ws.append(["P2025-08", dt.datetime(2025, 10, 30), "members_total", 6])  # '30/10/2025'
    ws["B3"].number_format = "dd/mm/yyyy"
    read = read_file(Path("p.xlsx"), _save(book))
    assert read.rows.column("period").to_pylist() == ["tháng 8/2025", "30/10/2025"]


# --- class 4: the unit of measure -----------------------------------------------------------

UNITS_CSV = (
    "Đơn vị;Kỳ báo cáo;Chỉ tiêu;ĐVT;Giá trị\r\n"
    "P2025-08;năm 2025;fin_money_mobilised;tỷ đồng;4,2\r\n"
    "P2025-08;năm 2025;fin_trust_loan_balance;triệu đồng;1.536\r\n"
    "P2025-08;năm 2025;fin_startup_loans;nghìn đồng;250\r\n"
    "P2025-08;năm 2025;members_rate;%;79,2\r\n"
    "P2025-08;năm 2025;members_total;hộ;812345\r\n"
    "P2025-08;năm 2025;members_admitted;kg;12\r\n"
    "P2025-08;năm 2025;fin_managed_loan_balance;triệu đồng;4,2 tỷ\r\n"
    "P2025-08;năm 2025;prog_clubs_founded;triệu đồng;3\r\n"
    "P2025-08;năm 2025;members_lost;người;35\r\n"
)


def test_the_unit_of_measure_scales_or_checks_the_value(tmp_path: Path, con) -> None:
    landed = Landed(tmp_path, con, "dvt.csv", b"\xef\xbb\xbf" + UNITS_CSV.encode())
    assert landed.value("fin_money_mobilised") == pytest.approx(4.2e9)  # never 4.2 đồng
    assert landed.value("fin_trust_loan_balance") == pytest.approx(1.536e9)
    assert landed.value("fin_startup_loans") == pytest.approx(250_000)
    assert landed.value("members_rate") == pytest.approx(79.2)
    assert [v[4] for v in landed.values if v[0] == "members_rate"] == [True]
    assert landed.value("members_lost") == 35
    # A unit that does not fit the indicator, one not known, and a value scaled twice.
    assert "không khớp" in landed.reason_vi("812345")
    assert "không nhận ra đơn vị tính" in landed.reason_vi("12")
    assert "triệu/tỷ" in landed.reason_vi("4,2 tỷ")
    rejected = {r[0] for r in landed.rejections}
    assert rejected == {6, 7, 8, 9}
    landed.vietnamese_only()


# --- class 5: number conventions per file -------------------------------------------------


def test_a_csv_from_english_excel_is_read_the_english_way(tmp_path: Path, con) -> None:
    body = (
        "unit,period,indicator,value\r\n"
        'P2025-08,2025,members_total,"407,344"\r\n'
        'P2025-08,2025,women_18_plus,"1,304,512"\r\n'
        "P2025-08,2025,members_rate,79.2%\r\n"
        'P2025-08,2025,members_admitted,"1,304"\r\n'
    )
    landed = Landed(tmp_path, con, "english.csv", body.encode())
    assert landed.value("members_total") == 407_344  # never 407.344 members
    assert landed.value("women_18_plus") == 1_304_512
    assert landed.value("members_rate") == pytest.approx(79.2)
    assert landed.value("members_admitted") == 1304
    assert landed.outcome.status == "accepted"


def test_a_csv_from_vietnamese_excel_is_read_the_vietnamese_way(tmp_path: Path, con) -> None:
    body = (
        "Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị\r\n"
        "P2025-08;năm 2025;members_total;407.344\r\n"
        "P2025-08;năm 2025;women_18_plus;1.304.512\r\n"
        "P2025-08;năm 2025;members_rate;79,2%\r\n"
        "P2025-08;năm 2025;fin_money_mobilised;4,250\r\n"
    )
    landed = Landed(tmp_path, con, "vietnamese.csv", encode_cp1258(body))
    assert landed.value("members_total") == 407_344
    assert landed.value("women_18_plus") == 1_304_512
    assert landed.value("members_rate") == pytest.approx(79.2)
    assert landed.value("fin_money_mobilised") == pytest.approx(4.25)


def test_an_ambiguous_number_is_rejected_not_guessed(tmp_path: Path, con) -> None:
    # Nothing else in the file tells whether ',' groups thousands or marks decimals.
    body = (
        "unit,period,indicator,value\n"
        'P2025-08,2025,fin_money_mobilised,"4,850"\n'
        "P2025-08,2025,members_lost,35\n"
    )
    landed = Landed(tmp_path, con, "ambiguous.csv", body.encode())
    assert [v[0] for v in landed.values] == ["members_lost"]
    assert "dấu ','" in landed.reason_vi("4,850")
    landed.vietnamese_only()


def test_a_count_that_is_not_whole_is_rejected_at_landing(tmp_path: Path, con) -> None:
    body = "Đơn vị;Kỳ;Chỉ tiêu;Giá trị\r\nP2025-08;2025;members_admitted;12,5\r\n"
    landed = Landed(tmp_path, con, "half_a_member.csv", body.encode("utf-8-sig"))
    assert landed.values == []
    assert "số nguyên" in landed.reason_vi("12,5")


# --- class 6: Excel's own text formats -------------------------------------------------------

UNICODE_TEXT = (
    "Đơn vị\tKỳ báo cáo\tChỉ tiêu\tGiá trị\r\n"
    "Tỉnh Tuyên Quang\tnăm 2025\tTổng số hội viên\t812.345\r\n"
    "Tỉnh Tuyên Quang\tnăm 2025\tHội viên kết nạp mới\t3.120\r\n"
)


@pytest.mark.parametrize("name", ["unicode_text.txt", "unicode_text.csv"])
def test_unicode_text_from_excel_is_read_under_either_ending(
    tmp_path: Path, con, name: str
) -> None:
    # Excel's "Unicode Text": UTF-16 LE with a BOM, tabs, CRLF.
    landed = Landed(tmp_path, con, name, UNICODE_TEXT.encode("utf-16"))
    assert landed.outcome.status == "accepted", landed.rejections
    assert landed.value("members_total") == 812_345
    assert landed.value("members_admitted") == 3_120


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: b"\xef\xbb\xbf" + text.encode(),  # "CSV UTF-8"
        encode_cp1258,  # "CSV (phân tách bằng dấu phẩy)" on a Vietnamese Windows
    ],
)
def test_a_semicolon_csv_with_crlf_is_read(tmp_path: Path, con, encode) -> None:
    body = (
        "sep=;\r\n"
        "Đơn vị;Kỳ báo cáo;Chỉ tiêu;Giá trị;Ghi chú\r\n"
        "TP. Hồ Chí Minh;6 tháng năm 2025;members_total;1.250.000;ước tính\r\n"
    )
    landed = Landed(tmp_path, con, "semicolon.csv", encode(body))
    ((indicator, unit, period, value, *_),) = landed.values
    assert (indicator, period, value) == ("members_total", "2025-H1", 1_250_000)
    assert unit is not None and unit.startswith("P")  # the city, before the merger
    note = con.execute("select note from raw.submission_values").fetchone()
    assert note == ("ước tính",)


def test_a_csv_with_a_title_above_its_header(tmp_path: Path, con) -> None:
    body = (
        "BÁO CÁO SỐ LIỆU HỘI VIÊN;;;\r\n"
        ";;;\r\n"
        "Đơn vị;Kỳ báo cáo;Chỉ tiêu;Giá trị\r\n"
        "P2025-08;năm 2025;members_total;812.345\r\n"
        "Tổng cộng;;;812.345\r\n"
    )
    landed = Landed(tmp_path, con, "titled.csv", body.encode("utf-8-sig"))
    assert landed.value("members_total") == 812_345
    rows = con.execute("select row_number from raw.submission_values").fetchall()
    assert rows == [(4,)]  # the row a spreadsheet shows
    assert {s[0] for s in landed.skipped} == {1, 5}
    landed.counts_add_up()


# --- class 7: names and periods as people write them ---------------------------------------


def test_unit_abbreviations_and_periods_as_written(tmp_path: Path, con) -> None:
    body = (
        "Đơn vị,Kỳ báo cáo,Chỉ tiêu,Giá trị\n"
        "TX. Sơn Tây,năm 2024,members_total,41.000\n"
        "Q. Ba Đình,6 tháng năm 2024,members_total,52.000\n"
        "H. Sóc Sơn,T6/2024,members_total,63.000\n"
        "TT Đông Anh,năm 2024,members_total,7.000\n"
        "Hải Dương,nhiệm kỳ 2021-2026,members_total,400.000\n"
        "P30,nhiệm kỳ 2021-2026,members_admitted,12.000\n"
        "P2025-08,9 tháng đầu năm 2025,members_total,1\n"
        "P2025-08,giữa nhiệm kỳ 2021-2026,members_total,2\n"
        "P2025-08,giai đoạn 2021-2025,members_total,3\n"
    )
    landed = Landed(tmp_path, con, "names.csv", body.encode())
    got = {(v[1], v[2]) for v in landed.values}
    assert got == {
        ("D269", "2024"),
        ("D001", "2024-H1"),
        ("D016", "2024-06"),
        ("C00454", "2024"),
        # A legacy unit reporting a term begun before the merger is the legacy unit,
        # written as a name or as a code.
        ("P30", "T2021-2026"),
    }
    periods = {r[0]: r[4] for r in landed.rejections if r[1] == "period"}
    assert "9 tháng" in periods[8] and "giữa nhiệm kỳ" in periods[9]
    assert "giai đoạn" in periods[10]
    landed.vietnamese_only()


def test_a_near_miss_indicator_name_lists_the_closest_and_is_not_taken(tmp_path: Path, con) -> None:
    body = "Đơn vị,Kỳ báo cáo,Chỉ tiêu,Giá trị\nP2025-08,2025,Tổng số hội vien nu,812.345\n"
    landed = Landed(tmp_path, con, "typo.csv", body.encode())
    assert landed.values == []
    ((_, column, _, _, reason_vi),) = landed.rejections
    assert column == "indicator"
    assert "members_total Tổng số hội viên" in reason_vi and "gần nhất" in reason_vi


# --- I1: withdrawing a figure, and the README's own example -----------------------------------


@pytest.mark.parametrize("marker", ["Rút", "rút lại", "HỦY", "xóa", "withdrawn"])
def test_a_withdrawal_marker_lands_as_a_withdrawn_figure(tmp_path: Path, con, marker) -> None:
    body = f"unit,period,indicator,value\nP2025-08,2025,members_lost,{marker}\n"
    landed = Landed(tmp_path, con, "withdraw.csv", body.encode())
    assert landed.outcome.status == "accepted"
    ((indicator, _, _, value, _, text, withdrawn),) = landed.values
    assert (indicator, value, text, withdrawn) == ("members_lost", None, marker, True)


def _readme_example() -> bytes:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```csv\n(.*?)```", readme, re.S)
    assert block is not None, "README.md has no csv example"
    return block.group(1).encode()


def test_the_readmes_example_lands_as_written(tmp_path: Path, con) -> None:
    data = _readme_example()
    lines = [line.split(",") for line in data.decode().splitlines()[1:] if line]
    landed = Landed(tmp_path, con, "readme.csv", data)
    assert landed.outcome.status == "accepted"
    expected: list[tuple[Any, ...]] = [(c[2], c[0], float(c[3])) for c in lines]
    assert [(v[0], v[1], v[3]) for v in landed.values] == expected


# --- the reporting form, as a clerk fills it ----------------------------------------------


def test_a_filled_reporting_form_lands_with_its_units_and_formats(tmp_path: Path, con) -> None:
    from ingestion.forms import generate_form
    from ingestion.reference.catalogue import load_catalogue

    path = generate_form("P2025-08", "năm 2025", tmp_path / "form.xlsx")
    book = openpyxl.load_workbook(path)
    rows = {
        sheet[f"A{row}"].value: (sheet, row)
        for sheet in book.worksheets
        for row in range(6, sheet.max_row + 1)
        if sheet[f"A{row}"].value
    }
    # Every indicator gets a whole number: each ĐVT the form writes fits its indicator.
    for sheet, row in rows.values():
        sheet.cell(row=row, column=4, value=7)
    sheet, row = rows["members_rate"]
    sheet.cell(row=row, column=4, value=0.792).number_format = "0.0%"
    sheet, row = rows["fin_money_mobilised"]
    sheet.cell(row=row, column=4, value="4,2 tỷ")
    landed = Landed(tmp_path, con, "form_P2025-08_2025.xlsx", _save(book))
    assert landed.rejections == []
    assert len(landed.values) == len(load_catalogue())
    assert landed.value("members_rate") == pytest.approx(79.2)
    assert landed.value("fin_money_mobilised") == pytest.approx(4.2e9)
    assert landed.value("members_total") == 7


def test_a_workbook_whose_only_table_is_hidden_is_rejected_saying_so(tmp_path: Path, con) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Bìa"
    cover["A1"] = "HỘI LHPN TỈNH TUYÊN QUANG"
    data = book.create_sheet("Số liệu")
    data.append(["unit", "period", "indicator", "value"])
    data.append(["P2025-08", "2025", "members_total", 812345])
    data.sheet_state = "hidden"
    landed = Landed(tmp_path, con, "hidden.xlsx", _save(book))
    assert landed.outcome.status == "rejected" and landed.values == []
    ((row, _, _, _, reason_vi),) = landed.rejections
    assert row is None and "bị ẩn" in reason_vi and "Số liệu" in reason_vi


def test_a_percent_format_on_a_count_is_rejected_not_landed_as_a_rate(tmp_path: Path, con) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["unit", "period", "indicator", "value"])
    ws.append(["P2025-08", "2025", "members_total", 8123.45])  # 812,345% as Excel shows it
    ws["D2"].number_format = "0%"
    ws.append(["P2025-08", "2025", "members_rate", 0.792])
    ws["D3"].number_format = "0.0%"
    landed = Landed(tmp_path, con, "percent_members.xlsx", _save(book))
    assert [(v[0], v[3]) for v in landed.values] == [("members_rate", pytest.approx(79.2))]
    ((row, column, _, _, reason_vi),) = landed.rejections
    assert (row, column) == (2, "value") and "tỷ lệ phần trăm" in reason_vi


def test_a_semicolon_csv_is_read_with_the_decimal_comma(tmp_path: Path, con) -> None:
    # Excel separates by ';' where ',' is the decimal mark: '4,850' is four point eight five.
    body = "Đơn vị;Kỳ;Chỉ tiêu;Giá trị\r\nP2025-08;2025;fin_money_mobilised;4,850 tỷ\r\n"
    landed = Landed(tmp_path, con, "semicolon_decimal.csv", body.encode("utf-8-sig"))
    assert landed.value("fin_money_mobilised") == pytest.approx(4.85e9)


def test_a_date_shown_as_a_year_is_the_year(tmp_path: Path, con) -> None:
    """A period cell holding 1/1/2025 with the format 'yyyy' shows '2025' in Excel: the
    year's figure, not January's."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị"])
    ws.append(["P2025-08", dt.datetime(2025, 1, 1), "members_total", 812345])
    ws["B2"].number_format = "yyyy"
    ws.append(["P2025-08", dt.datetime(2025, 7, 1), "members_admitted", 120])
    ws["B3"].number_format = "mm/yyyy"
    landed = Landed(tmp_path, con, "nam_2025.xlsx", _save(book))
    periods = {v[0]: v[2] for v in landed.values}
    assert periods == {"members_total": "2025", "members_admitted": "2025-07"}


def test_one_decimal_point_does_not_make_thousands_a_fraction(tmp_path: Path, con) -> None:
    """'79.5' (a rate) is how an English-locale sheet writes a decimal, and how Vietnamese
    write it too; '536.500' beside it is 536.5 the English way and 536500 the national way.
    It is rejected, saying so, never read as 536.5 đồng."""
    text = (
        "Mã đơn vị,Kỳ báo cáo,Mã chỉ tiêu,Giá trị\r\n"
        "P2025-08,năm 2025,members_rate,79.5\r\n"
        'P2025-08,năm 2025,fin_money_mobilised,"536.500"\r\n'
    )
    landed = Landed(tmp_path, con, "tien.csv", text.encode("utf-8-sig"))
    assert landed.value("members_rate") == pytest.approx(79.5)
    assert not any(v[0] == "fin_money_mobilised" for v in landed.values)
    assert "trước 3 chữ số" in landed.reason_vi("536.500")
    landed.counts_add_up()


def test_a_unit_written_in_the_value_cell_must_fit_the_indicator(tmp_path: Path, con) -> None:
    """'1,5 tỷ đồng' as a count of members, '120 hộ' as an amount of money: rejected,
    saying why. Money for money, and words reports count with, land as before."""
    text = (
        "Mã đơn vị,Kỳ báo cáo,Mã chỉ tiêu,Giá trị\r\n"
        'P2025-08,năm 2025,members_total,"1,5 tỷ đồng"\r\n'
        "P2025-08,năm 2025,fin_money_mobilised,120 hộ\r\n"
        'P2025-08,năm 2025,fin_trust_loan_balance,"4,2 tỷ đồng"\r\n'
        "P2025-08,năm 2025,members_lost,32 ngàn lượt hội viên\r\n"
        "P2025-08,năm 2025,members_admitted,2 triệu\r\n"
    )
    landed = Landed(tmp_path, con, "don_vi_trong_o.csv", text.encode("utf-8"))
    assert "không phải là số tiền" in landed.reason_vi("1,5 tỷ đồng")
    assert "chỉ tiêu là số tiền" in landed.reason_vi("120 hộ")
    assert landed.value("fin_trust_loan_balance") == pytest.approx(4.2e9)
    assert landed.value("members_lost") == 32_000
    assert landed.value("members_admitted") == 2_000_000
    landed.counts_add_up()


def test_a_unit_code_typed_as_a_number_is_not_taken_for_another_unit(tmp_path: Path, con) -> None:
    """Commune 00004 typed in a number cell: Excel keeps 4. Refused with its readings, never
    landed as province 04."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị"])
    ws.append([4, "năm 2024", "members_total", 1200])
    ws.append(["00004", "năm 2024", "members_admitted", 12])
    landed = Landed(tmp_path, con, "phuong.xlsx", _save(book))
    assert [(v[0], v[1]) for v in landed.values] == [("members_admitted", "C00004")]
    assert "số 0 ở đầu" in landed.reason_vi("4")
    landed.counts_add_up()


def test_a_rate_typed_as_a_fraction_is_refused(tmp_path: Path, con) -> None:
    """0.792 in a General cell for a rate in percent would land as 0.792%: refused, saying
    to write 79,2%. The same rate in a % cell, or typed 79.2, lands as 79.2."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị"])
    ws.append(["P2025-08", "năm 2025", "members_rate", 0.792])
    ws.append(["P2025-08", "năm 2025", "members_units_good_rate", 0.792])
    ws["D3"].number_format = "0.0%"
    ws.append(["P2025-01", "năm 2025", "members_rate", 79.2])
    landed = Landed(tmp_path, con, "ty_le.xlsx", _save(book))
    assert "0,792 sẽ bị hiểu là 0,792%" in landed.reason_vi("0,792")
    assert sorted((v[0], v[1], round(v[3], 6)) for v in landed.values) == [
        ("members_rate", "P2025-01", 79.2),
        ("members_units_good_rate", "P2025-08", 79.2),
    ]
    landed.counts_add_up()


def test_a_unit_of_measure_in_the_title_applies_to_the_table(tmp_path: Path, con) -> None:
    """'ĐVT: triệu đồng' in a title row above the header: '1250' below is 1,250 million
    đồng, not 1,250 đồng; a row with its own ĐVT keeps it; a count under a money unit is
    refused as not fitting."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws["A1"] = "BÁO CÁO TÀI CHÍNH NĂM 2025"
    ws["D2"] = "ĐVT: triệu đồng"
    ws.append(["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "ĐVT"])
    ws.append(["P2025-08", "năm 2025", "fin_trust_loan_balance", 1250, None])
    ws.append(["P2025-08", "năm 2025", "fin_money_mobilised", "4,2", "tỷ đồng"])
    ws.append(["P2025-08", "năm 2025", "members_total", 812345, None])
    landed = Landed(tmp_path, con, "tai_chinh.xlsx", _save(book))
    assert landed.value("fin_trust_loan_balance") == pytest.approx(1.25e9)
    assert landed.value("fin_money_mobilised") == pytest.approx(4.2e9)
    assert not any(v[0] == "members_total" for v in landed.values)
    assert "triệu đồng" in landed.reason_vi("812345")
    landed.counts_add_up()


def test_a_csv_with_its_unit_in_a_title_line_is_read_in_it(tmp_path: Path, con) -> None:
    text = (
        "BÁO CÁO TÀI CHÍNH;;;\r\n"
        ";;;Đơn vị tính: triệu đồng\r\n"
        "Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị\r\n"
        "P2025-08;năm 2025;fin_trust_loan_balance;1.250\r\n"
    )
    landed = Landed(tmp_path, con, "tai_chinh.csv", text.encode("utf-8-sig"))
    assert landed.value("fin_trust_loan_balance") == pytest.approx(1.25e9)
    landed.counts_add_up()


def test_a_hidden_row_is_not_read_and_is_traced(tmp_path: Path, con) -> None:
    """A row hidden in Excel is never read, as a hidden sheet is not: it is listed among
    the skipped rows with the reason, and counted as read."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị"])
    ws.append(["P2025-08", "năm 2025", "members_total", 812345])
    ws.append(["P2025-08", "năm 2025", "members_admitted", 30])
    ws.row_dimensions[3].hidden = True
    landed = Landed(tmp_path, con, "an_dong.xlsx", _save(book))
    assert [v[0] for v in landed.values] == ["members_total"]
    hidden = [s for s in landed.skipped if s[0] == 3]
    assert hidden and "dòng bị ẩn" in hidden[0][3] and hidden[0][4]
    assert "dòng bị ẩn" in landed.report
    landed.counts_add_up()


def test_unicode_text_with_a_note_over_several_lines_is_a_table(tmp_path: Path, con) -> None:
    """Excel's "Unicode Text" (UTF-16, tabs) with a note cell of three lines: still a table,
    every figure landed; never taken for a report in prose."""
    text = (
        "Mã đơn vị\tKỳ báo cáo\tMã chỉ tiêu\tGiá trị\tGhi chú\r\n"
        'P2025-08\tnăm 2025\tmembers_total\t5000\t"Số liệu đến 31/12\nđã rà soát\nvới huyện"\r\n'
        "P2025-08\tnăm 2025\tmembers_admitted\t120\t\r\n"
        "P2025-08\tnăm 2025\tmembers_lost\t15\t\r\n"
    )
    landed = Landed(tmp_path, con, "bao_cao.txt", text.encode("utf-16"))
    assert landed.outcome.status == "accepted"
    assert {v[0]: v[3] for v in landed.values} == {
        "members_total": 5000,
        "members_admitted": 120,
        "members_lost": 15,
    }
    landed.counts_add_up()
