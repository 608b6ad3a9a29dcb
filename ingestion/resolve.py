"""Resolving the names people write into unit codes and indicator codes.

Reports name units the way people write them: 'Tỉnh Lạng Sơn', 'LẠNG SƠN', 'tinh lang son',
'TP. Hồ Chí Minh', 'Hội LHPN tỉnh Bình Phước', in NFC or NFD, with or without diacritics.
The same name can mean several units: the 2025 merger kept many province names under new
codes ('Lạng Sơn' is P20 before 1 July 2025 and P2025-20 after), and thousands of communes
share names ('Phường 1', 'Xã Tân Thành'). The resolver never guesses between such units: it
returns one code or raises ResolutionError listing the candidates, in English and Vietnamese,
so a data steward can add a parent, a level or the period date.

Rules, in order:

1. An exact unit code ('P15', 'c2025-00004', ' vn ') is returned as written. The crosswalk,
   not the resolver, moves a legacy code into the 2025 era, so `on` and `level` do not apply.
2. A bare GSO code ('15', '132', '04246') is looked up among the units with that GSO code;
   the GSO reused codes in 2025 (15 was Yên Bái, is now Lào Cai), so `on` picks the era.
3. Otherwise the text is a name. A union prefix ('Hội LHPN', 'Hội Liên hiệp Phụ nữ',
   'Hội Phụ nữ') is dropped; an administrative prefix ('Tỉnh', 'TP.', 'Huyện', 'Xã', ...)
   narrows the candidates to units written with that prefix (or, failing that, to the level
   the prefix implies). Text that names no unit as a whole but contains ',' or ' - ' is read
   as 'unit, parent, grandparent' and every parent must be an ancestor of the unit.
4. The candidates are then filtered by `level`; when `level` is not given and the name was
   not qualified by an administrative prefix, the highest level wins: an unqualified
   'Hải Dương' is the province, not the city or the commune of the same name (those are
   written 'Thành phố Hải Dương', 'Xã Hải Dương').
5. `on` keeps the units that existed on that date; if none did, the error names the
   successors. Without `on`, candidates from both sides of the merger are ambiguous.
6. Names that fold alike ('Lạng Sơn', 'Lãng Sơn') are narrowed to those spelled with the
   diacritics the writer typed, if any. More than one candidate left is ambiguous.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd
from rapidfuzz import fuzz, process

from ingestion.normalise.text import fold, to_nfc
from ingestion.reference.catalogue import load_catalogue
from ingestion.reference.disaggregations import dimension_of, load_disaggregations
from ingestion.reference.org_units import MERGER_DATE, load_org_units

__all__ = [
    "LEVELS",
    "DisaggregationResolver",
    "IndicatorResolver",
    "ResolutionError",
    "UnitResolver",
    "clear_resolution_caches",
    "disaggregation_resolver",
    "indicator_resolver",
    "unit_resolver",
]

LEVELS = ("central", "province", "district", "commune")
_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
_LEVEL_VI = {"central": "trung ương", "province": "tỉnh", "district": "huyện", "commune": "xã"}

# Folded union prefixes, longest first so 'hoi lien hiep phu nu' is not cut after 'hoi'.
_UNION_PREFIXES = ("hoi lien hiep phu nu", "hoi lhpn", "hoi phu nu")
# _strip_union_prefix looks no further in a key that does not start so.
assert all(p.startswith("hoi ") for p in _UNION_PREFIXES)

# Folded administrative prefix → (canonical prefix, the levels it can name). 'TP.' is how
# 'Thành phố' is abbreviated ('TX.' thị xã, 'TT.' thị trấn, 'Q.' quận, 'H.' huyện); a city
# can be a province (Hải Phòng) or a district.
_ADMIN_PREFIXES: dict[str, tuple[str, frozenset[str]]] = {
    "thanh pho": ("thanh pho", frozenset({"province", "district"})),
    "tp": ("thanh pho", frozenset({"province", "district"})),
    "thi tran": ("thi tran", frozenset({"commune"})),
    "tt": ("thi tran", frozenset({"commune"})),
    "thi xa": ("thi xa", frozenset({"district"})),
    "tx": ("thi xa", frozenset({"district"})),
    "q": ("quan", frozenset({"district"})),
    "h": ("huyen", frozenset({"district"})),
    "dac khu": ("dac khu", frozenset({"commune"})),
    "tinh": ("tinh", frozenset({"province"})),
    "huyen": ("huyen", frozenset({"district"})),
    "quan": ("quan", frozenset({"district"})),
    "phuong": ("phuong", frozenset({"commune"})),
    "xa": ("xa", frozenset({"commune"})),
}
# Two-word prefixes are tried first, so 'thanh pho' is not mistaken for another prefix and a
# longer prefix is always preferred to a shorter one it might contain.
_TWO_WORD_PREFIXES = frozenset(p for p in _ADMIN_PREFIXES if p.count(" ") == 1)
_ONE_WORD_PREFIXES = frozenset(p for p in _ADMIN_PREFIXES if " " not in p)
# _split_admin_prefix reads at most two words; a longer prefix would need a third.
assert len(_TWO_WORD_PREFIXES) + len(_ONE_WORD_PREFIXES) == len(_ADMIN_PREFIXES)

# Names of the units that are not territorial, as people write them (folded, after the union
# prefix is dropped: 'Hội Phụ nữ Công an nhân dân' arrives here as 'cong an nhan dan').
_UNION_ALIASES: dict[str, str] = {
    "trung uong hoi": "VN",
    "trung uong": "VN",
    "tw": "VN",
    "trung uong hoi lien hiep phu nu viet nam": "VN",
    "viet nam": "VN",
    "cong an": "CA",
    "cong an nhan dan": "CA",
    "quan doi": "QD",
    "quan doi nhan dan": "QD",
}

# Abbreviations of bare names that reports use (folded).
_BARE_ALIASES = {"hcm": "ho chi minh", "hn": "ha noi"}

_GSO_CODE = re.compile(r"\d{1,5}")
_GSO_LENGTHS = (2, 3, 5)  # province, district, commune
# Parents are written after the unit: 'Xã Tân Thành, huyện X, tỉnh Y' or 'Tân Thành - Y'.
_PARENT_SEPARATOR = re.compile(r"\s*,\s*|\s+[-–]\s+")
# Number of candidates spelled out in an error message; the full list is on the exception.
_MESSAGE_CANDIDATES = 15
# Suggestions for an indicator name the catalogue does not know: at most this many, scored
# at least this (rapidfuzz's ratio, 0-100, on folded names) and within CLOSEST_SPREAD of the
# best, for a name of this many characters or more (a short text is near too many names).
CLOSEST_LISTED = 3
CLOSEST_MIN_SCORE = 75
CLOSEST_SPREAD = 8
CLOSEST_MIN_CHARS = 4


class ResolutionError(ValueError):
    """A name that resolves to no unit or indicator, or to more than one."""

    def __init__(
        self, text: str, reason_en: str, reason_vi: str, candidates: Iterable[str] = ()
    ) -> None:
        self.text = text
        self.reason_en = reason_en
        self.reason_vi = reason_vi
        self.candidates: list[str] = list(candidates)
        shown = self.candidates[:_MESSAGE_CANDIDATES]
        more = len(self.candidates) - len(shown)
        listing = "; ".join(shown) + (f"; … and {more} more" if more else "")
        message = f"{reason_en} / {reason_vi}"
        super().__init__(f"{message}: {listing}" if listing else message)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    level: str
    parent: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor: str | None
    prefix: str | None  # canonical folded administrative prefix of the official name
    marked_words: tuple[str, ...]  # the official name's words, lower case, diacritics kept

    def exists_on(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    @property
    def era(self) -> str:
        # Union-only units span both eras; they never make a name era-ambiguous.
        if self.valid_from is None and self.valid_to is None:
            return "always"
        return (
            "2025" if self.valid_from is not None and self.valid_from >= MERGER_DATE else "legacy"
        )


_ASCII_DIGIT = re.compile("[0-9]")


def _numbers_unpadded(key: str) -> str:
    # 'Phường 01' and 'Phường 1' are the same ward.
    if key.isascii() and not _ASCII_DIGIT.search(key):
        return " ".join(key.split())  # no number to unpad: the common case, without a loop
    return " ".join(str(int(w)) if w.isascii() and w.isdigit() else w for w in key.split())


_NOT_WORD = re.compile(r"[\W_]+")


def _marked_words(text: str) -> tuple[str, ...]:
    # NFC first: in NFD the combining marks are not word characters and would split words.
    return tuple(_NOT_WORD.sub(" ", to_nfc(text).casefold()).split())


def _split_admin_prefix(key: str) -> tuple[str | None, str]:
    """'tinh lang son' → ('tinh', 'lang son'); a key that is only a prefix is a name.

    The key is folded (words separated by single spaces), so a prefix is its first word or
    its first two words, looked up in a set instead of trying each prefix in turn.
    """
    words = key.split(" ", 2)
    if len(words) == 3 and (two := f"{words[0]} {words[1]}") in _TWO_WORD_PREFIXES:
        return two, words[2]
    if len(words) >= 2 and words[0] in _ONE_WORD_PREFIXES:
        return words[0], key[len(words[0]) + 1 :]
    return None, key


def _strip_union_prefix(key: str) -> str:
    if not key.startswith("hoi "):
        return key  # every union prefix starts with 'hoi'
    for prefix in _UNION_PREFIXES:
        if key == prefix:
            return key
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
    return key


class UnitResolver:
    """Resolves unit codes, GSO codes and unit names to union unit codes.

    Built once (a few dict indexes over ~14,000 units); each resolve is a handful of dict
    lookups, and repeated texts, the norm over millions of rows, hit an LRU cache.
    """

    def __init__(self, units: pd.DataFrame, cache_size: int = 65_536) -> None:
        self._units: dict[str, _Unit] = {}
        self._by_code: dict[str, str] = {}
        self._by_gso: dict[str, set[str]] = {}
        self._by_bare: dict[str, set[str]] = {}
        self._by_full: dict[str, set[str]] = {}
        # (canonical administrative prefix, bare name) → the units officially written so.
        self._by_prefixed: dict[tuple[str, str], set[str]] = {}
        for row in units.itertuples(index=False):
            code = str(row.unit_code)
            full = fold(str(row.name_vi))
            prefix, bare = _split_admin_prefix(full)
            unit = _Unit(
                code=code,
                name=str(row.name_vi),
                level=str(row.level),
                parent=None if _blank(row.parent_code) else str(row.parent_code),
                valid_from=None if _blank(row.valid_from) else row.valid_from,
                valid_to=None if _blank(row.valid_to) else row.valid_to,
                successor=None if _blank(row.successor_code) else str(row.successor_code),
                prefix=_ADMIN_PREFIXES[prefix][0] if prefix else None,
                marked_words=_marked_words(str(row.name_vi)),
            )
            self._units[code] = unit
            self._by_code[code.upper()] = code
            if not _blank(row.gso_code):
                self._by_gso.setdefault(str(row.gso_code), set()).add(code)
            self._by_full.setdefault(_numbers_unpadded(full), set()).add(code)
            self._by_bare.setdefault(_numbers_unpadded(bare), set()).add(code)
            # Short names carry a disambiguating suffix when a district has a town and a
            # commune of one name: 'Yên Viên (Thị trấn)'; people copy that form too.
            short = "" if _blank(row.short_name_vi) else str(row.short_name_vi)
            if "(" in short:
                self._by_full.setdefault(_numbers_unpadded(fold(short)), set()).add(code)
        for alias, code in _UNION_ALIASES.items():
            if code in self._units:
                self._by_bare.setdefault(alias, set()).add(code)
        for bare_key, codes in self._by_bare.items():
            for code in codes:
                if (prefix := self._units[code].prefix) is not None:
                    self._by_prefixed.setdefault((prefix, bare_key), set()).add(code)
        # Ancestors are walked once here so the parent check per call is a set lookup.
        self._ancestors: dict[str, frozenset[str]] = {
            code: frozenset(self._walk_up(code)) for code in self._units
        }
        self._cached = lru_cache(maxsize=cache_size)(self._resolve)

    def clear_cache(self) -> None:
        """Forget the texts resolved so far."""
        self._cached.cache_clear()

    def _walk_up(self, code: str) -> list[str]:
        out: list[str] = []
        parent = self._units[code].parent
        while parent is not None and parent in self._units and parent not in out:
            out.append(parent)
            parent = self._units[parent].parent
        return out

    def describe(self, code: str) -> str:
        """'C01162 Xã Tân Thành (Huyện X, Tỉnh Y, … – 2025-06-30)': for error messages."""
        unit = self._units[code]
        parents = [
            self._units[p].name for p in self._walk_up(code) if self._units[p].level != "central"
        ]
        # Written without words, so the same text serves the English and Vietnamese reasons.
        if unit.era == "legacy" and unit.valid_to is not None:
            parents.append(f"… – {unit.valid_to.isoformat()}")
        elif unit.era == "2025" and unit.valid_from is not None:
            parents.append(f"{unit.valid_from.isoformat()} – …")
        detail = f" ({', '.join(parents)})" if parents else ""
        return f"{code} {unit.name}{detail}"

    def resolve(self, text: str, on: dt.date | None = None, level: str | None = None) -> str:
        """The unit code that `text` names, on the period date `on`, at `level` if given."""
        if level is not None and level not in _LEVEL_RANK:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        if isinstance(on, dt.datetime):
            on = on.date()  # a datetime is a date too, but compares unequal to one
        return self._cached(text, on, level)

    # --- the steps ---------------------------------------------------------------------

    def _resolve(self, text: str, on: dt.date | None, level: str | None) -> str:
        stripped = text.strip()
        code = self._by_code.get(stripped.upper())
        if code is not None:
            return code
        if _GSO_CODE.fullmatch(stripped):
            return self._resolve_gso(text, stripped, on, level)
        candidates, qualified = self._match_with_parents(text)
        if not candidates:
            raise ResolutionError(
                text,
                f"no union unit is named {text.strip()!r}",
                f"không có đơn vị Hội nào tên {text.strip()!r}",
            )
        return self._choose(text, candidates, on, level, prefer_highest=not qualified)

    def _resolve_gso(self, text: str, gso: str, on: dt.date | None, level: str | None) -> str:
        # GSO codes are 2 digits for a province, 3 for a district, 5 for a commune. Excel
        # drops the leading zeros of a code typed as a number: '4' may be 04, 004 or 00004,
        # '118' district 118 or commune 00118, so each is looked up at every length it could
        # have had, and a code that names units of several levels is refused with them. A
        # code of two digits is a province's, as provinces write it ('15').
        codes = set(self._by_gso.get(gso, set()))
        if not gso.startswith("0") and len(gso) != 2:
            for length in _GSO_LENGTHS:
                if length > len(gso):
                    codes |= self._by_gso.get(gso.zfill(length), set())
        if not codes:
            raise ResolutionError(
                text,
                f"no union unit has the GSO code {gso!r}",
                f"không có đơn vị Hội nào có mã hành chính {gso!r}",
            )
        try:
            return self._choose(text, codes, on, level, prefer_highest=False)
        except ResolutionError as several:
            if len({self._units[c].level for c in codes}) < 2:
                raise
            raise ResolutionError(
                text,
                f"the code {gso!r} fits units of several levels once the leading zeros Excel "
                "drops from a number are put back; write the union's code (e.g. P04, "
                "C00004) or format the cell as Text",
                f"mã {gso!r} ứng với đơn vị ở nhiều cấp khi thêm lại số 0 ở đầu mà Excel đã bỏ "
                "(ô định dạng số); hãy ghi mã đơn vị Hội (ví dụ P04, C00004) hoặc định dạng ô "
                "là Text (văn bản)",
                several.candidates,
            ) from several

    def _match(self, text: str) -> tuple[set[str], bool]:
        """Candidates for one name, and whether an administrative prefix qualified it."""
        key = _numbers_unpadded(_strip_union_prefix(fold(text)))
        if not key:
            return set(), False
        prefix, bare = _split_admin_prefix(key)
        bare = _BARE_ALIASES.get(bare, bare)
        if prefix is not None:
            canonical, levels = _ADMIN_PREFIXES[prefix]
            exact = self._by_prefixed.get((canonical, bare))
            if exact:
                return set(exact), True
            # 'Tỉnh Hà Nội' (officially 'Thành phố'): the prefix still tells the level.
            named = self._by_bare.get(bare, set())
            by_level = {c for c in named if self._units[c].level in levels}
            if by_level:
                return by_level, True
        # No prefix, or a 'prefix' that is really part of the name ('Xã Đàn', 'Quan Hóa').
        full = self._by_full.get(key)
        if full:
            return set(full), True
        return set(self._by_bare.get(_BARE_ALIASES.get(key, key), set())), False

    def _match_with_parents(self, text: str) -> tuple[set[str], bool]:
        candidates, qualified = self._match(text)
        if candidates:
            return candidates, qualified
        # Only now split: names themselves contain ' - ' ('Tỉnh Bà Rịa - Vũng Tàu').
        parts = [p for p in _PARENT_SEPARATOR.split(text.strip()) if p]
        if len(parts) < 2:
            return set(), False
        candidates, qualified = self._match(parts[0])
        for parent_text in parts[1:]:
            parents, _ = self._match(parent_text)
            candidates = {c for c in candidates if not self._ancestors[c].isdisjoint(parents)}
        return candidates, qualified

    def _choose(
        self,
        text: str,
        candidates: set[str],
        on: dt.date | None,
        level: str | None,
        prefer_highest: bool,
    ) -> str:
        units = [self._units[c] for c in sorted(candidates)]
        if level is not None:
            at_level = [u for u in units if u.level == level]
            if not at_level:
                raise ResolutionError(
                    text,
                    f"{text.strip()!r} names no {level} unit, only other levels",
                    f"{text.strip()!r} không phải tên đơn vị cấp {_LEVEL_VI[level]}",
                    [self.describe(u.code) for u in units],
                )
            units = at_level
        elif prefer_highest:
            top = min(_LEVEL_RANK[u.level] for u in units)
            units = [u for u in units if _LEVEL_RANK[u.level] == top]
        if on is not None:
            existing = [u for u in units if u.exists_on(on)]
            if not existing:
                raise ResolutionError(
                    text,
                    f"{text.strip()!r} names units that did not exist on {on.isoformat()}"
                    " (the 1 July 2025 merger); use the successor",
                    f"{text.strip()!r} là đơn vị không tồn tại vào ngày {on.isoformat()}"
                    " (sắp xếp ngày 1/7/2025); hãy dùng đơn vị kế thừa",
                    [self._describe_with_successor(u) for u in units],
                )
            units = existing
        if len(units) > 1:
            units = _prefer_same_marks(text, units)
        if len(units) == 1:
            return units[0].code
        described = [self.describe(u.code) for u in units]
        eras = {u.era for u in units} - {"always"}
        if on is None and eras == {"legacy", "2025"}:
            raise ResolutionError(
                text,
                f"{text.strip()!r} names units before and after the 1 July 2025 merger;"
                " give the period date",
                f"{text.strip()!r} trùng tên đơn vị trước và sau sắp xếp ngày 1/7/2025;"
                " cần ngày của kỳ báo cáo",
                described,
            )
        raise ResolutionError(
            text,
            f"{text.strip()!r} names {len(units)} union units; add the parent unit"
            " (e.g. 'Xã Tân Thành, tỉnh Bình Phước'), the level or the unit code",
            f"{text.strip()!r} trùng tên {len(units)} đơn vị Hội; ghi thêm đơn vị cấp trên"
            " (ví dụ 'Xã Tân Thành, tỉnh Bình Phước'), cấp hoặc mã đơn vị",
            described,
        )

    def _describe_with_successor(self, unit: _Unit) -> str:
        described = self.describe(unit.code)
        if unit.successor and unit.successor in self._units:
            return f"{described} → {self.describe(unit.successor)}"
        return described


def _prefer_same_marks(text: str, units: list[_Unit]) -> list[_Unit]:
    """Among names that fold alike ('Lạng Sơn', 'Lãng Sơn'), keep those spelled as written.

    Diacritics the writer typed are evidence; text without any carries none, so it keeps
    every candidate. Compared on the trailing words, the name without its prefixes.
    """
    name = _PARENT_SEPARATOR.split(text.strip())[0] if text.strip() else text
    words = _marked_words(name)
    if all(w.isascii() for w in words):
        return units
    bare_len = len(_split_admin_prefix(_strip_union_prefix(fold(name)))[1].split())
    tail = words[-bare_len:] if bare_len else words
    same = [u for u in units if u.marked_words[-len(tail) :] == tail]
    return same or units


class IndicatorResolver:
    """Resolves indicator codes, Vietnamese names, aliases and English names to codes."""

    def __init__(self, catalogue: pd.DataFrame) -> None:
        self._by_code: dict[str, str] = {}
        self._by_name: dict[str, set[str]] = {}
        self._names: dict[str, str] = {}
        for row in catalogue.itertuples(index=False):
            code = str(row.indicator_code)
            self._by_code[code.casefold()] = code
            self._names[code] = str(row.name_vi)
            aliases = [] if _blank(row.aliases) or not row.aliases else str(row.aliases).split("|")
            for name in (row.name_vi, row.name_en, *aliases):
                key = fold(str(name))
                if key:
                    self._by_name.setdefault(key, set()).add(code)

    def resolve(self, text: str) -> str:
        """The indicator code that `text` names."""
        code = self._by_code.get(text.strip().casefold())
        if code is not None:
            return code
        codes = self._by_name.get(fold(text), set())
        if len(codes) == 1:
            return next(iter(codes))
        if not codes:
            near = self.closest(text)
            if near:
                listed = "; ".join(near)
                raise ResolutionError(
                    text,
                    f"no indicator in the catalogue is named {text.strip()!r}; the closest "
                    f"names are: {listed}. Write the indicator code or the name exactly",
                    f"không có chỉ tiêu nào trong danh mục tên {text.strip()!r}; tên gần nhất "
                    f"là: {listed}. Hãy ghi mã chỉ tiêu hoặc đúng tên chỉ tiêu",
                )
            raise ResolutionError(
                text,
                f"no indicator in the catalogue is named {text.strip()!r}",
                f"không có chỉ tiêu nào trong danh mục tên {text.strip()!r}",
            )
        # Folding loses marks, so two distinct names can collide; never pick one silently.
        raise ResolutionError(
            text,
            f"{text.strip()!r} names {len(codes)} indicators; use the indicator code",
            f"{text.strip()!r} trùng tên {len(codes)} chỉ tiêu; hãy dùng mã chỉ tiêu",
            [f"{c} {self._names[c]}" for c in sorted(codes)],
        )

    def closest(self, text: str) -> list[str]:
        """The catalogue's names nearest to a name it does not know ('code name'), best
        first: suggestions for the clerk, never taken in its place."""
        key = fold(text)
        if len(key) < CLOSEST_MIN_CHARS:
            return []
        found = process.extract(
            key,
            list(self._by_name),
            scorer=fuzz.ratio,
            limit=CLOSEST_LISTED * 2,
            score_cutoff=CLOSEST_MIN_SCORE,
        )
        if not found:
            return []
        # Only the names about as near as the nearest: a far second is noise to the clerk.
        best = found[0][1]
        found = [match for match in found if match[1] >= best - CLOSEST_SPREAD]
        codes = dict.fromkeys(code for name, _, _ in found for code in sorted(self._by_name[name]))
        return [f"{code} {self._names[code]}" for code in list(codes)[:CLOSEST_LISTED]]


class DisaggregationResolver:
    """Resolves a disaggregation as written ('Dân tộc thiểu số', 'DTTS', 'Cấp tỉnh',
    'level:province') to its canonical code for one indicator; None means the total.

    A disaggregation the catalogue does not allow for the indicator is an error: a value
    'by ethnic minority' of an indicator that is never broken down that way would be added
    to its total downstream.
    """

    def __init__(self, catalogue: pd.DataFrame) -> None:
        self._reference = load_disaggregations()
        self._allowed: dict[str, frozenset[str]] = {}
        for row in catalogue.itertuples(index=False):
            listed = "" if _blank(row.disaggregations) else str(row.disaggregations)
            self._allowed[str(row.indicator_code)] = frozenset(d for d in listed.split("|") if d)
        self._indicator_codes = frozenset(self._allowed)

    def allowed(self, indicator_code: str) -> frozenset[str]:
        return self._allowed.get(indicator_code, frozenset())

    def _codes(self, text: str) -> set[str]:
        stripped = to_nfc(text).strip()
        codes = set(self._reference.codes_by_text.get(stripped, set()))
        codes |= self._reference.codes_by_text.get(fold(stripped), set())
        # 'target:<indicator code>': the target an achievement is reported against.
        head, _, member = stripped.partition(":")
        if head.strip().casefold() == "target" and member.strip() in self._indicator_codes:
            codes.add(f"target:{member.strip()}")
        return codes

    @lru_cache(maxsize=65_536)  # noqa: B019 (one resolver per process, see the factory)
    def resolve(self, text: str, indicator_code: str) -> str | None:
        if not text.strip() or fold(text) in self._reference.totals:
            return None
        codes = self._codes(text)
        if not codes:
            raise ResolutionError(
                text,
                f"{text.strip()!r} is not a known disaggregation; write e.g. 'Dân tộc thiểu số',"
                " 'Phụ nữ làm chủ hộ', 'Cấp tỉnh' or a code from disaggregations.yml",
                f"phân tổ {text.strip()!r} không có trong danh mục; ghi ví dụ 'Dân tộc thiểu số',"
                " 'Phụ nữ làm chủ hộ', 'Cấp tỉnh'",
            )
        allowed = self.allowed(indicator_code)
        fitting = sorted(c for c in codes if dimension_of(c) in allowed)
        if len(fitting) == 1:
            return fitting[0]
        if not fitting:
            listed = ", ".join(sorted(allowed)) or "none"
            listed_vi = ", ".join(sorted(allowed)) or "không có"
            raise ResolutionError(
                text,
                f"indicator {indicator_code} is not broken down by {text.strip()!r}"
                f" ({', '.join(sorted(codes))}); the catalogue allows: {listed}",
                f"chỉ tiêu {indicator_code} không phân tổ theo {text.strip()!r}; "
                f"danh mục cho phép: {listed_vi}",
                sorted(codes),
            )
        raise ResolutionError(
            text,
            f"{text.strip()!r} can mean {', '.join(fitting)} for {indicator_code}; write the code",
            f"phân tổ {text.strip()!r} có thể là {', '.join(fitting)}; hãy ghi mã phân tổ",
            fitting,
        )


@cache
def disaggregation_resolver() -> DisaggregationResolver:
    """The resolver over disaggregations.yml and the catalogue; built once per process."""
    return DisaggregationResolver(load_catalogue())


@cache
def unit_resolver() -> UnitResolver:
    """The resolver over the reference org units; built once per process."""
    return UnitResolver(load_org_units().units)


@cache
def indicator_resolver() -> IndicatorResolver:
    """The resolver over the indicator catalogue; built once per process."""
    return IndicatorResolver(load_catalogue())


def clear_resolution_caches() -> None:
    """Forget every text resolved so far (the resolvers themselves stay built): the next
    landing resolves each name afresh, as the first batch of a process does."""
    unit_resolver().clear_cache()
    DisaggregationResolver.resolve.cache_clear()
