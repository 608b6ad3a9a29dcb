"""Narrative reports with known figures, for tests at volume and the narrative bench.

Each report is a district union's report for a year or a half-year, written the way real
reports are (docs/narrative.md): a title naming the unit and period, a byline, paragraphs of
results in templated Vietnamese sentences (money words, qualifiers, parts of a whole,
leading zeros, a named commune union as the subject of some), and distractors a careful
reader leaves out: dates, delegate counts, ordinals, durations, ages, document numbers,
programme names, another organisation's money, a target for next year, and page furniture
(a temperature, view counters). The answer key is in the scorer's format
(../shared/tools/score_narrative.py), so a generated folder can be scored like a real one.

    reports = generate_narrative_reports(count=50, seed=1)
    write_narrative_reports(folder, count=50, seed=1)    # *.txt and answer-key.json
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ingestion.reference.org_units import LAST_LEGACY_DAY, load_org_units
from ingestion.resolve import ResolutionError, UnitResolver, unit_resolver

__all__ = [
    "KnownFigure",
    "SyntheticReport",
    "generate_narrative_reports",
    "write_narrative_reports",
]

# The scorer's words for a qualifier, by the qualifier code of ingestion.narrative.
_SCORER_QUALIFIER = {
    "exact": "exact",
    "more_than": "more than",
    "nearly": "nearly",
    "about": "about",
    "less_than": "less than",
}
_QUALIFIER_WORDS = {"more_than": ("trên", "hơn"), "nearly": ("gần",), "about": ("khoảng",)}
# Words either side of a figure that its quote in the key keeps.
_QUOTE_WORDS = 4


@dataclass(frozen=True)
class KnownFigure:
    """A figure the report states, where it stands, and what a reader must make of it."""

    value: float
    start: int
    end: int
    qualifier: str
    whole: float | None
    indicator: str
    unit: str
    quote: str


@dataclass
class SyntheticReport:
    name: str
    text: str
    unit_code: str
    period_code: str
    figures: list[KnownFigure] = field(default_factory=list)


@dataclass(frozen=True)
class _Place:
    district_code: str
    district: str  # 'huyện Thủ Thừa'
    province: str  # 'tỉnh Long An'
    communes: tuple[tuple[str, str], ...]  # (code, 'xã Tân Thành') that resolve alone


@cache
def _places() -> tuple[_Place, ...]:
    """Legacy districts (with communes) whose names resolve back to them unambiguously."""
    units = load_org_units().units
    legacy = units[units.valid_to.astype(str) == LAST_LEGACY_DAY.isoformat()]
    names = dict(zip(legacy.unit_code, legacy.name_vi, strict=True))
    resolver = unit_resolver()
    by_parent: dict[str, list[str]] = {}
    for code, parent in zip(legacy.unit_code, legacy.parent_code, strict=True):
        by_parent.setdefault(str(parent), []).append(code)
    out = []
    for row in legacy[legacy.level == "district"].itertuples(index=False):
        if not str(row.name_vi).startswith("Huyện "):
            continue
        district = "huyện " + str(row.name_vi)[len("Huyện ") :]
        province = _lower_first(names.get(str(row.parent_code), ""))
        communes = tuple(
            (code, _lower_first(names[code]))
            for code in sorted(by_parent.get(str(row.unit_code), []))[:6]
            if names[code].startswith("Xã ")
            and all(word[:1].isupper() for word in names[code].split())
            and _resolves(resolver, _lower_first(names[code]), code)
        )
        if province and communes and _resolves(resolver, f"{district}, {province}", row.unit_code):
            out.append(_Place(row.unit_code, district, province, communes))
        if len(out) >= 120:
            break
    return tuple(out)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:] if name else name


def _resolves(resolver: UnitResolver, text: str, code: str) -> bool:
    try:
        return resolver.resolve(text, on=LAST_LEGACY_DAY) == code
    except ResolutionError:
        return False


# --- Writing numbers ----------------------------------------------------------------------


def _count_text(rng: random.Random, n: int) -> str:
    if n < 10 and rng.random() < 0.3:
        return f"{n:02d}"  # '04 xã'
    return f"{n:,}".replace(",", ".")


def _money_text(rng: random.Random) -> tuple[str, float]:
    form = rng.randrange(5)
    if form == 0:
        millions = rng.randrange(20, 990)
        return f"{millions} triệu đồng", millions * 1e6
    if form == 1:
        tenths = rng.randrange(11, 99)
        whole, decimal = divmod(tenths, 10)
        return f"{whole},{decimal} tỷ đồng", tenths * 1e8
    if form == 2:
        billions, millions = rng.randrange(2, 400), rng.randrange(1, 9) * 100
        return f"{billions} tỷ {millions} triệu đồng", billions * 1e9 + millions * 1e6
    if form == 3:
        millions = rng.randrange(1_000, 450_000)
        return f"{millions:,} triệu đồng".replace(",", "."), millions * 1e6
    billions = rng.randrange(2, 300)
    return f"{billions} tỷ đồng", billions * 1e9


def _qualified(rng: random.Random) -> tuple[str, str]:
    """(words before the number, qualifier code)."""
    roll = rng.random()
    if roll < 0.55:
        return "", "exact"
    code = rng.choice(tuple(_QUALIFIER_WORDS))
    return rng.choice(_QUALIFIER_WORDS[code]) + " ", code


# --- Building a text with the offsets of its figures -------------------------------------


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending: list[tuple[int, int, float, str, float | None, str, str | None]] = []

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def figure(
        self,
        written: str,
        value: float,
        qualifier: str,
        indicator: str,
        whole: float | None = None,
        unit: str | None = None,
    ) -> None:
        start = self.length
        self.put(written)
        self.pending.append((start, self.length, value, qualifier, whole, indicator, unit))

    def text(self) -> str:
        return "".join(self.parts)


def _quote(text: str, start: int, end: int) -> str:
    """The figure with a few words either side, cut from the text itself (same line)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = [m.start() for m in re.finditer(r"\S+", text[line_start:start])]
    after = [m.end() for m in re.finditer(r"\S+", text[end:line_end])]
    first = line_start + before[-_QUOTE_WORDS] if len(before) >= _QUOTE_WORDS else line_start
    last = end + after[_QUOTE_WORDS - 1] if len(after) >= _QUOTE_WORDS else line_end
    return text[first:last].strip()


