"""Decoding submitted bytes into Vietnamese text, and folding names into matching keys.

Submissions come from many office tools: UTF-8 with or without a BOM, UTF-16 from Excel's
"Unicode text", Windows-1258 from old Vietnamese Windows installs, and text that was already
damaged before it reached us (mojibake, '?' for lost letters, diacritics stripped). Decoding
never repairs damage silently: it returns the text with `damaged` set and a reason a data
steward can read, so the submission can be reviewed instead of loaded with wrong names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DROPPED_DIACRITICS_MIN_LETTERS",
    "DROPPED_DIACRITICS_MIN_SHARE",
    "DROPPED_DIACRITICS_MIN_WORDS",
    "FOREIGN_LETTERS_MIN_COUNT",
    "FOREIGN_LETTERS_MIN_SHARE",
    "MOJIBAKE_MIN_STRONG_HITS",
    "MOJIBAKE_MIN_WEAK_HITS",
    "QUESTION_MARK_MIN_HITS",
    "UTF16_NUL_MIN_SHARE",
    "DecodedText",
    "decode_bytes",
    "encode_cp1258",
    "fold",
    "is_vietnamese_letter",
    "to_nfc",
    "without_marks",
]

# --- Thresholds of the damage checks -------------------------------------------------------
# Dropped diacritics: a short ASCII name ("Lang Son") is a legitimate spelling that fold()
# matches, so only a text long enough to be prose or a list of names is judged, and only when
# enough of its words are Vietnamese syllables that would normally carry marks. 40 letters is
# about six or seven syllables, the length of one full unit name with its level.
DROPPED_DIACRITICS_MIN_LETTERS = 40
DROPPED_DIACRITICS_MIN_WORDS = 5
DROPPED_DIACRITICS_MIN_SHARE = 0.4
# A '?' between two letters ("H?i") is what a converter writes for a letter it cannot map;
# after URLs are removed a legitimate text has none, so one is enough.
QUESTION_MARK_MIN_HITS = 1
# Mojibake: a "strong" hit is a byte sequence that only a mis-decoding produces ("áº", "Ä‘");
# a "weak" hit is one that a real upper-case word followed by punctuation can also produce
# ("XÃ”" is "XÔ" in mojibake but also "XÃ" before a closing quote), so it needs company.
MOJIBAKE_MIN_STRONG_HITS = 1
MOJIBAKE_MIN_WEAK_HITS = 3
# Letters foreign to Vietnamese ("ä", "ª", "Ö") are what TCVN3 or VNI bytes look like when
# read as Windows-1258; a foreign name or two in a report is fine, a pattern of them is not.
FOREIGN_LETTERS_MIN_COUNT = 3
FOREIGN_LETTERS_MIN_SHARE = 0.2
# UTF-16 without a BOM: ASCII and most Vietnamese letters have a zero high byte, so at least
# this share of one byte position (and almost none of the other) being NUL identifies it.
UTF16_NUL_MIN_SHARE = 0.3
_UTF16_NUL_MAX_OTHER_SHARE = 0.05
_SNIFF_BYTES = 4096

_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")


def _build_vietnamese_letters() -> frozenset[str]:
    letters = {"đ", "Đ"}
    for vowel in _VOWELS:
        for mark in _TONE_MARKS:
            composed = unicodedata.normalize("NFC", vowel + mark)
            letters.update((composed, composed.upper()))
    return frozenset(ch for ch in letters if not ch.isascii())


# Non-ASCII letters of the Vietnamese alphabet, composed (NFC): 67 lower and 67 upper case.
_VIETNAMESE_LETTERS = _build_vietnamese_letters()


def _char_class(chars: Iterable[str]) -> str:
    return "".join(re.escape(ch) for ch in sorted(set(chars)))


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes, NFC-normalised, with the verdict of the damage checks."""

    text: str
    encoding: str
    damaged: bool = False
    damage_reason: str | None = None


def to_nfc(s: str) -> str:
    """Compose: the same Vietnamese name typed on two systems compares equal only in NFC."""
    return unicodedata.normalize("NFC", s)


def is_vietnamese_letter(ch: str) -> bool:
    """True for ASCII letters and the composed letters of the Vietnamese alphabet."""
    return (ch.isascii() and ch.isalpha()) or ch in _VIETNAMESE_LETTERS


# 'Ð' (Icelandic eth) is what several legacy converters and keyboards produce for 'Đ'.
_WORD_CHAR = re.compile(r"[^\W_]")


