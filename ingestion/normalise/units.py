"""Units of measure (đơn vị tính, ĐVT) as clerks write them, and whether a value fits its
indicator's unit in the catalogue.

A unit column scales a money value ('4,2' with ĐVT 'tỷ đồng' is 4,200,000,000 đồng), marks a
percentage ('%'), or names what is counted ('người', 'hộ'). A unit that does not fit the
indicator ('hộ' for a number of members, 'triệu đồng' for a count of clubs, '%' for money)
rejects the row: the value would land in the wrong unit. A unit not recognised is rejected
too, never guessed. A count (people, households, sessions, ...) must be a whole number.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.normalise.text import fold

__all__ = [
    "CATALOGUE_UNIT_VI",
    "COUNT_UNITS",
    "UnitOfMeasure",
    "UnitOfMeasureError",
    "fit_unit_of_measure",
    "read_unit_of_measure",
]

# Catalogue units (indicators.yml `unit`) whose values are counts of things: whole numbers.
COUNT_UNITS = frozenset(
    {"person", "household", "house", "count", "session", "club", "group", "commune", "unit"}
)

# What a clerk writes (folded) → (kind, multiplier). Kinds: 'vnd', 'percent', or the thing
# counted, named as the catalogue names units.
_WRITTEN: dict[str, tuple[str, int]] = {
    **dict.fromkeys(("dong", "d", "vnd", "vnđ", "viet nam dong"), ("vnd", 1)),
    **dict.fromkeys(
        ("nghin dong", "ngan dong", "nghin d", "1000 dong", "1.000 dong"), ("vnd", 10**3)
    ),
    **dict.fromkeys(("trieu dong", "trieu", "tr dong", "trd", "tr d", "tr"), ("vnd", 10**6)),
    **dict.fromkeys(("ty dong", "ti dong", "ty", "ti", "ty d"), ("vnd", 10**9)),
    **dict.fromkeys(("phan tram", "ty le", "ty le phan tram"), ("percent", 1)),
    **dict.fromkeys(
        (
            "nguoi",
            "hoi vien",
            "phu nu",
            "thanh vien",
            "can bo",
            "hoc vien",
            "tre",
            "tre em",
            "chau",
            "em",
            "nu",
            "luot nguoi",
            "nguoi luot",
        ),
        ("person", 1),
    ),
    **dict.fromkeys(("ho", "ho gia dinh", "gia dinh"), ("household", 1)),
    **dict.fromkeys(("nha", "can", "can nha", "ngoi nha", "mai am"), ("house", 1)),
    **dict.fromkeys(("buoi", "cuoc", "lop", "dot", "hoi nghi", "phien"), ("session", 1)),
    **dict.fromkeys(("clb", "cau lac bo"), ("club", 1)),
    **dict.fromkeys(("to", "nhom", "to nhom", "to hop tac"), ("group", 1)),
    **dict.fromkeys(("xa", "xa phuong", "xa phuong thi tran"), ("commune", 1)),
    **dict.fromkeys(("don vi", "co so", "chi hoi", "hoi co so"), ("unit", 1)),
    **dict.fromkeys(("chi tieu",), ("target", 1)),
    **dict.fromkeys(
        (
            "luot",
            "cai",
            "so",
            "mo hinh",
            "du an",
            "hop tac xa",
            "htx",
            "doanh nghiep",
            "vu",
            "vu viec",
            "truong hop",
            "giai",
            "suat",
            "phan qua",
            "y tuong",
            "san pham",
            "chuyen",
            "ban",
        ),
        ("count", 1),
    ),
}
# The catalogue's own unit names (the reporting form writes them in its ĐVT column).
_WRITTEN.update({unit: (unit, 1) for unit in (*COUNT_UNITS, "vnd", "percent", "target")})
# How the reporting form writes each catalogue unit in its ĐVT column (read back above).
CATALOGUE_UNIT_VI = {
    "person": "người",
    "household": "hộ",
    "house": "nhà",
    "vnd": "đồng",
    "percent": "%",
    "count": "số lượng",
    "session": "buổi",
    "club": "câu lạc bộ",
    "group": "tổ, nhóm",
    "commune": "xã",
    "unit": "đơn vị",
    "target": "chỉ tiêu",
}
_WRITTEN.update({"so luong": ("count", 1), "to nhom": ("group", 1)})
# '%' folds to nothing (fold keeps letters and digits only), so it is looked up as written.
_PERCENT_SIGNS = frozenset({"%", "(%)", "% "})

# Which written kinds fit each catalogue unit. A 'count' indicator counts things of many
# kinds; a 'target' is in the unit of the target it refers to.
_COUNTED = frozenset(COUNT_UNITS | {"count"})
_FITS: dict[str, frozenset[str]] = {
    "vnd": frozenset({"vnd"}),
    "percent": frozenset({"percent"}),
    "person": frozenset({"person", "count"}),
    "household": frozenset({"household"}),
    "house": frozenset({"house", "count"}),
    "session": frozenset({"session", "count"}),
    "club": frozenset({"club", "group", "count"}),
    "group": frozenset({"group", "club", "count"}),
    "commune": frozenset({"commune", "unit", "count"}),
    "unit": frozenset({"unit", "commune", "count"}),
    "count": _COUNTED | {"person", "household", "house", "target"},
    "target": frozenset({"target", "percent", "count", *_COUNTED, "vnd"}),
}
_KIND_VI = {
    "vnd": "tiền (đồng)",
    "percent": "tỷ lệ (%)",
    "person": "người",
    "household": "hộ",
    "house": "nhà",
    "session": "buổi, cuộc",
    "club": "câu lạc bộ",
    "group": "tổ, nhóm",
    "commune": "xã",
    "unit": "đơn vị",
    "count": "số lượng",
    "target": "chỉ tiêu",
}


class UnitOfMeasureError(ValueError):
    """A unit of measure that is not recognised, or does not fit the indicator."""

    def __init__(self, reason_en: str, reason_vi: str) -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_vi = reason_vi


@dataclass(frozen=True)
class UnitOfMeasure:
    text: str
    kind: str
    multiplier: int

    @property
    def is_percent(self) -> bool:
        return self.kind == "percent"


def read_unit_of_measure(text: str) -> UnitOfMeasure:
    """The kind and multiplier of a unit as written ('tỷ đồng', 'ĐVT: người', '%')."""
    stripped = text.strip()
    if stripped in _PERCENT_SIGNS:
        return UnitOfMeasure(stripped, "percent", 1)
    key = fold(stripped)
    if key.startswith("dvt "):
        key = key[4:]
    found = _WRITTEN.get(key)
    if found is None or not key:
        raise UnitOfMeasureError(
            f"the unit of measure {stripped!r} is not recognised; write e.g. đồng, nghìn đồng, "
            "triệu đồng, tỷ đồng, %, người, hộ",
            f"không nhận ra đơn vị tính {stripped!r}; hãy ghi ví dụ đồng, nghìn đồng, "
            "triệu đồng, tỷ đồng, %, người, hộ",
        )
    return UnitOfMeasure(stripped, *found)


def fit_unit_of_measure(text: str, indicator_unit: str) -> UnitOfMeasure:
    """The unit as written, checked against the catalogue unit of the indicator."""
    unit = read_unit_of_measure(text)
    catalogue_unit = indicator_unit.strip(" ,")
    fits = _FITS.get(catalogue_unit, frozenset({catalogue_unit}))
    if unit.kind not in fits:
        expected = _KIND_VI.get(catalogue_unit, catalogue_unit)
        raise UnitOfMeasureError(
            f"the unit of measure {unit.text!r} does not fit the indicator, whose unit is "
            f"{catalogue_unit}",
            f"đơn vị tính {unit.text!r} không khớp với chỉ tiêu (chỉ tiêu tính bằng {expected})",
        )
    return unit
