"""The chunk's cells in Arrow: the values Arrow reads are the values parse_vn_number gives."""

import random

import pyarrow as pa
import pytest

from ingestion.cells import fast_numbers, fast_values, normalised_cells
from ingestion.landing import every_row_kept
from ingestion.normalise import parse_vn_number
from ingestion.readers.table import LONG_COLUMNS


def _texts_in_fast_forms(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 15)))
        kind = rng.randrange(4)
        if kind == 0:  # plain, maybe signed, padded or with zeros in front
            texts.append(rng.choice(["", "-"]) + digits)
        elif kind == 1:
            texts.append(rng.choice([" ", "\t", ""]) + digits + rng.choice([" ", ""]))
        elif kind == 2:  # dots grouping thousands
            groups = [str(rng.randint(1, 999))] + [
                f"{rng.randint(0, 999):03d}" for _ in range(rng.randint(1, 5))
            ]
            texts.append(".".join(groups))
        else:  # a decimal comma, any number of decimals
            texts.append(f"{digits},{rng.randint(0, 10 ** rng.randint(1, 17))}")
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_arrow_reads_the_common_forms_as_parse_vn_number_does(seed: int) -> None:
    texts = [*_texts_in_fast_forms(seed, 3_000), "180.833", "4,2", "007", "1.293.000"]
    read = fast_values(pa.array(texts)).to_pylist()
    for text, value in zip(texts, read, strict=True):
        assert value is not None, text
        assert value == parse_vn_number(text).value, text
    assert read[-4:] == [180833.0, 4.2, 7.0, 1293000.0]


