"""The long-table readers give exactly the table of their cell-by-cell definition.

The readers convert whole columns in Arrow for speed; the reference below is the plain
definition they replaced (one cell_text per cell, one row at a time), copied here so that a
change to the readers is always checked against it: same columns, same texts, same row
numbers, same errors. Deliberate differences from the code it was copied from, each tested
below on its own: in a workbook a row of only whitespace cells is blank (dropped), as the
reader's rule says and as it was before a set test let such rows through; in a CSV file, rows
after a blank line keep the number a spreadsheet shows, the header is the first line that is
not blank, lines ended by \r alone are read, and a row blank in every column (',,,') is
dropped, as a workbook's is. In a workbook's value column, a typed number
with a fraction is written with a decimal comma ('0,35'), so that landing reads the number
the cell holds rather than reading its point as a thousands separator.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from python_calamine import CalamineWorkbook

from ingestion.readers.headers import map_header
from ingestion.readers.long_table import read_long_csv
from ingestion.readers.table import LONG_COLUMNS, LongTable, UnreadableFile, decode_text
from ingestion.readers.xlsx_fast import read_long_fast
from ingestion.readers.xlsx_long import read_long_xlsx
from ingestion.synthetic import generate_national_batch

# --- the reference: the cell-by-cell definitions --------------------------------------------


def _reference_cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return unicodedata.normalize("NFC", str(value))


def _reference_value_text(value: Any) -> str:
    text = _reference_cell_text(value)
    return (
        text.replace(".", ",") if isinstance(value, float) and not isinstance(value, bool) else text
    )


def _reference_blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def _reference_read_long_xlsx(data: bytes) -> pa.Table:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    raw = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    header = [_reference_cell_text(v) for v in raw[0]] if raw else []
    if not any(cell.strip() for cell in header):
        raise UnreadableFile("the first sheet has no header in row 1", "")
    mapping = map_header(header)
    kept = [
        (excel_row, row)
        for excel_row, row in enumerate(raw[1:], start=2)
        if not all(_reference_blank(v) for v in row)
    ]
    columns: dict[str, list[str]] = {}
    for index, canonical in mapping.items():
        name = "value_text" if canonical == "value" else canonical
        text = _reference_value_text if name == "value_text" else _reference_cell_text
        columns[name] = [text(row[index]) if index < len(row) else "" for _, row in kept]
    n = len(kept)
    arrays = {"row_number": pa.array([excel_row for excel_row, _ in kept], pa.int64())}
    for name in LONG_COLUMNS:
        arrays[name] = pa.array(columns.get(name, [""] * n), pa.string())
    return pa.table(arrays)


def _reference_read_long_csv(data: bytes) -> pa.Table:
    text = decode_text(data)
    if not text.strip():
        raise UnreadableFile("the file is empty", "tệp trống")
    header = next(csv.reader(io.StringIO(text)))
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            read_options=pacsv.ReadOptions(use_threads=len(text) > 4_000_000),
        )
    except pa.ArrowInvalid as exc:
        raise UnreadableFile(f"the CSV structure is broken: {exc}", "") from exc
    mapping = map_header(table.column_names)
    records = table.to_pylist()
    kept = [
        i
        for i, record in enumerate(records)
        if not all(_reference_blank(v) for v in record.values())
    ]
    table = table.take(pa.array(kept, pa.int64()))
    n = table.num_rows
    arrays = {canonical: table.column(index) for index, canonical in mapping.items()}
    arrays["value_text"] = arrays.pop("value")
    result = {"row_number": pa.array([i + 2 for i in kept], pa.int64())}
    for name in LONG_COLUMNS:
        result[name] = arrays.get(name, pa.array([""] * n, pa.string()))
    return pa.table(result)


# --- comparing -----------------------------------------------------------------------------


def _outcome(read: Callable[[bytes], Any], data: bytes) -> pa.Table | str:
    """The table read, or the reason the file is unreadable."""
    try:
        result = read(data)
    except UnreadableFile as exc:
        return f"unreadable: {exc.reason_en}"
    table = result.rows if isinstance(result, LongTable) else result
    # The reference has no typed-number flag; the two readers' flags are compared apart.
    if "number_convention" in table.column_names:
        table = table.drop_columns(["number_convention"])
    return table


def _typed_flags(read: Callable[[bytes], Any], data: bytes) -> list[str] | None:
    try:
        return read(data).rows.column("number_convention").to_pylist()
    except UnreadableFile:
        return None


def _assert_same(ours: pa.Table | str, reference: pa.Table | str, name: str) -> None:
    if isinstance(reference, str) or isinstance(ours, str):
        assert ours == reference, name
        return
    assert ours.schema == reference.schema, name
    assert ours.num_rows == reference.num_rows, name
    for column in reference.column_names:
        # Column by column, so a failure names the column and shows the first difference.
        mine, theirs = ours.column(column).to_pylist(), reference.column(column).to_pylist()
        first = next((i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b), None)
        assert first is None, f"{name} {column} row {first}: {mine[first]!r} != {theirs[first]!r}"
    assert ours.equals(reference), name


# --- generated national batches -------------------------------------------------------------


@pytest.fixture(scope="module")
def xlsx_batch(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    inbox = tmp_path_factory.mktemp("xlsx")
    for seed in (1, 2):
        generate_national_batch(
            inbox / str(seed),
            seed=seed,
            period="2025-09",
            max_units=150,
            shapes=("long_xlsx",),
            defect_rate=0.5,
        )
    return sorted(inbox.rglob("*.xlsx"))


@pytest.fixture(scope="module")
def csv_batch(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    inbox = tmp_path_factory.mktemp("csv")
    for seed, encodings in ((1, ("utf-8", "utf-8-sig")), (2, ("utf-16", "windows-1258", "utf-8"))):
        generate_national_batch(
            inbox / str(seed),
            seed=seed,
            period="2025-09",
            max_units=150,
            shapes=("long_csv",),
            gather_communes=("long_csv",),
            encodings=encodings,
            defect_rate=0.5,
        )
    return sorted(inbox.rglob("*.csv"))


def _fast_or_calamine(data: bytes) -> LongTable:
    """What landing reads a long workbook with: fastexcel when it can be sure, else calamine."""
    return read_long_fast(data) or read_long_xlsx(data)


def test_generated_workbooks_read_as_the_definition(xlsx_batch: list[Path]) -> None:
    assert len(xlsx_batch) >= 10
    rows = fast = 0
    for path in xlsx_batch:
        data = path.read_bytes()
        reference = _outcome(_reference_read_long_xlsx, data)
        ours = _outcome(read_long_xlsx, data)
        _assert_same(ours, reference, path.name)
        _assert_same(_outcome(_fast_or_calamine, data), reference, path.name)
        fast += read_long_fast(data) is not None
        assert _typed_flags(_fast_or_calamine, data) == _typed_flags(read_long_xlsx, data)
        rows += 0 if isinstance(ours, str) else ours.num_rows
    assert rows > 1000
    # The generated workbooks, defects and all (×1000 amounts, text values such as '180.833'
    # beside typed numbers, unknown units), are read by fastexcel, not by the fallback.
    assert fast == len(xlsx_batch)


def test_generated_csv_files_read_as_the_definition(csv_batch: list[Path]) -> None:
    assert len(csv_batch) >= 10
    outcomes = []
    for path in csv_batch:
        data = path.read_bytes()
        ours = _outcome(read_long_csv, data)
        _assert_same(ours, _outcome(_reference_read_long_csv, data), path.name)
        outcomes.append(ours)
    # The batch has both readable files and files rejected whole (damaged diacritics).
    assert any(isinstance(o, pa.Table) and o.num_rows > 100 for o in outcomes)


# --- crafted workbooks ----------------------------------------------------------------------

_HEADER = ["Mã đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Giá trị", "Tên đơn vị", "Ghi chú"]

# Cells a submitter's workbook can hold, in every kind calamine returns.
_CELLS: list[Any] = [
    None,
    "",
    " ",
    "\xa0",  # no-break space: blank to Python, not an XML space
    "\u2000",  # a space that NFC turns into another space
    "  x  ",
    "P2025-01",
    "007",
    "Hà Nội",
    "Ha\u0300 Nô\u0323i",  # NFD
    "\u212a",  # Kelvin sign: NFC makes it 'K'
    "180.833",
    "4,2",
    "119/122",
    "141.814 triệu",
    "Tháng 09/2025",
    12.0,
    -0.0,
    0.1 + 0.2,
    0.35,
    87.6,
    1e-05,
    1234567.891,
    19_000_000,
    999_999_999_999_999.0,
    1e15,
    1e20,
    -2.5,
    12345678901234567890,
    True,
    False,
    dt.date(2024, 1, 2),
    dt.datetime(2024, 1, 2, 3, 4, 5),
    dt.datetime(2024, 1, 2),
    dt.time(7, 30),
    "=1/0",  # a formula without a cached value
]


def _workbook(rows: list[list[Any]], path: Path) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    workbook.save(path)
    return path.read_bytes()


def _check_workbook(rows: list[list[Any]], path: Path) -> pa.Table | str:
    """Both readers give the definition's table (or the same reason); returns it."""
    data = _workbook(rows, path)
    reference = _outcome(_reference_read_long_xlsx, data)
    ours = _outcome(read_long_xlsx, data)
    _assert_same(ours, reference, path.name)
    _assert_same(_outcome(_fast_or_calamine, data), reference, path.name)
    return ours


