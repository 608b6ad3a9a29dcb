"""The long shape: one row per unit × period × indicator, as CSV.

The reader keeps every cell as the text that was sent; parsing values is the landing step's
job, so that a cell that cannot be read is rejected with its row and reason, never dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ingestion.normalise import decode_bytes

REQUIRED_COLUMNS = ("unit", "period", "indicator", "value")
_THREADED_PARSE_CHARS = 4_000_000


class UnreadableFile(ValueError):
    """The whole file cannot be read; `reason_en` / `reason_vi` say why, for the submitter."""

    def __init__(self, reason_en: str, reason_vi: str):
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_vi = reason_vi


@dataclass(frozen=True)
class LongTable:
    """Rows of text with their 1-based row number in the file (the header is row 1)."""

    rows: pa.Table  # columns: row_number, unit, period, indicator, value_text


def decode_text(data: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 or Windows-1258, as NFC.

    Damaged Vietnamese (replacement characters, mojibake, dropped or '?' diacritics) rejects
    the whole file: names and labels read wrongly would match the wrong unit or indicator.
    """
    decoded = decode_bytes(data)
    if decoded.damaged:
        raise UnreadableFile(
            f"the Vietnamese text in the file is damaged ({decoded.damage_reason}; read as "
            f"{decoded.encoding}); save it again as CSV UTF-8 and send it again",
            f"chữ tiếng Việt trong tệp bị lỗi ({decoded.damage_reason}); hãy lưu lại dạng "
            "CSV UTF-8 và gửi lại",
        )
    return decoded.text


# A line and its ending: \r\n, \n, or \r alone (Excel for Mac's "CSV (Macintosh)").
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)?")


# A line of only commas, quotes and white space (Unicode's, line ends included, so a quoted
# value over several lines is covered): a candidate blank row.
_MAYBE_BLANK_ROW = re.compile(r'^[\s",]*,[\s",]*$', re.MULTILINE)


def _lines(text: str) -> Iterator[str]:
    """The lines of a text, each with its ending, found as they are asked for: the CSV module
    reads only the header's (a StringIO would copy the whole text first, and would hand it a
    file of \r line ends as one line, which it refuses)."""
    for match in _LINE.finditer(text):
        if not match.group():
            return
        yield match.group()


def _row_numbers(text: str, rows: int) -> pa.Array:
    """The row number of each data row as a spreadsheet shows the file: pyarrow skips blank
    lines, but a submitter counting rows counts them (a quoted value over several lines stays
    one row, in both).

    When the file has exactly one line end per row read (one count, at C speed), there is no
    blank line and no value over several lines, and the rows are numbered from 2; otherwise
    (rare) the CSV module numbers the records.
    """
    from ingestion.readers.xlsx_long import row_number_array

    if text.count("\n") - text.endswith("\n") == rows:
        return row_number_array(2, rows)
    numbers = [n for n, record in enumerate(csv.reader(_lines(text)), start=1) if record]
    if len(numbers) != rows + 1:  # the header and each row pyarrow read; should not happen
        return row_number_array(2, rows)
    return pa.array(numbers[1:], pa.int64())


def read_long_csv(data: bytes) -> LongTable:
    text = decode_text(data)
    # Same as `not text.strip()`, without copying the text.
    if not text or text.isspace():
        raise UnreadableFile("the file is empty", "tệp trống")
    # The first record that is not a blank line, as pyarrow takes it: a list of no names would
    # leave pyarrow guessing column types ('01' read as the number 1).
    header = next(record for record in csv.reader(_lines(text)) if record)
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            convert_options=pacsv.ConvertOptions(
                # Every cell stays text (a period `2024` is not a number, `007` keeps its
                # zeros); an empty cell stays an empty string.
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                # The bytes were encoded from a str just above: valid UTF-8 by construction.
                check_utf8=False,
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            # A submission is small: starting the reader's thread pool costs more than the
            # parse (about 2 ms a file, most of a national batch's CSV reading).
            read_options=pacsv.ReadOptions(use_threads=len(text) > _THREADED_PARSE_CHARS),
        )
    except pa.ArrowInvalid as exc:
        raise UnreadableFile(
            f"the CSV structure is broken: {exc}", f"cấu trúc tệp CSV bị lỗi: {exc}"
        ) from exc
    # headers.py builds on this module's errors, so it is imported here, not at the top.
    from ingestion.readers.headers import map_header
    from ingestion.readers.xlsx_long import LONG_COLUMNS, blank_in_every, empty_texts

    mapping = map_header(table.column_names)
    numbers = _row_numbers(text, table.num_rows)
    # A row blank in every column (',,,' as a spreadsheet saves an emptied row) is dropped,
    # as a workbook's is; the rows after it keep their numbers. Looked for in Arrow only when
    # the text has a line of nothing but commas, quotes and white space (Arrow's calls cost
    # more than the parse of a commune's small file).
    blank = blank_in_every(table.columns) if _MAYBE_BLANK_ROW.search(text) else None
    if blank is not None:
        keep = pc.invert(blank)
        table, numbers = table.filter(keep), numbers.filter(keep)
    n = table.num_rows
    # Columns stay Arrow arrays: converting to Python lists costs more than the CSV parse.
    arrays = {canonical: table.column(index) for index, canonical in mapping.items()}
    arrays["value_text"] = arrays.pop("value")
    empty = empty_texts(n)
    return LongTable(
        rows=pa.table(
            {
                "row_number": numbers,
                **{name: arrays.get(name, empty) for name in LONG_COLUMNS},
            }
        )
    )
