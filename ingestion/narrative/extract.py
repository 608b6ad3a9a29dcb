"""The figures a careful reader takes from a report: values with their qualifier, part of a
whole, counted unit, indicator, unit and period, and the sentence they stand in.

The steps, each a small function (docs/narrative.md states each rule):
1. passages (paragraphs, wrapped lines joined); a passage whose Vietnamese is damaged
   (decode_bytes' checks, run on the passage alone) gives no figure and is listed in
   `damaged`; page furniture (counters, bylines) gives none either, and the line that closes
   a web article ends the reading;
2. sentences; numbers in a sentence are read with the money words and '%' or '/b' after them
   by ingestion.normalise.parse_vn_number, and the qualifier before them;
3. each number is judged: dates, years, ages, durations, ordinals, document numbers and codes,
   delegates at a meeting, definitions and programme names (in quotes or '5 không, 3 sạch'),
   amounts each and rates, other organisations' and members' own figures are not figures;
   what is left needs something it counts;
4. a figure in a sentence that states a plan, or under a heading of one, is kept as a target
   (`is_target`).
The words behind each judgement are in vocabulary.py; indicator phrases in the catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ingestion.narrative.context import (
    find_period,
    find_units,
    implied_unit,
    period_phrase,
    report_period,
    resolve_unit,
    resolve_unit_named,
)
from ingestion.narrative.document import Document
from ingestion.narrative.indicators import match_indicator, numbered_name_spans
from ingestion.narrative.vocabulary import (
    ADMINISTRATIVE_UNITS,
    AFTER_DEFINITION,
    AFTER_MEETING,
    AFTER_NATURAL_EVENT,
    AFTER_NOT_FIGURE,
    AFTER_POPULATION,
    BEFORE_NOT_FIGURE,
    COUNT_BEFORE_SO,
    COUNTED,
    DATE_WORDS,
    ESTIMATE_BEFORE,
    FUNCTION_WORDS,
    FURNITURE_MAX_WORDS,
    FURNITURE_WORDS,
    MERGER_WORDS,
    OTHER_ORGANISATIONS,
    QUALIFIER_CODES,
    TARGET_OPENINGS,
    TARGET_WORDS,
    WEAK_FURNITURE_MAX_WORDS,
    WEAK_FURNITURE_WORDS,
)
from ingestion.normalise import NumberParseError, decode_bytes, parse_vn_number
from ingestion.normalise.numbers import QUALIFIERS
from ingestion.normalise.periods import YEAR_MAX, YEAR_MIN

__all__ = ["Figure", "NarrativeReport", "extract_report"]

# The title and this many characters after it are the report's opening.
_OPENING_CHARS = 700


@dataclass
class Figure:
    """One figure of a report; offsets are in Document.text."""

    value: float
    text: str
    start: int
    end: int
    qualifier: str = "exact"
    whole: float | None = None
    indicator: str | None = None
    counted: str | None = None
    unit: str | None = None
    period: str | None = None
    evidence: str = ""
    is_target: bool = False


@dataclass
class NarrativeReport:
    """What a report says: its unit and period, its figures and its damaged passages."""

    unit_code: str | None
    unit_text: str | None
    period_code: str | None
    period_text: str | None
    figures: list[Figure] = field(default_factory=list)
    damaged: list[tuple[int, int]] = field(default_factory=list)


# --- Passages and sentences -------------------------------------------------------------

_LINE = re.compile(r"[^\n]+")
_SOURCE_LINE = re.compile(r"^\s*#\s*source:", re.I)
_DATE_PREFIX = re.compile(r"^\s*date \d{4}-\d{2}(?:-\d{2})?\b")
_WORD = re.compile(r"[^\W\d_]+")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


def _passages(text: str) -> list[tuple[int, int]]:
    """Paragraphs: lines, with a line that stops mid-sentence joined to the next one when
    that one goes on in lower case or with a number (a PDF's or a typist's wrapped lines)."""
    lines = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        line = match.group()
        if _SOURCE_LINE.match(line):
            continue
        if prefix := _DATE_PREFIX.match(line):
            start += prefix.end()
        if text[start:end].strip():
            lines.append((start, end))
    out: list[tuple[int, int]] = []
    for start, end in lines:
        if out and _continues(text, out[-1], start):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


_WRAPPED_END = re.compile(r"[^.!?:;…\"”)\]\s]\s*$")


def _continues(text: str, previous: tuple[int, int], start: int) -> bool:
    between = text[previous[1] : start]
    if between.count("\n") != 1:
        return False  # a blank line ends a paragraph
    first = text[start:].lstrip()[:1]
    return bool(_WRAPPED_END.search(text[previous[0] : previous[1]])) and (
        first.islower() or first.isdigit()
    )


def _is_damaged(passage: str) -> bool:
    # The checks of ingestion.normalise.text, on this passage alone: a report can quote a
    # damaged paragraph pasted from elsewhere while the rest of it is sound.
    return decode_bytes(passage.encode("utf-8")).damaged


def _is_furniture(passage: str) -> bool:
    lower = passage.lower()
    words = len(_WORD.findall(passage))
    if words <= FURNITURE_MAX_WORDS and any(w in lower for w in FURNITURE_WORDS):
        return True
    if (
        words <= WEAK_FURNITURE_MAX_WORDS
        and any(w in lower for w in WEAK_FURNITURE_WORDS)
        and not re.search(r"\bhội\b|phụ nữ", lower)
    ):
        return True
    # A byline or a time stamp: 'Thứ tư - 20/03/2024 11:23 71 0'.
    return words <= 12 and _TIME.search(passage) is not None


_WORD_BEFORE = re.compile(r"(\w+)\.$")
# Abbreviations written with a full stop before a capitalised name.
_ABBREVIATIONS = frozenset("TP Tp tp TS ThS PGS GS BS CN KS Q P TT TX ĐC Th St".split())
_SENTENCE_END = re.compile(r"[.!?…]+[:\"”’)]*\s+")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, begin = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        following = text[match.end() : match.end() + 1]
        word = _WORD_BEFORE.search(text, start, match.start() + 1)
        if word is not None and word.group(1) in _ABBREVIATIONS:
            continue  # 'TP. Hồ Chí Minh', 'ThS. Nguyễn Thị A'
        if following and (following.isupper() or following in '“"(' or following.isdigit()):
            out.append((begin, match.end()))
            begin = match.end()
    if begin < end:
        out.append((begin, end))
    return out


# --- Numbers ----------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MONEY = re.compile(
    r"\s*(?:nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)"
    r"(?:\s+\d+(?:[.,]\d+)*\s+(?:nghìn|ngàn|triệu)(?!\w))*"
    r"(?:\s*(?:đồng(?!\s+chí)|đ|VNĐ|VND|₫)(?!\w))?"
)
_CURRENCY = re.compile(r"\s*(?:đồng(?!\s+chí)|VNĐ|VND|₫)(?!\w)")
_PERCENT = re.compile(r"\s?%")
_LAST_WORDS = re.compile(r"([^\W\d_]+)(?:\s+([^\W\d_]+))?(?:\s+([^\W\d_]+))?\s*$")
_URLISH = re.compile(r"://|www\.|\.vn\b|\.com\b|\.html?\b|@")


@dataclass
class _Candidate:
    start: int  # in the sentence
    end: int
    expression: str
    kind: str  # count | money | percent | fraction
    whole: float | None = None


def _words_before(before: str) -> list[str]:
    """Up to three words right before a position, nearest last, when only spaces part them."""
    match = _LAST_WORDS.search(before[-120:])
    if match is None:
        return []
    return [w.lower() for w in match.groups() if w]


def _words_after(after: str, count: int = 4) -> list[str]:
    # A quoted name may follow: '46 “Tổ truyền thông cộng đồng”'.
    match = re.match(rf"[\s“\"'*_]*((?:[^\W\d_]+\s*){{1,{count}}})", after)
    if match is None:
        return []
    return [w.lower() for w in match.group(1).split()][:count]


def _starts_with(words: list[str], phrases: frozenset[str] | tuple[str, ...]) -> str | None:
    for n in (3, 2, 1):
        if len(words) >= n and (phrase := " ".join(words[:n])) in phrases:
            return phrase
    return None


def _ends_with(words: list[str], phrases: frozenset[str]) -> str | None:
    for n in (2, 1):
        if len(words) >= n and (phrase := " ".join(words[-n:])) in phrases:
            return phrase
    return None


def _in_quotes(sentence: str, position: int) -> bool:
    """Whether a position is inside a quoted name ('“5 không, 3 sạch”')."""
    inside = False
    for ch in sentence[:position]:
        if ch in "“‘" or (ch == '"' and not inside):
            inside = True
        elif ch in "”’" or (ch == '"' and inside):
            inside = False
    if not inside:
        return False
    # An opening quote not closed within a name's length is a stray mark, not a name.
    rest = sentence[position : position + 120]
    return any(mark in rest for mark in '”’"')


def _candidate(sentence: str, match: re.Match[str]) -> tuple[_Candidate | None, int]:
    """The number at `match` with what belongs to it, or None if it is no figure's number
    (a date, a code, a range); and where the next number may start."""
    start, end = match.span()
    raw = match.group()
    prev = sentence[start - 1] if start else " "
    glued = prev in "-–" and start > 1 and sentence[start - 2].isalpha()
    if prev == "/" and _PAIRED_WITH_AMOUNT.search(sentence, 0, start):
        prev = " "  # '286 tỉ đồng/5.920 hộ vay': the amount and how many share it
    if prev.isalnum() or prev in "_/" or glued:
        return None, end  # 'truy cập20', 'bdv001', 'Covid-19', a code's tail
    after = sentence[end:]
    if re.match(r"đ(?!\w)", after):
        return _Candidate(start, end + 1, sentence[start : end + 1], "money"), end + 1  # '500.000đ'
    if after[:1].isalpha() or after[:1] == "°":
        return None, end  # '20h', '5km' glued, '3G', '30°C'
    if following := re.match(r"[ \t]+\d+(?:[.,]\d+)*", after):
        return None, end + following.end()  # '1800 1567', '71 0': codes and counters
    if after.startswith(":") and after[1:2].isdigit():
        return None, end + 3  # a time
    if after[:1] in "/" and after[1:2].isalpha() or after[:1] in "-–" and after[1:2].isalpha():
        return None, end  # a document number: '23-CT/TW', '01/ĐA-BTV'
    if re.match(r"[ \t]*[-–][ \t]*\d", after):
        second = re.match(r"[ \t]*[-–][ \t]*\d+(?:[.,]\d+)*", after)
        return None, end + (second.end() if second else 0)  # a range or a term: '2021-2026'
    if after.startswith("/") and after[1:2].isdigit():
        return _fraction(sentence, start, end, raw)
    digits = raw.replace(".", "").replace(",", "")
    if len(digits) >= 8 and raw.startswith("0") or raw.isdigit() and len(raw) >= _CODE_DIGITS:
        return None, end  # a telephone number or a code: figures that long are grouped
    kind, stop = "count", end
    if money := _MONEY.match(after):
        kind, stop = "money", end + money.end()
    elif currency := _CURRENCY.match(after):
        kind, stop = "money", end + currency.end()
    elif percent := _PERCENT.match(after):
        kind, stop = "percent", end + percent.end()
    if _RATE.match(sentence, stop):
        return None, stop  # '2 triệu đồng/hộ', '1,5 triệu đồng/người/tháng': a rate
    return _Candidate(start, stop, sentence[start:stop], kind), stop


_PAIRED_WITH_AMOUNT = re.compile(r"(?:đồng|tỷ|tỉ|triệu|%)\s*/$")
# Digits without grouping marks this long are a code, never a figure ('19001234').
_CODE_DIGITS = 7
_RATE = re.compile(r"\s*/\s*[^\W\d_]")


def _fraction(sentence: str, start: int, end: int, raw: str) -> tuple[_Candidate | None, int]:
    second = _NUMBER.match(sentence, end + 1)
    assert second is not None
    stop = second.end()
    if sentence[stop : stop + 1] == "/" or sentence[stop : stop + 1].isalpha():
        third = re.match(r"/[\w\-/.]+", sentence[stop:])
        return None, stop + (third.end() if third else 0)  # a full date or a code
    part, whole = _whole_number(raw), _whole_number(second.group())
    if part is None or whole is None:
        return None, stop
    words = _words_before(sentence[:start])
    day_month = 1 <= part <= 31 and 1 <= whole <= 12
    # A year is written without a grouping mark; '1.150/2.320 hộ' is a part of a whole.
    year = second.group().isdigit() and YEAR_MIN <= whole <= YEAR_MAX
    if year or part > whole or whole == 0:
        return None, stop  # 'quý 1/2020', a day and month '28/6'
    if day_month and words and words[-1] in DATE_WORDS:
        return None, stop  # 'ngày 12/12'
    if words and words[-1] in ("tháng", "quý"):
        return None, stop
    if day_month and not _counts_after(sentence[stop:]) and (not words or words[-1] not in _HAS):
        return None, stop  # 'Tết thiếu nhi 1/6, …': a day and month with nothing counted
    return _Candidate(start, stop, sentence[start:stop], "fraction", float(whole)), stop


_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _whole_number(raw: str) -> int | None:
    """A count as 'a/b' writes it: plain digits, or grouped by thousands ('1.150/1.320')."""
    if raw.isdigit():
        return int(raw)
    if _GROUPED.fullmatch(raw):
        return int(raw.replace(".", ""))
    return None


# Verbs after which 'a/b' is a result even with nothing counted after it ('đạt 12/12').
_HAS = frozenset({"đạt", "có", "được", "hoàn", "thành", "là"})


def _counts_after(after: str) -> bool:
    """Whether a noun follows, past a parenthesis: '12/12 (đạt 100%) trẻ mồ côi'."""
    after = re.sub(r"^\s*\([^)]*\)", "", after)
    words = _words_after(after, 1)
    return bool(words) and words[0] not in FUNCTION_WORDS and not after.lstrip()[:1].isupper()


# --- Judging a number -------------------------------------------------------------------


def _qualifier(before: str) -> tuple[str, str]:
    """(the qualifier as written, its code) right before a number, or ('', 'exact')."""
    words = _words_before(before)
    for n in (2, 1):
        if len(words) >= n:
            written = " ".join(words[-n:])
            key = tuple(written.split())
            if key in _QUALIFIER_KEYS and written in QUALIFIER_CODES:
                return written, QUALIFIER_CODES[written]
    if _ends_with(words, ESTIMATE_BEFORE) or " ".join(words) in ESTIMATE_BEFORE:
        return "", "about"
    return "", "exact"


# parse_vn_number's qualifiers, with diacritics (its keys are folded).
_QUALIFIER_KEYS = {tuple(reported.split()) for reported in QUALIFIERS.values()}


def _not_a_figure(
    sentence: str, candidate: _Candidate, qualifier: str, name_spans: list[tuple[int, int]]
) -> str | None:
    """Why the number is no figure of the union's work, or None when it is one."""
    before = sentence[: candidate.start]
    if qualifier:
        before = before.rstrip()[: -len(qualifier)]
    words_before = _words_before(before)
    after = sentence[candidate.end :]
    words_after = _words_after(after)
    raw = _NUMBER.match(candidate.expression)
    digits = raw.group() if raw else ""
    token = sentence[
        sentence.rfind(" ", 0, candidate.start) + 1 : (sentence.find(" ", candidate.end) + 1)
        or len(sentence)
    ]
    if _URLISH.search(token):
        return "address"
    if _in_quotes(sentence, candidate.start):
        return "name in quotes"
    if any(s <= candidate.start < e for s, e in name_spans):
        return "part of a catalogue name"
    if _PER_UNIT.search(before[-40:]):
        return "an amount each or an average"  # 'mỗi suất trị giá 500.000 đồng'
    if words_before:
        last = words_before[-1]
        if _ends_with(words_before, BEFORE_NOT_FIGURE):
            if last == "số" and len(words_before) >= 2 and words_before[-2] in COUNT_BEFORE_SO:
                pass
            else:
                return f"after '{_ends_with(words_before, BEFORE_NOT_FIGURE)}'"
        if last == "gấp":
            return "a multiple"
    if _starts_with(words_after, AFTER_POPULATION):
        return "a share of the population"
    if candidate.kind == "count":
        if digits.isdigit() and len(digits) == 4 and YEAR_MIN <= int(digits) <= YEAR_MAX:
            if _starts_with(words_after, COUNTED_SET) is None:
                return "a year"
        counted = _starts_with(words_after, COUNTED_SET)
        if words_after and words_after[0] in AFTER_NOT_FIGURE and " " not in (counted or ""):
            return f"before '{words_after[0]}'"  # but '3.500 ngày công' counts workdays
        if _starts_with(words_after, AFTER_MEETING):
            return "people at a meeting"
        if _starts_with(words_after, AFTER_DEFINITION):
            return "a definition"
        if _starts_with(words_after, AFTER_NATURAL_EVENT):
            return "a natural event"
        if _starts_with(words_after, ADMINISTRATIVE_UNITS) and any(
            w in sentence.lower() for w in MERGER_WORDS
        ):
            return "units of an administrative merger"
        if not words_after:
            # Nothing counted follows: only 'DTTS: 579', 'là 180.833.' or a table's value
            # cell beside its label stand alone.
            stripped = before.rstrip()
            if not (
                stripped.endswith(":")
                or _ends_with(words_before, _STATES)
                or _labelled_cell(sentence, candidate)
            ):
                return "counts nothing"
        elif words_after[0] in FUNCTION_WORDS:
            return "counts nothing"
    return None


