import unicodedata

import pytest

from ingestion.normalise import NumberParseError, ParsedNumber, parse_vn_number
from ingestion.normalise.numbers import is_withdrawal, number_convention


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("180.833", 180_833),
        ("116.572", 116_572),
        ("1.800", 1_800),
        ("1.234.567", 1_234_567),
        ("1800", 1_800),
        ("0", 0),
        ("04", 4),
        ("007", 7),
        ("4,2", 4.2),
        ("25,44", 25.44),
        ("4,850", 4.85),  # a single ',' is a decimal mark even before three digits
        ("1.234,5", 1_234.5),
        ("-5", -5),
        ("−5", -5),  # U+2212 minus sign
        ("+5", 5),
        ("-1.234,5", -1_234.5),
        ("  1.800  ", 1_800),
        ("\u00a01.800\u00a0", 1_800),
        ("1\u00a0800", 1_800),  # a no-break space only ever groups digits
        ("1\u202f234\u202f567", 1_234_567),
        ("1,234,567", 1_234_567),  # English thousands: several ',' groups of three, no '.'
        ("12,345,678,901", 12_345_678_901),
        ("1,234.5", 1_234.5),  # English: ',' groups then one '.' decimal
        ("4.5", 4.5),  # a '.' not before exactly three digits cannot group thousands
        ("79.25", 79.25),
    ],
)
def test_plain_numbers(text, value):
    parsed = parse_vn_number(text)
    assert parsed.value == value
    assert parsed.original == text
    assert (parsed.multiplier, parsed.currency, parsed.is_percent) == (1, None, False)
    assert (parsed.approximate, parsed.qualifier, parsed.unit_word) == (False, None, None)
    assert parsed.part is None and parsed.whole is None


@pytest.mark.parametrize(
    ("text", "value", "multiplier", "currency"),
    [
        ("536 triệu", 536_000_000, 10**6, "VND"),
        ("536 triệu đồng", 536_000_000, 10**6, "VND"),
        ("1.293 tỷ đồng", 1_293_000_000_000, 10**9, "VND"),
        ("4,2 tỷ", 4_200_000_000, 10**9, "VND"),
        ("4,2 tỉ", 4_200_000_000, 10**9, "VND"),
        ("4,850 tỷ đồng", 4_850_000_000, 10**9, "VND"),  # DOMAIN.md: 4.85 billion by rule
        ("2,8 tỷ đồng", 2_800_000_000, 10**9, "VND"),
        ("1 tỷ 200 triệu", 1_200_000_000, 10**9, "VND"),
        ("1 tỷ 200 triệu đồng", 1_200_000_000, 10**9, "VND"),
        ("2 triệu 500 nghìn đồng", 2_500_000, 10**6, "VND"),
        ("3 tỷ 5 triệu 200 nghìn", 3_005_200_000, 10**9, "VND"),
        ("500.000 đồng", 500_000, 1, "VND"),
        ("500.000đ", 500_000, 1, "VND"),
        ("500.000 đ.", 500_000, 1, "VND"),
        ("300.000 VNĐ", 300_000, 1, "VND"),
        ("300.000 VND", 300_000, 1, "VND"),
        ("300.000 ₫", 300_000, 1, "VND"),
        ("200 nghìn đồng", 200_000, 10**3, "VND"),
        ("32 ngàn", 32_000, 10**3, None),  # nghìn/ngàn alone counts people as often as money
        ("32 nghìn", 32_000, 10**3, None),
        ("4,2 ty dong", 4_200_000_000, 10**9, "VND"),  # diacritics dropped
        ("536 TRIỆU ĐỒNG", 536_000_000, 10**6, "VND"),
    ],
)
def test_money_and_multipliers(text, value, multiplier, currency):
    parsed = parse_vn_number(text)
    assert parsed.value == value
    assert parsed.multiplier == multiplier
    assert parsed.currency == currency
    assert parsed.value_dong == (value if currency else None)