# --- Sentences ----------------------------------------------------------------------------

_Sentence = Callable[[_Writer, random.Random, "_Context"], None]


@dataclass(frozen=True)
class _Context:
    place: _Place
    year: int
    period_text: str
    subject: str  # 'Hội LHPN huyện Thủ Thừa'


def _members(w: _Writer, rng: random.Random, c: _Context) -> None:
    q, code = _qualified(rng)
    n = rng.randrange(2_000, 60_000)
    w.put(f"Đến nay, {c.subject} hiện có {q}")
    w.figure(_count_text(rng, n), n, code, "members_total")
    branches = rng.randrange(12, 400)
    w.put(" hội viên, sinh hoạt tại ")
    w.figure(_count_text(rng, branches), branches, "exact", "members_branches")
    w.put(" chi hội. ")


def _admitted(w: _Writer, rng: random.Random, c: _Context) -> None:
    n = rng.randrange(40, 3_000)
    w.put(f"Trong {c.period_text}, các cấp Hội đã vận động kết nạp mới ")
    w.figure(_count_text(rng, n), n, "exact", "members_admitted")
    w.put(" hội viên. ")


def _poverty(w: _Writer, rng: random.Random, c: _Context) -> None:
    q, code = _qualified(rng)
    n = rng.randrange(3, 400)
    w.put(f"Các cấp Hội đã giúp {q}")
    w.figure(_count_text(rng, n), n, code, "prog_households_out_of_poverty")
    w.put(" hộ phụ nữ thoát nghèo, ")
    houses = rng.randrange(1, 40)
    w.put("xây dựng ")
    w.figure(_count_text(rng, houses), houses, "exact", "prog_houses_built")
    money, value = _money_text(rng)
    w.put(" mái ấm tình thương trị giá ")
    w.figure(money, value, "exact", "fin_houses_value")
    w.put(". ")


def _loans(w: _Writer, rng: random.Random, c: _Context) -> None:
    q, code = _qualified(rng)
    money, value = _money_text(rng)
    w.put(f"Hội nhận ủy thác của Ngân hàng Chính sách xã hội với tổng dư nợ {q}")
    w.figure(money, value, code, "fin_trust_loan_balance")
    households = rng.randrange(200, 9_000)
    w.put(", giúp ")
    w.figure(_count_text(rng, households), households, "exact", "fin_borrowing_households")
    w.put(" hộ vay vốn phát triển kinh tế. ")


def _godmother(w: _Writer, rng: random.Random, c: _Context) -> None:
    n = rng.randrange(2, 90)
    w.put("Thực hiện Chương trình “Mẹ đỡ đầu”, các cấp Hội đã nhận đỡ đầu ")
    w.figure(_count_text(rng, n), n, "exact", "prog_godmother_children_new")
    w.put(" trẻ em mồ côi có hoàn cảnh đặc biệt khó khăn. ")