COUNTED_SET = frozenset(COUNTED)
# Verbs after which a number stands alone at the end of a clause ('lên 18.430.', 'là 27'),
# and the result's label in a 'kế hoạch 3.000, thực hiện 3.412' row.
_STATES = frozenset("là đạt thêm lên tăng giảm còn gồm".split()) | {"thực hiện"}
# 'mỗi suất trị giá 1 triệu đồng', 'bình quân 45 triệu đồng': an amount per item, an average.
_PER_UNIT = re.compile(r"\b(?:mỗi|bình quân|trung bình)\b(?:\s+[^\W\d_]+){0,4}\s*$", re.I)


def _labelled_cell(sentence: str, candidate: _Candidate) -> bool:
    """A table row (a Word table reads as tab-separated cells) with a label and this number
    as its one value: 'Tổng số hội viên⇥28.654'. A row of several numbers (plan, result,
    rate) is not read: which is the result is the table's header's to say."""
    line_start = sentence.rfind("\n", 0, candidate.start) + 1
    line_end = sentence.find("\n", candidate.end)
    line = sentence[line_start : line_end if line_end >= 0 else len(sentence)]
    if "\t" not in line:
        return False
    cells = [cell.strip() for cell in line.split("\t")]
    labels = [cell for cell in cells if cell and not _NUMBER.search(cell)]
    return len(_NUMBER.findall(line)) == 1 and bool(labels)


