"""Which reader a file needs, by its ending and, for workbooks, by what is in them."""

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.readers.headers import declared_unit_of_measure
from ingestion.readers.json_form import read_json_submission
from ingestion.readers.long_table import read_long_csv
from ingestion.readers.skips import TITLE_EN, skipped_table, split_skipped
from ingestion.readers.table import LONG_COLUMNS, UnreadableFile, empty_texts
from ingestion.readers.workbook import is_plain, read_workbook
from ingestion.readers.xlsx_fast import open_fast, read_long_fast
from ingestion.readers.xlsx_long import open_workbook, read_long_workbook

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".json")
# The columns every reader's rows are given in, whatever the shape: where the row is, its
# cells as text, the reader's reason to reject its value cell (a date Excel made of '8/8',
# a formula without a result), and 'typed' for a number a workbook or JSON cell held.
ROW_COLUMNS = [
    "row_number",
    "source_location",
    *LONG_COLUMNS,
    "cell_reason_en",
    "cell_reason_vi",
    "number_convention",
]


@dataclass
class ReadFile:
    """A file's rows (ROW_COLUMNS) and what was skipped (skips.SKIPPED_COLUMNS): hidden
    and other sheets, title, section, total and signature rows."""

    shape: str
    rows: pa.Table
    skipped: pa.Table = field(default_factory=lambda: skipped_table([]))

    @property
    def rows_skipped(self) -> int:
        """Skipped rows of the sheets (sheets themselves are not rows)."""
        return (
            self.skipped.column("counted").combine_chunks().true_count
            if self.skipped.num_rows
            else 0
        )


def read_submission(path: Path, data: bytes) -> tuple[str, pa.Table]:
    """(shape, rows) of one file; raises UnreadableFile with the reason for the submitter."""
    read = read_file(path, data)
    return read.shape, read.rows


def read_file(path: Path, data: bytes) -> ReadFile:
    """The file's rows and skips; raises UnreadableFile with the reason for the submitter."""
    suffix = path.suffix.lower()
    skipped: list[tuple] = []
    # Narrative reports are routed before (ingestion/narrative_review/proposals.py): a .txt
    # that comes here is a table ("Unicode Text" saved from Excel).
    if suffix in (".csv", ".txt"):
        long = read_long_csv(data)
        shape, table, skipped = "long_csv", long.rows, list(long.skipped)
    elif suffix == ".json":
        shape, table = "json_form", read_json_submission(data).rows
    elif suffix == ".xlsx":
        shape, table, skipped = _read_workbook(data)
    else:
        from ingestion.narrative import NARRATIVE_SUFFIXES

        accepted = ", ".join(ACCEPTED_SUFFIXES + NARRATIVE_SUFFIXES)
        raise UnreadableFile(
            f"files ending in {suffix or '(no extension)'} are not accepted; send {accepted}",
            f"không nhận tệp có đuôi {suffix or '(không có đuôi)'}; hãy gửi {accepted}",
        )
    rows, skipped_rows = split_skipped(_with_declared_unit(_uniform(table), skipped))
    return ReadFile(shape, rows, skipped_table(skipped + skipped_rows))


def _with_declared_unit(rows: pa.Table, skipped: list[tuple]) -> pa.Table:
    """A unit of measure declared in a title line above the table ('ĐVT: triệu đồng') is the
    unit of every row whose own ĐVT cell is empty: '1.250' under it is 1,250 million đồng,
    and a count under it is refused as not fitting, never landed as 1,250 đồng."""
    declared = {
        unit
        for row in skipped
        if row[3] == TITLE_EN and (unit := declared_unit_of_measure(row[2] or ""))
    }
    if not declared:
        return rows
    if len(declared) > 1:
        units = ", ".join(repr(u) for u in sorted(declared))
        raise UnreadableFile(
            f"the title lines declare different units of measure for the table ({units}); "
            "write each row's unit in the unit-of-measure column",
            f"các dòng tiêu đề ghi nhiều đơn vị tính khác nhau cho bảng ({units}); hãy ghi "
            "đơn vị tính của từng dòng vào cột Đơn vị tính",
        )
    (unit,) = declared
    column = rows.column("unit_of_measure")
    empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(column), ""), True)
    position = rows.schema.get_field_index("unit_of_measure")
    return rows.set_column(position, "unit_of_measure", pc.if_else(empty, unit, column))


def _read_workbook(data: bytes) -> tuple[str, pa.Table, list[tuple]]:
    """A workbook as Excel shows it (workbook.read_workbook: every visible sheet, formats,
    merged cells, formulas, the header below a title), or, when is_plain shows it is one
    plain table, by the fast readers: fastexcel when it can be sure to read the cells as
    calamine does (xlsx_fast), else calamine."""
    if is_plain(data):
        fast = open_fast(data)
        long = read_long_fast(data, fast) if fast is not None else None
        if long is None:
            try:
                long = read_long_workbook(open_workbook(data))
            except UnreadableFile:
                long = None  # the careful reader finds a header below a title, or says why
        if long is not None:
            return "long_xlsx", long.rows, []
    read = read_workbook(data)
    shape = "reporting_form" if read.form_sheets else "long_xlsx"
    return shape, read.rows, read.skipped


def _uniform(table: pa.Table) -> pa.Table:
    """ROW_COLUMNS in order, a column a reader does not give filled with its default."""
    n = table.num_rows
    present = set(table.column_names)
    for name in ROW_COLUMNS:
        if name in present:
            continue
        if name in ("source_location", "cell_reason_en", "cell_reason_vi"):
            table = table.append_column(name, pa.nulls(n, pa.string()))
        else:
            table = table.append_column(name, empty_texts(n))
    return table.select(ROW_COLUMNS)
