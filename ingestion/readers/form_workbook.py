"""The reporting form read back (ingestion/writers/form_workbook.py writes it): one row per
indicator whose value was typed, from the form's sheets only."""

from __future__ import annotations

from ingestion.readers.table import LONG_COLUMNS, LongTable, UnreadableFile, long_table
from ingestion.readers.workbook import FORM_TITLES, read_workbook

__all__ = ["read_form"]


def read_form(data: bytes) -> LongTable:
    """Read a filled form: one row per indicator whose 'Giá trị' cell is not blank.

    Columns: row_number (the Excel row), the long columns (unit and period from the header
    block; programme and disaggregation empty), and `sheet`, the sheet's title, since a row
    number alone does not say where in a four-sheet workbook the value is. The sheets are
    read by workbook.read_workbook, as landing reads them (formats, merges, formulas).
    """
    read = read_workbook(data)
    if not read.form_sheets:
        raise UnreadableFile(
            f"no sheet of the reporting form ({', '.join(FORM_TITLES)}) was found",
            f"không tìm thấy trang tính nào của mẫu báo cáo ({', '.join(FORM_TITLES)})",
        )
    rows = read.rows
    sheets, excel_rows = (
        zip(
            *(
                location.rpartition("!")[::2]
                for location in rows.column("source_location").to_pylist()
            ),
            strict=True,
        )
        if rows.num_rows
        else ((), ())
    )
    in_form = [sheet in read.form_sheets for sheet in sheets]
    columns = {
        name: [v for v, keep in zip(rows.column(name).to_pylist(), in_form, strict=True) if keep]
        for name in LONG_COLUMNS
    }
    columns["sheet"] = [s for s, keep in zip(sheets, in_form, strict=True) if keep]
    numbers = [int(r) for r, keep in zip(excel_rows, in_form, strict=True) if keep]
    return long_table(numbers, columns)