def _counted(candidate: _Candidate, after: str) -> str | None:
    if candidate.kind == "money":
        return "đồng"
    if candidate.kind == "percent":
        return "%"
    return _starts_with(_words_after(after, 3), COUNTED_SET)


_ADVERBIAL = re.compile(r"^[^,]{0,40},\s*")
# A person as the subject: a title and a capitalised name ('Chị Lò Thị Mai').
_PERSON_TITLES = frozenset({"chị", "bà", "anh", "ông", "cô"})


def _is_person(head: str) -> bool:
    words = head.split()[:5]
    if len(words) >= 3 and words[0].lower() == "gia" and words[1].lower() == "đình":
        words = words[2:]
    return (
        len(words) >= 3
        and words[0].lower() in _PERSON_TITLES
        and words[1][:1].isupper()
        and words[2][:1].isupper()
    )


def _other_organisation(sentence: str, position: int) -> bool:
    """Whether the sentence's subject is another organisation (and the union is not named
    before the number)."""
    lower = sentence.lower().lstrip(" -–•*")
    # 'Theo Sở Lao động - Thương binh và Xã hội, tỷ lệ hộ nghèo …': that office's figure.
    if (source := _ATTRIBUTION.match(sentence.lstrip(" -–•*"))) and not _UNION_NAMED.search(
        source.group()
    ):
        # 'cơ sở' (a grassroots unit) holds 'sở' (a provincial department).
        named = source.group().lower().replace("cơ sở", "")
        if any(o in named for o in OTHER_ORGANISATIONS):
            return True
    if _is_person(sentence.lstrip(" -–•*")):
        return _speaks_for_the_union(sentence[:position]) is False
    if (adverbial := _ADVERBIAL.match(lower)) and not any(
        o in adverbial.group() for o in OTHER_ORGANISATIONS
    ):
        lower = lower[adverbial.end() :]
    head = lower[:40]
    # 'Chị Lò Thị Mai đã nuôi 20 con bò': a member's own figures, not the union's.
    if _is_person(sentence[len(sentence) - len(lower) :]):
        return _speaks_for_the_union(sentence[:position]) is False
    if not any(head.startswith(o) for o in OTHER_ORGANISATIONS):
        return False
    return _UNION_NAMED.search(sentence[:position]) is None


