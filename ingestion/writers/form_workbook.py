"""The reporting form: an Excel workbook a unit fills in (readers/form_workbook.py reads it).

One sheet per subject area. Rows 1-3 state the unit and the period once, so the submitter
cannot type a different unit on each row; row 5 is the table header; from row 6, one row per
indicator. The sheets are protected with only the 'Giá trị' and 'Ghi chú' cells unlocked:
an edited indicator code would file a value under the wrong indicator. The sheet titles and
the header block are the reader's (readers/workbook.py): the form is written as it is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike

from openpyxl import Workbook
from openpyxl.styles import Font, Protection
from openpyxl.worksheet.worksheet import Worksheet

from ingestion.readers.workbook import FORM_LABELS, FORM_TITLES

__all__ = [
    "FORM_HEADER",
    "HEADER_LABELS",
    "SHEET_TITLES",
    "TABLE_HEADER_ROW",
    "write_form",
]

SHEET_TITLES = dict(zip(("members", "programmes", "finances", "targets"), FORM_TITLES, strict=True))
HEADER_LABELS = FORM_LABELS  # A1..A3, values in B1..B3
TABLE_HEADER_ROW = 5
FORM_HEADER = ("Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Giá trị", "Ghi chú")
_EDITABLE_COLUMNS = (4, 5)  # 'Giá trị', 'Ghi chú'
_UNLOCKED = Protection(locked=False)
_COLUMN_WIDTHS = {"A": 18, "B": 60, "C": 14, "D": 18, "E": 40}


def _write_sheet(
    ws: Worksheet,
    unit_code: str,
    unit_name: str,
    period: str,
    indicators: list[dict[str, str]],
    values: Mapping[str, object],
) -> None:
    for row, (label, value) in enumerate(
        zip(HEADER_LABELS, (unit_code, unit_name, period), strict=True), 1
    ):
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        # Written as text: a unit code '01' or a period '2024' must not become a number.
        ws.cell(row=row, column=2, value=str(value)).number_format = "@"
    for column, title in enumerate(FORM_HEADER, 1):
        ws.cell(row=TABLE_HEADER_ROW, column=column, value=title).font = Font(bold=True)
    for row, indicator in enumerate(indicators, TABLE_HEADER_ROW + 1):
        ws.cell(row=row, column=1, value=str(indicator["code"])).number_format = "@"
        ws.cell(row=row, column=2, value=indicator["name_vi"])
        ws.cell(row=row, column=3, value=indicator.get("unit", ""))
        if indicator["code"] in values:
            ws.cell(row=row, column=4, value=values[indicator["code"]])
        for column in _EDITABLE_COLUMNS:
            ws.cell(row=row, column=column).protection = _UNLOCKED
    for letter, width in _COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=TABLE_HEADER_ROW + 1, column=1)
    # No password: protection guards against slips, not against a determined user, and a
    # forgotten password would lock the union out of its own form.
    ws.protection.sheet = True


def write_form(
    path: str | PathLike[str],
    unit_code: str,
    unit_name: str,
    period: str,
    indicators: list[dict[str, str]],
    values: Mapping[str, object] | None = None,
) -> None:
    """Write the form for one unit and period; every subject area gets its sheet.

    `values` (indicator code → value) fills the 'Giá trị' cells, as a unit would: the
    synthetic batches send filled forms.
    """
    unknown = sorted({i["subject"] for i in indicators} - SHEET_TITLES.keys())
    if unknown:
        raise ValueError(f"unknown subject area(s) {unknown}; expected one of {list(SHEET_TITLES)}")
    workbook = Workbook()
    default = workbook.active
    for subject, title in SHEET_TITLES.items():
        ws = workbook.create_sheet(title=title)
        subject_indicators = [i for i in indicators if i["subject"] == subject]
        _write_sheet(ws, unit_code, unit_name, period, subject_indicators, values or {})
    if default is not None:
        workbook.remove(default)
    workbook.save(path)