def without_marks(s: str) -> str:
    """The text without diacritics, case and punctuation kept ('Đơn vị' → 'Don vi'): the one
    definition of dropping Vietnamese marks, which fold() and the period reader build on."""
    decomposed = unicodedata.normalize("NFD", "".join(_D_CASED.get(ch, ch) for ch in s))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# 'Đ' keeps its case here; fold() lower-cases after.
_D_CASED = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}


def _fold_char(ch: str) -> str:
    """What fold() makes of one character: its letters without marks, lower case, and a
    space for each character that is not a letter or digit ('_' included).

    Decomposing, dropping the combining marks and case folding all work character by
    character (NFD's reordering only moves marks, which are dropped), so folding a text is
    joining what its characters fold to and collapsing the spaces.
    """
    bare = without_marks(ch).casefold()
    return "".join(c if _WORD_CHAR.match(c) else " " for c in bare)


# Characters kept in the table at most: every script a report could mix in fits many times
# over, while text made of thousands of distinct rare characters cannot grow it without end.
_FOLD_TABLE_MAX = 50_000


class _FoldTable(dict[int, str]):
    """str.translate table of _fold_char: built for the Latin and Vietnamese letters and
    combining marks up front; any other character is folded, and kept, when first seen."""

    def __missing__(self, code_point: int) -> str:
        folded = _fold_char(chr(code_point))
        if len(self) < _FOLD_TABLE_MAX:
            self[code_point] = folded
        return folded


# Basic Latin to Latin Extended-B, combining marks, Latin Extended Additional (ạ…ỹ).
_FOLD_TABLE = _FoldTable(
    (cp, _fold_char(chr(cp)))
    for first, last in ((0x0000, 0x024F), (0x0300, 0x036F), (0x1E00, 0x1EFF))
    for cp in range(first, last + 1)
)


def fold(s: str) -> str:
    """Matching key for names: no diacritics, lower case, punctuation and spaces collapsed.

    'Tỉnh Lạng Sơn', 'TỈNH LẠNG SƠN', 'tinh lang son' and 'Tỉnh  Lạng-Sơn' all fold to
    'tinh lang son'. The key loses information (Hà and Hạ fold alike), so it is for finding
    candidates, never for storing.
    """
    # No letter or digit is white space, so split() finds exactly the runs of word
    # characters between the spaces the table put for everything else.
    return " ".join(s.translate(_FOLD_TABLE).split())


