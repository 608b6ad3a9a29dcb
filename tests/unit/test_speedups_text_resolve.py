"""The fast paths of fold(), decode_bytes() and UnitResolver give exactly the old results.

fold() became a translate table, decode_bytes() decides clean text in one scan, and the unit
resolver reads precomputed indexes instead of filtering sets per call. Each test below keeps
the old definition (or the old verdict, in full) and compares, over the reference data and
many generated strings.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import cache
from itertools import product

import pytest

from ingestion.normalise import DecodedText, decode_bytes, encode_cp1258, fold
from ingestion.normalise import text as text_module
from ingestion.reference.catalogue import load_catalogue
from ingestion.reference.org_units import load_org_units
from ingestion.resolve import (
    _ADMIN_PREFIXES,
    _BARE_ALIASES,
    _PARENT_SEPARATOR,
    UnitResolver,
    unit_resolver,
)
from ingestion.resolve import _numbers_unpadded as numbers_unpadded
from ingestion.resolve import _split_admin_prefix as split_admin_prefix
from ingestion.resolve import _strip_union_prefix as strip_union_prefix

# --- fold ------------------------------------------------------------------------------------

_OLD_D_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_OLD_NOT_WORD = re.compile(r"[\W_]+")


def old_fold(s: str) -> str:
    """fold() as it was: NFD, drop the combining marks, case fold, collapse the rest."""
    decomposed = unicodedata.normalize("NFD", s.translate(_OLD_D_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _OLD_NOT_WORD.sub(" ", stripped.casefold()).strip()


@pytest.fixture
def fold_table_restored() -> Iterator[None]:
    """Tests that fold every code point leave the table as they found it."""
    table = text_module._FOLD_TABLE
    before = set(table)
    yield
    for code_point in set(table) - before:
        del table[code_point]


@cache
def reference_names() -> list[str]:
    units = load_org_units().units
    names = [str(n) for n in units["name_vi"]]
    names += [str(n) for n in units["short_name_vi"].dropna()]
    catalogue = load_catalogue()
    names += [str(n) for n in catalogue["name_vi"]] + [str(n) for n in catalogue["name_en"]]
    for aliases in catalogue["aliases"].dropna():
        names += [a for a in str(aliases).split("|") if a]
    return names


def test_fold_equals_the_old_definition_on_every_reference_name() -> None:
    names = reference_names()
    assert len(names) > 10_000
    for name in names:
        for form in (name, f" {unicodedata.normalize('NFD', name).upper()}, -"):
            assert fold(form) == old_fold(form), form


def test_fold_equals_the_old_definition_for_every_character(fold_table_restored: None) -> None:
    # Every code point of the Basic Multilingual Plane and a sample of the others, alone
    # and between letters, so its joining or splitting of words is compared too.
    rng = random.Random(3)
    code_points = list(range(0x10000)) + rng.sample(range(0x10000, sys.maxunicode + 1), 3000)
    for code_point in code_points:
        ch = chr(code_point)
        for s in (ch, f"a{ch}b", f" {ch}{ch} "):
            assert fold(s) == old_fold(s), hex(code_point)


def test_fold_table_stops_growing_but_keeps_folding(fold_table_restored: None) -> None:
    table = text_module._FOLD_TABLE
    cjk = "".join(chr(cp) for cp in range(0x4E00, 0x4E00 + text_module._FOLD_TABLE_MAX))
    assert fold(cjk) == old_fold(cjk)
    assert len(table) == text_module._FOLD_TABLE_MAX
    assert fold("Ѐ Σ ﬀ Ǆ") == old_fold("Ѐ Σ ﬀ Ǆ") == "е σ ff ǆ"


def test_fold_equals_the_old_definition_on_random_strings() -> None:
    rng = random.Random(11)
    pieces = [
        *"aAzZ09 _-.,;:/()'\"\t\n",
        *"đĐðÐạẠắẮệỆơƠưƯỹỸ",
        "\u0301",
        "\u0323",
        "\u0302\u0323",
        "e\u0301",
        "O\u031b\u0300",
        "İ",
        "ß",
        "ﬁ",
        "Σ",
        "ς",
        "Ω",
        "Ж",
        "中",
        "²",
        "٣",
        "①",
        "\u00a0",
        "\u2013",
        "\u200b",
        "\ufeff",
        "\U0001f600",
    ]
    for _ in range(20_000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randrange(16)))
        for form in (s, unicodedata.normalize("NFC", s), unicodedata.normalize("NFD", s)):
            assert fold(form) == old_fold(form), repr(form)


# --- decode_bytes ------------------------------------------------------------------------------


def test_plain_characters_make_nfc_text_whatever_their_order() -> None:
    # The fast path skips NFC for text made only of these characters: each is a starter
    # that composes with no neighbour, so every string of them is already NFC.
    plain = sorted(text_module._PLAIN_CHARACTERS | text_module._VIETNAMESE_LETTERS)
    assert all(unicodedata.combining(ch) == 0 for ch in plain)
    for first, second in product(plain, repeat=2):
        assert unicodedata.is_normalized("NFC", first + second), (first, second)


def test_plain_characters_cannot_be_control_mojibake_or_foreign() -> None:
    plain = text_module._PLAIN_CHARACTERS | text_module._VIETNAMESE_LETTERS
    assert plain.isdisjoint(text_module._CONTINUATION_CHARACTERS)
    assert "\ufffd" not in plain
    assert not any(text_module._CONTROL.match(ch) for ch in plain)


SENTENCE = (
    "Hội Liên hiệp Phụ nữ tỉnh Lạng Sơn tổ chức Hội nghị tổng kết công tác Hội và phong trào "
    "phụ nữ năm 2023; Đoàn Chủ tịch trao Bằng khen, kết nạp mới 4.677 hội viên."
)
NAME = "Hội Liên hiệp Phụ nữ tỉnh Lạng Sơn"
MOJIBAKE = (
    "mojibake: {} sequence(s) such as 'Ã©', 'Ä‘', 'áº' show UTF-8 text that was read as "
    "Windows-1252/Latin-1 and saved again"
)
QUESTION = (
    "{} '?' inside word(s) (e.g. 'H?i Li?n hi?p'): letters were lost in a conversion to a "
    "code page without Vietnamese"
)
BARE = (
    "Vietnamese text without any diacritics ({} of {} words are Vietnamese syllables "
    "written bare): the diacritics were dropped"
)
FOREIGN = (
    "{} letter(s) foreign to Vietnamese ({!r}): probably a legacy encoding such as TCVN3 "
    "(ABC) or VNI read as Windows-1258"
)
REPLACED = "{} character(s) could not be decoded (U+FFFD replacement characters)"
CONTROL = "{} control character(s) such as NUL: a binary or corrupted file"


def mojibake(s: str, codec: str) -> bytes:
    return s.encode("utf-8").decode(codec, errors="ignore").encode("utf-8")


# Every damaged example of test_normalise_text, with the full reason the checks gave before
# the fast path was added.
@pytest.mark.parametrize(
    ("data", "encoding", "reason"),
    [
        (
            SENTENCE.encode("utf-8").replace("ộ".encode(), "\ufffd".encode()),
            "utf-8",
            REPLACED.format(4),
        ),
        (mojibake(SENTENCE, "cp1252"), "utf-8", MOJIBAKE.format(31)),
        (
            mojibake(SENTENCE, "latin-1"),
            "utf-8",
            CONTROL.format(13) + "; " + MOJIBAKE.format(32),
        ),
        (mojibake(NAME, "cp1252"), "utf-8", MOJIBAKE.format(8)),
        ("Hà Nội".encode().decode("cp1252").encode(), "utf-8", MOJIBAKE.format(2)),
        ("Ä‘oÃ n".encode(), "utf-8", MOJIBAKE.format(1)),
        ("Ä‘".encode(), "utf-8", MOJIBAKE.format(1)),
        ("Nguyá»…n Thá»‹ Thanh".encode(), "utf-8", MOJIBAKE.format(2)),
        ("Hội phụ nữ huyện Æ°u tiên".encode(), "utf-8", MOJIBAKE.format(1)),
        ("tá»‰nh Láº".encode(), "utf-8", MOJIBAKE.format(2)),
        ("“XÃ” “XÃ” “XÃ”".encode(), "utf-8", MOJIBAKE.format(3)),
        (b"H?i Li?n hi?p Ph? n? t?nh L?ng S?n", "utf-8", QUESTION.format(6)),
        (b"H?i", "utf-8", QUESTION.format(1)),
        ("Ban Thường vụ ?oàn".encode(), "utf-8", QUESTION.format(1)),
        (
            b"Hoi Lien hiep Phu nu tinh Lang Son to chuc hoi nghi tong ket nam 2023",
            "utf-8",
            BARE.format(14, 15),
        ),
        (fold(SENTENCE).encode(), "utf-8", BARE.format(29, 34)),
        (
            "Hoäi Lieân hieäp Phuï nöõ tænh Laïng Sôn".encode("cp1252"),
            "cp1258",
            FOREIGN.format(6, "äïöæ"),
        ),
        (
            "Héi Liªn hiÖp Phô n÷ tØnh L¹ng S¬n".encode("cp1252"),
            "cp1258",
            FOREIGN.format(3, "ªÖØ"),
        ),
        (SENTENCE.encode("utf-8") + b"\x00\x00\x01", "utf-8", CONTROL.format(3)),
        (
            SENTENCE.encode("utf-8")[:-2] + b"\xe1\xbb",
            "utf-8",
            "2 byte(s) are not valid UTF-8 (first at byte 214); " + REPLACED.format(1),
        ),
        (
            SENTENCE.encode("utf-8") + NAME.encode("cp1252", errors="ignore") + b"\xe0",
            "utf-8",
            "2 byte(s) are not valid UTF-8 (first at byte 221); " + REPLACED.format(2),
        ),
    ],
)
def test_damage_reasons_are_those_given_before_the_fast_path(
    data: bytes, encoding: str, reason: str
) -> None:
    decoded = decode_bytes(data)
    assert (decoded.encoding, decoded.damaged, decoded.damage_reason) == (encoding, True, reason)


def test_fast_path_and_full_checks_agree_on_plain_text() -> None:
    # Plain text (ASCII and composed Vietnamese letters) skips NFC and the character checks;
    # running the full checks on it must find nothing more.
    texts = [
        SENTENCE,
        NAME,
        b"H?i Li?n hi?p".decode(),
        fold(SENTENCE),
        "unit,period,indicator,value\nLS,2023,members_total,180.833\n",
        "Ðoàn",  # 'Ð' (eth) is not plain: takes the full path
    ]
    for text in texts:
        decoded = decode_bytes(text.encode("utf-8"))
        nfc = unicodedata.normalize("NFC", text)
        full = text_module._damage_reasons(nfc)
        assert decoded.text == nfc
        assert decoded.damage_reason == ("; ".join(full) if full else None)


def test_typography_and_foreign_names_take_the_full_path_and_stay_clean() -> None:
    text = "Nhiệm kỳ 2021 – 2026: “Phụ nữ”… 30°C, Müller"
    assert text_module._NOT_PLAIN.search(text) is not None
    for data in (text.encode("utf-8"), text.encode("utf-16")):
        decoded = decode_bytes(data)
        assert (decoded.text, decoded.damaged) == (text, False)
    # Windows-1258 has no 'ü' to recompose, and writes the tone marks as combining bytes.
    legacy = text.replace("Müller", "Muller")
    decoded = decode_bytes(encode_cp1258(legacy))
    assert (decoded.text, decoded.encoding, decoded.damaged) == (legacy, "cp1258", False)


def test_decomposed_text_is_composed_on_the_full_path() -> None:
    nfd = unicodedata.normalize("NFD", SENTENCE)
    decoded = decode_bytes(nfd.encode("utf-8"))
    assert (decoded.text, decoded.damaged) == (SENTENCE, False)


# --- unit resolver -----------------------------------------------------------------------------

# The prefix tables are unchanged; the way they are searched is what changed.
_OLD_ADMIN_PREFIX_ORDER = sorted(_ADMIN_PREFIXES, key=lambda p: -len(p.split()))
_OLD_UNION_PREFIXES = ("hoi lien hiep phu nu", "hoi lhpn", "hoi phu nu")


def old_split_admin_prefix(key: str) -> tuple[str | None, str]:
    for prefix in _OLD_ADMIN_PREFIX_ORDER:
        if key.startswith(prefix + " "):
            return prefix, key[len(prefix) + 1 :]
    return None, key


def old_strip_union_prefix(key: str) -> str:
    for prefix in _OLD_UNION_PREFIXES:
        if key == prefix:
            return key
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
    return key


def old_numbers_unpadded(key: str) -> str:
    return " ".join(str(int(w)) if w.isdigit() else w for w in key.split())


def key_samples() -> list[str]:
    rng = random.Random(5)
    keys = [fold(n) for n in reference_names()]
    words = sorted({w for k in keys for w in k.split()}) + ["01", "007", "hoi", "lhpn", "tp"]
    for _ in range(20_000):
        keys.append(" ".join(rng.choice(words) for _ in range(rng.randrange(5))))
    # Not folded: double, leading and trailing spaces, a tab, a prefix alone.
    keys += ["thanh  pho x", " xa a", "xa  a", "tinh ", "thanh pho ", "hoi", "hoi lhpn", "xa\ta"]
    return keys


def test_key_helpers_equal_the_old_definitions() -> None:
    for key in key_samples():
        assert split_admin_prefix(key) == old_split_admin_prefix(key), key
        assert strip_union_prefix(key) == old_strip_union_prefix(key), key
        assert numbers_unpadded(key) == old_numbers_unpadded(key), key


def old_match(resolver: UnitResolver, text: str) -> tuple[set[str], bool]:
    """UnitResolver._match as it was, on the resolver's own indexes."""
    key = old_numbers_unpadded(old_strip_union_prefix(old_fold(text)))
    if not key:
        return set(), False
    prefix, bare = old_split_admin_prefix(key)
    bare = _BARE_ALIASES.get(bare, bare)
    if prefix is not None:
        canonical, levels = _ADMIN_PREFIXES[prefix]
        named = resolver._by_bare.get(bare, set())
        exact = {c for c in named if resolver._units[c].prefix == canonical}
        if exact:
            return exact, True
        by_level = {c for c in named if resolver._units[c].level in levels}
        if by_level:
            return by_level, True
    full = resolver._by_full.get(key)
    if full:
        return set(full), True
    return set(resolver._by_bare.get(_BARE_ALIASES.get(key, key), set())), False