@pytest.mark.parametrize("seed", range(12))
def test_random_workbooks_read_as_the_definition(seed: int, tmp_path: Path) -> None:
    chooser = random.Random(seed)
    # Some columns hold one kind (a text column, a number column), others a mix.
    pools = [chooser.sample(_CELLS, chooser.randint(1, len(_CELLS))) for _ in range(len(_HEADER))]
    rows: list[list[Any]] = [list(_HEADER)]
    for _ in range(chooser.randint(0, 60)):
        shape = chooser.random()
        if shape < 0.1:
            rows.append([])  # a wholly blank row
        elif shape < 0.2:
            rows.append([chooser.choice([None, "", " ", "\xa0", "\u3000"]) for _ in _HEADER])
        else:
            width = len(_HEADER) if shape > 0.3 else chooser.randint(1, len(_HEADER))
            rows.append([chooser.choice(pools[c]) for c in range(width)])
    table = _check_workbook(rows, tmp_path / f"random_{seed}.xlsx")
    assert isinstance(table, pa.Table)


def test_tricky_cells_read_as_the_definition(tmp_path: Path) -> None:
    rows: list[list[Any]] = [list(_HEADER)]
    for i, cell in enumerate(_CELLS):
        rows.append([f"U{i}", "2025-09", "HV_TONG", cell, cell, cell])
    table = _check_workbook(rows, tmp_path / "tricky.xlsx")
    assert isinstance(table, pa.Table)
    units, texts = table.column("unit").to_pylist(), table.column("value_text").to_pylist()
    values = dict(zip(units, texts, strict=True))
    # The fidelity rules, spelled out (value_text: a typed fraction gets a decimal comma).
    expected = {
        12.0: "12",
        -0.0: "0",
        0.1 + 0.2: "0,3",
        1e-05: "0,00001",
        1234567.891: "1234567,891",
        999_999_999_999_999.0: "999999999999999",
        1e20: "100000000000000000000",
        True: "TRUE",
        dt.date(2024, 1, 2): "2024-01-02",
        dt.datetime(2024, 1, 2, 3, 4, 5): "2024-01-02 03:04:05",
        "Ha\u0300 Nô\u0323i": "Hà Nội",
        "\u212a": "K",
    }
    for cell, text in expected.items():
        assert values[f"U{_CELLS.index(cell)}"] == text


