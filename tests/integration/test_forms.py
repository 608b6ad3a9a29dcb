"""`make form`: the generated form for a unit and period reads back into what was typed."""

import openpyxl
import pytest

from ingestion.forms import FormRequestError, generate_form, main
from ingestion.readers.form_workbook import read_form
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
