"""Reporting periods as reports name them, mapped to one canonical code each.

Canonical codes: year '2024', half-year '2024-H1', quarter '2024-Q3', month '2024-07',
congress term 'T2021-2026', and an as-of date for stocks '2023-10-30'. A term covers whole
calendar years (2021-01-01 to 2026-12-31); a term that ended early after the 2025 merger is
still the same term code, its actual end is a fact about the unit, not about the period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ingestion.normalise.errors import NormalisationError
from ingestion.normalise.text import without_marks

__all__ = [
    "PERIOD_KINDS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Period",
    "PeriodParseError",
    "parse_period",
    "period_from_code",
]

PERIOD_KINDS = ("year", "half", "quarter", "month", "term", "date")
# The union was founded in 1930; a year outside this range is a typing error, not history.
YEAR_MIN = 1930
YEAR_MAX = 2100


class PeriodParseError(NormalisationError):
    """A period that cannot be read."""


@dataclass(frozen=True)
class Period:
    """A reporting period; `end` is inclusive. `as_of` is set only for kind 'date'."""

    code: str
    kind: str
    start: date
    end: date
    as_of: date | None = None


# --- Constructors (validate, then build) ---------------------------------------------------


def _year(original: str, text: str) -> int:
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise PeriodParseError(
            original,
            "invalid_year",
            f"year {year} is outside {YEAR_MIN}-{YEAR_MAX}",
            f"năm {year} nằm ngoài khoảng {YEAR_MIN}-{YEAR_MAX}",
        )
    return year


def _year_period(original: str, year_text: str) -> Period:
    year = _year(original, year_text)
    return Period(f"{year}", "year", date(year, 1, 1), date(year, 12, 31))


def _half_period(original: str, half: int, year_text: str) -> Period:
    year = _year(original, year_text)
    if half == 1:
        return Period(f"{year}-H1", "half", date(year, 1, 1), date(year, 6, 30))
    return Period(f"{year}-H2", "half", date(year, 7, 1), date(year, 12, 31))


def _quarter_period(original: str, quarter_text: str, year_text: str) -> Period:
    year = _year(original, year_text)
    quarter = _quarter_number(quarter_text)
    if quarter is None or not 1 <= quarter <= 4:
        raise PeriodParseError(
            original,
            "invalid_quarter",
            f"quarter '{quarter_text.upper()}' does not exist; a quarter is I-IV or 1-4",
            f"không có quý '{quarter_text.upper()}'; quý chỉ từ I đến IV (1 đến 4)",
        )
    first_month = 3 * quarter - 2
    end = _month_end(year, first_month + 2)
    return Period(f"{year}-Q{quarter}", "quarter", date(year, first_month, 1), end)


def _month_period(original: str, month_text: str, year_text: str) -> Period:
    year = _year(original, year_text)
    month = int(month_text)
    if not 1 <= month <= 12:
        raise PeriodParseError(
            original,
            "invalid_month",
            f"month {month} does not exist; a month is 1-12",
            f"không có tháng {month}; tháng chỉ từ 1 đến 12",
        )
    return Period(f"{year}-{month:02d}", "month", date(year, month, 1), _month_end(year, month))


def _term_period(original: str, start_text: str, end_text: str) -> Period:
    first, last = _year(original, start_text), _year(original, end_text)
    if last <= first:
        raise PeriodParseError(
            original,
            "invalid_term",
            f"the term ends ({last}) before or when it starts ({first})",
            f"nhiệm kỳ kết thúc ({last}) không sau năm bắt đầu ({first})",
        )
    return Period(f"T{first}-{last}", "term", date(first, 1, 1), date(last, 12, 31))


def _date_period(original: str, day_text: str, month_text: str, year_text: str) -> Period:
    year = _year(original, year_text)
    month, day = int(month_text), int(day_text)
    try:
        day_date = date(year, month, day)
    except ValueError:
        raise PeriodParseError(
            original,
            "invalid_date",
            f"the date {day:02d}/{month:02d}/{year} does not exist",
            f"ngày {day:02d}/{month:02d}/{year} không tồn tại",
        ) from None
    return Period(day_date.isoformat(), "date", day_date, day_date, as_of=day_date)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_ROMAN = {"i": 1, "v": 5, "x": 10}


def _quarter_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    values = [_ROMAN[ch] for ch in text.lower()]
    # Subtractive notation: a smaller numeral before a larger one counts negative (IV = 4).
    total = sum(
        -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
    )
    return total if total > 0 else None


# --- Text forms -----------------------------------------------------------------------------

_Y = r"(\d{4})"
# Between a month or quarter and its year: '/', '-', 'năm' or a space.
_SEP = r"(?:\s*[/-]\s*|\s+nam\s+|\s+)"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (rf"(?:nam\s+)?{_Y}", "year"),
        # '6 tháng năm 2024' is how the first-half report is usually titled.
        (rf"(?:6|sau) thang(?: (dau|cuoi))?(?: nam)?\s*{_Y}", "half_words"),
        (rf"{_Y}-h([12])", "half_code"),
        (rf"h([12])\s*[/-]\s*{_Y}", "half_short"),
        (rf"(?:quy\s*|q)([ivx]+|\d{{1,2}}){_SEP}{_Y}", "quarter"),
        (rf"{_Y}-q(\d{{1,2}})", "quarter_code"),
        (rf"(?:thang\s*|t)?(\d{{1,2}}){_SEP}{_Y}", "month"),  # 'tháng 6/2024', 'T6/2024'
        (rf"{_Y}-(\d{{2}})", "month_code"),
        (rf"(?:nhiem ky\s*|t){_Y}\s*-\s*{_Y}", "term"),
        (
            rf"(?:(?:tinh )?den (?:het )?|tai )?(?:ngay )?(\d{{1,2}})([/.-])(\d{{1,2}})\2{_Y}",
            "date",
        ),
        (rf"{_Y}-(\d{{2}})-(\d{{2}})", "date_iso"),
    )
)


def _normalise(text: str) -> str:
    """Lower case, no diacritics, dashes unified, spaces collapsed: one form per spelling."""
    bare = without_marks(text).casefold()
    bare = re.sub(r"[\u2010-\u2015\u2212]", "-", bare)
    bare = re.sub(r"\s*:\s*", " ", bare)
    return re.sub(r"\s+", " ", bare).strip(" .,;")


# Periods reports use that are not periods of the warehouse: rejected with what to write.
_NOT_PERIODS: tuple[tuple[re.Pattern[str], str, str, str], ...] = tuple(
    (re.compile(pattern), code, reason_en, reason_vi)
    for pattern, code, reason_en, reason_vi in (
        (
            r"9 thang(?: dau)?(?: nam)?(?:\s*\d{4})?",
            "nine_months",
            "a nine-month report is not a period of the warehouse; send the quarter "
            "('quý III/2024') or the months, or a stock as of a date ('tính đến ngày 30/9/2024')",
            "báo cáo 9 tháng không phải là kỳ báo cáo của kho dữ liệu; hãy gửi theo quý "
            "('quý III/2024') hoặc theo tháng, hoặc số liệu tính đến một ngày "
            "('tính đến ngày 30/9/2024')",
        ),
        (
            r"giua nhiem ky(?:\s*\d{4}\s*-\s*\d{4})?",
            "mid_term",
            "a mid-term report is not a period of the warehouse; write the year it covers "
            "('năm 2023') or the date its figures stand at ('tính đến ngày 30/6/2023')",
            "báo cáo giữa nhiệm kỳ không phải là kỳ báo cáo của kho dữ liệu; hãy ghi năm "
            "('năm 2023') hoặc ngày chốt số liệu ('tính đến ngày 30/6/2023')",
        ),
        (
            r"giai doan(?:\s*\d{4}\s*-\s*\d{4})?",
            "phase",
            "a programme phase ('giai đoạn') is not a period of the warehouse; write each year "
            "('năm 2024'), or 'nhiệm kỳ 2021-2026' for a congress term",
            "giai đoạn không phải là kỳ báo cáo của kho dữ liệu; hãy ghi theo từng năm "
            "('năm 2024'), hoặc 'nhiệm kỳ 2021-2026' nếu là nhiệm kỳ đại hội",
        ),
    )
)


def parse_period(text: str) -> Period:
    """Parse a period as written in a report or a submission into its canonical Period."""
    normal = _normalise(text)
    if not normal:
        raise PeriodParseError(text, "empty", "the period is empty", "kỳ báo cáo bị bỏ trống")
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(normal)
        if match:
            return _build(text, kind, match.groups())
    for pattern, code, reason_en, reason_vi in _NOT_PERIODS:
        if pattern.fullmatch(normal):
            raise PeriodParseError(text, code, reason_en, reason_vi)
    raise PeriodParseError(
        text,
        "unrecognised",
        "the period is not recognised; write e.g. 'năm 2024', '6 tháng đầu năm 2024', "
        "'quý III/2024', 'tháng 7/2024', 'nhiệm kỳ 2021-2026' or 'tính đến ngày 30/10/2023'",
        "không nhận ra kỳ báo cáo; hãy ghi ví dụ 'năm 2024', '6 tháng đầu năm 2024', "
        "'quý III/2024', 'tháng 7/2024', 'nhiệm kỳ 2021-2026' hoặc 'tính đến ngày 30/10/2023'",
    )


def _build(original: str, kind: str, groups: tuple[str, ...]) -> Period:
    if kind == "year":
        return _year_period(original, groups[0])
    if kind == "half_words":
        return _half_period(original, 2 if groups[0] == "cuoi" else 1, groups[1])
    if kind == "half_code":
        return _half_period(original, int(groups[1]), groups[0])
    if kind == "half_short":
        return _half_period(original, int(groups[0]), groups[1])
    if kind == "quarter":
        return _quarter_period(original, groups[0], groups[1])
    if kind == "quarter_code":
        return _quarter_period(original, groups[1], groups[0])
    if kind == "month":
        return _month_period(original, groups[0], groups[1])
    if kind == "month_code":
        return _month_period(original, groups[1], groups[0])
    if kind == "term":
        return _term_period(original, groups[0], groups[1])
    if kind == "date":
        return _date_period(original, groups[0], groups[2], groups[3])
    return _date_period(original, groups[2], groups[1], groups[0])


# --- Canonical codes ------------------------------------------------------------------------

_CODE = re.compile(
    r"(?P<year>\d{4})"
    r"|(?P<hy>\d{4})-H(?P<half>[12])"
    r"|(?P<qy>\d{4})-Q(?P<quarter>[1-4])"
    r"|(?P<my>\d{4})-(?P<month>\d{2})"
    r"|T(?P<first>\d{4})-(?P<last>\d{4})"
    r"|(?P<dy>\d{4})-(?P<dm>\d{2})-(?P<dd>\d{2})"
)


def period_from_code(code: str) -> Period:
    """Rebuild a Period from its canonical code; only canonical codes are accepted."""
    match = _CODE.fullmatch(code)
    if match is None:
        raise PeriodParseError(
            code,
            "not_a_code",
            "not a canonical period code (2024, 2024-H1, 2024-Q3, 2024-07, T2021-2026, 2023-10-30)",
            "không phải mã kỳ chuẩn (2024, 2024-H1, 2024-Q3, 2024-07, T2021-2026, 2023-10-30)",
        )
    g = match.groupdict()
    if g["year"]:
        return _year_period(code, g["year"])
    if g["hy"]:
        return _half_period(code, int(g["half"]), g["hy"])
    if g["qy"]:
        return _quarter_period(code, g["quarter"], g["qy"])
    if g["my"]:
        return _month_period(code, g["month"], g["my"])
    if g["first"]:
        return _term_period(code, g["first"], g["last"])
    return _date_period(code, g["dd"], g["dm"], g["dy"])