def test_blank_and_whitespace_rows_are_dropped_with_row_numbers_kept(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["unit", "period", "indicator", "value", "extra"],
        ["01", "2024", "A", 1],
        [None, None, None, None, None],
        ["\xa0", "", "\u3000", None, " "],  # only whitespace: blank
        ["01", "2024", "B", 2.5],
        [None, None, None, None, "only in a column not read"],  # content: kept
        ["", "\u2000", "", ""],  # a space NFC turns into another: blank
        [None, None, None, 0],  # a zero is content
    ]
    table = _check_workbook(rows, tmp_path / "blank.xlsx")
    assert isinstance(table, pa.Table)
    assert table.column("row_number").to_pylist() == [2, 5, 6, 8]
    assert table.column("value_text").to_pylist() == ["1", "2,5", "", "0"]


def test_leading_blank_columns_and_short_rows(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [None, None, "Đơn vị", "Kỳ", "Chỉ tiêu", "Số liệu", "Ghi chú"],
        [None, None, "01", "2024", "A", 3],
        [None, None, "01"],
        [None, None, "01", "2024", "B", "7", "ước tính"],
    ]
    table = _check_workbook(rows, tmp_path / "columns.xlsx")
    assert isinstance(table, pa.Table)
    assert table.column("row_number").to_pylist() == [2, 3, 4]
    assert table.column("note").to_pylist() == ["", "", "ước tính"]


