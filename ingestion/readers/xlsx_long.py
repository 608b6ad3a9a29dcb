"""The long shape as an Excel workbook: the first sheet, a header in row 1, one row per value.

Like the CSV reader, every cell becomes text; Excel has already turned typed numbers into
floats, so they are written back in their shortest form ('12', not '12.0'; '0.35', not
'0.35000000000000003') to give the landing step what the submitter typed. In the value
column a typed number with a fraction is written with a decimal comma ('0,35'): a typed
number is unambiguous, and landing reads '12.345' as twelve thousand three hundred and
forty-five, the Vietnamese way, where the cell held twelve and a bit (see value_text).

`cell_text` is the definition of a cell's text. A province's workbook has thousands of rows,
so a sheet is read column by column instead, giving what `cell_text` gives every cell
(tests/integration/test_readers_equivalence.py holds each reader to `cell_text` applied to
every cell, and `cell_text` to a golden file):
a column of text goes to Arrow whole, a column of typed whole numbers is written by Arrow
casts, a mixed column is written cell by cell with its common kinds inline, and text is
composed to NFC only where a distinct text is not already.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import operator
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from ingestion.normalise.numbers import typed_digits, typed_number_text
from ingestion.normalise.text import to_nfc
from ingestion.readers.headers import map_header
from ingestion.readers.table import (
    LongTable,
    UnreadableFile,
    blank_in_every,
    long_table,
    not_a_workbook,
    row_number_array,
)

__all__ = [
    "cell_text",
    "nfc_texts",
    "open_workbook",
    "read_long_workbook",
    "read_long_xlsx",
    "text_column",
    "typed_numbers",
    "value_text",
    "whole_numbers_text",
]

log = logging.getLogger(__name__)

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
        # Positionally: '12' not '12.0', '0.00001' not '1e-05'.
        return format(typed_digits(value), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return to_nfc(str(value))


def value_text(value: Any) -> str:
    """Text of a value cell: cell_text, except that a typed number is written as landing reads
    it back (typed_number_text: '0,35', '12345')."""
    if type(value) is float:
        return typed_number_text(value)
    return cell_text(value)


def open_workbook(data: bytes) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        log.info("calamine cannot open the workbook: %s", exc)
        raise not_a_workbook() from exc


def sheet_values(sheet: CalamineSheet) -> list[list[Any]]:
    """All cells of a sheet from A1, so list index + 1 is the Excel row number."""
    try:
        # skip_empty_area=False: by default calamine drops leading blank rows and columns,
        # which would shift every row number the submitter is told about.
        return sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError) as exc:
        log.info("calamine cannot read the sheet %r: %s", sheet.name, exc)
        raise UnreadableFile(
            f"the sheet {sheet.name!r} cannot be read; open it in Excel, save it, send it again",
            f"không đọc được trang tính {sheet.name!r}; hãy mở bằng Excel, lưu lại rồi gửi lại",
        ) from exc


def _blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def read_long_xlsx(data: bytes) -> LongTable:
    """Read the first sheet: header in row 1, then one row per unit × period × indicator."""
    return read_long_workbook(open_workbook(data))


def read_long_workbook(workbook: CalamineWorkbook) -> LongTable:
    """read_long_xlsx of a workbook already opened (to look at its sheet names, say).

    Column by column: only the cells of the columns we read are turned into text.
    """
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
    body = raw[1:]
    n = len(body)
    width = min(map(len, body), default=0)
    read: dict[str, _Texts] = {}
    typed: pa.Array | None = None
    for index, canonical in mapping.items():
        name = "value_text" if canonical == "value" else canonical
        cells = column_cells(body, index, width)
        read[name] = _column_texts(cells, as_value=name == "value_text")
        if name == "value_text":
            typed = typed_numbers(cells)
    columns = {name: column.texts for name, column in read.items()}
    if typed is not None:
        columns["number_convention"] = typed
    numbers = row_number_array(2, n)
    # A wholly blank row has a blank cell in every column, so one column without a blank text
    # (the unit column, as a rule) shows there is none.
    maybe_blank = all(any(not t.strip() for t in c.distinct) for c in read.values())
    blank = _blank_rows(body, list(columns.values())) if maybe_blank else []
    if blank:
        kept = [True] * n
        for index in blank:
            kept[index] = False
        keep = pa.array(kept, pa.bool_())
        numbers = numbers.filter(keep)
        columns = {name: texts.filter(keep) for name, texts in columns.items()}
    return long_table(numbers, columns)


def typed_numbers(cells: Sequence[Any]) -> pa.Array:
    """'typed' for each cell holding a number, '' for the others: a typed number is what the
    cell holds (its text is written the national way), never read by the file's texts'
    convention (cells.file_conventions)."""
    flags = pa.array([type(v) is float or type(v) is int for v in cells], pa.bool_())
    return pc.if_else(flags, "typed", "")


def column_cells(rows: list[list[Any]], index: int, width: int) -> list[Any]:
    """The cells of one column; a row too short to reach it reads ''. `width` is the length
    of the shortest row.

    calamine gives every row the sheet's full width, so one C-level pass picks the column
    (transposing all rows at once would make an iterator object per row for the garbage
    collector to count and scan).
    """
    if index < width:
        return list(map(operator.itemgetter(index), rows))
    return [row[index] if index < len(row) else "" for row in rows]


def _blank_rows(body: list[list[Any]], texts: list[pa.Array]) -> list[int]:
    """Indexes in `body` of the wholly blank rows, which are dropped; a row with any content,
    even in a column we do not read, is kept so the landing step can reject it with its row
    number. A cell is blank when it is empty or only whitespace.

    Arrow finds the rows whose read columns are all blank; only those rows are looked at cell
    by cell.
    """
    candidates = blank_in_every(texts)
    if candidates is None:
        return []
    return [
        index
        for index in pc.indices_nonzero(candidates).to_pylist()
        if all(_blank(v) for v in body[index])
    ]


class _Texts(NamedTuple):
    texts: pa.Array
    distinct: list[str]  # the column's distinct texts


def text_column(cells: Sequence[Any], as_value: bool = False) -> pa.Array:
    """[cell_text(v) for v in cells] as an Arrow array ([value_text(v) ...] if `as_value`).

    A column of text (units, periods, indicators) goes to Arrow whole; a column of typed whole
    numbers is written as text by Arrow casts. A mixed column (the value column holds typed
    numbers and text such as '180.833' or '119/122') is written cell by cell, with the common
    kinds (text, whole numbers) handled inline rather than by a call per cell. Text not yet in
    NFC is composed afterwards, once per distinct text.
    """
    return _column_texts(cells, as_value).texts


def nfc_texts(texts: pa.Array) -> pa.Array:
    """A column of text (no nulls) in NFC, each distinct text composed once (see _composed)."""
    return _composed(texts).texts


def _column_texts(cells: Sequence[Any], as_value: bool = False) -> _Texts:
    """The cells as text: value_text for each if `as_value`, else cell_text."""
    try:
        texts = pa.array(cells, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        texts = _mixed_texts(cells, value_text if as_value else cell_text)
    else:
        if texts.null_count:
            texts = texts.fill_null("")
    return _composed(texts)


def _mixed_texts(cells: Sequence[Any], text_of: Callable[[Any], str] = cell_text) -> pa.Array:
    """Text of a column that is not all text, NFC aside (see _composed): text_of (cell_text
    or value_text, which agree on text and whole numbers) of each cell."""
    if set(map(type, cells)) == {float}:
        whole = whole_numbers_text(pa.array(cells, pa.float64()))
        if whole is not None:
            return whole
    limit = _EXACT_FLOAT_LIMIT
    # The first two branches are cell_text's own first two, for text not yet composed;
    # '%d' % value is str(int(value)) in one step (format(value, '.0f') would write -0.0 as
    # '-0'), at half the cost.
    return pa.array(
        [
            value
            if type(value) is str
            else "%d" % value  # noqa: UP031
            if type(value) is float and value.is_integer() and -limit < value < limit
            else text_of(value)
            for value in cells
        ],
        pa.string(),
    )


def whole_numbers_text(values: pa.Array) -> pa.Array | None:
    """A float64 column of typed whole numbers (counts, the usual value column) as text in
    one step: what cell_text gives each ('12', not '12.0'); None when any is not a whole
    number below 10^15 (the exact limit of cell_text's shortcut)."""
    low, high = (bound.as_py() for bound in pc.min_max(values).values())
    if not -_EXACT_FLOAT_LIMIT < low <= high < _EXACT_FLOAT_LIMIT:
        return None
    try:
        # A safe cast refuses a number with a fraction (and NaN) instead of truncating it.
        return pc.cast(pc.cast(values, pa.int64()), pa.string())
    except pa.ArrowInvalid:
        return None


def _composed(texts: pa.Array) -> _Texts:
    """The texts in NFC. They usually are already: each distinct text that is not ASCII is
    checked, and a column is rebuilt only when one is not, each distinct text composed once
    (to_nfc, as cell_text)."""
    distinct = pc.unique(texts).to_pylist()
    composed = {
        text: to_nfc(text)
        for text in distinct
        if not text.isascii() and not unicodedata.is_normalized("NFC", text)
    }
    if not composed:
        return _Texts(texts, distinct)
    encoded = pc.dictionary_encode(texts)
    fixed = [composed.get(text, text) for text in encoded.dictionary.to_pylist()]
    return _Texts(
        pa.array(fixed, pa.string()).take(encoded.indices),
        [composed.get(text, text) for text in distinct],
    )
