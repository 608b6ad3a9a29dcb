"""Which catalogue indicator the words around a figure name.

The phrases are data of the catalogue (ingestion/reference/indicators.yml): each indicator's
Vietnamese name, its aliases, and a `phrases:` list of the ways narrative reports write it
('hộ thoát nghèo', 'tổng dư nợ'). A figure takes the indicator whose phrase, found in the
figure's clause, is longest and nearest to the number, among the indicators whose unit fits
the figure (money needs a vnd indicator, a percentage a percent one, a count neither).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from ingestion.narrative.vocabulary import COUNTED
from ingestion.normalise import to_nfc

__all__ = ["IndicatorPhrase", "indicator_phrases", "match_indicator", "numbered_name_spans"]

_COUNTED = frozenset(COUNTED)
# Words a phrase may be away from the number and still name what the number counts.
_MAX_DISTANCE_WORDS = 30


@dataclass(frozen=True)
class IndicatorPhrase:
    code: str
    unit: str
    kind: str
    phrase: str
    pattern: re.Pattern[str]
    words: int


# Words that come and go in the same phrase ('cơ sở Hội [được] xếp loại', 'mái ấm [với]
# tổng trị giá'); they are left out of both the phrases and the text they are sought in.
_FILLERS = frozenset({"được", "đã", "các", "những", "với", "là"})
_QUOTES = str.maketrans({c: " " for c in "“”\"'‘’«»"})


def _normal(text: str) -> str:
    lower = to_nfc(text).lower().replace("uỷ", "ủy").replace("hoà", "hòa").translate(_QUOTES)
    return " ".join(w for w in lower.split() if w not in _FILLERS)


@cache
def indicator_phrases() -> tuple[IndicatorPhrase, ...]:
    """Every (indicator, phrase) pair of the catalogue, longest phrase first."""
    text = resources.files("ingestion.reference").joinpath("indicators.yml").read_text("utf-8")
    out: list[IndicatorPhrase] = []
    for entry in yaml.safe_load(text)["indicators"]:
        texts = [entry["name_vi"], *entry.get("aliases", []), *entry.get("phrases", [])]
        seen: set[str] = set()
        for raw in texts:
            # '(Mẹ đỡ đầu)' and the like qualify a name; reports do not write them.
            phrase = _normal(re.sub(r"\([^)]*\)", " ", str(raw)))
            if len(phrase) < 2 or phrase in seen:
                continue
            seen.add(phrase)
            pattern = re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")
            words = phrase.count(" ") + 1
            out.append(
                IndicatorPhrase(entry["code"], entry["unit"], entry["kind"], phrase, pattern, words)
            )
    out.sort(key=lambda p: -len(p.phrase))
    return tuple(out)


@cache
def _phrases_for(kind: str) -> tuple[IndicatorPhrase, ...]:
    return tuple(p for p in indicator_phrases() if _fits(p, kind))


def _fits(phrase: IndicatorPhrase, kind: str) -> bool:
    if kind == "money":
        return phrase.unit == "vnd"
    if kind == "percent":
        return phrase.unit == "percent"
    return phrase.unit not in ("vnd", "percent")


def match_indicator(before: str, after: str, kind: str) -> str | None:
    """The indicator named by the clause around a figure: `before` is the clause up to the
    number, `after` the rest of it; `kind` is 'money', 'percent' or 'count'.

    A phrase the number stands inside ('sự tham gia của [116.572] hội viên, phụ nữ') counts
    most; then phrases after the number that start before the next comma, then phrases
    before it, each weighing its length less its distance from the number."""
    before_words = _normal(before).split()[-_MAX_DISTANCE_WORDS:]
    after_n = " ".join(_normal(after).split()[:_MAX_DISTANCE_WORDS])
    near_before = " ".join(before_words)
    comma = after_n.find(",")
    first_item_end = comma if comma >= 0 else len(after_n)
    joined = f"{near_before} {after_n}".strip()
    junction = len(near_before)
    best: tuple[float, str] | None = None
    for phrase in _phrases_for(kind):
        if phrase.phrase not in joined:
            continue  # a plain substring test first: most phrases are nowhere near
        # A bare counted noun ('hội viên', 'câu lạc bộ') says less than a verb phrase
        # ('kết nạp mới'): it weighs one word in two.
        weight = 1.0 if phrase.phrase in _COUNTED else 2.0
        scores = []
        if near_before and after_n:
            for match in phrase.pattern.finditer(joined):
                if match.start() < junction < match.end():
                    scores.append(phrase.words * 2.0 + 1.0)
        if (match := phrase.pattern.search(after_n)) and match.start() <= first_item_end:
            distance = after_n[: match.start()].count(" ")
            # A bare noun further on is what another noun belongs to, not what the number
            # counts: '7 đơn thư của hội viên' counts letters.
            if weight == 2.0 or distance == 0:
                scores.append(phrase.words * weight - distance * 0.5 + 0.5)
        for match in phrase.pattern.finditer(near_before):
            # A clause names its subject first ('Với tổng dư nợ các nguồn vốn … là gần 1.293
            # tỷ đồng'): distance before the number costs less than after it.
            distance = near_before[match.end() :].count(" ")
            scores.append(phrase.words * weight - distance * 0.25)
        score = max(scores, default=None)
        if score is not None and score > 0 and (best is None or score > best[0]):
            best = (score, phrase.code)
    return None if best is None else best[1]


@cache
def _numbered_names() -> re.Pattern[str] | None:
    """One pattern for the catalogue phrases that hold a number ('5 không, 3 sạch', 'dưới
    50%', 'chương trình 2'): a number inside one is part of a name, not a figure."""
    phrases = sorted({p.phrase for p in indicator_phrases() if re.search(r"\d", p.phrase)})
    if not phrases:
        return None
    alternatives = [
        r"\s*".join(
            r"\s+".join(re.escape(word) for word in chunk.split())
            for chunk in re.split(r"(?<=[,(])|(?=[,)])", phrase)
        )
        for phrase in sorted(phrases, key=len, reverse=True)
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def numbered_name_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of the sentence that are catalogue names holding a number."""
    pattern = _numbered_names()
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(to_nfc(sentence))]