def test_header_only_and_unreadable_sheets_fail_alike(tmp_path: Path) -> None:
    only_header = _check_workbook([["unit", "period", "indicator", "value"]], tmp_path / "h.xlsx")
    assert isinstance(only_header, pa.Table) and only_header.num_rows == 0
    no_header = _check_workbook(
        [[None], ["unit", "period", "indicator", "value"]], tmp_path / "n.xlsx"
    )
    assert isinstance(no_header, str) and "row 1" in no_header
    missing = _check_workbook([["unit", "period", "value"], ["01", "2024", 1]], tmp_path / "m.xlsx")
    assert isinstance(missing, str) and "indicator" in missing


def test_a_column_of_text_is_composed_once_per_distinct_text(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Phường Ba Đình")
    rows: list[list[Any]] = [["unit", "period", "indicator", "value"]]
    rows += [[nfd if i % 2 else "Phường Ba Đình", "2025-09", "A", i] for i in range(40)]
    table = _check_workbook(rows, tmp_path / "nfd.xlsx")
    assert isinstance(table, pa.Table)
    assert set(table.column("unit").to_pylist()) == {"Phường Ba Đình"}


# --- crafted CSV ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"unit,period,indicator,value\n01,2024,A,12\n",
        'Đơn vị,Kỳ,Chỉ tiêu,Số liệu\nHa\u0300 Nô\u0323i,2024,A,"1,5"\n'.encode(),
        b'unit,period,indicator,value\r\n01,2024,A,"a\nb"\r\n,,,\r\n',
        "unit,period,indicator,value,note\n01,2024,A,1,Hà Nội\n".encode("utf-16"),
        "unit,period,indicator,value,note\n01,2024,A,1,H\u00e0 N\u00f4\u0323i\n".encode("cp1258"),
        b"",
        b"  \n",
        b"unit,period,indicator\n01,2024,A\n",
        b'unit,period,indicator,value\n01,"2024,A,1\n',
        b"unit,period,indicator,value\n01,2024,A\n",
        b'"unit\nof x",unit,period,indicator,value\n1,01,2024,A,4\n',  # a quoted newline
        b"unit,period,indicator,value",
        b"\t \r\n",
    ],
)
def test_crafted_csv_read_as_the_definition(data: bytes) -> None:
    """The same table, or unreadable both (the reasons are worded for the clerk now, the
    parser's own words go to the log). Files with ';' or tabs, which the definition could
    not read, are tested in test_real_world_files.py."""
    ours, reference = _outcome(read_long_csv, data), _outcome(_reference_read_long_csv, data)
    if isinstance(reference, str) and "CSV structure" in reference:
        assert isinstance(ours, str) and "CSV structure is broken" in ours
        return
    _assert_same(ours, reference, repr(data[:30]))