def test_nfd_input():
    parsed = parse_vn_number(unicodedata.normalize("NFD", "trên 4,2 tỷ đồng"))
    assert (parsed.value, parsed.qualifier, parsed.currency) == (4_200_000_000, "trên", "VND")


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("trên 1.800", 1_800, "trên"),
        ("Trên 1.800", 1_800, "trên"),
        ("hơn 2 tỷ đồng", 2_000_000_000, "hơn"),
        ("gần 1.293 tỷ đồng", 1_293_000_000_000, "gần"),
        ("khoảng 500", 500, "khoảng"),
        ("khoảng gần 5 tỷ đồng", 5_000_000_000, "khoảng gần"),
        ("khoảng hơn 300 người", 300, "khoảng hơn"),
        ("dưới 50%", 50, "dưới"),
        ("tren 1.800", 1_800, "trên"),
        ("~ 1.800", 1_800, "~"),
        ("trên dưới 100 hội viên", 100, "trên dưới"),
        ("chừng 200", 200, "chừng"),
    ],
)
def test_qualifiers_make_the_value_approximate(text, value, qualifier):
    parsed = parse_vn_number(text)
    assert parsed.value == value
    assert parsed.approximate is True
    assert parsed.qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "value"),
    [("79,2%", 79.2), ("100%", 100), ("79,2 %", 79.2), ("462%", 462), ("25,44%", 25.44)],
)
def test_percent(text, value):
    parsed = parse_vn_number(text)
    assert (parsed.value, parsed.is_percent, parsed.currency) == (value, True, None)


@pytest.mark.parametrize(
    ("text", "part", "whole", "unit_word"),
    [
        ("231/235", 231, 235, None),
        ("09/11", 9, 11, None),
        ("8/8", 8, 8, None),
        ("12/12", 12, 12, None),
        ("112/117 hộ", 112, 117, "hộ"),
        ("09/11 chỉ tiêu", 9, 11, "chỉ tiêu"),
        ("231 / 235", 231, 235, None),
        ("0/5", 0, 5, None),
        ("1.234/2.000", 1_234, 2_000, None),
    ],
)
def test_part_of_whole(text, part, whole, unit_word):
    parsed = parse_vn_number(text)
    assert (parsed.value, parsed.part, parsed.whole) == (part, part, whole)
    assert parsed.unit_word == unit_word
    assert parsed.is_percent is False


@pytest.mark.parametrize(
    ("text", "value", "unit_word"),
    [
        ("04 xã", 4, "xã"),
        ("02 lớp", 2, "lớp"),
        ("437 hoạt động", 437, "hoạt động"),
        ("1.633 đợt", 1_633, "đợt"),
        ("116.572 hội viên", 116_572, "hội viên"),
        ("26 người", 26, "người"),
        ("hơn 32 ngàn lượt hội viên", 32_000, "lượt hội viên"),
        ("19 triệu hội viên", 19_000_000, "hội viên"),  # a unit word: not money
    ],
)
def test_unit_words(text, value, unit_word):
    parsed = parse_vn_number(text)
    assert (parsed.value, parsed.unit_word, parsed.currency) == (value, unit_word, None)


def test_parsed_number_is_frozen():
    parsed = parse_vn_number("1.800")
    assert parsed == ParsedNumber(value=1800.0, original="1.800")
    with pytest.raises(AttributeError):
        parsed.value = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u00a0", "empty"),
        ("không có", "not_a_number"),
        ("abc", "not_a_number"),
        ("N/A", "not_a_number"),
        ("-", "not_a_number"),
        ("tỷ đồng", "not_a_number"),
        ("đạt 195%", "not_a_number"),
        ("12/0", "whole_zero"),
        ("0/0", "whole_zero"),
        ("236/235", "part_above_whole"),
        ("1.23.4", "ambiguous_format"),
        ("1.2345.678", "ambiguous_format"),
        ("1,23,4", "ambiguous_format"),
        ("1.234,5.6", "ambiguous_format"),
        ("1,234.567,8", "ambiguous_format"),
        ("1.800.", "ambiguous_format"),
        ("1 800", "ambiguous_format"),
        ("1 tỷ 2", "ambiguous_format"),
        ("200 triệu 1 tỷ", "ambiguous_format"),
        ("5% tỷ", "ambiguous_format"),
        ("-3/5", "ambiguous_format"),
        ("50%/60", "ambiguous_format"),
        ("3/5 đồng", "ambiguous_format"),
        ("10-15", "unexpected_text"),
        ("12 (đạt 100%)", "unexpected_text"),
        ("4,2 tỷ đồng cho các hộ nghèo ở vùng sâu", "unexpected_text"),
    ],
)
def test_errors(text, code):
    with pytest.raises(NumberParseError) as caught:
        parse_vn_number(text)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == code
    assert error.original == text
    assert error.reason_en and error.reason_vi
    assert error.reason_en != error.reason_vi
    assert error.reason_en in str(error) and error.reason_vi in str(error)


