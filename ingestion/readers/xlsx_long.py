"""The long shape as an Excel workbook: the first sheet, a header in row 1, one row per value.

Like the CSV reader, every cell becomes text; Excel has already turned typed numbers into
floats, so they are written back in their shortest form ('12', not '12.0'; '0.35', not
'0.35000000000000003') to give the landing step what the submitter typed.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from ingestion.normalise.text import to_nfc
from ingestion.readers.headers import OPTIONAL_COLUMNS, map_header
from ingestion.readers.long_table import LongTable, UnreadableFile

__all__ = ["LONG_COLUMNS", "cell_text", "long_table", "open_workbook", "read_long_xlsx"]

# Columns of the table every reader returns, after row_number.
LONG_COLUMNS = ("unit", "period", "indicator", "value_text", *OPTIONAL_COLUMNS)


_EXACT_FLOAT_LIMIT = 1e15  # below it a whole float prints exactly as an integer


def cell_text(value: Any) -> str:
    """Text of a cell as the submitter typed it; an empty cell is ''."""
    # The two common cases first, by exact type: this runs once per cell of every workbook.
    kind = type(value)
    if kind is str:
        return value if value.isascii() else to_nfc(value)
    if kind is float and value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
        return str(int(value))
    if value is None:
        return ""
    if isinstance(value, bool):
        # Checked before numbers: bool is an int subclass and would print as '1'.
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits of what was typed; a float noise digit beyond
        # them (0.30000000000000004) is an artefact of the writer, not the submitter's value.
        # Decimal then writes it positionally: '12' not '12.0', '0.00001' not '1e-05'.
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return to_nfc(str(value))


def open_workbook(data: bytes) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        raise UnreadableFile(
            f"the file is not a readable Excel workbook ({exc}); save it again as .xlsx",
            f"tệp không phải là sổ tính Excel đọc được ({exc}); hãy lưu lại dạng .xlsx",
        ) from exc


def sheet_values(sheet: CalamineSheet) -> list[list[Any]]:
    """All cells of a sheet from A1, so list index + 1 is the Excel row number."""
    try:
        # skip_empty_area=False: by default calamine drops leading blank rows and columns,
        # which would shift every row number the submitter is told about.
        return sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError) as exc:
        raise UnreadableFile(
            f"the sheet {sheet.name!r} cannot be read ({exc})",
            f"không đọc được trang tính {sheet.name!r} ({exc})",
        ) from exc


def sheet_rows(sheet: CalamineSheet) -> list[list[str]]:
    """All rows of a sheet from A1 as text (see sheet_values)."""
    return [[cell_text(v) for v in row] for row in sheet_values(sheet)]


def long_table(row_numbers: list[int], columns: Mapping[str, list[str] | pa.Array]) -> LongTable:
    """A LongTable with row_number and LONG_COLUMNS (plus any extra columns given)."""
    n = len(row_numbers)
    arrays: dict[str, pa.Array] = {"row_number": pa.array(row_numbers, type=pa.int64())}

    def text(values: list[str] | pa.Array) -> pa.Array:
        return values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())

    for name in LONG_COLUMNS:
        arrays[name] = text(columns.get(name, [""] * n))
    for name, values in columns.items():
        if name not in arrays:
            arrays[name] = text(values)
    return LongTable(rows=pa.table(arrays))


_EMPTY_CELLS = frozenset({"", None})


def _blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def read_long_xlsx(data: bytes) -> LongTable:
    """Read the first sheet: header in row 1, then one row per unit × period × indicator.

    Column by column: only the cells of the columns we read are turned into text.
    """
    workbook = open_workbook(data)
    if not workbook.sheet_names:
        raise UnreadableFile("the workbook has no sheet", "sổ tính không có trang tính nào")
    raw = sheet_values(workbook.get_sheet_by_index(0))
    header = [cell_text(v) for v in raw[0]] if raw else []
    if not any(cell.strip() for cell in header):
        raise UnreadableFile(
            "the first sheet has no header in row 1",
            "trang tính đầu tiên không có dòng tiêu đề ở dòng 1",
        )
    mapping = map_header(header)
    # Only a wholly blank row is dropped; a row with any content, even in a column we do not
    # read, is kept so the landing step can reject it with its row number.
    # A row of only '' and None cells is blank at a set test; only a row that is not (almost
    # every row) or that holds whitespace is looked at cell by cell.
    kept_rows = [
        excel_row
        for excel_row, row in enumerate(raw[1:], start=2)
        if not _EMPTY_CELLS.issuperset(row) or not all(_blank(v) for v in row)
    ]
    rows = [raw[excel_row - 1] for excel_row in kept_rows]
    # Transposed in one pass; a short row reads '' in the columns it lacks.
    by_column = list(itertools.zip_longest(*rows, fillvalue="")) if rows else []
    columns: dict[str, pa.Array] = {}
    for index, canonical in mapping.items():
        name = "value_text" if canonical == "value" else canonical
        cells = list(by_column[index]) if index < len(by_column) else [""] * len(rows)
        columns[name] = _text_column(cells)
    return long_table(kept_rows, columns)


def _text_column(cells: list[Any]) -> pa.Array:
    """A column's cells as text. A column of text cells (units, periods, indicators typed as
    text) goes to Arrow whole and is composed to NFC there; any other goes cell by cell."""
    try:
        array = pa.array(cells, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        whole = _whole_numbers_text(cells)
        if whole is not None:
            return whole
        return pa.array([cell_text(v) for v in cells], pa.string())
    return pc.utf8_normalize(array.fill_null(""), "NFC")


def _whole_numbers_text(cells: list[Any]) -> pa.Array | None:
    """A column of typed whole numbers (counts, the usual value column) as text in one step:
    what cell_text gives each ('12', not '12.0'); None when any cell is anything else."""
    if set(map(type, cells)) != {float}:
        return None
    values = pa.array(cells, pa.float64())
    exact = pc.and_(pc.equal(values, pc.trunc(values)), pc.less(pc.abs(values), _EXACT_FLOAT_LIMIT))
    if not pc.all(exact).as_py():
        return None
    return pc.cast(pc.cast(values, pa.int64()), pa.string())
