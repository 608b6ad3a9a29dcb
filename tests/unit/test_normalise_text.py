import unicodedata

import pytest

from ingestion.normalise import DecodedText, decode_bytes, encode_cp1258, fold, to_nfc
from ingestion.normalise.text import DROPPED_DIACRITICS_MIN_LETTERS, is_vietnamese_letter

NAME = "Hội Liên hiệp Phụ nữ tỉnh Lạng Sơn"
SENTENCE = (
    "Hội Liên hiệp Phụ nữ tỉnh Lạng Sơn tổ chức Hội nghị tổng kết công tác Hội và phong trào "
    "phụ nữ năm 2023; Đoàn Chủ tịch trao Bằng khen, kết nạp mới 4.677 hội viên."
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# --- to_nfc and fold ---------------------------------------------------------------------


@pytest.mark.parametrize("s", [NAME, SENTENCE, "Đoàn", "Hòa Bình", "ĐỒNG"])
def test_to_nfc_composes_decomposed_text(s):
    assert nfd(s) != s
    assert to_nfc(nfd(s)) == s
    assert to_nfc(s) == s


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Tỉnh Lạng Sơn", "tinh lang son"),
        ("Lạng Sơn", "lang son"),
        ("LẠNG SƠN", "lang son"),
        ("tinh lang son", "tinh lang son"),
        ("  Tỉnh   Lạng-Sơn. ", "tinh lang son"),
        ("TP. Hồ Chí Minh", "tp ho chi minh"),
        ("Thành phố Hồ Chí Minh", "thanh pho ho chi minh"),
        ("Đắk Lắk", "dak lak"),
        ("ĐẮK NÔNG", "dak nong"),
        ("Ðoàn", "doan"),  # Icelandic eth written for Đ by legacy converters
        ("Hội LHPN tỉnh Bà Rịa–Vũng Tàu", "hoi lhpn tinh ba ria vung tau"),
        ("Hội_LHPN\ttỉnh\u00a0Lào Cai", "hoi lhpn tinh lao cai"),
        ("Bình Phước (2023)", "binh phuoc 2023"),
        ("", ""),
    ],
)
def test_fold(name, key):
    assert fold(name) == key


@pytest.mark.parametrize("name", ["Tỉnh Lạng Sơn", "Hòa Bình", "Hoà Bình", "Đắk Lắk"])
def test_fold_ignores_normal_form_and_tone_placement(name):
    assert fold(nfd(name)) == fold(name) == fold(name.upper())


def test_vietnamese_letters():
    assert all(is_vietnamese_letter(ch) for ch in "ăâêôơưđĐỹỴệẶ" + "abcXYZ")
    assert not any(is_vietnamese_letter(ch) for ch in "äöüßøñª1 -")


# --- decode_bytes: encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SENTENCE.encode("utf-8"), "utf-8"),
        (nfd(SENTENCE).encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"), "utf-8-sig"),
        (SENTENCE.encode("utf-16"), "utf-16"),
        (b"\xff\xfe" + SENTENCE.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + SENTENCE.encode("utf-16-be"), "utf-16"),
        (SENTENCE.encode("utf-16-le"), "utf-16-le"),
        (SENTENCE.encode("utf-16-be"), "utf-16-be"),
        (nfd(SENTENCE).encode("utf-16-le"), "utf-16-le"),
        (SENTENCE.encode("utf-32"), "utf-32"),
        (encode_cp1258(SENTENCE), "cp1258"),
    ],
)
def test_decode_bytes_encodings(data, encoding):
    decoded = decode_bytes(data)
    assert decoded == DecodedText(SENTENCE, encoding, False, None)


def test_decode_bytes_returns_nfc_for_decomposed_utf8():
    decoded = decode_bytes(nfd(NAME).encode("utf-8"))
    assert decoded.text == NAME
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_python_cp1258_codec_cannot_encode_vietnamese_nfc_or_nfd():
    # The code page has no 'ộ' and only precomposed â/ă/ê/ô/ơ/ư, so NFD fails on the
    # circumflex, breve and horn; encode_cp1258 recomposes those and keeps tone marks apart.
    with pytest.raises(UnicodeEncodeError):
        NAME.encode("cp1258")
    with pytest.raises(UnicodeEncodeError):
        nfd(NAME).encode("cp1258")
    assert encode_cp1258("Hội") == b"H\xf4\xf2i"  # ô, then combining dot below


