"""Column headers of submitted tables, in Vietnamese or English, mapped to canonical names.

Units type headers by hand: 'Đơn vị', 'don vi', 'ĐƠN VỊ', 'Mã đơn vị', 'unit_code' all mean
the reporting unit. Headers are compared by their folded form (`fold`: no diacritics, lower
case, punctuation and spaces collapsed) and only as whole names: 'Đơn vị tính' (unit of
measure) starts with 'Đơn vị' (unit), so prefix matching would file it under the wrong column.
"""

from __future__ import annotations

from ingestion.normalise.text import fold
from ingestion.readers.table import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, UnreadableFile

__all__ = [
    "COLUMN_LABELS_VI",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "VALUE_SYNONYMS",
    "canonical_column",
    "map_header",
    "declared_unit_of_measure",
]

# Vietnamese label of each canonical column, for error messages a submitter can act on.
COLUMN_LABELS_VI = {
    "unit": "Mã đơn vị",
    "period": "Kỳ báo cáo",
    "indicator": "Mã chỉ tiêu",
    "value": "Giá trị",
    "unit_of_measure": "Đơn vị tính",
    "programme": "Chương trình",
    "disaggregation": "Phân tổ",
    "note": "Ghi chú",
}

# Written with diacritics where Vietnamese has them; folded once below, so the unaccented
# spellings ('don vi', 'ky bao cao') match without being listed twice.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "unit": (
        "unit",
        "unit code",
        "unit id",
        "org unit",
        "Đơn vị",
        "Mã đơn vị",
        "Mã ĐV",
        "Đơn vị báo cáo",
        "Mã đơn vị báo cáo",
    ),
    "period": ("period", "reporting period", "Kỳ báo cáo", "Kỳ", "Kỳ BC", "Thời kỳ"),
    "indicator": (
        "indicator",
        "indicator code",
        "Chỉ tiêu",
        "Mã chỉ tiêu",
        "Mã CT",
    ),
    "value": ("value", "Giá trị", "Số liệu", "Số liệu báo cáo"),
    "unit_of_measure": ("unit of measure", "uom", "Đơn vị tính", "ĐVT"),
    "programme": ("programme", "program", "Chương trình"),
    "disaggregation": ("disaggregation", "Phân tổ"),
    "note": ("note", "notes", "Ghi chú"),
}

# The value column's headers as written (xlsx_fast asks for that column by name).
VALUE_SYNONYMS = _SYNONYMS["value"]

_BY_FOLDED: dict[str, str] = {
    fold(synonym): canonical for canonical, synonyms in _SYNONYMS.items() for synonym in synonyms
}
# A clash would make one header mean two columns depending on dict order.
assert len(_BY_FOLDED) == sum(len(s) for s in _SYNONYMS.values()), "synonym folds collide"


def declared_unit_of_measure(title: str) -> str | None:
    """The unit of measure a title line above a table declares for all of it ('ĐVT: triệu
    đồng', '(Đơn vị tính: Triệu đồng)'), or None. A title row's cells come joined by ' | '."""
    for cell in title.split(" | "):
        label, colon, unit = cell.strip().strip("()").partition(":")
        if colon and unit.strip() and canonical_column(label) == "unit_of_measure":
            return unit.strip().strip("()").strip()
    return None


def canonical_column(name: str) -> str | None:
    """Canonical column name of a header, or None when the header is not one we know."""
    return _BY_FOLDED.get(fold(name))


def _label(canonical: str) -> str:
    return f"{canonical} ({COLUMN_LABELS_VI[canonical]})"


def map_header(names: list[str], required: tuple[str, ...] = REQUIRED_COLUMNS) -> dict[int, str]:
    """Column index → canonical name for the known headers; unknown headers are left out.

    Raises UnreadableFile when a required column is missing or two headers mean the same
    column: reading either of two 'value' columns would silently drop the other.
    """
    mapping: dict[int, str] = {}
    seen: dict[str, list[str]] = {}
    for index, name in enumerate(names):
        canonical = canonical_column(name) if name else None
        if canonical is None:
            continue
        seen.setdefault(canonical, []).append(name.strip())
        mapping[index] = canonical
    duplicated = {c: headers for c, headers in seen.items() if len(headers) > 1}
    missing = [c for c in required if c not in seen]
    problems_en: list[str] = []
    problems_vi: list[str] = []
    if missing:
        problems_en.append(
            f"the header lacks the column(s) {', '.join(_label(c) for c in missing)}"
        )
        problems_vi.append(
            "dòng tiêu đề thiếu cột " + ", ".join(f"{COLUMN_LABELS_VI[c]} ({c})" for c in missing)
        )
    if duplicated:
        listed = "; ".join(
            f"{', '.join(repr(h) for h in headers)} all mean {_label(c)}"
            for c, headers in duplicated.items()
        )
        listed_vi = "; ".join(
            f"{', '.join(repr(h) for h in headers)} cùng là cột {COLUMN_LABELS_VI[c]}"
            for c, headers in duplicated.items()
        )
        problems_en.append(f"the header repeats column(s): {listed}")
        problems_vi.append(f"dòng tiêu đề lặp cột: {listed_vi}")
    if problems_en:
        required_en = ", ".join(_label(c) for c in required)
        required_vi = ", ".join(COLUMN_LABELS_VI[c] for c in required)
        raise UnreadableFile(
            "; ".join(problems_en) + f"; the header must have each of {required_en} once",
            "; ".join(problems_vi) + f"; tiêu đề phải có mỗi cột {required_vi} đúng một lần",
        )
    return mapping
