"""Reading numbers as Vietnamese reports write them: '180.833', '4,2 tỷ đồng', 'trên 1.800',
'79,2%', '231/235', '04 xã'.

Rules (see DOMAIN.md "How numbers are written"):
- '.' groups thousands and ',' is the decimal mark: '180.833' is 180833, '4,2' is 4.2.
- A single ',' is always a decimal mark, even before exactly three digits: '4,850 tỷ đồng'
  is 4.85 billion. A writer may have meant 4,850 billion; that cannot be told from the text,
  so the value follows the national rule and the factor-of-1000 check against the unit's
  history (downstream) is what catches it.
- A single '.' before exactly three digits groups thousands ('1.800' is 1800); a '.' that is
  not followed by exactly three digits cannot be a thousands separator, so it is read as a
  decimal point from an English-locale spreadsheet ('4.5' is 4.5).
- Several ',' in groups of three with no '.' ('1,234,567') can only be English thousands
  separators; so can ',' groups followed by one '.' decimal ('1,234.5'). Both are accepted.
- Money words multiply: nghìn/ngàn 10^3, triệu 10^6, tỷ/tỉ 10^9, and may be chained in
  descending order ('1 tỷ 200 triệu').
- Currency is VND when đồng/đ/VNĐ/VND/₫ is written, or when triệu or tỷ is used with no unit
  word after it (in these reports a bare '536 triệu' is money). 'nghìn'/'ngàn' alone is not
  taken as money: reports count people that way ('hơn 32 ngàn lượt hội viên').
- Anything else that cannot be read one way only is rejected, never guessed.

A submitted file is read by its own convention (`number_convention`), found from its
unambiguous cells: '1.304.512', '4,2', '79,2%' are Vietnamese; '1,304,512', '79.2%',
'1,234.5' are English-locale Excel. In an English file ',' groups thousands and '.' marks
decimals. In a file that shows neither (or both), a number that the two conventions read
differently and that cannot be told by itself ('1,304': 1304 or 1.304) is rejected;
'1.304' keeps the national reading (1304). Narrative text is read the Vietnamese way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ingestion.normalise.errors import NormalisationError
from ingestion.normalise.text import fold, to_nfc

__all__ = [
    "AMBIGUOUS_COMMA",
    "CONVENTIONS",
    "DECIMAL_COMMA",
    "FRACTION",
    "MONEY",
    "MULTIPLIERS",
    "PLAIN_INTEGER",
    "THOUSANDS_GROUPED",
    "WITHDRAWAL_MARKERS",
    "QUALIFIERS",
    "UNIT_WORD_MAX_WORDS",
    "NumberParseError",
    "ParsedNumber",
    "is_withdrawal",
    "number_convention",
    "parse_vn_number",
    "typed_number_text",
    "typed_digits",
]

# The forms the Arrow path of ingestion/cells.py reads over whole columns (as regular
# expressions Arrow understands); parse_vn_number reads each the same way (_common_form;
# tests hold the two to the same values). Plain integers (the cell trimmed), '180.833'
# (dots group thousands), '4,2' (a decimal comma), money as most reports write it
# ('536 triệu', '1.293 triệu', '4,2 tỷ đồng') and a part of a whole ('231/235', each part
# below 10^15 so that comparing them as floats is exact).
PLAIN_INTEGER = r"^-?[0-9]{1,15}$"
THOUSANDS_GROUPED = r"^[0-9]{1,3}(\.[0-9]{3})+$"
DECIMAL_COMMA = r"^[0-9]+,[0-9]+$"
MONEY = r"^(?P<amount>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+(?:,[0-9]+)?) (?P<word>triệu|tỷ)(?: đồng)?$"
FRACTION = r"^(?P<part>[0-9]{1,15})/(?P<whole>[0-9]{1,15})$"
# One ',' before exactly three digits, after at most three: 1304 to an English-locale
# spreadsheet, 1.304 to a Vietnamese one. Read only where the file's convention is known.
AMBIGUOUS_COMMA = r"(?:^|[^0-9.,])[0-9]{1,3},[0-9]{3}(?:$|[^0-9.,])"

# How a file writes numbers: 'vi' (the national rule), 'en' (English-locale Excel) or ''
# (the file does not tell: each number is read by its own form, an ambiguous one rejected).
CONVENTIONS = ("vi", "en", "")
_VI_EVIDENCE = re.compile(
    r"(?<![0-9.,])[0-9]{1,3}(?:\.[0-9]{3}){2,}(?![0-9.,])"  # 1.304.512
    r"|[0-9],(?:[0-9]{1,2}|[0-9]{4,})(?![0-9.,])"  # 4,2  79,25%
    r"|[0-9]\.[0-9]{3},[0-9]"  # 1.234,5
)
_EN_EVIDENCE = re.compile(
    r"(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3}){2,}(?![0-9.,])"  # 1,304,512
    r"|[0-9]\.(?:[0-9]{1,2}|[0-9]{4,})(?![0-9.,])"  # 79.2%  4.5
    r"|[0-9],[0-9]{3}\.[0-9]"  # 1,234.5
)


def number_convention(texts: Iterable[str]) -> str:
    """The convention of a file's numbers, from its cells that only one convention writes:
    'vi', 'en', or '' when none does or both do."""
    vi = en = False
    for text in texts:
        vi = vi or _VI_EVIDENCE.search(text) is not None
        en = en or _EN_EVIDENCE.search(text) is not None
        if vi and en:
            return ""
    return "vi" if vi else "en" if en else ""


# A value cell holding one of these (folded: lower case, no diacritics, trimmed) withdraws
# the figure sent before for the same unit, period, indicator and disaggregation: 'Rút',
# 'rút lại', 'Hủy', 'Xóa', 'withdrawn' (docs/ingestion.md, "Withdrawing a figure").
WITHDRAWAL_MARKERS = frozenset({"rut", "rut lai", "huy", "xoa", "withdrawn"})


def is_withdrawal(text: str) -> bool:
    """Whether a value cell withdraws its figure instead of giving one."""
    return fold(text) in WITHDRAWAL_MARKERS


# Folded spelling → multiplier. 'tỉ' is the older spelling of 'tỷ'.
MULTIPLIERS: dict[str, int] = {
    "nghin": 10**3,
    "ngan": 10**3,
    "trieu": 10**6,
    "ty": 10**9,
    "ti": 10**9,
}
# Multipliers that, with no unit word, mean money in these reports.
_MONEY_MULTIPLIERS = frozenset({10**6, 10**9})

# Folded qualifier (as word tuples, longest first) → the qualifier as it is reported.
QUALIFIERS: dict[tuple[str, ...], str] = {
    ("tren", "duoi"): "trên dưới",  # 'trên dưới 100': about 100, not under it
    ("khoang", "gan"): "khoảng gần",
    ("khoang", "hon"): "khoảng hơn",
    ("uoc", "tinh"): "ước tính",
    ("xap", "xi"): "xấp xỉ",
    ("khoang",): "khoảng",
    ("gan",): "gần",
    ("tren",): "trên",
    ("hon",): "hơn",
    ("duoi",): "dưới",
    ("uoc",): "ước",
    ("chung",): "chừng",
    ("~",): "~",
    ("≈",): "≈",
    (">",): ">",
    ("<",): "<",
}
_CURRENCY_WORDS = frozenset({"dong", "d", "vnd", "₫"})
# A value cell may name what it counts ('04 xã', '112/117 hộ', '32 ngàn lượt hội viên');
# more words than this is a sentence, not a unit.
UNIT_WORD_MAX_WORDS = 5

# Spaces that only ever group digits ('1 800' typed with a no-break or thin space).
_GROUPING_SPACES = "\u00a0\u202f\u2009"
_TOKEN = re.compile(r"\d[\d.,]*|[^\W\d_]+|%|/|[-−+]|\S")
_WORD = re.compile(r"[^\W\d_]+")


class NumberParseError(NormalisationError):
    """A value that cannot be read."""


@dataclass(frozen=True)
class ParsedNumber:
    """A reported value. For 'a/b', `value` is the part a (`part`), `whole` is b."""

    value: float | None
    original: str
    approximate: bool = False
    qualifier: str | None = None
    is_percent: bool = False
    part: float | None = None
    whole: float | None = None
    multiplier: int = 1
    currency: str | None = None
    unit_word: str | None = None
    currency_written: bool = False  # 'đồng', 'đ', 'VNĐ', '₫' after the number, not implied

    @property
    def value_dong(self) -> float | None:
        """The amount in đồng when the value is money (the multiplier is already applied)."""
        return self.value if self.currency == "VND" else None


_AMBIGUOUS_COMMA = re.compile(AMBIGUOUS_COMMA)


def parse_vn_number(text: str, convention: str = "vi") -> ParsedNumber:
    """Parse one reported value; raise NumberParseError with a steward-readable reason.
    `convention`: how the file writes numbers (see number_convention); 'vi' by default."""
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, not {convention!r}")
    if convention == "vi" or (convention == "" and not _AMBIGUOUS_COMMA.search(text)):
        fast = _common_form(text)
        if fast is not None:
            return fast
    tokens = _tokenise(text)
    if not tokens:
        raise _error(text, "empty", "the value is empty", "giá trị bị bỏ trống")
    reader = _Reader(text, tokens, convention)
    return reader.read()


# The forms most reports use, read without tokenising: '1.800', '4,2', '536 triệu',
# '4,2 tỷ đồng', '112/117'. The result is the one the full reader gives (the unit tests of
# the reader run through here); any other text, or a fraction the reader would reject,
# takes the full reader.
_COMMON_AMOUNT = re.compile(
    r"(?P<number>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+(?:,[0-9]+)?)(?: (?P<money>triệu|tỷ)(?: đồng)?)?"
)
_COMMON_FRACTION = re.compile(r"(?P<part>[0-9]+)/(?P<whole>[0-9]+)")
_COMMON_MONEY = {"triệu": 10**6, "tỷ": 10**9}


def _common_form(text: str) -> ParsedNumber | None:
    if match := _COMMON_AMOUNT.fullmatch(text):
        number = match["number"]
        amount = Decimal(number.replace(".", "") if "." in number else number.replace(",", "."))
        money = match["money"]
        if money is None:
            return ParsedNumber(value=float(amount), original=text)
        multiplier = _COMMON_MONEY[money]
        return ParsedNumber(
            value=float(amount * multiplier),
            original=text,
            multiplier=multiplier,
            currency="VND",
        )
    if match := _COMMON_FRACTION.fullmatch(text):
        part, whole = Decimal(match["part"]), Decimal(match["whole"])
        if whole == 0 or part > whole:
            return None
        return ParsedNumber(value=float(part), original=text, part=float(part), whole=float(whole))
    return None


def _tokenise(text: str) -> list[str]:
    cleaned = to_nfc(text)
    cleaned = re.sub(rf"(?<=\d)[{_GROUPING_SPACES}](?=\d{{3}}(?!\d))", "", cleaned)
    cleaned = re.sub(rf"[{_GROUPING_SPACES}\s]+", " ", cleaned).strip()
    return _TOKEN.findall(cleaned)


def _error(original: str, code: str, reason_en: str, reason_vi: str) -> NumberParseError:
    return NumberParseError(original, code, reason_en, reason_vi)


def _not_a_number(original: str) -> NumberParseError:
    return _error(
        original,
        "not_a_number",
        "the value is not a number; write digits, e.g. 1.800 or 4,2 tỷ đồng",
        "giá trị không phải là số; hãy ghi bằng chữ số, ví dụ 1.800 hoặc 4,2 tỷ đồng",
    )


def _ambiguous(
    original: str, detail_en: str, detail_vi: str, separators: bool = True
) -> NumberParseError:
    hint_en = "; use '.' for thousands and ',' for decimals, e.g. 1.234,5" if separators else ""
    hint_vi = (
        "; dùng dấu '.' ngăn cách hàng nghìn và dấu ',' cho phần thập phân, ví dụ 1.234,5"
        if separators
        else ""
    )
    return _error(
        original,
        "ambiguous_format",
        f"the number format cannot be read one way only ({detail_en}){hint_en}",
        f"không xác định được cách ghi số ({detail_vi}){hint_vi}",
    )


_THOUSANDS_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_ENGLISH_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+")


def _digits_to_decimal(token: str, original: str, convention: str = "vi") -> Decimal:
    """Read one digit token by the rules in the module docstring."""
    dots, commas = token.count("."), token.count(",")
    if token[-1] in ".,":
        raise _ambiguous(original, "it ends with a separator", "số kết thúc bằng dấu ngăn cách")
    if not dots and not commas:
        return Decimal(token)
    if convention == "en":
        return _english_digits(token, original)
    if convention == "" and commas == 1 and not dots and _AMBIGUOUS_COMMA.search(token):
        raise _error(
            original,
            "ambiguous_convention",
            "one ',' before three digits is 1304 to English-locale Excel and 1.304 to "
            "Vietnamese, and no other number of the file tells which; write 1.304 for "
            "one thousand three hundred and four, or 1,3 for one point three",
            "dấu ',' trước 3 chữ số có thể là ngăn cách hàng nghìn (Excel tiếng Anh) hoặc "
            "dấu thập phân, và tệp không có số nào khác cho biết cách ghi; hãy ghi 1.304 "
            "(một nghìn ba trăm linh bốn) hoặc 1,3 (một phẩy ba)",
        )
    if dots and not commas:
        if _THOUSANDS_GROUPS.fullmatch(token):
            return Decimal(token.replace(".", ""))
        if dots == 1:
            return Decimal(token)
        raise _ambiguous(
            original, "'.' groups are not of three digits", "nhóm sau dấu '.' không đủ 3 chữ số"
        )
    if commas and not dots:
        if commas == 1:
            return Decimal(token.replace(",", "."))
        if _ENGLISH_GROUPS.fullmatch(token):
            return Decimal(token.replace(",", ""))
        raise _ambiguous(original, "several ',' marks", "có nhiều dấu ','")
    integer, _, fraction = token.rpartition(",")
    if "." not in fraction and (_THOUSANDS_GROUPS.fullmatch(integer) or integer.isdigit()):
        return Decimal(integer.replace(".", "") + "." + fraction)
    integer, _, fraction = token.rpartition(".")
    if "," not in fraction and _ENGLISH_GROUPS.fullmatch(integer):
        return Decimal(integer.replace(",", "") + "." + fraction)
    raise _ambiguous(original, "'.' and ',' are mixed", "dấu '.' và ',' bị lẫn lộn")


def _english_digits(token: str, original: str) -> Decimal:
    """A digit token of a file written the English way: ',' groups thousands, '.' marks
    decimals ('1,304,512', '79.2', '1,234.5')."""
    integer, dot, fraction = token.partition(".")
    if "." in fraction or "," in fraction:
        raise _ambiguous(
            original,
            "the file writes numbers the English way, and this one does not fit it",
            "tệp ghi số theo kiểu tiếng Anh (dấu ',' ngăn cách hàng nghìn, dấu '.' thập phân) "
            "mà số này không theo cách đó",
            separators=False,
        )
    if "," in integer and not _ENGLISH_GROUPS.fullmatch(integer):
        raise _ambiguous(
            original,
            "the file writes numbers the English way (',' groups thousands), and the ',' "
            "here is not before groups of three digits",
            "tệp ghi số theo kiểu tiếng Anh (dấu ',' ngăn cách hàng nghìn) mà dấu ',' ở đây "
            "không đứng trước nhóm 3 chữ số",
            separators=False,
        )
    if dot and "," not in integer and len(fraction) == 3 and integer.strip("0"):
        # '536.500': English 536.5, but the national way 536500; a file shows the English
        # way by a decimal such as '79.5', which Vietnamese write too, so this is not told.
        raise _ambiguous(
            original,
            "one '.' before three digits is a decimal point the English way and groups "
            "thousands the Vietnamese way",
            "một dấu '.' trước 3 chữ số là dấu thập phân theo kiểu tiếng Anh nhưng là dấu "
            "ngăn cách hàng nghìn theo kiểu Việt Nam",
        )
    return Decimal(integer.replace(",", "") + (dot + fraction if dot else ""))


class _Reader:
    """Reads tokens left to right: qualifier, sign, number, then '%', '/b', money words,
    currency and unit words, in that order."""

    def __init__(self, original: str, tokens: list[str], convention: str = "vi"):
        self.original = original
        self.tokens = tokens
        self.convention = convention
        # Words are compared without diacritics ('tren', 'ty', 'dong' from mark-less files);
        # digits and symbols stay as written.
        self.folded = [fold(t) if _WORD.fullmatch(t) else t for t in tokens]
        self.pos = 0

    def peek(self, ahead: int = 0) -> str | None:
        i = self.pos + ahead
        return self.folded[i] if i < len(self.folded) else None

    def read(self) -> ParsedNumber:
        qualifier = self.read_qualifier()
        negative = self.read_sign()
        amount = self.read_number()
        if negative:
            amount = -amount
        is_percent = self.accept("%")
        part = whole = None
        if self.accept("/"):
            if is_percent or negative:
                raise _ambiguous(
                    self.original, "a fraction with a sign or '%'", "phân số có dấu", False
                )
            part, whole = amount, self.read_number()
            self.check_fraction(part, whole)
        amount, multiplier = self.read_multipliers(amount, is_percent or part is not None)
        if part is not None:
            part = amount
        currency = self.read_currency()
        currency_written = currency is not None
        unit_word = self.read_unit_word()
        if currency is None and unit_word is None and multiplier in _MONEY_MULTIPLIERS:
            currency = "VND"
        if currency is not None and (is_percent or part is not None):
            raise _ambiguous(self.original, "money with '%' or '/'", "tiền kèm '%' hoặc '/'", False)
        return ParsedNumber(
            value=float(amount),
            original=self.original,
            approximate=qualifier is not None,
            qualifier=qualifier,
            is_percent=is_percent,
            part=None if part is None else float(part),
            whole=None if whole is None else float(whole),
            multiplier=multiplier,
            currency=currency,
            unit_word=unit_word,
            currency_written=currency_written,
        )

    def accept(self, token: str) -> bool:
        if self.peek() == token:
            self.pos += 1
            return True
        return False

    def read_qualifier(self) -> str | None:
        for words, reported in QUALIFIERS.items():
            if tuple(self.folded[self.pos : self.pos + len(words)]) == words:
                self.pos += len(words)
                return reported
        return None

    def read_sign(self) -> bool:
        if self.peek() in ("-", "−"):
            self.pos += 1
            return True
        self.accept("+")
        return False

    def read_number(self) -> Decimal:
        token = self.tokens[self.pos] if self.pos < len(self.tokens) else None
        if token is None or not token[0].isdigit():
            raise _not_a_number(self.original)
        self.pos += 1
        following = self.peek()
        if following is not None and following[0].isdigit():
            raise _ambiguous(
                self.original, "digits separated by a space", "các chữ số bị cách nhau"
            )
        return _digits_to_decimal(token, self.original, self.convention)

    def check_fraction(self, part: Decimal, whole: Decimal) -> None:
        if whole == 0:
            raise _error(
                self.original,
                "whole_zero",
                "the whole of 'a/b' is zero; check the number after '/'",
                "tổng số trong 'a/b' bằng 0; kiểm tra lại số sau dấu '/'",
            )
        if part > whole:
            raise _error(
                self.original,
                "part_above_whole",
                "the part of 'a/b' is above the whole; check both numbers",
                "số đạt trong 'a/b' lớn hơn tổng số; kiểm tra lại hai số",
            )

    def read_multipliers(self, amount: Decimal, scaled_not_allowed: bool) -> tuple[Decimal, int]:
        first = MULTIPLIERS.get(self.peek() or "")
        if first is None:
            return amount, 1
        if scaled_not_allowed:
            raise _ambiguous(
                self.original,
                "a money word after '%' or '/'",
                "đơn vị tiền sau '%' hoặc '/'",
                False,
            )
        self.pos += 1
        total, last = amount * first, first
        # '1 tỷ 200 triệu': further (number, smaller money word) pairs add up.
        while (nxt := self.peek()) is not None and nxt[0].isdigit():
            following = MULTIPLIERS.get(self.peek(1) or "")
            if following is None or following >= last:
                raise _ambiguous(
                    self.original,
                    "a number after a money word needs a smaller money word, e.g. 1 tỷ 200 triệu",
                    "số sau đơn vị tiền phải kèm đơn vị nhỏ hơn, ví dụ 1 tỷ 200 triệu",
                    False,
                )
            total += self.read_number() * following
            self.pos += 1
            last = following
        return total, first

    def read_currency(self) -> str | None:
        if self.peek() in _CURRENCY_WORDS:
            self.pos += 1
            self.accept(".")  # 'đ.' as an abbreviation
            return "VND"
        return None

    def read_unit_word(self) -> str | None:
        rest = self.tokens[self.pos :]
        if not rest:
            return None
        if len(rest) > UNIT_WORD_MAX_WORDS or not all(_WORD.fullmatch(t) for t in rest):
            raise _error(
                self.original,
                "unexpected_text",
                "there is text after the number that is not a unit word; keep one value per "
                "cell, e.g. '04 xã'",
                "có chữ sau con số không phải đơn vị tính; mỗi ô chỉ ghi một giá trị, "
                "ví dụ '04 xã'",
            )
        return " ".join(rest)


def typed_digits(number: float) -> Decimal:
    """A float a file stored, to the 15 significant digits Excel keeps of what was typed: a
    noise digit beyond them (0.30000000000000004) is the writer's artefact, not the value."""
    return Decimal(format(number, ".15g"))


def typed_number_text(number: int | float | Decimal, *, percent: bool = False) -> str:
    """A number a file stored as a number (an Excel cell, a JSON number), written the way
    `parse_vn_number` reads it back: positional, a decimal comma, no thousands groups ('12',
    '0,35', '1,50' for a JSON 1.50, '10000000000000000' for 1e16). With `percent`, the
    number a %-formatted cell shows, as Excel shows it: 0.792 is '79,2%'."""
    if isinstance(number, bool):
        raise TypeError("a truth value is not a number")
    if isinstance(number, float):
        if not percent and number.is_integer() and abs(number) < 1e15:
            return str(int(number))  # exact below 10^15; '-0.0' is '0'
        digits = typed_digits(number)
    else:
        digits = Decimal(number)
    if percent:
        digits = (digits * 100).normalize()
    text = format(digits, "f")
    if percent and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + ("%" if percent else "")
