"""The reporting unit and period of a report, from its title and opening, and of a sentence.

Unit names are found as a union prefix ('Hội LHPN', 'Hội Liên hiệp Phụ nữ', 'Hội Phụ nữ',
'Hội PN', or 'Phụ nữ' in a headline) followed by an administrative word and a capitalised
name ('huyện Thủ Thừa'), with an optional parent ('…, tỉnh Thanh Hóa', '… (Sơn La)'); they
are resolved by ingestion.resolve.UnitResolver on the report's date, never guessed. Periods
are the phrases ingestion.normalise.parse_period reads ('năm 2023', '6 tháng đầu năm 2017',
'nhiệm kỳ 2021-2026', 'tính đến ngày 30/10/2023'); a congress ('Đại hội … nhiệm kỳ
2025-2030') reports on the term that ends when the new one starts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingestion.normalise import Period, PeriodParseError, parse_period
from ingestion.resolve import ResolutionError, unit_resolver

__all__ = ["UnitMention", "find_period", "find_units", "report_period", "resolve_unit"]

# Length of a congress term, for the term a congress closes when only the new one is named.
TERM_YEARS = 5

_UNION = r"(?i:Hội\s+(?:Liên\s+hiệp\s+Phụ\s+nữ|LHPN|Phụ\s+nữ|PN)(?:\s*\(LHPN\))?|Phụ\s+nữ)"
_ADMIN = r"(?i:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn)"
# A capitalised syllable of a place name ('Thủ', 'Thừa', 'Hà', 'Quảng', '1' for 'Phường 1').
_NAME_WORD = r"(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*|\d{1,2})"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}"
_MENTION = re.compile(
    rf"(?P<union>{_UNION})[ \t]+(?P<admin>{_ADMIN})[ \t]+(?P<name>{_NAME})"
    rf"(?:(?:,[ \t]*|[ \t]*\([ \t]*)(?P<parent>(?:{_ADMIN}[ \t]+)?{_NAME})\)?)?"
)


@dataclass(frozen=True)
class UnitMention:
    text: str  # 'huyện Thủ Thừa, tỉnh Long An', as the resolver is given it
    start: int
    end: int


def find_units(text: str) -> list[UnitMention]:
    """The union units named in a text, in order."""
    out = []
    for match in _MENTION.finditer(text):
        name = match["name"]
        if not name[0].isupper() and not name[0].isdigit():
            continue  # IGNORECASE lets 'xã hội' through; a place name is capitalised
        parent = match["parent"]
        admin = " ".join(match["admin"].split())
        named = f"{admin} {name}"
        if parent and parent[0].isupper() and not parent.startswith(("Hội", "Ủy", "UBND")):
            named = f"{named}, {parent}"
        out.append(UnitMention(named, match.start(), match.end()))
    return out


def resolve_unit(mention: UnitMention, on: dt.date | None) -> str | None:
    """The unit code of a mention, or None when it names no unit or several."""
    resolver = unit_resolver()
    named, _, parent = mention.text.partition(", ")
    admin, name = _split_admin(named)
    words = name.split()
    # A headline in capitals runs on into the next words ('TỈNH BÌNH PHƯỚC NHẬN BẰNG KHEN'):
    # the longest leading run of words that names a unit is the name.
    texts = []
    for n in range(len(words), 0, -1):
        short = f"{admin} {' '.join(words[:n])}"
        if parent:
            texts.append(f"{short}, {parent}")
        texts.append(short)
    for text in texts:
        for day in (on, None) if on is not None else (None,):
            try:
                return resolver.resolve(text, on=day)
            except ResolutionError:
                continue
    return None


def _split_admin(named: str) -> tuple[str, str]:
    match = re.match(rf"({_ADMIN})[ \t]+(.*)", named)
    return (match.group(1), match.group(2)) if match else ("", named)


_PERIOD_PHRASES = re.compile(
    r"(?:(?:tính\s+)?đến\s+(?:hết\s+)?(?:ngày\s+)?\d{1,2}/\d{1,2}/\d{4})"
    r"|(?:(?:6|sáu)\s+tháng\s+(?:đầu|cuối)\s+năm\s+\d{4})"
    r"|(?:quý\s+(?:[IVX]+|\d)\s*(?:/|năm)\s*\d{4})"
    r"|(?:tháng\s+\d{1,2}\s*(?:/|năm)\s*\d{4})"
    r"|(?:nhiệm\s+kỳ\s+\d{4}\s*[-–]\s*\d{4})"
    r"|(?:năm\s+\d{4})",
    re.IGNORECASE,
)
_COMPARISON = re.compile(r"(?:so\s+với|cùng\s+kỳ|vào|đến|từ)\s+(?:cùng\s+kỳ\s+)?$", re.I)


def find_period(text: str) -> list[tuple[int, Period]]:
    """(offset, period) of each period phrase in a text, except comparisons ('so với năm
    2021') and horizons ('vào năm 2030', 'từ năm 2021')."""
    out = []
    for match in _PERIOD_PHRASES.finditer(text):
        if _COMPARISON.search(text[max(0, match.start() - 20) : match.start()]):
            continue
        phrase = re.sub(r"\s*/\s*", "/", match.group())
        phrase = re.sub(r"^(quý\s+\S+)\s*năm\s+", r"\1/", phrase, flags=re.I)
        phrase = re.sub(r"^(tháng\s+\d+)\s*năm\s+", r"\1/", phrase, flags=re.I)
        try:
            out.append((match.start(), parse_period(phrase)))
        except PeriodParseError:
            continue
    return out


def report_period(opening: str, body: str, published: dt.date | None) -> Period | None:
    """The period a report covers: the first period named in its title and opening; a
    congress closes the term before the one it opens."""
    found = [p for _, p in find_period(opening)]
    congress = bool(re.search(r"đại\s+hội", opening, re.I))
    terms = [p for p in found if p.kind == "term"]
    if congress and terms:
        new_term = terms[0]
        past = [
            p
            for _, p in find_period(body)
            if p.kind == "term" and p.end.year <= new_term.start.year
        ]
        if past:
            return past[0]
        first = new_term.start.year
        return parse_period(f"nhiệm kỳ {first - TERM_YEARS}-{first}")
    limit = published.year if published is not None else None
    for period in found:
        if period.kind == "term":
            continue
        if limit is None or period.start.year <= limit:
            return period
    # Nothing in the opening: the period the body names most often ('Năm 2023, …').
    named = [
        p
        for _, p in find_period(body)
        if p.kind != "term" and (limit is None or p.start.year <= limit)
    ]
    if named:
        codes = [p.code for p in named]
        return max(named, key=lambda p: (codes.count(p.code), -codes.index(p.code)))
    if terms:
        return terms[0]
    if published is not None:
        return parse_period(str(published.year))
    return None
