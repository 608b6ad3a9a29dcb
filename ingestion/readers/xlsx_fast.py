"""The long workbook read by fastexcel: the same table as xlsx_long's reader, in less time.

python-calamine builds a Python object for every cell and its parse copies every text;
fastexcel parses the same workbook into Arrow columns in about half the time. Its text
columns cannot stand in for the cells, though: a column holding both typed numbers and text
comes back as strings, so a typed 12.345 and the text '12.345' (twelve thousand three
hundred and forty-five, the Vietnamese way) would read alike. Here the value column is asked
for as a duration, which no cell of a long table is: fastexcel then reports every value cell
it could not convert, with the cell's kind and content ('Float(12.345)', 'String("12.345")'),
so each cell's text is built from what the cell held, exactly as `value_text` builds it. The
other columns must hold a single kind each (text, or numbers) to be read here.

`read_long_fast` returns None whenever it cannot be sure of giving exactly what
xlsx_long.read_long_workbook gives (a header not in row 1, a column of dates, a text with a
character fastexcel escapes, a cell kind it does not expect, a header fastexcel renamed);
the caller then reads the file with python-calamine. It never raises for a file's content:
every rejection reason comes from the calamine reader, so the submitter is told the same
thing whichever reader ran. tests/integration/test_readers_equivalence.py holds both
readers to `cell_text` applied to every cell.
"""

from __future__ import annotations

import io
import logging
import operator
import re
import zipfile
from typing import Any

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.normalise.text import to_nfc, without_marks
from ingestion.readers.headers import VALUE_SYNONYMS, map_header
from ingestion.readers.table import (
    LongTable,
    UnreadableFile,
    blank_in_every,
    empty_texts,
    long_table,
    row_number_array,
)
from ingestion.readers.xlsx_long import (
    nfc_texts,
    text_column,
    value_text,
    whole_numbers_text,
)

__all__ = ["header_in_row_one", "open_fast", "read_long_fast"]

# fastexcel logs a warning for a column with no value at all ('falling back to string'):
# an empty optional column is normal in a submission, not something to warn anyone about.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


def _header_variants() -> frozenset[str]:
    """The value column's headers as people type them: each synonym in its usual cases, with
    and without diacritics. A header typed otherwise is still read, by type inference; only
    a value column mixing numbers and text needs its header to be one of these."""
    variants: set[str] = set()
    for synonym in VALUE_SYNONYMS:
        bare = without_marks(synonym)
        for spelling in (synonym, bare):
            for cased in (spelling, spelling.lower(), spelling.upper(), spelling.title()):
                variants.add(cased)
                variants.add(cased[:1].upper() + cased[1:])
    return frozenset(variants)


_VALUE_HEADERS = _header_variants()
_AS_DURATION = dict.fromkeys(_VALUE_HEADERS, "duration")

# What fastexcel says of a value cell it could not read as a duration (version 0.21, pinned
# in constraints.txt; a test fails if the wording changes, and the files are then read by
# calamine, more slowly but the same).
_NOT_A_DURATION = "Expected duration but got '"
_FLOAT = _NOT_A_DURATION + "Float("
_STRING = _NOT_A_DURATION + 'String("'
_DETAIL = operator.attrgetter("detail")
_UNNAMED = re.compile(r"__UNNAMED__\d+")
_RENAMED = re.compile(r"(.+)_\d+")

# The workbook's parts that say where its first sheet is, and the sheet's first cells.
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\s\w+:id=\"([^\"]+)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"\b(Id|Target)=\"([^\"]*)\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_CELL_ROW = re.compile(rb"\br=\"[A-Z]+([0-9]+)\"")
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|t)\b[^>/]*>[^<]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_HEAD_BYTES = 256 * 1024
_HEAD_STEP = 8 * 1024


