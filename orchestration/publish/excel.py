"""Tables written for Excel and CSV, for the leadership workbook and the dashboard's downloads.

One place decides how a cell reaches a spreadsheet, so that no text from a submission (a unit
name, a file name, a value as written) can become a formula: in .xlsx every string is written
as a string cell (xlsxwriter's `write_string`, with its formula/URL/number guessing off), and
in CSV a text that Excel would read as a formula (it starts with = + - @, a tab or a carriage
return) is prefixed with an apostrophe, as OWASP advises for CSV injection.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Number formats by the kind of a column; Excel shows them in the reader's locale.
FORMATS = {
    "count": "#,##0",
    "vnd": "#,##0",
    "decimal": "#,##0.00",
    "pct": "0.0",
    "share": "0.0%",
    "date": "dd/mm/yyyy",
    "text": "@",
    "flag": "@",
}
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}


@dataclass(frozen=True)
class Column:
    """A column of a table: the frame's column, its Vietnamese label, its kind (FORMATS)."""

    name: str
    label: str
    kind: str = "text"
    width: int | None = None


def csv_safe(value: Any) -> Any:
    """A cell for CSV: text that would start a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def new_workbook(target: Path | io.BytesIO) -> Workbook:
    """An xlsxwriter workbook that never turns a string into a formula, link or number."""
    return xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, cell_format=None) -> None:
    """Write one value by its type; text always as a string cell."""
    if _is_missing(value):
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "có" if value else "không", cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, float(value), cell_format)
    elif isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def write_table(
    workbook: Workbook,
    sheet: Worksheet,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    first_row: int = 0,
) -> tuple[int, int]:
    """Header and rows from `first_row`; frozen header, autofilter. Returns (first data row,
    last data row), 0-based, for charts to refer to."""
    header = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    formats = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in FORMATS.items()}
    for col, column in enumerate(columns):
        sheet.write_string(first_row, col, column.label, header)
        width = column.width or max(10, min(45, len(column.label) + 2))
        sheet.set_column(col, col, width)
    for offset, values in enumerate(frame[[c.name for c in columns]].itertuples(index=False)):
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            write_cell(sheet, first_row + 1 + offset, col, value, formats[column.kind])
    last_row = first_row + max(len(frame), 1)
    sheet.freeze_panes(first_row + 1, 0)
    sheet.autofilter(first_row, 0, last_row, len(columns) - 1)
    return first_row + 1, first_row + len(frame)


def frame_to_xlsx(frame: pd.DataFrame, columns: Sequence[Column], sheet_name: str) -> bytes:
    """One table as an .xlsx file's bytes (the dashboard's Excel download)."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    sheet = workbook.add_worksheet(sheet_name[:31])
    write_table(workbook, sheet, frame, columns)
    workbook.close()
    return buffer.getvalue()


def frame_to_csv(frame: pd.DataFrame, columns: Sequence[Column]) -> bytes:
    """One table as CSV bytes: UTF-8 with a BOM (Excel reads the Vietnamese letters),
    Vietnamese headers, formula-looking text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.label for column in columns])
    for values in frame[[c.name for c in columns]].itertuples(index=False):
        writer.writerow(["" if _is_missing(v) else csv_safe(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
