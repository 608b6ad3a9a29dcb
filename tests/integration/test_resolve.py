"""Name resolution against the real reference data (org units and the indicator catalogue).

Every expected code below was looked up in load_org_units() / load_catalogue() first.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pandas as pd
import pytest

from ingestion.resolve import (
    IndicatorResolver,
    ResolutionError,
    UnitResolver,
    indicator_resolver,
    unit_resolver,
)

BEFORE = dt.date(2024, 12, 31)  # last months of the 63-province map
AFTER = dt.date(2025, 8, 1)  # the 34-province map


@pytest.fixture(scope="module")
def units() -> UnitResolver:
    return unit_resolver()


@pytest.fixture(scope="module")
def indicators() -> IndicatorResolver:
    return indicator_resolver()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("P15", "P15"), ("c2025-00004", "C2025-00004"), (" vn ", "VN"), ("d132", "D132")],
)
def test_exact_unit_code(units: UnitResolver, text: str, expected: str) -> None:
    assert units.resolve(text) == expected


def test_bare_gso_province_code_needs_the_period(units: UnitResolver) -> None:
    # GSO code 15 was Yên Bái before the merger and is Lào Cai after it.
    assert units.resolve("15", on=BEFORE) == "P15"
    assert units.resolve("15", on=AFTER) == "P2025-15"
    with pytest.raises(ResolutionError) as err:
        units.resolve("15")
    assert [c.split()[0] for c in err.value.candidates] == ["P15", "P2025-15"]
    assert "merger" in err.value.reason_en and "1/7/2025" in err.value.reason_vi


@pytest.mark.parametrize(
    "text",
    [
        "Tỉnh Lạng Sơn",
        "Lạng Sơn",
        "LẠNG SƠN",
        "tinh lang son",
        "Hội LHPN tỉnh Lạng Sơn",
        unicodedata.normalize("NFD", "Tỉnh Lạng Sơn"),
    ],
)
def test_province_name_variants(units: UnitResolver, text: str) -> None:
    assert units.resolve(text, on=BEFORE) == "P20"
    assert units.resolve(text, on=AFTER) == "P2025-20"


@pytest.mark.parametrize(
    ("typed", "levels"),
    [("4", {"P04", "D004", "C00004"}), ("118", {"D118", "C00118"})],
)
def test_a_code_excel_stripped_of_its_zeros_is_refused_with_its_readings(
    units: UnitResolver, typed: str, levels: set[str]
) -> None:
    """Commune 00004 typed as a number shows '4': never province 04 without a word."""
    with pytest.raises(ResolutionError) as err:
        units.resolve(typed, on=BEFORE)
    assert {c.split()[0] for c in err.value.candidates} == levels
    assert "Excel" in err.value.reason_vi and "số 0" in err.value.reason_vi


def test_a_code_with_its_zeros_or_of_one_reading_resolves(units: UnitResolver) -> None:
    assert units.resolve("00004", on=BEFORE) == "C00004"
    assert units.resolve("04", on=BEFORE) == "P04"
    assert units.resolve("1234", on=BEFORE) == "C01234"  # only a commune has five digits


def test_name_in_both_eras_without_date_is_ambiguous(units: UnitResolver) -> None:
    with pytest.raises(ResolutionError) as err:
        units.resolve("Lạng Sơn")
    assert [c.split()[0] for c in err.value.candidates] == ["P20", "P2025-20"]


@pytest.mark.parametrize(
    "text", ["TP. Hồ Chí Minh", "Hồ Chí Minh", "TP HCM", "Thành phố Hồ Chí Minh"]
)
def test_city_prefixes(units: UnitResolver, text: str) -> None:
    assert units.resolve(text, on=BEFORE) == "P79"
    assert units.resolve(text, on=AFTER) == "P2025-79"


def test_union_prefix_and_legacy_only_province(units: UnitResolver) -> None:
    # Bình Phước exists only before the merger, so no date is needed.
    assert units.resolve("Hội LHPN tỉnh Bình Phước") == "P70"
    assert units.resolve("Hội Liên hiệp Phụ nữ tỉnh Bình Phước", on=BEFORE) == "P70"
    with pytest.raises(ResolutionError) as err:
        units.resolve("Hội LHPN tỉnh Bình Phước", on=AFTER)
    # The message points at the successor (merged into Đồng Nai).
    assert "P2025-75" in err.value.candidates[0]


def test_era_choice_by_date(units: UnitResolver) -> None:
    assert units.resolve("Hải Dương", on=BEFORE) == "P30"
    assert units.resolve("Hải Phòng", on=AFTER) == "P2025-31"
    assert units.resolve("Hải Phòng", on=dt.date(2024, 1, 1)) == "P31"
    # Hải Dương province ended with the merger; the bare name is not silently taken to mean
    # the 2025 ward 'Phường Hải Dương'.
    with pytest.raises(ResolutionError) as err:
        units.resolve("Hải Dương", on=AFTER)
    assert "P2025-31" in err.value.candidates[0]
    assert units.resolve("Phường Hải Dương", on=AFTER) == "C2025-10525"


def test_prefix_and_level_choose_between_levels(units: UnitResolver) -> None:
    assert units.resolve("Thành phố Hải Dương") == "D288"
    assert units.resolve("Xã Hải Dương") == "C19711"
    assert units.resolve("Lạng Sơn", on=BEFORE, level="district") == "D178"
    # Xã Lạng Sơn, Xã Lãng Sơn and Xã Lang Sơn fold alike; the typed marks pick one.
    assert units.resolve("Lạng Sơn", on=BEFORE, level="commune") == "C17365"
    with pytest.raises(ResolutionError):
        units.resolve("Lang Son", on=BEFORE, level="commune")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Huyện Văn Yên", "D136"),
        ("Quận Ba Đình", "D001"),
        ("Thị xã Sơn Tây", "D269"),
        ("Thị trấn Mường Tè", "C03433"),
        ("Xã Mường Tè, huyện Mường Tè", "C03445"),
        ("Đặc khu Phú Quốc", "C2025-31078"),
        ("Tỉnh Bà Rịa - Vũng Tàu", "P77"),
    ],
)
def test_administrative_prefixes(units: UnitResolver, text: str, expected: str) -> None:
    assert units.resolve(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trung ương Hội", "VN"),
        ("Trung ương", "VN"),
        ("TW", "VN"),
        ("Công an", "CA"),
        ("Hội Phụ nữ Công an nhân dân", "CA"),
        ("Quân đội", "QD"),
    ],
)
def test_union_only_units(units: UnitResolver, text: str, expected: str) -> None:
    assert units.resolve(text) == expected
    assert units.resolve(text, on=AFTER) == expected


def test_ambiguous_commune_lists_candidates_with_parents(units: UnitResolver) -> None:
    with pytest.raises(ResolutionError) as err:
        units.resolve("Xã Tân Thành", on=BEFORE)
    codes = [c.split()[0] for c in err.value.candidates]
    assert len(codes) > 10 and "C25207" in codes and "C25318" in codes
    bu_dop = next(c for c in err.value.candidates if c.startswith("C25318"))
    assert "Xã Tân Thành" in bu_dop and "Huyện Bù Đốp" in bu_dop and "Tỉnh Bình Phước" in bu_dop
    assert "parent" in err.value.reason_en and "cấp trên" in err.value.reason_vi
    with pytest.raises(ResolutionError) as wards:
        units.resolve("Phường 1", on=BEFORE)
    assert len(wards.value.candidates) > 1


def test_parent_in_text_disambiguates(units: UnitResolver) -> None:
    # Two Xã Tân Thành in Bình Phước province: the district is needed.
    with pytest.raises(ResolutionError) as err:
        units.resolve("Xã Tân Thành, tỉnh Bình Phước", on=BEFORE)
    assert sorted(c.split()[0] for c in err.value.candidates) == ["C25207", "C25318"]
    assert units.resolve("Xã Tân Thành, huyện Bù Đốp, tỉnh Bình Phước") == "C25318"
    assert units.resolve("Tân Thành - Bù Đốp") == "C25318"
    assert units.resolve("Xã Tân Thành, Tây Ninh", on=AFTER) == "C2025-25534"
    assert units.resolve("Phường 1, Thành phố Đông Hà") == "C19333"


def test_unknown_name(units: UnitResolver) -> None:
    with pytest.raises(ResolutionError) as err:
        units.resolve("Tỉnh Atlantis")
    assert err.value.reason_en == "no union unit is named 'Tỉnh Atlantis'"
    assert err.value.candidates == []
    assert isinstance(err.value, ValueError)


def test_invalid_level_is_a_programming_error(units: UnitResolver) -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        units.resolve("Lạng Sơn", level="region")


def test_constructors_are_cached() -> None:
    assert unit_resolver() is unit_resolver()
    assert indicator_resolver() is indicator_resolver()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("members_total", "members_total"),
        ("MEMBERS_ADMITTED", "members_admitted"),
        ("Tổng số hội viên", "members_total"),
        (unicodedata.normalize("NFD", "Hội viên giảm"), "members_lost"),
        ("ket nap moi", "members_admitted"),
        ("du no uy thac nhcsxh", "fin_trust_loan_balance"),
        ("Members newly admitted", "members_admitted"),
        ("households borrowing through the union", "fin_borrowing_households"),
    ],
)
def test_indicator_names(indicators: IndicatorResolver, text: str, expected: str) -> None:
    assert indicators.resolve(text) == expected


def test_unknown_indicator(indicators: IndicatorResolver) -> None:
    with pytest.raises(ResolutionError, match="no indicator"):
        indicators.resolve("Số con mèo")


def test_alias_shared_by_two_indicators_is_ambiguous() -> None:
    # The real catalogue has no shared alias (checked); a two-row catalogue shows the rule.
    catalogue = pd.DataFrame(
        {
            "indicator_code": ["a", "b"],
            "name_vi": ["Chỉ tiêu A", "Chỉ tiêu B"],
            "name_en": ["A", "B"],
            "aliases": ["Hộ vay", "Hổ vây"],
        }
    )
    with pytest.raises(ResolutionError) as err:
        IndicatorResolver(catalogue).resolve("ho vay")
    assert [c.split()[0] for c in err.value.candidates] == ["a", "b"]


@pytest.mark.parametrize("text", ["Phường ²", "Xã ①"])
def test_a_digit_that_is_not_a_number_is_an_unknown_name_not_a_crash(
    units: UnitResolver, text: str
) -> None:
    with pytest.raises(ResolutionError, match="no union unit is named"):
        units.resolve(text, on=dt.date(2025, 9, 30))