def encode_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 the way Vietnamese Windows software wrote it.

    Python's cp1258 codec cannot encode most toned letters ('ộ') nor, after NFD, the
    circumflex, breve and horn (U+0302, U+0306, U+031B), which the code page only has
    precomposed ('â', 'ă', 'ơ'). So: decompose, then recompose each base letter with its
    vowel modifier when the code page has the result, leaving tone marks as combining bytes.
    Useful for building legacy-encoded test files and synthetic submissions. Characters the
    code page lacks altogether raise UnicodeEncodeError.
    """
    return "".join(_cp1258_cluster(c) for c in _CLUSTER.findall(text)).encode("cp1258")


_CLUSTER = re.compile(r"[^\u0300-\u036f][\u0300-\u036f]*|[\u0300-\u036f]")
_VOWEL_MODIFIERS = "\u0302\u0306\u031b"  # circumflex, breve, horn


def _cp1258_cluster(cluster: str) -> str:
    # NFD orders a dot below before the circumflex ('ộ' = o, U+0323, U+0302), so the
    # modifier to fold into the base letter is not always next to it.
    decomposed = unicodedata.normalize("NFD", cluster)
    base, marks = decomposed[0], list(decomposed[1:])
    for mark in [m for m in marks if m in _VOWEL_MODIFIERS]:
        merged = unicodedata.normalize("NFC", base + mark)
        if len(merged) == 1 and _cp1258_has(merged):
            base = merged
            marks.remove(mark)
    return base + "".join(marks)


def _cp1258_has(ch: str) -> bool:
    try:
        ch.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


# --- Decoding ------------------------------------------------------------------------------

# The codec of each name consumes its BOM and reads the byte order from it.
_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

_VALID_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode_bytes(data: bytes) -> DecodedText:
    """Decode submitted bytes to NFC text and judge whether the text is damaged.

    Order: BOM (UTF-32, UTF-8, UTF-16); UTF-16 without BOM by its NUL bytes; strict UTF-8;
    otherwise Windows-1258. Bytes that no candidate decodes become U+FFFD and mark the text
    damaged rather than failing, so the steward sees what arrived.
    """
    text, encoding, decode_problems = _decode(data)
    if _is_plain(text, data, encoding):
        # The common case, decided in one scan at C speed: only plain ASCII and composed
        # Vietnamese letters, so the text is already NFC and only lost letters can be wrong.
        reasons = decode_problems + _lost_letters_reasons(text)
    else:
        text = to_nfc(text)
        reasons = decode_problems + _damage_reasons(text)
    return DecodedText(
        text=text,
        encoding=encoding,
        damaged=bool(reasons),
        damage_reason="; ".join(reasons) if reasons else None,
    )


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec, []
    utf16 = _sniff_utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace"), utf16, []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    valid = len(_VALID_UTF8_MULTIBYTE.findall(data))
    invalid = _count_invalid_utf8(data)
    if valid > invalid:
        # Mostly UTF-8 with a few bad bytes (a truncated file, or a pasted fragment from
        # another encoding): reading all of it as Windows-1258 would garble the good part.
        return (
            data.decode("utf-8", errors="replace"),
            "utf-8",
            [f"{invalid} byte(s) are not valid UTF-8 (first at byte {first_bad})"],
        )
    return data.decode("cp1258", errors="replace"), "cp1258", []


def _count_invalid_utf8(data: bytes) -> int:
    stripped = _VALID_UTF8_MULTIBYTE.sub(b"", data)
    return sum(1 for byte in stripped if byte >= 0x80)


def _sniff_utf16_without_bom(data: bytes) -> str | None:
    sample = data[: _SNIFF_BYTES - _SNIFF_BYTES % 2]
    pairs = len(sample) // 2
    if pairs == 0 or b"\x00" not in sample:
        return None
    even = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0) / pairs
    odd = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0) / pairs
    if odd >= UTF16_NUL_MIN_SHARE and even <= _UTF16_NUL_MAX_OTHER_SHARE:
        return "utf-16-le"
    if even >= UTF16_NUL_MIN_SHARE and odd <= _UTF16_NUL_MAX_OTHER_SHARE:
        return "utf-16-be"
    return None


# --- Damage checks -------------------------------------------------------------------------


# Characters of clean text: printable ASCII, the white space a text file uses, and the
# composed Vietnamese letters. Every other character is "unusual" and worth a closer look:
# a control byte, U+FFFD, the characters mojibake is made of, a letter foreign to Vietnamese,
# a combining mark (text not yet NFC), or just typography such as '–', '“' or '°'.
_PLAIN_CHARACTERS = frozenset("\t\n\x0b\x0c\r" + "".join(map(chr, range(0x20, 0x7F))))
_NOT_PLAIN = re.compile("[^" + _char_class(_PLAIN_CHARACTERS | _VIETNAMESE_LETTERS) + "]")
_PLAIN_ASCII_BYTES = "".join(sorted(_PLAIN_CHARACTERS)).encode("ascii")


def _is_plain(text: str, data: bytes, encoding: str) -> bool:
    """Whether `text`, decoded from `data`, has only plain characters (_NOT_PLAIN)."""
    if encoding in ("utf-8", "utf-8-sig") and "\ufffd" not in text:
        # Nothing was replaced, so the bytes are the valid UTF-8 of the text, where an ASCII
        # byte is always a whole character: dropping the plain ones at C speed leaves the
        # other characters, usually a tenth of the text, for the regex to look at.
        payload = data[3:] if encoding == "utf-8-sig" else data
        rest = payload.translate(None, _PLAIN_ASCII_BYTES).decode("utf-8")
        return _NOT_PLAIN.search(rest) is None
    return _NOT_PLAIN.search(text) is None


def _lost_letters_reasons(text: str) -> list[str]:
    checks = [_question_marks_in_words, _dropped_diacritics]
    return [reason for check in checks if (reason := check(text)) is not None]


def _damage_reasons(text: str) -> list[str]:
    # Each check below needs a kind of unusual character to find anything; collecting the
    # distinct ones in one scan skips the checks that cannot apply to this text.
    unusual = frozenset(_NOT_PLAIN.findall(text))
    if text.isascii():
        # Nothing non-ASCII to be mis-decoded; only lost letters and control bytes remain.
        reasons = [] if (reason := _control_characters(text, unusual)) is None else [reason]
        return reasons + _lost_letters_reasons(text)
    checks = [_replacement_characters, _control_characters, _mojibake]
    reasons = [reason for check in checks if (reason := check(text, unusual)) is not None]
    later = _lost_letters_reasons(text)
    if not reasons and (reason := _foreign_letters(text, unusual)) is not None:
        # Only then: mojibake is full of foreign letters too; naming TCVN3/VNI would mislead.
        later.append(reason)
    return reasons + later


def _replacement_characters(text: str, unusual: frozenset[str]) -> str | None:
    if "\ufffd" not in unusual:
        return None
    count = text.count("\ufffd")
    return f"{count} character(s) could not be decoded (U+FFFD replacement characters)"


# Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F; a regex scans it fast.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_characters(text: str, unusual: frozenset[str]) -> str | None:
    if not any(_CONTROL.match(ch) for ch in unusual):
        return None
    count = len(_CONTROL.findall(text))
    if count:
        return f"{count} control character(s) such as NUL: a binary or corrupted file"
    return None


def _build_byte_of_char() -> dict[str, int]:
    # Every character a byte 0x80-0xFF becomes under the code pages mojibake comes from.
    table: dict[str, int] = {}
    for byte in range(0x80, 0x100):
        table.setdefault(chr(byte), byte)
        for codec in ("cp1252", "cp1258"):
            decoded = bytes([byte]).decode(codec, errors="ignore")
            if decoded:
                table.setdefault(decoded, byte)
    return table


_BYTE_OF_CHAR = _build_byte_of_char()
# Punctuation that legitimately follows a word: after a Vietnamese letter that can end a word
# ('XÃ”'), it makes only a weak hit; after 'Ä' or 'Æ', which Vietnamese never uses, a strong one.
_WEAK_CONTINUATIONS = frozenset("\u00a0\u201c\u201d\u2018\u2019\u2026\u2013\u2014\u2022")
_VIETNAMESE_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def _plausible_decoded(ch: str) -> bool:
    """Whether a re-decoded sequence gives a character real Vietnamese text contains."""
    cp = ord(ch)
    return (
        0xA0 <= cp <= 0x17F
        or ch in "ƠơƯư"
        or ch in _VIETNAMESE_TONE_MARKS
        or 0x1E00 <= cp <= 0x1EFF
        or 0x2000 <= cp <= 0x206F
        or ch in "₫€"
    )


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


# The characters of UTF-8 continuation bytes (0x80-0xBF): no Vietnamese letter is one.
_CONTINUATION_CHARACTERS = frozenset(ch for ch, b in _BYTE_OF_CHAR.items() if 0x80 <= b <= 0xBF)
# Mojibake always shows a lead byte's character followed by a continuation byte's (or the
# 'áº'/'á»' pair); clean text almost never does, so a regex scan (C speed) finds the few
# places worth decoding again.
_MOJIBAKE_CANDIDATE = re.compile(
    "["
    + _char_class(ch for ch, b in _BYTE_OF_CHAR.items() if _utf8_length(b))
    + "](?=["
    + _char_class(_CONTINUATION_CHARACTERS)
    + "])"
)


def _mojibake_hits(text: str, unusual: frozenset[str]) -> tuple[int, int]:
    if unusual.isdisjoint(_CONTINUATION_CHARACTERS):
        return 0, 0  # no continuation byte's character, so no sequence to decode again
    strong = weak = 0
    for candidate in _MOJIBAKE_CANDIDATE.finditer(text):
        i, ch = candidate.start(), candidate.group()
        lead = _BYTE_OF_CHAR[ch]
        length = _utf8_length(lead)
        tail = text[i + 1 : i + length]
        tail_bytes = [_BYTE_OF_CHAR.get(c) for c in tail]
        if len(tail) == length - 1 and all(b is not None and 0x80 <= b <= 0xBF for b in tail_bytes):
            try:
                decoded = bytes([lead, *tail_bytes]).decode("utf-8")  # type: ignore[list-item]
            except UnicodeDecodeError:
                continue
            if not _plausible_decoded(decoded):
                continue
            if length == 2 and tail in _WEAK_CONTINUATIONS and ch in _VIETNAMESE_LETTERS:
                weak += 1
            else:
                strong += 1
        elif lead == 0xE1 and tail[:1] in ("º", "»"):
            # 'áº' / 'á»' open every Vietnamese toned letter (U+1EA0-U+1EFF) in mojibake;
            # their third byte is often lost (0x81, 0x8D, 0x90, 0x9D are undefined in cp1252).
            strong += 1
    return strong, weak


def _mojibake(text: str, unusual: frozenset[str]) -> str | None:
    strong, weak = _mojibake_hits(text, unusual)
    if strong >= MOJIBAKE_MIN_STRONG_HITS or weak >= MOJIBAKE_MIN_WEAK_HITS:
        return (
            f"mojibake: {strong + weak} sequence(s) such as 'Ã©', 'Ä‘', 'áº' show UTF-8 text "
            "that was read as Windows-1252/Latin-1 and saved again"
        )
    return None


_URLISH = re.compile(r"\S*(?:://|www\.|[/=&])\S*")
_QUESTION_IN_WORD = re.compile(r"(?<=[^\W\d_])\?(?=[^\W\d_])|(?<![^\s(\"'])\?(?=[^\W\d_]{2})")


def _question_marks_in_words(text: str) -> str | None:
    if "?" not in text:
        return None  # the common case, without scanning for URLs
    # URLs carry '?' between letters legitimately (page furniture of web reports).
    hits = len(_QUESTION_IN_WORD.findall(_URLISH.sub(" ", text)))
    if hits >= QUESTION_MARK_MIN_HITS:
        return (
            f"{hits} '?' inside word(s) (e.g. 'H?i Li?n hi?p'): letters were lost in a "
            "conversion to a code page without Vietnamese"
        )
    return None


def _is_foreign_letter(ch: str) -> bool:
    """Of the characters that are neither ASCII nor Vietnamese letters: a Latin letter, or a
    combining mark left after NFC (it sits on a letter that cannot carry it)."""
    return bool(unicodedata.combining(ch)) or (ch.isalpha() and ord(ch) <= 0x24F)


def _foreign_letters(text: str, unusual: frozenset[str]) -> str | None:
    letters = [ch for ch in unusual if not ch.isascii() and _is_foreign_letter(ch)]
    if not letters:
        return None  # the common case, decided on the distinct unusual characters
    # In the order of the text, for the sample below.
    foreign = re.findall("[" + _char_class(letters) + "]", text)
    non_ascii_letters = len(foreign) + len(_MARKED_VIETNAMESE.findall(text))
    share = len(foreign) / non_ascii_letters
    if len(foreign) >= FOREIGN_LETTERS_MIN_COUNT and share >= FOREIGN_LETTERS_MIN_SHARE:
        sample = "".join(dict.fromkeys(foreign))[:8]
        return (
            f"{len(foreign)} letter(s) foreign to Vietnamese ({sample!r}): probably a legacy "
            "encoding such as TCVN3 (ABC) or VNI read as Windows-1258"
        )
    return None


# Syllables that are frequent in union reports and, written without marks, are not English
# words (so "to", "an", "ban", "can", "me", "de" are left out on purpose).
_BARE_VIETNAMESE_WORDS = frozenset(
    """
    hoi lien hiep phu nu tinh huyen xa phuong thi tran thanh pho nam thang quy nhiem ky
    chi tieu hoat dong cac cua va trong nguoi duoc voi nhung tham gia vien ket nap moi
    cong tac phong trao dinh ho tro kinh te dat tren gan khoang trieu nghin ngan tong cap
    dan toc viet nhan khen thuong chuong trinh nghi quyet dang uy mat chuc tuyen truyen
    cho theo nay mot nhieu tai cung lang son binh lao cai hien thuc vung manh xay dung
    """.split()
)
_ASCII_WORD = re.compile(r"[A-Za-z]+")
_MARKED_VIETNAMESE = re.compile(
    "[" + _char_class(ch for ch in _VIETNAMESE_LETTERS if not ch.isascii()) + "]"
)


_LETTER = re.compile(r"[^\W\d_]")


def _dropped_diacritics(text: str) -> str | None:
    # Any marked Vietnamese letter clears the text: found at C speed, before counting letters.
    if _MARKED_VIETNAMESE.search(text):
        return None
    letters = len(_LETTER.findall(text))
    if letters < DROPPED_DIACRITICS_MIN_LETTERS:
        return None
    words = [w.lower() for w in _ASCII_WORD.findall(text)]
    hits = sum(1 for w in words if w in _BARE_VIETNAMESE_WORDS)
    if hits >= DROPPED_DIACRITICS_MIN_WORDS and hits / len(words) >= DROPPED_DIACRITICS_MIN_SHARE:
        return (
            f"Vietnamese text without any diacritics ({hits} of {len(words)} words are "
            "Vietnamese syllables written bare): the diacritics were dropped"
        )
    return None
