"""Which reader a file needs, by its ending and, for workbooks, by its sheets."""

from pathlib import Path

import pyarrow as pa

from ingestion.normalise import fold
from ingestion.readers.form_workbook import SHEET_TITLES, read_form
from ingestion.readers.json_form import read_json_submission
from ingestion.readers.long_table import UnreadableFile, read_long_csv
from ingestion.readers.xlsx_fast import open_fast, read_long_fast
from ingestion.readers.xlsx_long import (
    LONG_COLUMNS,
    empty_texts,
    open_workbook,
    read_long_workbook,
    row_number_array,
)

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".json")
# The columns every reader's rows are given in, whatever the shape.
ROW_COLUMNS = ["row_number", "source_location", *LONG_COLUMNS]
_FORM_SHEETS = {fold(title) for title in SHEET_TITLES.values()}


def read_submission(path: Path, data: bytes) -> tuple[str, pa.Table]:
    """(shape, rows) of one file; raises UnreadableFile with the reason for the submitter."""
    suffix = path.suffix.lower()
    # Narrative reports are routed before (ingestion/narrative_review/proposals.py): a .txt
    # that comes here is a table ("Unicode Text" saved from Excel).
    if suffix in (".csv", ".txt"):
        shape, table = "long_csv", read_long_csv(data).rows
    elif suffix == ".json":
        shape, table = "json_form", read_json_submission(data).rows
    elif suffix == ".xlsx":
        shape, table = _read_workbook(data)
    else:
        from ingestion.narrative import NARRATIVE_SUFFIXES

        accepted = ", ".join(ACCEPTED_SUFFIXES + NARRATIVE_SUFFIXES)
        raise UnreadableFile(
            f"files ending in {suffix or '(no extension)'} are not accepted; "
            f"send {accepted}",
            f"không nhận tệp có đuôi {suffix or '(không có đuôi)'}; "
            f"hãy gửi {accepted}",
        )
    return shape, _uniform(shape, table)


def _read_workbook(data: bytes) -> tuple[str, pa.Table]:
    """A reporting form (known by its sheets) or a long workbook. A long workbook is read by
    fastexcel when it can be sure to read the cells as calamine does (xlsx_fast), else by
    calamine; a file fastexcel cannot open is opened by calamine, which gives the reason."""
    fast = open_fast(data)
    names = fast.sheet_names if fast is not None else open_workbook(data).sheet_names
    if {fold(name) for name in names} & _FORM_SHEETS:
        return "reporting_form", read_form(data).rows
    long = read_long_fast(data, fast) if fast is not None else None
    if long is None:
        long = read_long_workbook(open_workbook(data))
    return "long_xlsx", long.rows


def _uniform(shape: str, table: pa.Table) -> pa.Table:
    """ROW_COLUMNS in order. A form's rows live on several sheets, so its row numbers are
    renumbered in reading order and the sheet and Excel row kept as the location."""
    n = table.num_rows
    if shape == "reporting_form":
        sheets = table.column("sheet").to_pylist()
        rows = table.column("row_number").to_pylist()
        location = [f"{sheet}!{row}" for sheet, row in zip(sheets, rows, strict=True)]
        table = table.set_column(
            table.column_names.index("row_number"),
            "row_number",
            row_number_array(1, n),
        )
        table = table.append_column("source_location", pa.array(location, pa.string()))
    else:
        table = table.append_column("source_location", pa.nulls(n, pa.string()))
    present = set(table.column_names)
    for name in LONG_COLUMNS:
        if name not in present:
            table = table.append_column(name, empty_texts(n))
    return table.select(ROW_COLUMNS)
