"""Header mapping: Vietnamese and English headers, any spelling, to canonical columns."""

from __future__ import annotations

import unicodedata

import pytest

from ingestion.readers.headers import canonical_column, map_header
from ingestion.readers.table import UnreadableFile


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("unit", "unit"),
        ("Đơn vị", "unit"),
        ("don vi", "unit"),
        ("ĐƠN  VỊ", "unit"),
        ("Mã đơn vị", "unit"),
        ("unit code", "unit"),
        ("Unit_Code", "unit"),
        ("period", "period"),
        ("Kỳ báo cáo", "period"),
        ("ky bao cao", "period"),
        ("Kỳ", "period"),
        ("indicator", "indicator"),
        ("Chỉ tiêu", "indicator"),
        ("Mã chỉ tiêu", "indicator"),
        ("chi tieu", "indicator"),
        ("value", "value"),
        ("Giá trị", "value"),
        ("Số liệu", "value"),
        ("gia tri", "value"),
        ("Đơn vị tính", "unit_of_measure"),
        ("don vi tinh", "unit_of_measure"),
        ("ĐVT", "unit_of_measure"),
        ("unit of measure", "unit_of_measure"),
        ("Chương trình", "programme"),
        ("programme", "programme"),
        ("program", "programme"),
        ("Phân tổ", "disaggregation"),
        ("disaggregation", "disaggregation"),
        ("Ghi chú", "note"),
        ("note", "note"),
        (" Giá trị ", "value"),
    ],
)
def test_canonical_column(header: str, expected: str) -> None:
    assert canonical_column(header) == expected


def test_nfd_headers_match_like_nfc() -> None:
    for header, expected in [("Đơn vị tính", "unit_of_measure"), ("Kỳ báo cáo", "period")]:
        nfd = unicodedata.normalize("NFD", header)
        assert nfd != header
        assert canonical_column(nfd) == expected


@pytest.mark.parametrize("header", ["Tên đơn vị", "Tên chỉ tiêu", "Đơn", "units", "", "vị"])
def test_unknown_or_partial_headers_are_not_mapped(header: str) -> None:
    # Whole names only: neither a prefix nor a longer name containing a synonym matches.
    assert canonical_column(header) is None


def test_map_header_in_any_order_ignores_unknown_columns() -> None:
    names = ["Ghi chú", "Giá trị", "Tên đơn vị", "Mã chỉ tiêu", "ĐVT", "Kỳ báo cáo", "Mã đơn vị"]
    assert map_header(names) == {
        0: "note",
        1: "value",
        3: "indicator",
        4: "unit_of_measure",
        5: "period",
        6: "unit",
    }


def test_missing_columns_are_named_in_both_languages() -> None:
    with pytest.raises(UnreadableFile) as caught:
        map_header(["Đơn vị", "Đơn vị tính", "Giá trị"])
    err = caught.value
    assert "lacks the column(s) period (Kỳ báo cáo), indicator (Mã chỉ tiêu)" in err.reason_en
    assert "unit (" not in err.reason_en.split(";")[0]
    assert "thiếu cột Kỳ báo cáo (period), Mã chỉ tiêu (indicator)" in err.reason_vi


def test_duplicated_columns_are_named() -> None:
    with pytest.raises(UnreadableFile) as caught:
        map_header(["unit", "period", "indicator", "Giá trị", "Số liệu"])
    err = caught.value
    assert "repeats" in err.reason_en
    assert "'Giá trị', 'Số liệu' all mean value (Giá trị)" in err.reason_en
    assert "lặp cột" in err.reason_vi and "'Số liệu'" in err.reason_vi
    assert "lacks" not in err.reason_en
