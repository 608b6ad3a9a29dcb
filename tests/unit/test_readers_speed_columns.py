"""The column-wise conversions of the long readers give what the cell-by-cell definitions give.

text_column must equal [cell_text(v) for v in cells] for every mix of kinds; the blank-row
search relies on Arrow's whitespace being at least Python's.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ingestion.readers.table import row_number_array
from ingestion.readers.xlsx_long import cell_text, column_cells, text_column

_KINDS: list[Any] = [
    "",
    " ",
    "\xa0",
    "\u2000",
    "abc",
    "007",
    "Hà Nội",
    "Ha\u0300 Nô\u0323i",
    "\u212a",
    "4,2",
    "141.814 triệu",
    None,
    0.0,
    -0.0,
    12.0,
    -7.0,
    0.1 + 0.2,
    0.35,
    1e-05,
    999_999_999_999_999.0,
    -999_999_999_999_999.0,
    1e15,
    -1e15,
    1e20,
    1.234567890123457e19,
    float("nan"),
    float("inf"),
    float("-inf"),
    7,
    True,
    False,
    dt.date(2024, 1, 2),
    dt.datetime(2024, 1, 2, 3, 4, 5),
    dt.datetime(2024, 1, 2),
    dt.time(7, 30),
    dt.timedelta(days=1, hours=2),
]


def _expected(cells: list[Any]) -> list[str]:
    return [cell_text(v) for v in cells]


@pytest.mark.parametrize("cell", _KINDS, ids=repr)
def test_a_column_of_one_cell_reads_as_cell_text(cell: Any) -> None:
    assert text_column([cell]).to_pylist() == [cell_text(cell)]


@pytest.mark.parametrize(
    "cells",
    [
        [],
        ["a", "b", None],
        [12.0, 3.0, -0.0, 999_999_999_999_999.0],  # whole numbers: the Arrow cast
        [12.0, 0.35, 3.0],  # a fraction: cell by cell
        [12.0, 1e15],  # at the exact limit: cell by cell
        [12.0, float("nan")],
        [12.0, "12", "Ha\u0300", 4.0],
        ["Ha\u0300", "Hà", "Ha\u0300"],  # NFD and NFC of one text: both NFC
        [True, 1.0, False, 0.0],  # equal as keys of a dict, different texts
        ["x", dt.date(2024, 1, 2), 5.0, None, True],
    ],
    ids=repr,
)
def test_columns_of_mixed_kinds_read_as_cell_text(cells: list[Any]) -> None:
    array = text_column(cells)
    assert array.type == pa.string() and array.null_count == 0
    assert array.to_pylist() == _expected(cells)


@pytest.mark.parametrize("seed", range(40))
def test_random_columns_read_as_cell_text(seed: int) -> None:
    chooser = random.Random(seed)
    pool = chooser.sample(_KINDS, chooser.randint(1, len(_KINDS)))
    cells = [chooser.choice(pool) for _ in range(chooser.randint(0, 50))]
    assert text_column(cells).to_pylist() == _expected(cells)


def test_short_rows_read_empty_in_the_columns_they_lack() -> None:
    rows: list[list[Any]] = [["a", 1.0, "x"], ["b"], ["c", 2.0]]
    assert column_cells(rows, 2, width=1) == ["x", "", ""]
    assert column_cells(rows, 0, width=1) == ["a", "b", "c"]


def test_row_numbers_count_from_the_first() -> None:
    numbers = row_number_array(2, 5)
    assert numbers.type == pa.int64()
    assert numbers.to_pylist() == [2, 3, 4, 5, 6]
    assert row_number_array(2, 0).to_pylist() == []


def test_arrow_whitespace_covers_python_whitespace() -> None:
    """The blank-row search asks Arrow which texts are whitespace; a character Python strips
    but Arrow did not call a space would let a blank row through."""
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    python = {c for c in characters if c.isspace()}
    texts = pa.array(sorted(python), pa.string())
    assert pc.all(pc.utf8_is_space(texts)).as_py()
    assert len(python) == 29  # Unicode's White_Space plus the four ASCII separators


def test_text_column_composes_only_what_is_not_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Phường Ba Đình")
    texts = text_column([nfd, "Phường Ba Đình", "ASCII", nfd]).to_pylist()
    assert texts == ["Phường Ba Đình", "Phường Ba Đình", "ASCII", "Phường Ba Đình"]
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