def _money_and_fractions(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        kind = rng.randrange(4)
        if kind == 0:  # dots grouping thousands
            groups = [str(rng.randint(1, 999))] + [
                f"{rng.randint(0, 999):03d}" for _ in range(rng.randint(1, 6))
            ]
            amount = ".".join(groups)
        elif kind == 1:  # a decimal comma, any number of digits either side
            amount = f"{rng.randint(0, 10 ** rng.randint(1, 18))},{rng.randint(0, 10**17)}"
        elif kind == 2:
            amount = str(rng.randint(0, 10 ** rng.randint(1, 18)))
        if kind < 3:
            money = rng.choice(["triệu", "tỷ"]) + rng.choice(["", " đồng"])
            texts.append(f"{amount} {money}")
        else:  # a part of a whole, proper or not
            part, whole = (rng.randint(0, 10 ** rng.randint(1, 16)) for _ in range(2))
            texts.append(f"{part}/{whole}")
    return texts


@pytest.mark.parametrize("seed", [1, 2])
def test_arrow_reads_money_and_fractions_as_parse_vn_number_does(seed: int) -> None:
    texts = [*_money_and_fractions(seed, 3_000), "536 triệu", "4,2 tỷ đồng", "1.293 triệu"]
    texts += ["231/235", "0/5", "4,850 tỷ"]
    values, wholes = fast_numbers(pa.array(texts))
    read = 0
    for text, value, whole in zip(texts, values.to_pylist(), wholes.to_pylist(), strict=True):
        if value is None:
            continue  # left to parse_vn_number (below)
        read += 1
        parsed = parse_vn_number(text)
        assert (value, whole) == (parsed.value, parsed.whole), text
        assert not parsed.approximate and not parsed.is_percent and parsed.qualifier is None
    assert read > 2_000
    assert values.to_pylist()[-6:] == [536e6, 4.2e9, 1.293e9, 231.0, 0.0, 4.85e9]
    assert wholes.to_pylist()[-6:] == [None, None, None, 235.0, 5.0, None]


@pytest.mark.parametrize(
    "text",
    [
        "1.5",
        "1,234,567",
        "1,234.5",
        "trên 1.800",
        "79,2%",
        "235/231",  # a part larger than its whole: parse_vn_number says why
        "1/0",
        "1234567890123456/1234567890123457",  # beyond 10^15: compared exactly there
        "1 tỷ 200 triệu",
        "536  triệu",
        "536 triệu đ",
        "1.80",
        "",
        "12.",
        ",5",
        "1 800",
        "1234567890123456",
    ],
)
def test_other_forms_are_left_to_parse_vn_number(text: str) -> None:
    assert fast_values(pa.array([text])).to_pylist() == [None]


def _rows(**columns: list[str]) -> pa.Table:
    n = len(next(iter(columns.values())))
    base = {
        "row_number": pa.array(range(2, n + 2), pa.int64()),
        "source_location": pa.array([None] * n, pa.string()),
        "submission_id": pa.array(["s"] * n),
        "file_name": pa.array(["f.csv"] * n),
    }
    for name in LONG_COLUMNS:
        base[name] = pa.array(columns.get(name, [""] * n), pa.string())
    return pa.table(base)


def test_cells_are_trimmed_resolved_and_read_once_per_distinct_text() -> None:
    cells = normalised_cells(
        _rows(
            unit=["\tP2025-01 ", "P2025-01", "", "Không Có Xã Này"],
            period=["2025", "2025", "2025", "năm 20x5"],
            indicator=["members_total", " members_total", "members_total", "members_total"],
            value_text=["1.800", "trên 1.800", "4,2", "abc"],
            note=["  ", "ghi chú ", "", ""],
        )
    ).to_pylist()
    assert [c["unit"] for c in cells] == ["P2025-01", "P2025-01", None, None]
    assert cells[0]["unit_text"] == "P2025-01"
    assert cells[2]["unit_reason_en"] is None  # the empty-unit rule gives that reason
    assert cells[3]["period_reason_en"] and cells[3]["unit_reason_en"]
    assert [c["indicator"] for c in cells] == ["members_total"] * 4
    # 4,2 members is read as 4.2 and rejected: a count is a whole number.
    assert [c["value"] for c in cells] == [1800.0, 1800.0, None, None]
    assert [c["approximate"] for c in cells] == [False, True, False, None]
    assert "số nguyên" in cells[2]["value_reason_vi"]
    assert cells[3]["value_reason_en"]
    assert [c["note"] for c in cells] == [None, "ghi chú", None, None]
    assert [c["value_text"] for c in cells] == ["1.800", "trên 1.800", "4,2", "abc"]


def _kept(units: list[str], indicators: list[str], disaggregations: list[str]) -> bool:
    n = len(units)
    rows = _rows(
        unit=units,
        period=["2025"] * n,
        indicator=indicators,
        value_text=["1"] * n,
        disaggregation=disaggregations,
    )
    return every_row_kept(normalised_cells(rows))


def test_every_row_kept_proves_a_clean_chunk_and_nothing_else() -> None:
    """The writer skips the rules in SQL only on this proof, so each way a row can break a
    rule must make it False."""
    assert _kept(["P2025-01", "P2025-01"], ["members_total", "members_lost"], ["", ""])
    # The same key twice, written two ways: a code and a name, the total empty and spelled.
    assert not _kept(["P2025-01", "Thành phố Hà Nội"], ["members_total"] * 2, ["", ""])
    assert not _kept(["P2025-01"] * 2, ["members_total"] * 2, ["", "Tổng số"])
    # Another disaggregation is another key.
    assert _kept(["P2025-01"] * 2, ["prog_poor_households"] * 2, ["", "Dân tộc thiểu số"])
    # A cell rule broken: an unknown unit, an empty indicator.
    assert not _kept(["P2025-01", "Nowhere"], ["members_total", "members_lost"], ["", ""])
    assert not _kept(["P2025-01", "P2025-01"], ["members_total", ""], ["", ""])


def test_each_file_is_read_by_its_own_convention_and_typed_numbers_by_none() -> None:
    rows = _rows(
        unit=["P2025-01"] * 5,
        period=["2025"] * 5,
        indicator=["members_total", "women_18_plus", "members_rate", "fin_money_mobilised"]
        + ["fin_money_mobilised"],
        value_text=["1,304", "1,304,512", "79.2%", "12,345", "12,345"],
    )
    # The last row's cell held a typed 12.345 (written '12,345'): never read the English way.
    rows = rows.set_column(
        rows.column_names.index("submission_id"), "submission_id", pa.array(["en"] * 5)
    ).append_column("number_convention", pa.array(["", "", "", "", "typed"]))
    cells = normalised_cells(rows).to_pylist()
    assert [c["value"] for c in cells] == [1304, 1_304_512, 79.2, 12345, 12.345]


def test_a_file_that_does_not_tell_rejects_an_ambiguous_comma() -> None:
    cells = normalised_cells(
        _rows(
            unit=["P2025-01"] * 2,
            period=["2025"] * 2,
            indicator=["fin_money_mobilised", "members_total"],
            value_text=["4,850", "1.304"],
        )
    ).to_pylist()
    assert cells[0]["value"] is None and "dấu ','" in cells[0]["value_reason_vi"]
    assert cells[1]["value"] == 1304


def test_a_withdrawal_marker_is_a_withdrawn_figure() -> None:
    cells = normalised_cells(
        _rows(unit=["P2025-01"], period=["2025"], indicator=["members_total"], value_text=["Rút"])
    ).to_pylist()
    assert (cells[0]["value"], cells[0]["withdrawn"], cells[0]["value_reason_en"]) == (
        None,
        True,
        None,
    )
