"""How units write what they report: unit names, periods, indicators, numbers, headers.

Every spelling offered for a clean submission is checked against the rules that will read it
(the resolvers and the parsers), so a clean batch lands without a rejection; a spelling that
would not read back as meant falls back to the code.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache

from ingestion.normalise import fold, parse_period, period_from_code
from ingestion.normalise.errors import NormalisationError
from ingestion.reference.catalogue import load_catalogue
from ingestion.resolve import ResolutionError, indicator_resolver, unit_resolver
from ingestion.synthetic.model import era_units

# Canonical columns of the long shape, and how submitters title them.
COLUMNS = ("unit", "period", "indicator", "value", "disaggregation")
HEADERS = {
    "english": ("unit", "period", "indicator", "value", "disaggregation"),
    "vietnamese": ("Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Giá trị", "Phân tổ"),
    "vietnamese_codes": ("Mã đơn vị", "Kỳ BC", "Mã chỉ tiêu", "Số liệu", "Phân tổ"),
    "unaccented": ("don vi", "ky bao cao", "chi tieu", "so lieu", "phan to"),
    "upper": ("ĐƠN VỊ", "KỲ BÁO CÁO", "CHỈ TIÊU", "GIÁ TRỊ", "PHÂN TỔ"),
}
# How a subset (phân tổ) is written, by code.
SUBSET_TEXTS = {
    "ethnic_minority": ("Dân tộc thiểu số", "DTTS", "ethnic_minority"),
    "female_head_of_household": ("Phụ nữ làm chủ hộ", "Nữ chủ hộ", "female_head_of_household"),
}
_HALF_LABEL = {"H1": "6 tháng đầu năm", "H2": "6 tháng cuối năm"}
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def period_texts(code: str) -> list[str]:
    """The ways a period is written that read back as `code`; the code itself first."""
    period = period_from_code(code)
    year = period.start.year
    labels = [code]
    if period.kind == "year":
        labels += [f"năm {year}", f"Năm {year}", f"nam {year}"]
    elif period.kind == "half":
        labels += [f"{_HALF_LABEL[code[-2:]]} {year}"]
    elif period.kind == "quarter":
        labels += [f"quý {_ROMAN[code[-1]]}/{year}"]
    elif period.kind == "month":
        labels += [f"tháng {period.start.month}/{year}", f"Tháng {period.start.month:02d}/{year}"]
    return [t for t in labels if _reads_as_period(t, code)]


def _reads_as_period(text: str, code: str) -> bool:
    try:
        return parse_period(text).code == code
    except NormalisationError:
        return False


@cache
def unit_texts(code: str, on: dt.date) -> tuple[str, ...]:
    """Ways of writing the unit that resolve to it on `on`; the code itself first."""
    era = "2025" if code.startswith(("P2025-", "C2025-")) else "legacy"
    units = era_units(era)
    name = units.name.get(code, code)
    parent = units.parent.get(code)
    options = [name, fold(name), name.upper(), f"Hội LHPN {name}"]
    if parent and parent in units.name:
        options.append(f"{name}, {units.name[parent]}")
    resolver = unit_resolver()
    readable = []
    for text in options:
        try:
            if resolver.resolve(text, on=on) == code:
                readable.append(text)
        except ResolutionError:
            continue
    return (code, *readable)


@cache
def indicator_texts(code: str) -> tuple[str, ...]:
    """Ways of writing the indicator that resolve to it; the code itself first."""
    row = load_catalogue().set_index("indicator_code").loc[code]
    aliases = [a for a in str(row.aliases or "").split("|") if a]
    options = [row.name_vi, *aliases[:2], row.name_en]
    resolver = indicator_resolver()
    readable = []
    for text in options:
        try:
            if resolver.resolve(text) == code:
                readable.append(text)
        except ResolutionError:
            continue
    return (code, *readable)


def vietnamese_thousands(value: int) -> str:
    """12345 → '12.345': '.' groups thousands in Vietnamese."""
    return f"{value:,}".replace(",", ".")


def money_text(value: int, rng: random.Random) -> str:
    """An amount of đồng as a report writes it, reading back as exactly `value`."""
    if value >= 10**9 and value % 10**8 == 0:
        billions = f"{value / 10**9:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        whole, _, decimals = billions.partition(",")
        grouped = vietnamese_thousands(int(whole)) + (f",{decimals}" if decimals else "")
        return rng.choice([f"{grouped} tỷ đồng", f"{grouped} tỷ"])
    if value >= 10**6 and value % 10**6 == 0:
        return rng.choice(
            [f"{vietnamese_thousands(value // 10**6)} triệu", f"{value // 10**6} triệu đồng"]
        )
    return vietnamese_thousands(value)


def count_text(value: int, rng: random.Random) -> str:
    """A count as written: digits, Vietnamese thousands, now and then a leading zero."""
    choice = rng.random()
    if value >= 1000 and choice < 0.5:
        return vietnamese_thousands(value)
    if value < 10 and choice < 0.2:
        return f"0{value}"
    return str(value)