def _speaks_for_the_union(before: str) -> bool:
    """Whether the person a sentence opens with speaks for the union: it is named ('Hội
    LHPN …') or she holds its office ('Chị Lê Thị Sen, Chủ tịch Hội, cho biết …')."""
    return bool(_UNION_BY_NAME.search(before) or _UNION_OFFICER.search(before))


_UNION_OFFICER = re.compile(r"\b(?:Phó\s+)?Chủ\s+tịch\s+Hội\b", re.I)
# A sentence that opens by naming its source: 'Theo …,' up to the first comma.
_ATTRIBUTION = re.compile(r"[Tt]heo\s[^,]{1,120},")
_UNION_BY_NAME = re.compile(r"\bHội (?:LHPN|Liên hiệp|Phụ nữ|PN)\b", re.I)
# The women's union named in a sentence ('Hội', 'các cấp hội', 'chi hội'), not 'xã hội' nor
# another association ('Hội Nông dân').
_UNION_NAMED = re.compile(
    r"(?<![Xx]ã )\bHội\b(?! (?:[Nn]ông dân|[Cc]ựu chiến binh|[Nn]gười|[Cc]hữ thập|[Kk]huyến học))"
    r"|\b(?:cấp|chi|cơ sở) [Hh]ội\b"
)


def _is_target(sentence: str, period_end_year: int | None) -> bool:
    lower = f" {sentence.lower()} "
    if any(word in lower for word in TARGET_WORDS):
        return True
    if lower.strip(" -–•*+").startswith(TARGET_OPENINGS):
        return True
    if period_end_year is None:
        return False
    for _, period in find_period(sentence):
        if period.start.year > period_end_year:
            return True
    return False