def old_match_with_parents(resolver: UnitResolver, text: str) -> tuple[set[str], bool]:
    candidates, qualified = old_match(resolver, text)
    if candidates:
        return candidates, qualified
    parts = [p for p in _PARENT_SEPARATOR.split(text.strip()) if p]
    if len(parts) < 2:
        return set(), False
    candidates, qualified = old_match(resolver, parts[0])
    for parent_text in parts[1:]:
        parents, _ = old_match(resolver, parent_text)
        candidates = {c for c in candidates if resolver._ancestors[c] & parents}
    return candidates, qualified


def unit_texts() -> list[str]:
    """Every unit's official name, and for a sample of units the name as reports write it:
    short, upper case, without marks, with a union prefix, with another administrative
    prefix, with its parent."""
    units = load_org_units().units
    by_code = dict(zip(units["unit_code"], units["name_vi"], strict=True))
    texts = [str(name) for name in units["name_vi"]]
    sample = units.sample(n=2500, random_state=1)
    for row in sample.itertuples(index=False):
        name = str(row.name_vi)
        texts += [name.upper(), fold(name), f"Hội LHPN {name}"]
        short = str(row.short_name_vi) if isinstance(row.short_name_vi, str) else ""
        if short:
            texts += [short, f"Tỉnh {short}", f"Xã {short}", f"Quận {short} 01"]
        parent = by_code.get(row.parent_code)
        if isinstance(parent, str):
            texts += [f"{name}, {parent}", f"{short or name} - {parent}"]
    return texts