@pytest.mark.parametrize("s", ["Hà Giang", "Lạng", "Hòa Bình", "Cà Mau", "Vĩnh Phúc"])
def test_decode_bytes_cp1258_from_plain_codec_after_nfd(s):
    # Names without ă/â/ê/ô/ơ/ư after a tone mark encode with the plain codec after NFD.
    data = nfd(s).encode("cp1258")
    assert not data.isascii()
    decoded = decode_bytes(data)
    assert decoded.text == s
    assert decoded.encoding == "cp1258"
    assert not decoded.damaged


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"H\xf4\xf2i Li\xean hi\xea\xf2p", "Hội Liên hiệp"),  # tone marks as combining bytes
        (b"\xd0o\xe0n Chu\xd2 ti\xf2ch", "Đoàn Chủ tịch"),  # precomposed à from the code page
        (b"S\xf5n La", "Sơn La"),
        (b"300 tri\xea\xf2u \xf0\xf4\xccng", "300 triệu đồng"),
    ],
)
def test_decode_bytes_cp1258_handmade_bytes(data, text):
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding, decoded.damaged) == (text, "cp1258", False)


def test_encode_cp1258_round_trips_the_whole_alphabet():
    letters = "".join(
        sorted(ch for ch in map(chr, range(0x80, 0x1F00)) if is_vietnamese_letter(ch))
    )
    assert len(letters) == 134
    assert decode_bytes(encode_cp1258(letters)).text == letters


def test_decode_bytes_empty():
    assert decode_bytes(b"") == DecodedText("", "utf-8", False, None)


# --- decode_bytes: damage ------------------------------------------------------------------


def mojibake(s: str, codec: str) -> bytes:
    """UTF-8 text read as a Western code page and saved again as UTF-8."""
    return s.encode("utf-8").decode(codec, errors="ignore").encode("utf-8")


@pytest.mark.parametrize(
    ("data", "reason_part"),
    [
        (SENTENCE.encode("utf-8").replace("ộ".encode(), "\ufffd".encode()), "U+FFFD"),
        (mojibake(SENTENCE, "cp1252"), "mojibake"),
        (mojibake(SENTENCE, "latin-1"), "mojibake"),
        (mojibake(NAME, "cp1252"), "mojibake"),
        ("Hà Nội".encode().decode("cp1252").encode(), "mojibake"),
        ("Ä‘oÃ n".encode(), "mojibake"),  # 'đoàn' with the 'à' space lost
        ("Ä‘".encode(), "mojibake"),
        ("Nguyá»…n Thá»‹ Thanh".encode(), "mojibake"),
        ("Hội phụ nữ huyện Æ°u tiên".encode(), "mojibake"),
        ("tá»‰nh Láº".encode(), "mojibake"),  # truncated 'áº' at the end
        ("“XÃ” “XÃ” “XÃ”".encode(), "mojibake"),  # weak sequences, but three of them
        (b"H?i Li?n hi?p Ph? n? t?nh L?ng S?n", "'?' inside word"),
        (b"H?i", "'?' inside word"),
        ("Ban Thường vụ ?oàn".encode(), "'?' inside word"),
        (
            b"Hoi Lien hiep Phu nu tinh Lang Son to chuc hoi nghi tong ket nam 2023",
            "without any diacritics",
        ),
        (fold(SENTENCE).encode(), "without any diacritics"),
        ("Hoäi Lieân hieäp Phuï nöõ tænh Laïng Sôn".encode("cp1252"), "TCVN3"),  # VNI
        ("Héi Liªn hiÖp Phô n÷ tØnh L¹ng S¬n".encode("cp1252"), "TCVN3"),  # TCVN3
        (SENTENCE.encode("utf-8") + b"\x00\x00\x01", "control character"),
        (SENTENCE.encode("utf-8")[:-2] + b"\xe1\xbb", "not valid UTF-8"),
        (SENTENCE.encode("utf-8") + NAME.encode("cp1252", errors="ignore") + b"\xe0", "UTF-8"),
    ],
)
def test_decode_bytes_flags_damage(data, reason_part):
    decoded = decode_bytes(data)
    assert decoded.damaged
    assert decoded.damage_reason is not None
    assert reason_part in decoded.damage_reason


