import unicodedata
from datetime import date

import pytest

from ingestion.normalise import Period, PeriodParseError, parse_period, period_from_code

YEAR_2024 = Period("2024", "year", date(2024, 1, 1), date(2024, 12, 31))
YEAR_2023 = Period("2023", "year", date(2023, 1, 1), date(2023, 12, 31))
H1_2024 = Period("2024-H1", "half", date(2024, 1, 1), date(2024, 6, 30))
H2_2024 = Period("2024-H2", "half", date(2024, 7, 1), date(2024, 12, 31))
Q3_2024 = Period("2024-Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30))
JULY_2024 = Period("2024-07", "month", date(2024, 7, 1), date(2024, 7, 31))
TERM = Period("T2021-2026", "term", date(2021, 1, 1), date(2026, 12, 31))
AS_OF = Period("2023-10-30", "date", date(2023, 10, 30), date(2023, 10, 30), date(2023, 10, 30))

CASES = [
    ("2024", YEAR_2024),
    ("năm 2023", YEAR_2023),
    ("Năm 2023", YEAR_2023),
    ("NĂM 2023", YEAR_2023),
    ("nam 2023", YEAR_2023),
    ("6 tháng đầu năm 2024", H1_2024),
    ("6 tháng cuối năm 2024", H2_2024),
    ("6 THÁNG ĐẦU NĂM 2024", H1_2024),
    ("6 thang dau nam 2024", H1_2024),
    ("sáu tháng cuối năm 2024", H2_2024),
    ("2024-H1", H1_2024),
    ("2024-H2", H2_2024),
    ("H1/2024", H1_2024),
    ("quý III/2024", Q3_2024),
    ("quý 3/2024", Q3_2024),
    ("Quý 3 năm 2024", Q3_2024),
    ("QUÝ III NĂM 2024", Q3_2024),
    ("Q3/2024", Q3_2024),
    ("q3 2024", Q3_2024),
    ("2024-Q3", Q3_2024),
    ("quy III/2024", Q3_2024),
    ("tháng 7/2024", JULY_2024),
    ("tháng 07 năm 2024", JULY_2024),
    ("Tháng 7 năm 2024", JULY_2024),
    ("07/2024", JULY_2024),
    ("7/2024", JULY_2024),
    ("2024-07", JULY_2024),
    ("thang 7/2024", JULY_2024),
    ("nhiệm kỳ 2021-2026", TERM),
    ("nhiệm kỳ 2021 - 2026", TERM),
    ("nhiệm kỳ 2021–2026", TERM),  # en dash
    ("Nhiệm kỳ 2021 – 2026", TERM),
    ("nhiem ky 2021-2026", TERM),
    ("T2021-2026", TERM),
    ("tính đến ngày 30/10/2023", AS_OF),
    ("Tính đến ngày 30/10/2023", AS_OF),
    ("tính đến 30/10/2023", AS_OF),
    ("tinh den ngay 30/10/2023", AS_OF),
    ("đến ngày 30/10/2023", AS_OF),
    ("ngày 30/10/2023", AS_OF),
    ("30/10/2023", AS_OF),
    ("30-10-2023", AS_OF),
    ("30.10.2023", AS_OF),
    ("2023-10-30", AS_OF),
    ("  năm   2023. ", YEAR_2023),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse_period_nfd_input(text, expected):
    assert parse_period(unicodedata.normalize("NFD", text)) == expected


@pytest.mark.parametrize(
    ("text", "code", "start", "end"),
    [
        ("quý I/2024", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("quý II/2024", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("quý IV/2024", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("tháng 2/2024", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        ("tháng 2/2023", "2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("tháng 12/2024", "2024-12", date(2024, 12, 1), date(2024, 12, 31)),
        ("nhiệm kỳ 2022-2027", "T2022-2027", date(2022, 1, 1), date(2027, 12, 31)),
        ("29/02/2024", "2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
        ("1/7/2025", "2025-07-01", date(2025, 7, 1), date(2025, 7, 1)),
    ],
)
def test_period_bounds(text, code, start, end):
    period = parse_period(text)
    assert (period.code, period.start, period.end) == (code, start, end)
    assert period.as_of == (start if period.kind == "date" else None)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_round_trip_through_the_code(text, expected):
    period = parse_period(text)
    assert parse_period(period.code) == period
    assert period_from_code(period.code) == period


@pytest.mark.parametrize(
    "code",
    ["2024", "2024-H1", "2024-H2", "2024-Q1", "2024-Q4", "2024-01", "T2021-2026", "2023-10-30"],
)
def test_period_from_code(code):
    period = period_from_code(code)
    assert period.code == code
    assert period.start <= period.end


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("tháng 13/2024", "invalid_month"),
        ("13/2024", "invalid_month"),
        ("2024-13", "invalid_month"),
        ("tháng 0/2024", "invalid_month"),
        ("quý V/2024", "invalid_quarter"),
        ("quý 5/2024", "invalid_quarter"),
        ("quý 0/2024", "invalid_quarter"),
        ("2024-Q5", "invalid_quarter"),
        ("31/02/2024", "invalid_date"),
        ("29/02/2023", "invalid_date"),
        ("2023-02-30", "invalid_date"),
        ("32/01/2024", "invalid_date"),
        ("nhiệm kỳ 2026-2021", "invalid_term"),
        ("nhiệm kỳ 2021-2021", "invalid_term"),
        ("T2026-2021", "invalid_term"),
        ("1800", "invalid_year"),
        ("năm 2200", "invalid_year"),
        ("abc", "unrecognised"),
        ("9 tháng năm 2024", "nine_months"),
        ("giữa nhiệm kỳ", "mid_term"),
        ("2021-2026", "unrecognised"),  # a span without 'nhiệm kỳ' may be a phase
        ("20241", "unrecognised"),
    ],
)
def test_parse_period_errors(text, code):
    with pytest.raises(PeriodParseError) as caught:
        parse_period(text)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == code
    assert error.original == text
    assert error.reason_en and error.reason_vi and error.reason_en != error.reason_vi


@pytest.mark.parametrize(
    ("text", "english", "vietnamese"),
    [
        ("tháng 13/2024", "month 13", "tháng 13"),
        ("quý V/2024", "quarter 'V'", "quý 'V'"),
        ("31/02/2024", "31/02/2024 does not exist", "không tồn tại"),
        ("nhiệm kỳ 2026-2021", "term ends", "nhiệm kỳ"),
        ("abc", "not recognised", "không nhận ra"),
    ],
)
def test_period_error_messages(text, english, vietnamese):
    with pytest.raises(PeriodParseError) as caught:
        parse_period(text)
    assert english in caught.value.reason_en
    assert vietnamese in caught.value.reason_vi


@pytest.mark.parametrize(
    "code",
    [
        "năm 2024",
        "2024-h1",
        "Q3/2024",
        "2024-7",
        "2021-2026",
        "30/10/2023",
        "2024-Q5",
        "2024-13",
        "",
    ],
)
def test_period_from_code_accepts_only_canonical_codes(code):
    with pytest.raises(PeriodParseError):
        period_from_code(code)