# --- The report -------------------------------------------------------------------------


def extract_report(document: Document) -> NarrativeReport:
    """Everything a careful reader takes from one report."""
    text = document.text
    passages = _passages(text)
    opening = _opening(text, passages)
    on = document.published
    period = report_period(opening, text, document.published)
    if on is None and period is not None:
        on = period.end
    units = find_units(opening)
    unit_code, unit_text = resolve_unit_named(units[0], on) if units else (None, None)
    if not units and (implied := implied_unit(opening, text, on)) is not None:
        unit_text, unit_code = implied[0].text, implied[1]
    report = NarrativeReport(
        unit_code=unit_code,
        unit_text=unit_text,
        period_code=period.code if period else None,
        period_text=(period_phrase(text, period.code) or period.code) if period else None,
    )
    end_year = period.end.year if period else (on.year if on else None)
    in_plan = seen_prose = False
    for start, end in passages:
        passage = text[start:end]
        if _is_damaged(passage):
            report.damaged.append((start, end))
            continue
        if _ends_the_article(passage):
            break  # related headlines, the source line and the page's footer follow
        if _is_furniture(passage):
            continue
        if not _is_heading(passage):
            seen_prose = True
        elif seen_prose:
            # Headings before the first paragraph are the title ('KẾT QUẢ … NĂM 2018 VÀ
            # ĐỊNH HƯỚNG … NĂM 2019'); later ones open sections.
            in_plan = _heads_a_plan(passage, end_year)
        for s_start, s_end in _sentences(text, start, end):
            found = _sentence_figures(text, s_start, s_end, report, end_year, on)
            for figure in found:
                figure.is_target = figure.is_target or in_plan
            report.figures.extend(found)
    return report


