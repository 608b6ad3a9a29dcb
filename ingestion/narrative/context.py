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

__all__ = [
    "UnitMention",
    "find_period",
    "find_units",
    "implied_unit",
    "period_phrase",
    "report_period",
    "resolve_unit",
    "resolve_unit_named",
]

# Length of a congress term, for the term a congress closes when only the new one is named.
TERM_YEARS = 5

_UNION = r"(?i:Hội\s+(?:Liên\s+hiệp\s+Phụ\s+nữ|LHPN|Phụ\s+nữ|PN)(?:\s*\(LHPN\))?|Phụ\s+nữ)"
_ADMIN = r"(?i:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn)"
# A capitalised syllable of a place name ('Thủ', 'Thừa', 'Hà', 'Quảng', '1' for 'Phường 1').
_NAME_WORD = r"(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*|\d{1,2})"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}"
_S = r"\s+"  # a wrapped line may part the words of a name
_MENTION = re.compile(
    rf"(?P<union>{_UNION}){_S}(?P<admin>{_ADMIN}){_S}(?P<name>{_NAME})"
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
        name = _capitalised(match["name"])
        if not name:
            continue  # 'xã hội', 'tỉnh đã': a place name is capitalised
        parent = _capitalised(match["parent"] or "", allow_admin=True)
        admin = " ".join(match["admin"].split())
        named = f"{admin} {name}"
        if parent and not parent.startswith(("Hội", "Ủy", "UBND")):
            named = f"{named}, {parent}"
        out.append(UnitMention(named, match.start(), match.start("name") + len(name)))
    return out


def _capitalised(words: str, allow_admin: bool = False) -> str:
    """The leading words of a name that are capitalised (or a number: 'Phường 1')."""
    kept: list[str] = []
    for i, word in enumerate(words.split()):
        if word[0].isupper() or word[0].isdigit() or (allow_admin and i == 0 and kept == []):
            kept.append(word)
        else:
            break
    if allow_admin and kept and not kept[0][0].isupper():
        # 'tỉnh Thanh Hóa': the level word may be lower case, the name may not.
        return " ".join(kept) if len(kept) > 1 else ""
    return " ".join(kept)


# A union named by its level only ('Hội LHPN tỉnh', 'Hội Liên hiệp Phụ nữ tỉnh tổ chức').
_LEVEL_ONLY = re.compile(rf"{_UNION}{_S}(?P<admin>(?i:tỉnh|huyện|xã|phường))(?!\s+[A-ZĐ])")
_PLACE = re.compile(rf"(?P<admin>{_ADMIN}){_S}(?P<name>{_NAME})")


def implied_unit(opening: str, text: str, on: dt.date | None) -> tuple[UnitMention, str] | None:
    """'Hội LHPN tỉnh …' in the opening, and the text names one place of that level that
    resolves ('phát triển tỉnh Lào Cai'): that place's union, with its code."""
    match = _LEVEL_ONLY.search(opening)
    if match is None:
        return None
    level = match["admin"].lower()
    found: dict[str, UnitMention] = {}
    for place in _PLACE.finditer(text):
        name = _capitalised(place["name"])
        if name and place["admin"].lower() == level:
            mention = UnitMention(f"{level} {name}", match.start(), match.end())
            if (code := resolve_unit(mention, on)) is not None:
                found.setdefault(code, mention)
    if len(found) != 1:
        return None
    code, mention = found.popitem()
    return mention, code


def resolve_unit(mention: UnitMention, on: dt.date | None) -> str | None:
    """The unit code of a mention, or None when it names no unit or several."""
    return resolve_unit_named(mention, on)[0]


def resolve_unit_named(mention: UnitMention, on: dt.date | None) -> tuple[str | None, str]:
    """(the unit code of a mention or None, the words of it that name the unit)."""
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
    level = _LEVELS.get(" ".join(admin.lower().split()))
    for text in texts:
        for day in (on, None) if on is not None else (None,):
            try:
                return resolver.resolve(text, on=day, level=level), text
            except ResolutionError:
                continue
    return None, mention.text


# The level an administrative word names ('thành phố' can be a province or a district).
_LEVELS = {
    "tỉnh": "province",
    "huyện": "district",
    "quận": "district",
    "thị xã": "district",
    "xã": "commune",
    "phường": "commune",
    "thị trấn": "commune",
}


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
_COMPARISON = re.compile(
    r"(?:so\s+với|cùng\s+kỳ|vào|(?<!tính\s)đến|từ|sau|trước)\s+(?:cùng\s+kỳ\s+|cuối\s+|đầu\s+|giữa\s+)?$",
    re.I,
)


def period_phrase(text: str, code: str) -> str | None:
    """The words of the text that name the period `code` ('6 tháng đầu năm 2017'), if any."""
    for match in _PERIOD_PHRASES.finditer(text):
        found = find_period(match.group())
        if found and found[0][1].code == code:
            return " ".join(match.group().split())
    return None


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
    """The period a report covers: a period named in its title; else, for a congress that
    opens a term, the term before it; else the first period its opening names; else the one
    its body names most often. A period after the publication year is a goal, not this."""
    limit = published.year if published is not None else None

    def current(periods: list[Period]) -> list[Period]:
        return [p for p in periods if limit is None or p.start.year <= limit]

    title = opening.split("\n", 1)[0]
    in_title = [p for p in current([p for _, p in find_period(title)]) if p.kind != "term"]
    if in_title:
        return in_title[0]
    found = [p for _, p in find_period(opening)]
    terms = [p for p in found if p.kind == "term"]
    opens_term = terms and (limit is None or terms[0].start.year >= limit)
    if opens_term and re.search(r"đại\s+hội", opening, re.I):
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
    named = current([p for p in found if p.kind != "term"])
    if named:
        return named[0]
    # Nothing in the opening: the period the body names most often ('Năm 2023, …').
    named = current([p for _, p in find_period(body) if p.kind != "term"])
    if named:
        codes = [p.code for p in named]
        # Older periods a report names are history; of the most named, the latest.
        return max(named, key=lambda p: (codes.count(p.code), p.end))
    if terms:
        return terms[0]
    if published is not None:
        return parse_period(str(published.year))
    return None
