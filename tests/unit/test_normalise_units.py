"""Units of measure as clerks write them, checked against the indicator's catalogue unit."""

import pytest

from ingestion.normalise.units import (
    UnitOfMeasureError,
    fit_unit_of_measure,
    read_unit_of_measure,
)


@pytest.mark.parametrize(
    ("text", "kind", "multiplier"),
    [
        ("đồng", "vnd", 1),
        ("VNĐ", "vnd", 1),
        ("nghìn đồng", "vnd", 10**3),
        ("Ngàn đồng", "vnd", 10**3),
        ("triệu đồng", "vnd", 10**6),
        ("Tr.đồng", "vnd", 10**6),
        ("tỷ đồng", "vnd", 10**9),
        ("Tỷ", "vnd", 10**9),
        ("%", "percent", 1),
        ("Tỷ lệ", "percent", 1),
        ("người", "person", 1),
        ("ĐVT: người", "person", 1),
        ("Hội viên", "person", 1),
        ("hộ", "household", 1),
        ("CLB", "club", 1),
        ("person", "person", 1),  # the reporting form writes the catalogue's unit
    ],
)
def test_units_as_written(text: str, kind: str, multiplier: int) -> None:
    unit = read_unit_of_measure(text)
    assert (unit.kind, unit.multiplier) == (kind, multiplier)


@pytest.mark.parametrize(
    ("text", "indicator_unit"),
    [("tỷ đồng", "vnd"), ("người", "person"), ("lượt", "person"), ("%", "percent")],
)
def test_a_unit_that_fits(text: str, indicator_unit: str) -> None:
    fit_unit_of_measure(text, indicator_unit)


@pytest.mark.parametrize(
    ("text", "indicator_unit", "vietnamese"),
    [
        ("hộ", "person", "không khớp"),
        ("triệu đồng", "club", "không khớp"),
        ("%", "vnd", "không khớp"),
        ("người", "vnd", "không khớp"),
        ("kg", "person", "không nhận ra"),
        ("", "person", "không nhận ra"),
    ],
)
def test_a_unit_that_does_not_fit_is_refused_in_vietnamese(
    text: str, indicator_unit: str, vietnamese: str
) -> None:
    with pytest.raises(UnitOfMeasureError) as caught:
        fit_unit_of_measure(text, indicator_unit)
    assert vietnamese in caught.value.reason_vi
