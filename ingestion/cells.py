"""The cells of a chunk of rows, normalised column by column in Arrow.

Every reader gives the rows as text (dispatch.ROW_COLUMNS plus submission_id and file_name).
Here each column is dictionary-encoded once, each DISTINCT text is parsed or resolved once
in Python (a national month of 50,000 rows has a few thousand distinct unit names and a few
dozen periods and indicators), and the results are spread back to the rows by index. No
row is dropped or changed: a cell that cannot be read keeps its text and gets the reason,
in English and Vietnamese, that landing's rules turn into a rejection.

Cells are trimmed of white space (Unicode's, as `str.strip` does) before they are matched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.normalise import NumberParseError, PeriodParseError, parse_period, parse_vn_number
from ingestion.resolve import (
    ResolutionError,
    disaggregation_resolver,
    indicator_resolver,
    unit_resolver,
)

__all__ = ["CELL_COLUMNS", "fast_numbers", "fast_values", "normalised_cells"]

# The commonest values are read by Arrow over the distinct texts at once: plain integers (the
# cell trimmed), and exactly as written, '180.833' (dots group thousands) and '4,2' (a
# decimal comma), which parse_vn_number reads the same way (its _common_form; tests hold
# the two to the same values), and the money and fraction forms below. Everything else
# (qualifiers, percentages, chained money words, English separators) goes through
# parse_vn_number once per distinct text.
PLAIN_INTEGER = r"^-?[0-9]{1,15}$"
THOUSANDS_GROUPED = r"^[0-9]{1,3}(\.[0-9]{3})+$"
DECIMAL_COMMA = r"^[0-9]+,[0-9]+$"
# Money as most reports write it ('536 triệu', '1.293 triệu', '4,2 tỷ đồng': an amount in
# one of the two forms above and a money word) and a part of a whole ('231/235', each part
# below 10^15 so that comparing them as floats is exact), as parse_vn_number's _common_form
# reads them; a fraction whose part is larger than its whole is left to parse_vn_number.
MONEY = r"^(?P<amount>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+(?:,[0-9]+)?) (?P<word>triệu|tỷ)(?: đồng)?$"
FRACTION = r"^(?P<part>[0-9]{1,15})/(?P<whole>[0-9]{1,15})$"

# (name, type) of each cell column, in order; the landing rules and inserts read them.
CELL_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("submission_id", pa.string()),
    ("file_name", pa.string()),
    ("row_number", pa.int64()),
    ("source_location", pa.string()),
    ("unit_text", pa.string()),
    ("unit", pa.string()),
    ("unit_reason_en", pa.string()),
    ("unit_reason_vi", pa.string()),
    ("indicator_text", pa.string()),
    ("indicator", pa.string()),
    ("indicator_reason_en", pa.string()),
    ("indicator_reason_vi", pa.string()),
    ("period", pa.string()),
    ("value_text", pa.string()),
    ("unit_of_measure", pa.string()),
    ("programme", pa.string()),
    ("disaggregation_text", pa.string()),
    ("disaggregation", pa.string()),
    ("disaggregation_reason_en", pa.string()),
    ("disaggregation_reason_vi", pa.string()),
    ("note", pa.string()),
    ("period_code", pa.string()),
    ("period_kind", pa.string()),
    ("period_as_of", pa.date32()),
    ("period_reason_en", pa.string()),
    ("period_reason_vi", pa.string()),
    ("value", pa.float64()),
    ("approximate", pa.bool_()),
    ("qualifier", pa.string()),
    ("whole", pa.float64()),
    ("is_percent", pa.bool_()),
    ("value_reason_en", pa.string()),
    ("value_reason_vi", pa.string()),
]
_TYPES = dict(CELL_COLUMNS)
_SCHEMA = pa.schema(CELL_COLUMNS)

CANDIDATES_LISTED = 10


class _Encoded:
    """A text column as indices into its distinct values."""

    def __init__(self, column: pa.Array | pa.ChunkedArray) -> None:
        if pa.types.is_string(column.type):
            column = column.fill_null("")
        encoded = pc.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        self.indices: pa.Array = encoded.indices
        self.dictionary: pa.Array = encoded.dictionary
        self.values: list[str] = encoded.dictionary.to_pylist()


def _spread(
    results: list[tuple], names: list[str], indices: pa.Array, columns: dict[str, pa.Array]
) -> None:
    """Per-distinct result tuples → one row-length column per name, taken by index."""
    for position, name in enumerate(names):
        per_distinct = pa.array([r[position] for r in results], _TYPES[name])
        columns[name] = pc.take(per_distinct, indices)


def _pairs(first: _Encoded, second: _Encoded) -> _Encoded:
    """The distinct (first, second) pairs of the rows, as one encoded int64 key."""
    key = pc.add(
        pc.multiply(first.indices.cast(pa.int64()), len(second.values)),
        second.indices.cast(pa.int64()),
    )
    return _Encoded(key)


def _split(pairs: _Encoded, second: _Encoded) -> list[tuple[int, int]]:
    width = len(second.values)
    return [divmod(key, width) for key in pairs.values]


def _cached(parse: Callable[..., tuple]) -> Callable[..., tuple]:
    seen: dict[Hashable, tuple] = {}

    def once(*key: Any) -> tuple:
        if key not in seen:
            seen[key] = parse(*key)
        return seen[key]

    return once


def with_candidates(exc: ResolutionError) -> tuple[str, str]:
    """The steward needs the candidates to fix an ambiguous name: put them in the reason."""
    if not exc.candidates:
        return exc.reason_en, exc.reason_vi
    listed = "; ".join(exc.candidates[:CANDIDATES_LISTED])
    more = len(exc.candidates) - CANDIDATES_LISTED
    tail = f" (+{more})" if more > 0 else ""
    return (
        f"{exc.reason_en}. Candidates: {listed}{tail}",
        f"{exc.reason_vi}. Các đơn vị có thể là: {listed}{tail}",
    )


def _period(text: str) -> tuple:
    try:
        period = parse_period(text)
    except PeriodParseError as exc:
        return None, None, None, None, exc.reason_en, exc.reason_vi
    return period.code, period.kind, period.as_of, period.end, None, None


def _unit(text: str, on: dt.date | None) -> tuple:
    if not text:
        return None, None, None  # the empty-unit rule gives the reason
    try:
        return unit_resolver().resolve(text, on=on), None, None
    except ResolutionError as exc:
        return None, *with_candidates(exc)


def _indicator(text: str) -> tuple:
    if not text:
        return None, None, None  # the empty-indicator rule gives the reason
    try:
        return indicator_resolver().resolve(text), None, None
    except ResolutionError as exc:
        return None, *with_candidates(exc)


def _disaggregation(text: str, indicator: str | None) -> tuple:
    if not text or indicator is None:
        # No disaggregation (the total), or an indicator that is already rejected.
        return None, None, None
    try:
        return disaggregation_resolver().resolve(text, indicator), None, None
    except ResolutionError as exc:
        return None, exc.reason_en, exc.reason_vi


def _value(text: str) -> tuple:
    try:
        n = parse_vn_number(text)
    except NumberParseError as exc:
        return None, None, None, None, None, exc.reason_en, exc.reason_vi
    return n.value, n.approximate, n.qualifier, n.whole, n.is_percent, None, None


def fast_values(texts: pa.Array) -> pa.Array:
    """The value of each text in one of the forms read by Arrow (see PLAIN_INTEGER); null
    for any other text."""
    return fast_numbers(texts)[0]


def fast_numbers(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(value, whole) of each text in one of the forms read by Arrow (see PLAIN_INTEGER):
    the value null for any other text, the whole null but for a part of a whole.

    Each number is one cast of a decimal text, which rounds once, as float() of
    parse_vn_number's exact Decimal does; money is its amount with the money word's power
    of ten written after it ('4,2 tỷ' is cast from '4.2e9').
    """
    trimmed = pc.utf8_trim_whitespace(texts)
    money = pc.extract_regex(texts, MONEY).flatten()  # fields null where the text is not money
    amount, word = money
    fraction = pc.extract_regex(texts, FRACTION).flatten()
    part, whole = (pc.cast(field, pa.float64()) for field in fraction)
    proper = pc.fill_null(pc.and_(pc.not_equal(whole, 0), pc.less_equal(part, whole)), False)
    as_number = pc.case_when(
        pc.make_struct(
            pc.match_substring_regex(trimmed, PLAIN_INTEGER),
            pc.match_substring_regex(texts, THOUSANDS_GROUPED),
            pc.match_substring_regex(texts, DECIMAL_COMMA),
            pc.is_valid(amount),
            proper,
        ),
        trimmed,
        pc.replace_substring(texts, ".", ""),
        pc.replace_substring(texts, ",", "."),
        pc.binary_join_element_wise(
            _decimal_text(amount), pc.if_else(pc.equal(word, "triệu"), "e6", "e9"), ""
        ),
        fraction[0],
    )
    return pc.cast(as_number, pa.float64()), pc.if_else(
        proper, whole, pa.scalar(None, pa.float64())
    )


