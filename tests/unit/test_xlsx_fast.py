"""The fastexcel reader of long workbooks: when it reads a workbook, and what it reads.

tests/integration/test_readers_equivalence.py holds its tables to `cell_text` applied to
every cell of generated and random workbooks; here are the cases it must leave to calamine,
and the typed-number-or-text distinction it exists to keep.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font

from ingestion.readers.dispatch import read_submission
from ingestion.readers.table import UnreadableFile
from ingestion.readers.xlsx_fast import header_in_row_one, read_long_fast
from ingestion.readers.xlsx_long import read_long_xlsx

HEADER = ["Mã đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Giá trị"]


def workbook(rows: list[list[Any]], first_row: int = 1, first_column: int = 1) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.cell(row=first_row + r, column=first_column + c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def values(data: bytes) -> list[str]:
    table = read_long_fast(data)
    assert table is not None, "expected the fastexcel reader to read this workbook"
    return table.rows.column("value_text").to_pylist()


def test_a_typed_number_and_the_same_digits_as_text_stay_apart() -> None:
    # The reason for reading the value cells' kinds: the typed 12.345 is twelve and a bit,
    # the text '12.345' is twelve thousand three hundred and forty-five.
    data = workbook(
        [HEADER, ["01", "2025", "A", 12.345], ["01", "2025", "B", "12.345"], ["01", "2025", "C", 7]]
    )
    assert values(data) == ["12,345", "12.345", "7"]
    assert values(data) == read_long_xlsx(data).rows.column("value_text").to_pylist()


def test_value_cells_of_every_common_kind() -> None:
    cells = [180833.0, "180.833", "4,2", 0.35, "536 triệu", "231/235", None, "trên 1.800", -2.5]
    data = workbook([HEADER] + [["01", "2025", f"I{i}", v] for i, v in enumerate(cells)])
    assert values(data) == [
        "180833",
        "180.833",
        "4,2",
        "0,35",
        "536 triệu",
        "231/235",
        "",
        "trên 1.800",
        "-2,5",
    ]


def test_rows_keep_their_excel_numbers_and_blank_rows_are_dropped() -> None:
    rows = [HEADER, ["01", "2025", "A", 1], [], ["01", "2025", "B", "2"], [None, None, None, " "]]
    table = read_long_fast(workbook(rows))
    assert table is not None
    assert table.rows.column("row_number").to_pylist() == [2, 4]


def test_a_header_starting_further_right_is_still_in_row_one() -> None:
    data = workbook([HEADER, ["01", "2025", "A", 3.5]], first_column=3)
    assert header_in_row_one(data)
    assert values(data) == ["3,5"]


def test_a_header_not_in_row_one_is_left_to_the_careful_reader(tmp_path: Path) -> None:
    data = workbook([HEADER, ["01", "2025", "A", 1]], first_row=2)
    assert not header_in_row_one(data)
    assert read_long_fast(data) is None
    # Found below the blank first row, with its Excel row number.
    _, rows = read_submission(tmp_path / "late_header.xlsx", data)
    assert rows.column("row_number").to_pylist() == [3]
    assert rows.column("value_text").to_pylist() == ["1"]


def test_a_styled_but_empty_first_row_is_not_a_header() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"].font = Font(bold=True)  # written as a cell with a style and no value
    for c, label in enumerate(HEADER, 1):
        sheet.cell(row=2, column=c, value=label)
    out = io.BytesIO()
    book.save(out)
    assert not header_in_row_one(out.getvalue())


def test_not_a_workbook() -> None:
    assert not header_in_row_one(b"unit,period\n01,2025\n")
    assert read_long_fast(b"unit,period\n01,2025\n") is None


@pytest.mark.parametrize(
    "cell",
    [
        True,  # a boolean
        __import__("datetime").date(2025, 1, 2),  # a date
        unicodedata.normalize("NFD", "536 triệu"),  # combining marks, escaped by fastexcel
        'say "ten"',  # a quote, escaped by fastexcel
        "a\tb",  # a tab, escaped by fastexcel
    ],
)
def test_value_cells_it_cannot_be_sure_of_are_left_to_calamine(cell: Any) -> None:
    data = workbook([HEADER, ["01", "2025", "A", 5.0], ["01", "2025", "B", cell]])
    assert read_long_fast(data) is None


def test_a_repeated_header_is_left_to_calamine_which_names_it(tmp_path: Path) -> None:
    # fastexcel renames the second 'value' to 'value_1', which would hide the repeat.
    data = workbook([["unit", "period", "indicator", "value", "value"], ["01", "2025", "A", 1, 2]])
    assert read_long_fast(data) is None
    with pytest.raises(UnreadableFile, match="repeats column"):
        read_submission(tmp_path / "twice.xlsx", data)


def test_a_value_header_typed_unusually_is_read_by_its_kind() -> None:
    header = [*HEADER[:3], "GIÁ   trị"]
    numbers = workbook([header, ["01", "2025", "A", 1.5], ["01", "2025", "B", 2]])
    assert values(numbers) == ["1,5", "2"]
    texts = workbook([header, ["01", "2025", "A", "1.500"], ["01", "2025", "B", "2"]])
    assert values(texts) == ["1.500", "2"]
    # Numbers and text in one column under a header fastexcel is not told about: calamine.
    mixed = workbook([header, ["01", "2025", "A", 1.5], ["01", "2025", "B", "2"]])
    assert read_long_fast(mixed) is None
    assert read_long_xlsx(mixed).rows.column("value_text").to_pylist() == ["1,5", "2"]


def test_a_number_in_a_text_column_is_written_as_calamine_writes_it() -> None:
    data = workbook([HEADER, [1.0, "2025", "A", 1], [2.0, "2025", "B", 2]])
    table = read_long_fast(data)
    assert table is not None
    assert table.rows.column("unit").to_pylist() == ["1", "2"]
    assert table.rows.equals(read_long_xlsx(data).rows)