# A short line that closes a web article: the source, or the start of related headlines
# (their numbers are other articles' figures).
_ARTICLE_END = re.compile(
    r"^\W*(?:nguồn(?:\s+tin)?\b|theo\s+(?:báo|tạp chí|đài|cổng)\b|(?:các\s+)?tin(?:\s+bài)?"
    r"\s+(?:liên quan|khác|cùng chuyên mục)|bài viết liên quan|xem thêm|đọc thêm)",
    re.I,
)
_ARTICLE_END_MAX_WORDS = 8


def _ends_the_article(passage: str) -> bool:
    return (
        len(_WORD.findall(passage)) <= _ARTICLE_END_MAX_WORDS
        and _ARTICLE_END.match(passage.strip()) is not None
    )


_HEADING_MAX_WORDS = 20
_NUMBERED = re.compile(r"(?:[IVXLC]+|\d{1,2}|[a-zđ])[.)]\s")
_PLAN_HEADINGS = ("phương hướng", "định hướng", "kế hoạch", "nhiệm vụ trọng tâm", "mục tiêu")


def _is_heading(passage: str) -> bool:
    stripped = passage.strip()
    return (
        len(_WORD.findall(stripped)) <= _HEADING_MAX_WORDS
        and not stripped.endswith((".", ";", ",", ":"))
        or stripped.isupper()
    )