def _decimal_text(amount: pa.Array) -> pa.Array:
    """An amount in one of the two forms ('1.293', '4,2') as a decimal text ('1293', '4.2')."""
    return pc.if_else(
        pc.match_substring(amount, "."),
        pc.replace_substring(amount, ".", ""),
        pc.replace_substring(amount, ",", "."),
    )


_VALUE_NAMES = [
    "value",
    "approximate",
    "qualifier",
    "whole",
    "is_percent",
    "value_reason_en",
    "value_reason_vi",
]


# The fields of a number Arrow read (fast_values): exact, no qualifier, not a part of a
# whole, not a percentage, no reason to reject it.
_VALUE_DEFAULTS = (None, False, None, None, False, None, None)


def _value_columns(value_text: pa.Array) -> dict[str, pa.Array]:
    """The _VALUE_NAMES columns of the rows. The distinct texts in a form Arrow reads (most
    of them) get their number, their whole and the defaults of the other fields in Arrow;
    only the rest are parsed one by one (_value) and put in their places."""
    encoded = _Encoded(value_text)
    columns: dict[str, pa.Array] = {}
    fast, fast_whole = fast_numbers(encoded.dictionary)
    slow = pc.is_null(fast)
    results = [_value(text) for text in encoded.dictionary.filter(slow).to_pylist()]
    for position, name in enumerate(_VALUE_NAMES):
        kind = _TYPES[name]
        if name == "value":
            per_distinct = fast
        elif name == "whole":
            per_distinct = fast_whole
        else:
            per_distinct = pa.repeat(pa.scalar(_VALUE_DEFAULTS[position], kind), len(fast))
        if results:
            parsed = pa.array([result[position] for result in results], kind)
            per_distinct = pc.replace_with_mask(per_distinct, slow, parsed)
        columns[name] = pc.take(per_distinct, encoded.indices)
    return columns