def test_csv_with_old_mac_line_ends_is_read() -> None:
    """Excel for Mac's "CSV (Macintosh)" ends lines with \r alone; the header was once read by
    a CSV module that refused them (an error, not a rejection)."""
    rows = read_long_csv(b"unit,period,indicator,value\r01,2024,A,1\r02,2024,B,2\r").rows
    assert rows.column("row_number").to_pylist() == [2, 3]
    assert rows.column("value_text").to_pylist() == ["1", "2"]


def test_csv_rows_after_blank_lines_keep_their_spreadsheet_numbers() -> None:
    """pyarrow skips blank lines; a steward told 'row 5' must find the row at line 5."""
    data = b"unit,period,indicator,value\n01,2024,A,1\n\n02,2024,B,2\n,,,\n03,2024,C,3\n"
    rows = read_long_csv(data).rows
    # The ',,,' row is blank in every column: dropped, as in a workbook; row 6 stays row 6.
    assert rows.column("row_number").to_pylist() == [2, 4, 6]
    assert rows.column("unit").to_pylist() == ["01", "02", "03"]
    # A quoted value over several lines is one row (as a spreadsheet shows it), blank lines
    # inside it included; Windows line ends.
    data = b'unit,period,indicator,value\r\n01,2024,A,"x\r\n\r\ny"\r\n\r\n02,2024,B,2\r\n'
    rows = read_long_csv(data).rows
    assert rows.column("row_number").to_pylist() == [2, 4]
    assert rows.column("value_text").to_pylist() == ["x\r\n\r\ny", "2"]


def test_csv_rows_blank_in_every_column_are_dropped_and_others_kept() -> None:
    """',,,' and whitespace-only rows carry nothing and are dropped; a row with content in
    any column, even one not read, is kept so landing can reject it with its number."""
    data = (
        "unit,period,indicator,value,extra\n"
        "01,2024,A,1,\n"
        ",,,,\n"
        " ,\t,\u00a0,,\n"
        ",,,,kept\n"
        "02,2024,B,2,\n"
    ).encode()
    rows = read_long_csv(data).rows
    assert rows.column("row_number").to_pylist() == [2, 5, 6]
    assert rows.column("unit").to_pylist() == ["01", "", "02"]
    # Only blank rows: no row is read (landing rejects the file: a header but no rows).
    assert read_long_csv(b"unit,period,indicator,value\n,,,\n , , , \n").rows.num_rows == 0


def test_csv_header_after_blank_lines_keeps_every_cell_text() -> None:
    """Blank lines before the header once gave pyarrow no column names to keep as text, and
    it read the unit '01' as the number 1."""
    rows = read_long_csv(b"\n\nunit,period,indicator,value\n01,2024,A,1\n").rows
    assert rows.column("unit").to_pylist() == ["01"]
    assert rows.column("row_number").to_pylist() == [4]
    assert rows.schema.field("period").type == pa.string()


def test_the_fast_readers_read_a_plain_workbook_as_the_careful_reader_does(
    xlsx_batch: list[Path],
) -> None:
    """A plain workbook (workbook.is_plain) goes to the fast readers; they must give what the
    careful reader, which sees formats and merges, gives for it."""
    from ingestion.readers.workbook import is_plain, read_workbook

    columns = ["row_number", *LONG_COLUMNS]
    compared = 0
    for path in xlsx_batch:
        data = path.read_bytes()
        assert is_plain(data), path.name
        fast = _outcome(_fast_or_calamine, data)
        try:
            careful = read_workbook(data).rows.select(columns)
        except UnreadableFile:
            assert isinstance(fast, str), path.name
            continue
        assert isinstance(fast, pa.Table), path.name
        assert fast.select(columns).equals(careful), path.name
        compared += 1
    assert compared >= 10