def _heads_a_plan(heading: str, end_year: int | None) -> bool:
    """A heading of what is to be done ('II. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2023'): the figures
    under it are targets, until a heading of results."""
    lower = heading.lower()
    if "kết quả" in lower:
        return False
    stripped = lower.strip(" \t-–•*")
    # A section heading: numbered ('II.', '2.'), in capitals, or opening with the plan word;
    # not a photo caption that mentions a plan ('Đại hội thảo luận kế hoạch').
    section = bool(_NUMBERED.match(heading.strip())) or heading.strip().isupper()
    if any(stripped.startswith(w) or (section and w in lower) for w in _PLAN_HEADINGS):
        return True
    # 'NHIỆM VỤ NĂM 2023' in a report of 2022; a bare date line is no heading of a plan.
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", heading)]
    later = end_year is not None and bool(years) and min(years) > end_year
    return later and "nhiệm vụ" in lower and (section or stripped.startswith("nhiệm vụ"))


def _opening(text: str, passages: list[tuple[int, int]]) -> str:
    if not passages:
        return ""
    first = passages[0][0]
    return text[first : first + _OPENING_CHARS]


def _sentence_figures(
    text: str,
    s_start: int,
    s_end: int,
    report: NarrativeReport,
    end_year: int | None,
    on: dt.date | None,
) -> list[Figure]:
    sentence = text[s_start:s_end]
    if not any(ch.isdigit() for ch in sentence):
        return []
    out: list[Figure] = []
    position = previous_end = 0
    name_spans: list[tuple[int, int]] | None = None
    is_target = _is_target(sentence, end_year)
    sentence_period = _sentence_period(sentence, end_year)
    while match := _NUMBER.search(sentence, position):
        candidate, position = _candidate(sentence, match)
        if candidate is None:
            continue
        written, qualifier = _qualifier(sentence[: candidate.start])
        if name_spans is None:
            name_spans = numbered_name_spans(sentence)
        if _not_a_figure(sentence, candidate, written, name_spans) is not None:
            continue
        if _other_organisation(sentence, candidate.start):
            continue
        expression = f"{written} {candidate.expression}" if written else candidate.expression
        try:
            parsed = parse_vn_number(" ".join(expression.split()))
        except NumberParseError:
            continue
        if parsed.value is None:
            continue
        if candidate.kind == "money" and parsed.currency is None:
            candidate.kind = "count"  # 'hơn 32 ngàn lượt hội viên': thousands of people
        after = sentence[candidate.end :]
        # The words that name a figure lie between it and the figure before it.
        context_start, previous_end = previous_end, candidate.end
        clause_before, clause_after = _clauses(sentence, context_start, candidate)
        if written:
            # The qualifier is no part of the words that name the figure.
            clause_before = clause_before.rstrip()[: -len(written)]
        kind = {"money": "money", "percent": "percent"}.get(candidate.kind, "count")
        out.append(
            Figure(
                value=parsed.value,
                text=candidate.expression,
                start=s_start + candidate.start,
                end=s_start + candidate.end,
                qualifier=qualifier,
                whole=candidate.whole,
                indicator=match_indicator(clause_before, clause_after, kind)
                or _label_indicator(sentence, candidate.start, clause_after, kind),
                counted=_counted(candidate, after),
                unit=_figure_unit(sentence, candidate.start, report, on),
                period=sentence_period or report.period_code,
                evidence=" ".join(sentence.split()),
                is_target=is_target,
            )
        )
    _of_which(sentence, s_start, out)
    return out