def _propaganda(w: _Writer, rng: random.Random, c: _Context) -> None:
    q, code = _qualified(rng)
    sessions = rng.randrange(20, 900)
    w.put(f"Các cấp Hội đã tổ chức {q}")
    w.figure(_count_text(rng, sessions), sessions, code, "prog_propaganda_sessions")
    w.put(" buổi tuyên truyền với ")
    if rng.random() < 0.5:
        thousands = rng.randrange(2, 60)
        w.put("hơn ")
        w.figure(f"{thousands} ngàn", thousands * 1000, "more_than", "prog_propaganda_participants")
    else:
        people = rng.randrange(500, 40_000)
        w.figure(_count_text(rng, people), people, "exact", "prog_propaganda_participants")
    w.put(" lượt người tham dự. ")


def _units_good(w: _Writer, rng: random.Random, c: _Context) -> None:
    whole = rng.randrange(8, 40)
    part = rng.randrange(max(1, whole - 6), whole + 1)
    w.put("Kết quả đánh giá, xếp loại: có ")
    w.figure(f"{part}/{whole}", part, "exact", "members_units_good", whole=whole)
    w.put(" cơ sở Hội hoàn thành tốt nhiệm vụ trở lên. ")


def _rate(w: _Writer, rng: random.Random, c: _Context) -> None:
    tenths = rng.randrange(600, 990)
    whole, decimal = divmod(tenths, 10)
    w.put("Tỷ lệ tập hợp hội viên đạt ")
    w.figure(f"{whole},{decimal}%", tenths / 10, "exact", "members_rate")
    w.put(". ")


def _gifts(w: _Writer, rng: random.Random, c: _Context) -> None:
    n = rng.randrange(20, 2_000)
    money, value = _money_text(rng)
    w.put("Nhân dịp Tết Nguyên đán, Hội đã trao tặng ")
    w.figure(_count_text(rng, n), n, "exact", "prog_gifts")
    w.put(" suất quà trị giá ")
    w.figure(money, value, "exact", "fin_gifts_value")
    w.put(" cho hội viên, phụ nữ nghèo. ")


def _commune_clubs(w: _Writer, rng: random.Random, c: _Context) -> None:
    code, commune = rng.choice(c.place.communes)
    n = rng.randrange(1, 9)
    w.put(f"Riêng Hội LHPN {commune} đã ra mắt ")
    w.figure(_count_text(rng, n), n, "exact", "prog_clubs_founded", unit=code)
    w.put(" câu lạc bộ phòng, chống bạo lực gia đình. ")


def _startups(w: _Writer, rng: random.Random, c: _Context) -> None:
    q, code = _qualified(rng)
    n = rng.randrange(5, 300)
    w.put(f"Hội hỗ trợ {q}")
    w.figure(_count_text(rng, n), n, code, "prog_939_women_supported")
    w.put(" phụ nữ khởi nghiệp, khởi sự kinh doanh. ")


_RESULTS: tuple[_Sentence, ...] = (
    _members,
    _admitted,
    _poverty,
    _loans,
    _godmother,
    _propaganda,
    _units_good,
    _rate,
    _gifts,
    _commune_clubs,
    _startups,
)


# --- Distractors (numbers that are not figures) -------------------------------------------

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _distractors(rng: random.Random, c: _Context) -> list[str]:
    day, month = rng.randrange(1, 28), rng.randrange(1, 13)
    return [
        f"Ngày {day}/{month}/{c.year}, {c.subject} tổ chức Hội nghị tổng kết công tác Hội và "
        f"phong trào phụ nữ {c.period_text}. ",
        f"Dự hội nghị có {rng.randrange(60, 300)} đại biểu là cán bộ Hội chủ chốt các xã, "
        "thị trấn. ",
        f"Đây là năm thứ {rng.randrange(2, 5)} thực hiện Nghị quyết Đại hội đại biểu phụ nữ "
        f"huyện lần thứ {rng.choice(_ROMAN)}, nhiệm kỳ 2021-2026. ",
        f"Sau {rng.randrange(2, 6)} năm triển khai, mô hình đã phát huy hiệu quả. ",
        "Hội tập trung thu hút phụ nữ từ 18 tuổi trở lên tham gia sinh hoạt Hội. ",
        "Cuộc vận động “Xây dựng gia đình 5 không, 3 sạch” tiếp tục được triển khai sâu rộng. ",
        f"Thực hiện Kế hoạch số {rng.randrange(10, 99)}/KH-ĐCT ngày {day}/{month}/{c.year} của "
        "Đoàn Chủ tịch Trung ương Hội. ",
        f"UBND huyện đã hỗ trợ {rng.randrange(50, 500)} triệu đồng để sửa chữa nhà văn hóa. ",
        f"Năm {c.year + 1}, Hội phấn đấu kết nạp mới {rng.randrange(100, 900)} hội viên. ",
        f"Trong {rng.randrange(2, 4)} ngày ({day} và {day + 1}/{month}), đoàn đã thăm các cơ sở. ",
    ]