def header_in_row_one(data: bytes) -> bool:
    """Whether the first cell with content in the workbook's first sheet is in row 1.

    calamine's sheets start at their first cell with content, and fastexcel's header is that
    sheet's first row; xlsx_long reads the header from row 1 and rejects a workbook whose
    row 1 is blank. Found from the sheet's XML: only its beginning is read. False when the
    workbook is not laid out as expected, so the caller falls back to calamine.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet = _first_sheet_part(archive)
            if sheet is None:
                return False
            with archive.open(sheet) as stream:
                head = b""
                # The first cells are near the start: read on only while none is found.
                while len(head) < _HEAD_BYTES:
                    more = stream.read(_HEAD_STEP)
                    head += more
                    row = _first_content_row(head)
                    if row is not None or not more:
                        return row == 1
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return False
    return False


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    match = _SHEET.search(archive.read("xl/workbook.xml"))
    if match is None:
        return None
    for relationship in _RELATIONSHIP.finditer(archive.read("xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(relationship.group(1)))
        if attributes.get(b"Id") == match.group(1) and b"Target" in attributes:
            target = attributes[b"Target"].decode()
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _first_content_row(head: bytes) -> int | None:
    """Row of the first cell holding a value or text, or None if not in these bytes (or a
    cell without a row reference, which the spec allows and calamine places itself)."""
    for cell in _CELL.finditer(head):
        if cell.group(2):  # <c .../>: no content
            continue
        end = _CELL_END.search(head, cell.end())
        if end is None:
            return None
        if _VALUE.search(head, cell.end(), end.start()) is None:
            continue
        row = _CELL_ROW.search(cell.group(1))
        return int(row.group(1)) if row else None
    return None


def open_fast(data: bytes) -> fastexcel.ExcelReader | None:
    """The workbook opened by fastexcel (its sheet names read), or None if it cannot be."""
    try:
        return fastexcel.read_excel(data)
    except (fastexcel.FastExcelError, OSError, ValueError):
        return None


def read_long_fast(data: bytes, workbook: fastexcel.ExcelReader | None = None) -> LongTable | None:
    """The first sheet as xlsx_long.read_long_workbook reads it, or None to read it there.
    `workbook`: the file already opened by open_fast."""
    if not header_in_row_one(data):
        return None
    workbook = workbook or open_fast(data)
    if workbook is None:
        return None
    try:
        sheet = workbook.load_sheet(
            0,
            header_row=0,
            schema_sample_rows=None,
            dtype_coercion="strict",
            dtypes=_AS_DURATION,
        )
        batch, cell_errors = sheet.to_arrow_with_errors()
    except (fastexcel.FastExcelError, OSError, ValueError):
        return None
    header = _header(batch.schema.names)
    if header is None:
        return None
    try:
        mapping = map_header(header)
    except UnreadableFile:
        return None  # calamine's reader gives the reason
    errors = cell_errors.errors if cell_errors is not None else []
    columns: dict[str, pa.Array] = {}
    for index, canonical in mapping.items():
        name = "value_text" if canonical == "value" else canonical
        texts = _column(batch.column(index), errors, as_value=name == "value_text")
        if texts is None:
            return None
        columns[name] = texts
        if name == "value_text":
            columns["number_convention"] = _typed(batch.column(index), errors)
    return _table(batch, columns)


def _header(names: list[str]) -> list[str] | None:
    """The header row's texts from fastexcel's column names, or None if it renamed one (it
    numbers a repeated header: 'value', 'value_1'), which would hide the repeat."""
    header = ["" if _UNNAMED.fullmatch(name) else to_nfc(name) for name in names]
    present = set(names)
    for name in names:
        renamed = _RENAMED.fullmatch(name)
        if renamed and renamed.group(1) in present:
            return None
    if not any(text.strip() for text in header):
        return None
    return header


def _column(column: pa.Array, errors: list[Any], as_value: bool) -> pa.Array | None:
    """One read column as text, as cell_text (or value_text) gives each cell."""
    kind = column.type
    if pa.types.is_duration(kind):
        return _duration_column(column, errors) if as_value else None
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        texts = column.cast(pa.string())
        return nfc_texts(texts.fill_null("") if texts.null_count else texts)
    if pa.types.is_null(kind):
        return empty_texts(len(column))
    if pa.types.is_floating(kind):
        # The numbers as calamine gives them (None for an empty cell), written as xlsx_long
        # writes a column of them.
        return text_column(column.to_pylist(), as_value=as_value)
    return None  # dates, times, booleans, whole-number columns: calamine's reader


def _typed(column: pa.Array, errors: list[Any]) -> pa.Array:
    """xlsx_long.typed_numbers of the value column: 'typed' where a cell held a number."""
    n = len(column)
    if pa.types.is_floating(column.type):
        return pc.if_else(pc.is_valid(column), "typed", "")
    if not pa.types.is_duration(column.type):
        return empty_texts(n)
    is_float = pc.starts_with(pa.array(list(map(_DETAIL, errors)), pa.string()), _FLOAT)
    if len(errors) != n:
        # Some value cells are empty (not reported): put each flag in its row.
        flags = [False] * n
        for error, flag in zip(errors, is_float.to_pylist(), strict=True):
            flags[error.position[0] - 1] = flag
        is_float = pa.array(flags, pa.bool_())
    return pc.if_else(is_float, "typed", "")


def _duration_column(column: pa.Array, errors: list[Any]) -> pa.Array | None:
    """The value column's texts from fastexcel's report of each cell it could not convert
    (every value cell, since no cell is a duration); a cell not reported is empty."""
    n = len(column)
    if column.null_count != n:
        return None  # a cell really held a duration
    # Only the value column is asked for as a duration, so every error is one of its cells,
    # reported row by row.
    listed = list(map(_DETAIL, errors))
    if "\\" in "".join(listed):
        return None  # escaped by fastexcel (a quote, a tab, a combining mark)
    details = pa.array(listed, pa.string())
    is_float = pc.starts_with(details, _FLOAT)
    is_text = pc.starts_with(details, _STRING)
    if is_float.true_count + is_text.true_count != len(details):
        return None  # a boolean, a date, an error cell: calamine's reader
    texts = _between(details, len(_STRING), 3)
    if is_float.true_count:
        numbers = _between(details.filter(is_float), len(_FLOAT), 2)
        texts = pc.replace_with_mask(texts, is_float, _number_texts(pc.cast(numbers, pa.float64())))
    if len(errors) != n:
        # Some value cells are empty: put each text in its row.
        full = [""] * n
        for error, text in zip(errors, texts.to_pylist(), strict=True):
            full[error.position[0] - 1] = text
        texts = pa.array(full, pa.string())
    # Numbers and text such as '180.833' are ASCII; only the rest ('536 triệu') may need
    # composing.
    other = pc.invert(pc.string_is_ascii(texts))
    if not pc.any(other).as_py():
        return texts
    return pc.replace_with_mask(texts, other, nfc_texts(texts.filter(other)))


def _between(texts: pa.Array, start: int, end: int) -> pa.Array:
    """Each text without its first `start` and last `end` bytes (ASCII both: the wording
    around a cell's content), sliced as bytes, which is several times faster than by
    characters."""
    # Viewed, not cast: the same buffers, and cutting UTF-8 text at ASCII characters leaves
    # valid UTF-8, so there is nothing to check.
    return pc.binary_slice(texts.view(pa.binary()), start, -end).view(pa.string())


def _number_texts(values: pa.Array) -> pa.Array:
    """value_text of each typed number: whole numbers by Arrow casts ('12'), as xlsx_long
    writes a column of them; a column with a fraction by value_text, cell by cell ('0,35')."""
    whole = whole_numbers_text(values)
    if whole is not None:
        return whole
    return pa.array([value_text(v) for v in values.to_pylist()], pa.string())


def _table(batch: pa.RecordBatch, columns: dict[str, pa.Array]) -> LongTable:
    """The LongTable with Excel row numbers, wholly blank rows dropped (as xlsx_long)."""
    n = batch.num_rows
    numbers = row_number_array(2, n)
    candidates = blank_in_every(list(columns.values()))
    if candidates is not None:
        blank = pc.and_(candidates, _blank_in_every_column(batch))
        if pc.any(blank).as_py():
            keep = pc.invert(blank)
            numbers = numbers.filter(keep)
            columns = {name: texts.filter(keep) for name, texts in columns.items()}
    return long_table(numbers, columns)


def _blank_in_every_column(batch: pa.RecordBatch) -> pa.Array:
    """Rows with no content in any column of the sheet, read or not."""
    blank = None
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            empty = pc.or_(pc.equal(pc.binary_length(column), 0), pc.utf8_is_space(column))
            here = pc.fill_null(empty, True)
        elif pa.types.is_duration(column.type):
            here = pa.array([True] * len(column))  # value cells: checked by the caller
        else:
            here = pc.is_null(column)
        blank = here if blank is None else pc.and_(blank, here)
    return blank if blank is not None else pa.array([], pa.bool_())
