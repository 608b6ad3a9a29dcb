"""The reporting form: an Excel workbook a unit fills in, and its reader.

One sheet per subject area. Rows 1-3 state the unit and the period once, so the submitter
cannot type a different unit on each row; row 5 is the table header; from row 6, one row per
indicator. The sheets are protected with only the 'Giá trị' and 'Ghi chú' cells unlocked:
an edited indicator code would file a value under the wrong indicator.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike

from openpyxl import Workbook
from openpyxl.styles import Font, Protection
from openpyxl.worksheet.worksheet import Worksheet

from ingestion.normalise.text import fold
from ingestion.readers.headers import canonical_column
from ingestion.readers.long_table import LongTable, UnreadableFile
from ingestion.readers.xlsx_long import (
    cell_text,
    long_table,
    open_workbook,
    sheet_values,
    value_text,
)

__all__ = [
    "FORM_HEADER",
    "HEADER_LABELS",
    "SHEET_TITLES",
    "TABLE_HEADER_ROW",
    "read_form",
    "write_form",
]

SHEET_TITLES = {
    "members": "Hội viên",
    "programmes": "Chương trình",
    "finances": "Tài chính",
    "targets": "Chỉ tiêu",
}
HEADER_LABELS = ("Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo")  # A1..A3, values in B1..B3
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


_FOLDED_TITLES = {fold(title) for title in SHEET_TITLES.values()}
_FOLDED_LABELS = tuple(fold(label) for label in HEADER_LABELS)


def _cell(rows: list[list[str]], row: int, column: int) -> str:
    """Text of the cell at 1-based (row, column), '' beyond the used area."""
    if row > len(rows) or column > len(rows[row - 1]):
        return ""
    return rows[row - 1][column - 1]


def _get(row: list[str], where: dict[str | None, int], canonical: str) -> str:
    """Text of the row's cell under the canonical column, '' if there is none."""
    index = where.get(canonical)
    return row[index] if index is not None and index < len(row) else ""


def read_form(data: bytes) -> LongTable:
    """Read a filled form: one row per indicator whose 'Giá trị' cell is not blank.

    Columns: row_number (the Excel row), the long columns (unit and period from the header
    block; programme and disaggregation empty), and `sheet`, the sheet's title, since a row
    number alone does not say where in a four-sheet workbook the value is.
    """
    workbook = open_workbook(data)
    row_numbers: list[int] = []
    columns: dict[str, list[str]] = {
        name: [] for name in ("sheet", "unit", "period", "indicator", "value_text")
    }
    columns |= {"unit_of_measure": [], "note": []}
    form_sheets = [name for name in workbook.sheet_names if fold(name) in _FOLDED_TITLES]
    if not form_sheets:
        raise UnreadableFile(
            f"no sheet of the reporting form ({', '.join(SHEET_TITLES.values())}) was found",
            f"không tìm thấy trang tính nào của mẫu báo cáo ({', '.join(SHEET_TITLES.values())})",
        )
    for name in form_sheets:
        values = sheet_values(workbook.get_sheet_by_name(name))
        rows = [[cell_text(v) for v in row] for row in values]
        labels = tuple(fold(_cell(rows, row, 1)) for row in (1, 2, 3))
        unit, period = _cell(rows, 1, 2).strip(), _cell(rows, 3, 2).strip()
        if labels != _FOLDED_LABELS or not unit or not period:
            raise UnreadableFile(
                f"sheet {name!r}: rows 1-3 must give {', '.join(HEADER_LABELS)} in column B; "
                "use the form as it was sent",
                f"trang {name!r}: dòng 1-3 phải ghi {', '.join(HEADER_LABELS)} ở cột B; "
                "hãy dùng đúng mẫu đã gửi",
            )
        header = rows[TABLE_HEADER_ROW - 1] if len(rows) >= TABLE_HEADER_ROW else []
        where = {canonical_column(h): i for i, h in enumerate(header) if h.strip()}
        if "indicator" not in where or "value" not in where:
            raise UnreadableFile(
                f"sheet {name!r}: row {TABLE_HEADER_ROW} must be the table header "
                f"{', '.join(FORM_HEADER)}",
                f"trang {name!r}: dòng {TABLE_HEADER_ROW} phải là tiêu đề bảng "
                f"{', '.join(FORM_HEADER)}",
            )
        for excel_row in range(TABLE_HEADER_ROW + 1, len(rows) + 1):
            row = rows[excel_row - 1]
            # The value cell as value_text writes it: a typed 87.6 is '87,6', read as typed.
            index = where["value"]
            cells = values[excel_row - 1]
            value = value_text(cells[index]) if index < len(cells) else ""
            # A blank value cell is an indicator the unit did not report, not a zero.
            if not value.strip():
                continue
            row_numbers.append(excel_row)
            columns["sheet"].append(name)
            columns["unit"].append(unit)
            columns["period"].append(period)
            columns["indicator"].append(_get(row, where, "indicator"))
            columns["value_text"].append(value)
            columns["unit_of_measure"].append(_get(row, where, "unit_of_measure"))
            columns["note"].append(_get(row, where, "note"))
    return long_table(row_numbers, columns)