def test_decode_bytes_keeps_damaged_text_for_the_steward():
    decoded = decode_bytes(b"H?i Li?n hi?p")
    assert decoded.text == "H?i Li?n hi?p"
    assert decoded.damage_reason is not None
    assert decoded.damage_reason.startswith("3 '?'")


def test_mojibake_is_not_also_blamed_on_a_legacy_encoding():
    reason = decode_bytes(mojibake(SENTENCE, "cp1252")).damage_reason
    assert reason is not None
    assert "TCVN3" not in reason


def test_mostly_utf8_with_a_bad_byte_is_not_read_as_cp1258():
    decoded = decode_bytes(SENTENCE.encode("utf-8") + b" \xff")
    assert decoded.encoding == "utf-8"
    assert decoded.text.startswith(SENTENCE)
    assert decoded.damaged


@pytest.mark.parametrize(
    "text",
    [
        SENTENCE,
        NAME,
        # Short ASCII names are a legitimate spelling (fold() matches them).
        "Hoi Lien hiep Phu nu tinh Lang Son",
        # Long ASCII text that is not Vietnamese prose.
        "unit,period,indicator,value\nLS,2023,members_total,180.833\nLS,2023,members_lost,583\n",
        "The provincial union reported its annual figures to the central committee on time.",
        # '?' ending a question, and inside URLs of web page furniture.
        "Vì sao phụ nữ cần tham gia? Vì Hội là nhà chung.",
        "Nguồn: https://phunu.vn/index.php?option=com_content&id=378293 (truy cập 20/3/2024)",
        "Xem thêm tại www.hoilhpn.org.vn/tin-tuc?id=12",
        # An upper-case 'XÃ' before a closing quote looks like one weak mojibake sequence.
        "“TỔ CHỨC HỘI CẤP XÃ” được kiện toàn",
        "Tên riêng nước ngoài: Müller, Æsa",
        "",
    ],
)
def test_decode_bytes_accepts_clean_text(text):
    decoded = decode_bytes(text.encode("utf-8"))
    assert decoded == DecodedText(text, "utf-8", False, None)


def test_dropped_diacritics_threshold_is_counted_in_letters():
    short = "Hoi Lien hiep Phu nu tinh Lang Son"
    assert sum(ch.isalpha() for ch in short) < DROPPED_DIACRITICS_MIN_LETTERS
    longer = short + " va Hoi Lien hiep Phu nu huyen"
    assert sum(ch.isalpha() for ch in longer) >= DROPPED_DIACRITICS_MIN_LETTERS
    assert decode_bytes(longer.encode()).damaged


def test_clean_report_excerpt_in_every_encoding_is_not_damaged():
    excerpt = (
        "Thứ tư - 20/03/2024 11:23 71 0\n"
        "Kết quả: đã tuyên truyền 1.633 đợt với sự tham gia của 116.572 hội viên, phụ nữ; "
        "tổng kinh phí trên 4,2 tỷ đồng; dư nợ ủy thác gần 1.293 tỷ đồng (tăng 242 tỷ đồng); "
        "12/12 (đạt 100%) trẻ mồ côi… nhiệm kỳ 2021 – 2026.\n"
    )
    for data in (
        excerpt.encode("utf-8"),
        excerpt.encode("utf-8-sig"),
        excerpt.encode("utf-16"),
        encode_cp1258(excerpt),
    ):
        decoded = decode_bytes(data)
        assert (decoded.text, decoded.damaged) == (excerpt, False), decoded.encoding