def test_match_equals_the_old_definition_for_every_unit() -> None:
    resolver = unit_resolver()
    texts = unit_texts()
    assert len(texts) > 25_000
    for text in texts:
        assert resolver._match(text) == old_match(resolver, text), text
        expected = old_match_with_parents(resolver, text)
        assert resolver._match_with_parents(text) == expected, text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # Bad bytes after a BOM are replaced, not refused: dropping the 'A' between them
        # would make a valid 'à', so the byte shortcut must not be trusted here.
        (
            b"\xef\xbb\xbf" + "Hội".encode() + b"\xc3A\xa0",
            DecodedText("Hội\ufffdA\ufffd", "utf-8-sig", True, REPLACED.format(2)),
        ),
        (
            b"\xef\xbb\xbf" + "Hội".encode() + "\ufffd".encode(),
            DecodedText("Hội\ufffd", "utf-8-sig", True, REPLACED.format(1)),
        ),
        # A second BOM inside the text is a character like any other, not a damage.
        ("Hội \ufeff".encode(), DecodedText("Hội \ufeff", "utf-8", False, None)),
    ],
)
def test_utf8_byte_shortcut_edge_cases(data: bytes, expected: DecodedText) -> None:
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    "text",
    [SENTENCE, NAME, "", "abc\x00", "Ðoàn", "Hội \ufeff", "–", "e\u0301", "Hội\ufffd"],
)
def test_utf8_byte_shortcut_agrees_with_the_text_scan(text: str) -> None:
    plain = text_module._NOT_PLAIN.search(text) is None
    for encoding in ("utf-8", "utf-8-sig"):
        data = text.encode(encoding)
        assert text_module._is_plain(text, data, encoding) is plain
