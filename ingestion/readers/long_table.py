"""The long shape as text: one row per unit × period × indicator, as CSV.

The reader keeps every cell as the text that was sent; parsing values is the landing step's
job, so that a cell that cannot be read is rejected with its row and reason, never dropped.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ingestion.readers.headers import canonical_column, map_header
from ingestion.readers.skips import TITLE_EN, TITLE_VI
from ingestion.readers.table import (
    LONG_COLUMNS,
    REQUIRED_COLUMNS,
    LongTable,
    UnreadableFile,
    blank_in_every,
    decode_text,
    empty_texts,
    row_number_array,
)

log = logging.getLogger(__name__)
_THREADED_PARSE_CHARS = 4_000_000


# A line and its ending: \r\n, \n, or \r alone (Excel for Mac's "CSV (Macintosh)").
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)?")


# A line of only separators, quotes and white space (Unicode's, line ends included, so a
# quoted value over several lines is covered): a candidate blank row.
def _maybe_blank_row(delimiter: str) -> re.Pattern[str]:
    d = re.escape(delimiter)
    return re.compile(rf'^[\s"{d}]*{d}[\s"{d}]*$', re.MULTILINE)


# The separators Excel writes: ',' (English locale), ';' (Vietnamese and other locales
# where ',' is the decimal mark), tab ("Unicode Text", "Text (Tab delimited)").
DELIMITERS = (",", ";", "\t")
# Excel reads (and some tools write) a first line 'sep=;' naming the separator.
_SEP_LINE = re.compile(r"^sep=(.)\s*$")
HEADER_SEARCH_LINES = 30


def _lines(text: str) -> Iterator[str]:
    """The lines of a text, each with its ending, found as they are asked for: the CSV module
    reads only the header's (a StringIO would copy the whole text first, and would hand it a
    file of \r line ends as one line, which it refuses)."""
    for match in _LINE.finditer(text):
        if not match.group():
            return
        yield match.group()


def _header_position(text: str) -> tuple[str, int, int, list[str]]:
    """(delimiter, offset of the header in the text, lines before it, the header) of a
    file: the first record, within the first HEADER_SEARCH_LINES lines, that names the
    required columns when split by one of DELIMITERS. A file whose header is found nowhere
    is read from its first record that is not blank, by the delimiter that splits its first
    line most, so that map_header gives the reason."""
    starts = [0]
    for number, line in enumerate(_lines(text)):
        if number > 4 * HEADER_SEARCH_LINES:
            break
        starts.append(starts[-1] + len(line))
    first_line = next((line for line in _lines(text) if line.strip()), "")
    sep = _SEP_LINE.match(first_line.strip()) if text.startswith(first_line) else None
    candidates = (sep.group(1),) if sep else DELIMITERS
    found: list[tuple[str, int, int, list[str]]] = []
    for delimiter in candidates:
        reader = csv.reader(_lines(text), delimiter=delimiter)
        previous = 0
        for record in reader:
            line, previous = previous, reader.line_num
            if line >= HEADER_SEARCH_LINES or line + 1 >= len(starts):
                break
            if (sep and line == 0) or not any(field.strip() for field in record):
                continue
            named = {canonical_column(field) for field in record if field.strip()}
            if all(c in named for c in REQUIRED_COLUMNS):
                found.append((delimiter, starts[line], line, record))
                break
    if found:
        return min(found, key=lambda position: position[2])
    delimiter = candidates[0] if sep else max(DELIMITERS, key=first_line.count)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    previous = 0
    for record in reader:
        line, previous = previous, reader.line_num
        if (sep and line == 0) or not record:
            continue
        return delimiter, starts[line] if line < len(starts) else 0, line, record
    return delimiter, 0, 0, []


def _row_numbers(text: str, rows: int, delimiter: str = ",", first: int = 2) -> pa.Array:
    """The row number of each data row as a spreadsheet shows the file: pyarrow skips blank
    lines, but a submitter counting rows counts them (a quoted value over several lines stays
    one row, in both).

    When the file has exactly one line end per row read (one count, at C speed), there is no
    blank line and no value over several lines, and the rows are numbered from 2; otherwise
    (rare) the CSV module numbers the records.
    """
    if text.count("\n") - text.endswith("\n") == rows:
        return row_number_array(first, rows)
    records = csv.reader(_lines(text), delimiter=delimiter)
    numbers = [n for n, record in enumerate(records, start=first - 1) if record]
    if len(numbers) != rows + 1:  # the header and each row pyarrow read; should not happen
        return row_number_array(first, rows)
    return pa.array(numbers[1:], pa.int64())


def read_long_csv(data: bytes) -> LongTable:
    """A long table saved as text: CSV with ',' or ';', or tab-separated "Unicode Text"
    (UTF-16 with a BOM), with CRLF or LF line ends; the header may stand below title lines
    (each traced as skipped)."""
    text = decode_text(data)
    # Same as `not text.strip()`, without copying the text.
    if not text or text.isspace():
        raise UnreadableFile("the file is empty", "tệp trống")
    delimiter, offset, lines_before, header = _header_position(text)
    skipped = _title_lines(text, offset, lines_before, delimiter)
    body = text[offset:] if offset else text
    if not body.endswith(("\n", "\r")):
        # Arrow reads a header without a line end as no CSV at all ("cannot infer the number
        # of columns"): the clerk would be told the structure is broken, not that no row came.
        body += "\n"
    try:
        table = pacsv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            convert_options=pacsv.ConvertOptions(
                # Every cell stays text (a period `2024` is not a number, `007` keeps its
                # zeros); an empty cell stays an empty string.
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                # The bytes were encoded from a str just above: valid UTF-8 by construction.
                check_utf8=False,
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            # A submission is small: starting the reader's thread pool costs more than the
            # parse (about 2 ms a file, most of a national batch's CSV reading).
            read_options=pacsv.ReadOptions(use_threads=len(body) > _THREADED_PARSE_CHARS),
        )
    except pa.ArrowInvalid as exc:
        # Arrow's words go to the log; the clerk gets what to do.
        log.info("CSV parse error: %s", exc)
        line = re.search(r"row (\d+)|line (\d+)", str(exc))
        where = next((g for g in line.groups() if g), None) if line else None
        at_en = f" near line {int(where) + lines_before}" if where else ""
        at_vi = f" (gần dòng {int(where) + lines_before})" if where else ""
        raise UnreadableFile(
            f"the CSV structure is broken{at_en}: a row has more or fewer columns than the "
            "header, or a quote is not closed",
            f"cấu trúc tệp CSV bị lỗi{at_vi}: có dòng nhiều hoặc ít cột hơn dòng tiêu đề, hoặc "
            "dấu ngoặc kép không được đóng",
        ) from exc
    mapping = map_header(table.column_names)
    numbers = _row_numbers(body, table.num_rows, delimiter, first=lines_before + 2)
    # A row blank in every column (',,,' as a spreadsheet saves an emptied row) is dropped,
    # as a workbook's is; the rows after it keep their numbers. Looked for in Arrow only when
    # the text has a line of nothing but separators, quotes and white space (Arrow's calls
    # cost more than the parse of a commune's small file).
    maybe_blank = _maybe_blank_row(delimiter).search(body)
    blank = blank_in_every(table.columns) if maybe_blank else None
    if blank is not None:
        keep = pc.invert(blank)
        table, numbers = table.filter(keep), numbers.filter(keep)
    n = table.num_rows
    # Columns stay Arrow arrays: converting to Python lists costs more than the CSV parse.
    arrays = {canonical: table.column(index) for index, canonical in mapping.items()}
    arrays["value_text"] = arrays.pop("value")
    empty = empty_texts(n)
    columns = {"row_number": numbers, **{name: arrays.get(name, empty) for name in LONG_COLUMNS}}
    if delimiter == ";":
        # Excel writes ';' where ',' is the decimal mark (the Vietnamese locale among
        # them): the file's numbers are read that way (cells.file_conventions).
        columns["number_convention"] = pa.repeat(pa.scalar("vi", pa.string()), n)
    return LongTable(rows=pa.table(columns), skipped=tuple(skipped))


def _title_lines(text: str, offset: int, lines_before: int, delimiter: str) -> list[tuple]:
    """The lines with content above the header, each traced as a skipped title row."""
    if not offset:
        return []
    skipped = []
    for number, line in enumerate(_lines(text[:offset]), start=1):
        cells = next(csv.reader([line.strip()], delimiter=delimiter), [])
        shown = " | ".join(c.strip() for c in cells if c.strip())
        if shown and not _SEP_LINE.match(line.strip()):
            skipped.append(
                (
                    number,
                    None,
                    shown,
                    TITLE_EN,
                    TITLE_VI,
                    True,
                )
            )
    return skipped
