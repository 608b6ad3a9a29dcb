"""What every reader shares: the table a reader returns, the error that rejects a file
whole, the columns, and the helpers that decode a file's text and build its columns.

The readers (long_table for CSV, xlsx_long and xlsx_fast for plain workbooks, workbook for
workbooks as Excel shows them, json_form for the web form) and the header rules (headers)
build on this module and on nothing of each other's that would lead back here, so that no
reader needs another to be imported first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.normalise import decode_bytes

__all__ = [
    "LONG_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "LongTable",
    "UnreadableFile",
    "blank_in_every",
    "decode_text",
    "empty_texts",
    "long_table",
    "row_number_array",
]

log = logging.getLogger(__name__)

# The columns a long table must have (headers.py maps a header's names onto them).
REQUIRED_COLUMNS = ("unit", "period", "indicator", "value")
# Optional columns every reader carries (as empty text when the submission has none), so
# that all readers hand the landing step tables of the same shape.
OPTIONAL_COLUMNS = ("unit_of_measure", "programme", "disaggregation", "note")
# Columns of the table every reader returns, after row_number.
LONG_COLUMNS = ("unit", "period", "indicator", "value_text", *OPTIONAL_COLUMNS)


class UnreadableFile(ValueError):
    """The whole file cannot be read; `reason_en` / `reason_vi` say why, for the submitter."""

    def __init__(self, reason_en: str, reason_vi: str):
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_vi = reason_vi


def not_a_workbook() -> UnreadableFile:
    """What every workbook reader says of bytes no workbook library can open."""
    return UnreadableFile(
        "the file is not a readable Excel workbook; save it again as .xlsx",
        "tệp không phải là sổ tính Excel đọc được; hãy mở bằng Excel và lưu lại dạng .xlsx",
    )


@dataclass(frozen=True)
class LongTable:
    """Rows of text with their 1-based row number in the file (the header is row 1), and
    the rows skipped before the header (skips.SKIPPED_COLUMNS tuples)."""

    rows: pa.Table  # columns: row_number, LONG_COLUMNS, and any a reader adds
    skipped: tuple[tuple, ...] = ()


def decode_text(data: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 or Windows-1258, as NFC.

    Damaged Vietnamese (replacement characters, mojibake, dropped or '?' diacritics) rejects
    the whole file: names and labels read wrongly would match the wrong unit or indicator.
    """
    decoded = decode_bytes(data)
    if decoded.damaged:
        log.info("damaged text (%s): %s", decoded.encoding, decoded.damage_reason)
        raise UnreadableFile(
            f"the Vietnamese text in the file is damaged ({decoded.damage_reason}; read as "
            f"{decoded.encoding}); save it again as CSV UTF-8 and send it again",
            "chữ tiếng Việt trong tệp bị lỗi (mất dấu, sai bảng mã hoặc ký tự lạ); hãy lưu lại "
            "dạng CSV UTF-8 và gửi lại",
        )
    return decoded.text


def row_number_array(first: int, count: int) -> pa.Array:
    """first, first + 1, ... as int64 (numpy's arange, taken without a copy: a Python range
    is read number by number)."""
    return pa.array(np.arange(first, first + count, dtype=np.int64))


def empty_texts(count: int) -> pa.Array:
    return pa.repeat(pa.scalar("", pa.string()), count)


def long_table(
    row_numbers: list[int] | pa.Array, columns: Mapping[str, list[str] | pa.Array]
) -> LongTable:
    """A LongTable with row_number and LONG_COLUMNS (plus any extra columns given)."""
    n = len(row_numbers)
    numbers = (
        row_numbers if isinstance(row_numbers, pa.Array) else pa.array(row_numbers, type=pa.int64())
    )
    arrays: dict[str, pa.Array] = {"row_number": numbers}

    def text(values: list[str] | pa.Array) -> pa.Array:
        return values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())

    for name in LONG_COLUMNS:
        arrays[name] = text(columns[name]) if name in columns else empty_texts(n)
    for name, values in columns.items():
        if name not in arrays:
            arrays[name] = text(values)
    return LongTable(rows=pa.table(arrays))


def blank_in_every(texts: Sequence[pa.Array | pa.ChunkedArray]) -> pa.Array | None:
    """For each row, whether its cell is blank (empty or only whitespace) in every one of
    these text columns; None when no row is (found column by column, stopping early: the
    unit column alone usually shows there is none).

    Arrow's utf8_is_space accepts the characters str.isspace() does (a unit test checks every
    code point), so no blank cell is missed.
    """
    candidates = None
    for column in texts:
        blank = pc.or_(pc.equal(pc.binary_length(column), 0), pc.utf8_is_space(column))
        candidates = blank if candidates is None else pc.and_(candidates, blank)
        if not pc.any(candidates).as_py():
            return None
    return candidates