def _furniture(rng: random.Random, c: _Context) -> tuple[str, str]:
    # Published early the next year, while the units of the report still exist.
    day, month = rng.randrange(1, 28), rng.randrange(1, 7)
    time = f"{rng.randrange(7, 18)}:{rng.randrange(60):02d}"
    views = f"{rng.randrange(100, 9_000):,}".replace(",", ".")
    byline = f"Thứ hai - {day:02d}/{month:02d}/{c.year + 1} {time}   Lượt xem: {views}"
    footer = (
        f"Hà Nội {rng.randrange(14, 36)}°C\n"
        f"Thống kê truy cập\n  • Đang truy cập{rng.randrange(5, 80)}\n"
        f"  • Hôm nay{rng.randrange(1_000, 9_999):,}\n"
        f"  • Tổng lượt truy cập{rng.randrange(100_000, 9_000_000):,}\n"
    )
    return byline, footer


# --- Reports ------------------------------------------------------------------------------


def _report(rng: random.Random, index: int) -> SyntheticReport:
    place = rng.choice(_places())
    year = rng.randrange(2016, 2025)
    half = rng.random() < 0.3
    period_text, period_code = (
        (f"6 tháng đầu năm {year}", f"{year}-H1") if half else (f"năm {year}", f"{year}")
    )
    subject = f"Hội LHPN {place.district}"
    context = _Context(place, year, period_text, subject)
    w = _Writer()
    byline, footer = _furniture(rng, context)
    w.put(f"{subject} ({place.province}) tổng kết công tác Hội {period_text}\n\n{byline}\n\n")
    distractors = _distractors(rng, context)
    rng.shuffle(distractors)
    results = list(_RESULTS)
    rng.shuffle(results)
    for paragraph in range(3):
        w.put(distractors.pop())
        for sentence in results[paragraph * 4 : paragraph * 4 + 4]:
            sentence(w, rng, context)
        w.put(distractors.pop())
        w.put("\n\n")
    w.put("".join(distractors[:2]) + "\n\n" + footer)
    text = w.text()
    figures = [
        KnownFigure(
            value=value,
            start=start,
            end=end,
            qualifier=qualifier,
            whole=whole,
            indicator=indicator,
            unit=unit or place.district_code,
            quote=_quote(text, start, end),
        )
        for start, end, value, qualifier, whole, indicator, unit in w.pending
    ]
    name = f"synthetic-{index:04d}-{place.district_code}-{period_code}.txt"
    return SyntheticReport(name, text, place.district_code, period_code, figures)


def generate_narrative_reports(count: int, seed: int = 0) -> list[SyntheticReport]:
    """`count` reports, the same for the same seed."""
    rng = random.Random(seed)
    return [_report(rng, i) for i in range(count)]


def answer_key(reports: list[SyntheticReport]) -> dict[str, dict]:
    """The reports' figures in the scorer's answer-key format."""
    return {
        report.name: {
            "source": "synthetic",
            "unit": report.unit_code,
            "period": report.period_code,
            "notes": [],
            "figures": [
                {
                    "meaning": f.indicator,
                    "hint": f.indicator,
                    "value": f.value,
                    "unit": f.unit,
                    "qualifier": _SCORER_QUALIFIER[f.qualifier],
                    "part_whole": None if f.whole is None else f"{f.value:g} of {f.whole:g}",
                    "quote": f.quote,
                }
                for f in report.figures
            ],
            "ambiguous": [],
            "not_figures": ["dates, delegates, ordinals, durations, ages, targets, furniture"],
        }
        for report in reports
    }


def write_narrative_reports(folder: Path, count: int, seed: int = 0) -> list[SyntheticReport]:
    """Write `count` reports as UTF-8 .txt files and their answer-key.json into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    reports = generate_narrative_reports(count, seed)
    for report in reports:
        (folder / report.name).write_text(report.text, encoding="utf-8")
    (folder / "answer-key.json").write_text(
        json.dumps(answer_key(reports), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return reports