@pytest.mark.parametrize(
    ("text", "english", "vietnamese"),
    [
        ("", "empty", "trống"),
        ("không có", "not a number", "không phải là số"),
        ("12/0", "zero", "bằng 0"),
        ("236/235", "part of 'a/b' is above the whole", "lớn hơn tổng số"),
        ("1.23.4", "cannot be read one way only", "không xác định"),
    ],
)
def test_error_messages_speak_to_the_steward(text, english, vietnamese):
    with pytest.raises(NumberParseError) as caught:
        parse_vn_number(text)
    assert english in caught.value.reason_en
    assert vietnamese in caught.value.reason_vi


# --- a file's number convention -------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "convention"),
    [
        (["1.304.512", "12"], "vi"),
        (["4,2", "180.833"], "vi"),
        (["79,2%"], "vi"),
        (["1.234,5"], "vi"),
        (["1,304,512", "12"], "en"),
        (["79.2%", "1,304"], "en"),
        (["1,234.5"], "en"),
        (["1,304", "1.304", "12"], ""),  # nothing tells
        (["1.304.512", "1,304,512"], ""),  # both: each read by its own form
    ],
)
def test_the_convention_of_a_file(texts: list[str], convention: str) -> None:
    assert number_convention(texts) == convention


@pytest.mark.parametrize(
    ("text", "convention", "value"),
    [
        ("1,304", "en", 1304),
        ("0.304", "en", 0.304),
        ("1.3045", "en", 1.3045),
        ("1,304,512", "en", 1_304_512),
        ("79.2%", "en", 79.2),
        ("1,234.5", "en", 1234.5),
        ("1,304", "vi", 1.304),
        ("1.304", "vi", 1304),
        ("1.304", "", 1304),  # the national reading of '.'
        ("1,304,512", "", 1_304_512),
        ("4,2", "", 4.2),
    ],
)
def test_numbers_read_by_the_files_convention(text: str, convention: str, value: float) -> None:
    assert parse_vn_number(text, convention).value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "convention", "code"),
    [
        ("1,304", "", "ambiguous_convention"),
        ("4,850 tỷ", "", "ambiguous_convention"),
        ("4,2", "en", "ambiguous_format"),
        ("1.234,5", "en", "ambiguous_format"),
        # An English file is told by a decimal such as '79.5', which Vietnamese write too:
        # one '.' before three digits is 536.5 one way and 536500 the other.
        ("536.500", "en", "ambiguous_format"),
        ("1.250 triệu", "en", "ambiguous_format"),
    ],
)
def test_numbers_that_do_not_fit_are_rejected(text: str, convention: str, code: str) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_vn_number(text, convention)
    assert caught.value.code == code
    assert caught.value.reason_vi


@pytest.mark.parametrize("text", ["Rút", "rút lại", " HỦY ", "Xóa", "withdrawn", "xoá"])
def test_withdrawal_markers(text: str) -> None:
    assert is_withdrawal(text)


@pytest.mark.parametrize("text", ["0", "", "rút gọn", "huỷ bỏ 12"])
def test_not_withdrawal_markers(text: str) -> None:
    assert not is_withdrawal(text)
