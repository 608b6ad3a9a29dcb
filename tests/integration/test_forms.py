"""`make form`: the generated form for a unit and period reads back into what was typed."""

import openpyxl
import pytest

from ingestion.forms import FormRequestError, generate_form, main
from ingestion.readers.form_workbook import read_form
from ingestion.readers.table import UnreadableFile
from ingestion.readers.workbook import read_workbook
from ingestion.reference.catalogue import load_catalogue


def test_generated_form_lists_the_catalogue_and_reads_back_typed_values(tmp_path):
    path = generate_form("P2025-01", "năm 2025", tmp_path / "form.xlsx")
    book = openpyxl.load_workbook(path)
    listed = {
        row[0].value: (sheet.title, row[0].row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=6)
        if row[0].value
    }
    assert set(listed) == set(load_catalogue().indicator_code)
    typed = {"members_total": 812345, "fin_trust_loan_balance": "1.293 tỷ"}
    for code, value in typed.items():
        title, row = listed[code]
        book[title].cell(row=row, column=4, value=value)
    book.save(path)
    rows = read_form(path.read_bytes()).rows.to_pylist()
    assert {(r["unit"], r["period"], r["indicator"], r["value_text"]) for r in rows} == {
        ("P2025-01", "2025", "members_total", "812345"),
        ("P2025-01", "2025", "fin_trust_loan_balance", "1.293 tỷ"),
    }


def test_unknown_unit_is_refused_with_a_clear_message(tmp_path, capsys):
    with pytest.raises(FormRequestError, match="no union unit has the code"):
        generate_form("P99", "2025", tmp_path / "x.xlsx")
    assert main(["forms", "P99", "2025", str(tmp_path / "x.xlsx")]) == 1
    assert "P99" in capsys.readouterr().err


def _filled_form(tmp_path):
    path = generate_form("P2025-01", "năm 2025", tmp_path / "form.xlsx")
    return path, openpyxl.load_workbook(path)


def _save(book, path) -> bytes:
    book.save(path)
    return path.read_bytes()


def test_a_value_merged_down_over_two_indicators_is_one_figure_not_two(tmp_path):
    """The clerk merges D6:D7 holding 45: members_total (row 6) gets it, members in row 7
    is refused as merged, never given 45 too."""
    path, book = _filled_form(tmp_path)
    ws = book["Hội viên"]
    ws["D6"] = 45
    ws.merge_cells("D6:D7")
    landed = {
        (r["indicator"], r["value_text"]) for r in read_form(_save(book, path)).rows.to_pylist()
    }

    rows = read_workbook(path.read_bytes()).rows.to_pylist()
    by_row = {r["source_location"]: r for r in rows}
    assert by_row["Hội viên!6"]["cell_reason_vi"] is None
    assert "bị gộp với ô của dòng 6" in by_row["Hội viên!7"]["cell_reason_vi"]
    assert (ws["A6"].value, "45") in landed


def test_a_second_value_column_on_a_form_is_refused(tmp_path):
    """A column 'Số liệu' (another name of the value) added beside 'Giá trị': which holds
    the figure cannot be told, so the sheet is not read and the report says why."""
    path, book = _filled_form(tmp_path)
    ws = book["Hội viên"]
    ws["F5"], ws["D6"], ws["F6"] = "Số liệu", 1000, 900
    read = read_workbook(_save(book, path))
    assert not [r for r in read.rows.to_pylist() if r["source_location"].startswith("Hội viên")]
    (sheet,) = [s for s in read.skipped if s[1] == "Hội viên"]
    assert "lặp cột" in sheet[4]


def test_form_sheets_for_different_periods_are_refused(tmp_path):
    path, book = _filled_form(tmp_path)
    book["Hội viên"]["B3"] = "2024"
    book["Hội viên"]["D6"] = 1000
    book["Tài chính"]["D6"] = 5
    with pytest.raises(UnreadableFile) as caught:
        read_form(_save(book, path))
    assert "khác nhau" in caught.value.reason_vi and "'Hội viên'" in caught.value.reason_vi


def test_a_figure_in_the_note_beside_a_blank_value_is_traced(tmp_path):

    path, book = _filled_form(tmp_path)
    book["Hội viên"]["E7"] = 35
    read = read_workbook(_save(book, path))
    (traced,) = [s for s in read.skipped if s[1] == "Hội viên!7"]
    assert traced[2] == "35" and "Ghi chú" in traced[4] and traced[5] is True
