"""Rows of a table that are not data: section rows, total rows, signature blocks.

Clerks' tables carry them between and after the figures: 'I. CÔNG TÁC HỘI VIÊN' (a section
heading, often merged across the row), 'Tổng cộng' (a total the warehouse computes itself;
landing it would count the figures twice), and the signature block ('Người lập biểu',
'TM. BAN THƯỜNG VỤ', '(Ký, ghi rõ họ tên)', a name). Each is skipped, never silently: the
row and the reason go to the submitter report. Every reader's rows pass through
`split_skipped`, so the rule is the same for CSV and workbooks.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.normalise.text import fold
from ingestion.readers.headers import canonical_column

__all__ = ["SKIPPED_COLUMNS", "skipped_table", "split_skipped"]

# (name, type) of the skipped rows and sheets every reader reports. row_number is null for a
# whole sheet (hidden, or holding no table); `counted` says whether the skip is a row of the
# sheet (counted in 'rows read') or a sheet.
SKIPPED_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("row_number", pa.int64()),
    ("source_location", pa.string()),
    ("cell_text", pa.string()),
    ("reason_en", pa.string()),
    ("reason_vi", pa.string()),
    ("counted", pa.bool_()),
]
_SCHEMA = pa.schema(SKIPPED_COLUMNS)

TOTAL_EN = "a total row ('Tổng cộng'): the warehouse adds up the figures itself"
TOTAL_VI = "dòng tổng cộng: kho dữ liệu tự cộng các số liệu, không nhận dòng tổng"
SECTION_EN = "a section heading, not a figure"
SECTION_VI = "dòng tiêu đề mục, không phải số liệu"
SIGNATURE_EN = "the signature block below the table"
SIGNATURE_VI = "phần chữ ký cuối bảng"
HEADER_EN = "the table's header again (a printed page's header, or a second table below)"
HEADER_VI = "dòng tiêu đề cột lặp lại (tiêu đề của trang in, hoặc một bảng thứ hai bên dưới)"
TITLE_EN = "a title row above the table's header"
TITLE_VI = "dòng tiêu đề phía trên bảng"

_TOTAL_WORDS = frozenset(
    {"tong cong", "tong", "cong", "tong so", "total", "grand total", "sum", "cong chung"}
)
# 'I. CÔNG TÁC HỘI VIÊN', 'A. PHONG TRÀO', '1. Hội viên', '1.2) ...', 'II/ ...'.
_HEADING = re.compile(r"^(?:[IVXLC]+|[A-Za-z]|\d+(?:\.\d+)*)\s*[.)/:-]\s*\S")
# The signature block: role titles alone in a cell, and the phrases around signatures.
_SIGNATURE_TITLES = frozenset(
    {
        "chu tich",
        "pho chu tich",
        "kt chu tich",
        "tm ban thuong vu",
        "tm ban chap hanh",
        "tm ban thuong truc",
        "nguoi lap bieu",
        "nguoi lap",
        "lap bieu",
        "thu truong don vi",
        "thu truong",
        "ke toan",
        "ke toan truong",
        "xac nhan cua thu truong don vi",
        "noi nhan",
    }
)
_SIGNATURE = re.compile(r"\b(?:ky ten|ky ghi ro|ky va ghi ro|ghi ro ho ten|ky dong dau|noi nhan)\b")
# 'Tuyên Quang, ngày 15 tháng 12 năm 2025': the place and date above the signatures.
_DATE_LINE = re.compile(r"\bngay \S+ thang \S+ nam\b")
_DIGIT = re.compile(r"\d")
# Arrow's first sieve (most rows are plain figures: a period, which always has a year's
# digits, and a digit in the value, so no signature or heading): a total word alone in the
# unit or indicator cell, a period or a value without a digit.
_TOTAL_CELL = (
    r"(?i)^\s*(tổng\s+cộng|tổng\s+số|tổng|cộng\s+chung|cộng|tong\s+cong|tong\s+so|tong"
    r"|cong\s+chung|cong|total|grand\s+total|sum)\s*:?\s*$"
)
_NO_DIGIT = r"^[^0-9]*$"
_NUMBER_LIKE = re.compile(r"^[\s\d.,%/+\-−~≈<>]*\d[\s\d.,%/]*$")


def _is_total(texts: list[str]) -> bool:
    return any(fold(t).rstrip(" :") in _TOTAL_WORDS for t in texts[:2] if t)


def _is_heading(cells: list[str]) -> bool:
    """All filled cells hold one text (a heading merged across the row, or typed in one
    cell), and it is numbered like a heading or written in capitals, without a number."""
    filled = {c.strip() for c in cells if c.strip()}
    if len(filled) != 1:
        return False
    text = next(iter(filled))
    if _NUMBER_LIKE.match(text):
        return False
    letters = sum(c.isalpha() for c in text)
    capitals = letters >= 4 and " " in text and text == text.upper()
    return bool(_HEADING.match(text)) or capitals


def _is_header(cells: list[str]) -> bool:
    """The unit, period, indicator and value cells name those columns ('Mã đơn vị', 'Kỳ báo
    cáo', ...), three of them at least: the header written again below it."""
    named = [canonical_column(c) for c in cells]
    filled = [c for c in cells if c.strip()]
    wanted = ("unit", "period", "indicator", "value")
    return len(filled) >= 3 and all(
        n == w for n, w, c in zip(named, wanted, cells, strict=True) if c.strip()
    )


def _is_signature(cells: list[str]) -> bool:
    for cell in cells:
        folded = fold(cell)
        if folded and (folded in _SIGNATURE_TITLES or _SIGNATURE.search(folded)):
            return True
    return False


def classify(unit: str, period: str, indicator: str, value: str, in_signature: bool) -> str:
    """'' for a data row, else 'header', 'total', 'section' or 'signature'.

    A row with a period, or with a digit in its value cell, is never taken for a signature
    (a data row's indicator may well say 'Chủ tịch Hội cơ sở ...'); below a signature title,
    rows without either (the names) belong to the block."""
    cells = [unit, period, indicator, value]
    if _is_header(cells):
        return "header"
    if _is_total([unit, indicator]):
        return "total"
    if not period.strip():
        if any(_DATE_LINE.search(fold(c)) for c in cells if c.strip()):
            return "signature"
        if not _DIGIT.search(value) and (_is_signature(cells) or in_signature):
            return "signature"
    if _is_heading(cells):
        return "section"
    return ""


_REASONS = {
    "header": (HEADER_EN, HEADER_VI),
    "total": (TOTAL_EN, TOTAL_VI),
    "section": (SECTION_EN, SECTION_VI),
    "signature": (SIGNATURE_EN, SIGNATURE_VI),
}


def skipped_table(rows: list[tuple]) -> pa.Table:
    """SKIPPED_COLUMNS of (row_number, location, text, reason_en, reason_vi, counted) rows."""
    return pa.table(
        {
            name: pa.array([r[i] for r in rows], kind)
            for i, (name, kind) in enumerate(SKIPPED_COLUMNS)
        },
        schema=_SCHEMA,
    )


def split_skipped(table: pa.Table) -> tuple[pa.Table, list[tuple]]:
    """(the data rows, the skipped rows as SKIPPED_COLUMNS tuples) of a reader's rows (with
    row_number, source_location, unit, period, indicator, value_text)."""
    n = table.num_rows
    if n == 0:
        return table, []
    columns = {
        name: table.column(name).combine_chunks().fill_null("")
        for name in ("unit", "period", "indicator", "value_text")
    }
    sieve = pc.or_(
        pc.or_(
            pc.match_substring_regex(columns["unit"], _TOTAL_CELL),
            pc.match_substring_regex(columns["indicator"], _TOTAL_CELL),
        ),
        pc.or_(
            pc.match_substring_regex(columns["period"], _NO_DIGIT),
            pc.match_substring_regex(columns["value_text"], _NO_DIGIT),
        ),
    )
    candidates = pc.indices_nonzero(sieve).to_pylist()
    if not candidates:
        return table, []
    texts = {name: column.take(candidates).to_pylist() for name, column in columns.items()}
    numbers = table.column("row_number").take(candidates).to_pylist()
    locations = table.column("source_location").take(candidates).to_pylist()
    skipped: list[tuple] = []
    drop: list[int] = []
    in_signature = False
    previous_sheet: str | None = None
    for position, index in enumerate(candidates):
        location = locations[position]
        sheet = location.rpartition("!")[0] if location else None
        if sheet != previous_sheet:
            in_signature, previous_sheet = False, sheet
        unit, period, indicator, value = (
            texts[name][position] for name in ("unit", "period", "indicator", "value_text")
        )
        kind = classify(unit, period, indicator, value, in_signature)
        if not kind:
            continue
        in_signature = in_signature or kind == "signature"
        shown = " | ".join(dict.fromkeys(t.strip() for t in (unit, indicator, value) if t.strip()))
        skipped.append((numbers[position], location, shown, *_REASONS[kind], True))
        drop.append(index)
    if not drop:
        return table, []
    mask = [True] * n
    for index in drop:
        mask[index] = False
    return table.filter(pa.array(mask, pa.bool_())), skipped