def _blank_to_null(column: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def normalised_cells(rows: pa.Table) -> pa.Table:
    """CELL_COLUMNS for every row of `rows`, in the same order.

    The values are read in a second thread while the names are resolved: reading them is
    mostly Arrow's work, which runs without the GIL, and resolving names is Python's (a
    national month of workbooks: 0.076 s to 0.064 s, of CSVs 0.100 s to 0.082 s).
    """
    value_text = rows.column("value_text").combine_chunks()
    with ThreadPoolExecutor(1, thread_name_prefix="cells-values") as pool:
        values = pool.submit(_value_columns, value_text)
        columns = _name_columns(rows)
        columns["value_text"] = value_text
        columns.update(values.result())
    return pa.table([columns[name] for name, _ in CELL_COLUMNS], schema=_SCHEMA)


def _name_columns(rows: pa.Table) -> dict[str, pa.Array]:
    """Every cell column but the value's: periods, units, indicators, disaggregations read
    or resolved, and the other columns as they are."""

    def trimmed(name: str) -> pa.Array:
        return pc.utf8_trim_whitespace(rows.column(name).combine_chunks().fill_null(""))

    columns: dict[str, pa.Array] = {
        name: rows.column(name).combine_chunks()
        for name in ("submission_id", "file_name", "row_number", "source_location", "period")
    }

    periods = _Encoded(columns["period"])
    period_results = [_period(text) for text in periods.values]
    _spread(
        [(code, kind, as_of, en, vi) for code, kind, as_of, _, en, vi in period_results],
        ["period_code", "period_kind", "period_as_of", "period_reason_en", "period_reason_vi"],
        periods.indices,
        columns,
    )
    period_end = [result[3] for result in period_results]

    # The period's end picks the unit's era: 'Hải Dương' in 2024 is the legacy province.
    columns["unit_text"] = trimmed("unit")
    units = _Encoded(columns["unit_text"])
    unit_periods = _pairs(units, periods)
    unit = _cached(_unit)
    _spread(
        [unit(units.values[u], period_end[p]) for u, p in _split(unit_periods, periods)],
        ["unit", "unit_reason_en", "unit_reason_vi"],
        unit_periods.indices,
        columns,
    )

    columns["indicator_text"] = trimmed("indicator")
    indicators = _Encoded(columns["indicator_text"])
    indicator_results = [_indicator(text) for text in indicators.values]
    _spread(
        indicator_results,
        ["indicator", "indicator_reason_en", "indicator_reason_vi"],
        indicators.indices,
        columns,
    )

    disaggregation_text = trimmed("disaggregation")
    columns["disaggregation_text"] = _blank_to_null(disaggregation_text)
    disaggregations = _Encoded(disaggregation_text)
    by_indicator = _pairs(disaggregations, indicators)
    disaggregation = _cached(_disaggregation)
    _spread(
        [
            disaggregation(disaggregations.values[d], indicator_results[i][0])
            for d, i in _split(by_indicator, indicators)
        ],
        ["disaggregation", "disaggregation_reason_en", "disaggregation_reason_vi"],
        by_indicator.indices,
        columns,
    )

    for name in ("unit_of_measure", "programme", "note"):
        columns[name] = _blank_to_null(trimmed(name))
    return columns
