"""Numbers as a Vietnamese reader writes them: "." between thousands, "," before decimals.

Stewards read the gate's messages in Vietnamese, analysts the dashboard; "1,002" there
would read as one point zero zero two. The one place numbers are written for Vietnamese
readers (reading them is ingestion/normalise/numbers.py).
"""

from __future__ import annotations

import math


def vi_number(value: float | int | None, decimals: int = 0, trim: bool = True) -> str:
    """1234567.5 → '1.234.567,5' (decimals=1); trailing decimal zeros are dropped unless
    `trim` is False (a table's column of rates keeps '79,0')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value):,.{decimals}f}"
    if decimals and trim:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vi_significant(value: float | int | None, digits: int = 6) -> str:
    """A number with at most `digits` significant digits, Vietnamese separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(float(value))))
    decimals = max(0, digits - 1 - magnitude)
    return vi_number(round(float(value), decimals), decimals)