_OF_WHICH = re.compile(r"trong\s+đó", re.I)
_GROUP_END = re.compile(r"[);]")


def _of_which(sentence: str, s_start: int, figures: list[Figure]) -> None:
    """'222 trẻ em (trong đó 2 em …, 220 em …)': the figures after 'trong đó' are parts of
    the figure before it, when they count the same thing and add up to no more than it."""
    for marker in _OF_WHICH.finditer(sentence):
        at = s_start + marker.start()
        whole = next((f for f in reversed(figures) if f.end <= at), None)
        if whole is None:
            continue
        stop = _GROUP_END.search(sentence, marker.end())
        limit = s_start + (stop.start() if stop else len(sentence))
        parts = [f for f in figures if at < f.start < limit and f.whole is None]
        if not parts or any(_kind(p) != _kind(whole) for p in parts):
            continue
        if sum(p.value for p in parts) <= whole.value:
            for part in parts:
                part.whole = whole.value
                # 'DTTS: 579' of households out of poverty: a breakdown of the same indicator.
                part.indicator = part.indicator or whole.indicator


def _kind(figure: Figure) -> str:
    return figure.counted if figure.counted in ("đồng", "%") else "count"


_ITEM_BREAK = re.compile(r"[,;]|\s(?:và|với|cho)\s")
_MONEY_ITEM_BREAK = re.compile(r"[,;]|\s(?:và|cho)\s")


def _clauses(sentence: str, context_start: int, candidate: _Candidate) -> tuple[str, str]:
    """The words before and after a number that can name what it counts: before, back to
    the list item's start when another number precedes it in the sentence ('giúp 57 hộ
    thoát nghèo, xây dựng 12 mái ấm'), else to the clause's; a label before a colon when
    nothing else is ('giảm: 583 hội viên'); after, to the next number or clause."""
    parts = re.split(r"[;:]", sentence[context_start : candidate.start])
    before = parts[-1]
    if not before.strip() and len(parts) > 1:
        before = parts[-2]
    if context_start > 0 and len(parts) == 1:
        # Right after another figure, its own noun comes first ('437 buổi tuyên truyền với
        # 12.941 lượt người'): the words from the last break on. Money goes on past 'với'
        # ('18 nhà Mái ấm tình thương với tổng trị giá …'): it is the value of what the
        # figure before counts. After a ';' the clause is the figure's own ('…; tư vấn
        # pháp luật cho 08 lượt').
        breaks = _ITEM_BREAK if candidate.kind != "money" else _MONEY_ITEM_BREAK
        before = breaks.split(before)[-1]
    after = sentence[candidate.end :]
    following = _NUMBER.search(after)
    after = after[: following.start()] if following else after
    return before, re.split(r"[;:]", after)[0]


def _label_indicator(sentence: str, position: int, after: str, kind: str) -> str | None:
    """The indicator a list item's label names ('- Tuyên truyền: tổ chức 125 buổi', 'Kết nạp
    hội viên mới: kế hoạch 3.000, thực hiện 3.412'), for a figure whose own words name none.
    The label runs from the item's start to its colon; a ';' after the colon starts another
    item."""
    colon = sentence.rfind(":", 0, position)
    if colon < 0 or ";" in sentence[colon:position]:
        return None
    start = max(sentence.rfind(mark, 0, colon) for mark in ";\n") + 1
    label = sentence[start:colon].strip(" -–•*+\t")
    if not label or _NUMBER.search(label):
        return None
    return match_indicator(label, after, kind)


def _sentence_period(sentence: str, end_year: int | None) -> str | None:
    for _, period in find_period(sentence):
        if end_year is None or period.end.year <= end_year:
            return period.code
    return None


_SUBJECT_BREAK = re.compile(r"(?:với|của|cho|và|tại|từ|giữa|cùng|là)\s*$", re.I)


def _figure_unit(
    sentence: str, position: int, report: NarrativeReport, on: dt.date | None
) -> str | None:
    """A named sub-unit that is the subject before the number ('Hội LHPN xã X đã…'), when it
    resolves; else the report's unit."""
    for mention in reversed(find_units(sentence[:position])):
        if _SUBJECT_BREAK.search(sentence[: mention.start]):
            continue
        code = resolve_unit(mention, on)
        if code is not None:
            return code
    return report.unit_code
