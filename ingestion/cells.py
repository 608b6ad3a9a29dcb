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

from ingestion.normalise import (
    NumberParseError,
    Period,
    PeriodParseError,
    parse_period,
    parse_vn_number,
)
from ingestion.normalise.numbers import (
    AMBIGUOUS_COMMA,
    DECIMAL_COMMA,
    FRACTION,
    MONEY,
    PLAIN_INTEGER,
    THOUSANDS_GROUPED,
    is_withdrawal,
    number_convention,
)
from ingestion.normalise.units import COUNT_UNITS, UnitOfMeasureError, fit_unit_of_measure
from ingestion.reference.catalogue import load_catalogue
from ingestion.reference.org_units import MERGER_DATE
from ingestion.resolve import (
    ResolutionError,
    disaggregation_resolver,
    indicator_resolver,
    unit_resolver,
)

__all__ = ["CELL_COLUMNS", "fast_numbers", "fast_values", "normalised_cells"]

# The commonest values are read by Arrow over the distinct texts at once, in the forms
# ingestion/normalise/numbers.py defines (PLAIN_INTEGER and the rest) and reads the same way
# (its _common_form; tests hold the two to the same values). Everything else (qualifiers,
# percentages, chained money words, English-locale files, withdrawals) goes through
# parse_vn_number once per distinct text and convention.

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
    ("withdrawn", pa.bool_()),
    ("value_reason_en", pa.string()),
    ("value_reason_vi", pa.string()),
]
_TYPES = dict(CELL_COLUMNS) | {"scaled": pa.bool_(), "written_unit": pa.string()}
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
        f"{exc.reason_vi}. Có thể là: {listed}{tail}",
    )


def _period(text: str) -> tuple:
    try:
        period = parse_period(text)
    except PeriodParseError as exc:
        return None, None, None, None, exc.reason_en, exc.reason_vi
    return period.code, period.kind, period.as_of, unit_date(period), None, None


def unit_date(period: Period) -> dt.date:
    """The date a unit's name is resolved on: the period's end, except for a congress term
    that started before the 1 July 2025 merger, which the unit elected then reports (the
    legacy unit, though the term runs past the merger)."""
    if period.kind == "term" and period.start < MERGER_DATE:
        return period.start
    return period.end


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


def _value(text: str, convention: str = "vi") -> tuple:
    """_VALUE_NAMES of one value text, read by the file's number convention."""
    if is_withdrawal(text):
        return None, False, None, None, False, True, False, None, None, None
    try:
        n = parse_vn_number(text, convention)
    except NumberParseError as exc:
        return None, None, None, None, None, False, False, None, exc.reason_en, exc.reason_vi
    scaled = n.multiplier != 1
    written = WRITTEN_CURRENCY if n.currency_written else n.unit_word
    return (
        n.value,
        n.approximate,
        n.qualifier,
        n.whole,
        n.is_percent,
        False,
        scaled,
        written,
        None,
        None,
    )


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
    "withdrawn",
    "scaled",
    "written_unit",  # a unit written after the number in the value cell ('đồng', 'hộ')
    "value_reason_en",
    "value_reason_vi",
]


# The fields of a number Arrow read (fast_values): exact, no qualifier, not a part of a
# whole, not a percentage, not withdrawn, no reason to reject it; 'scaled' (a money word)
# is set from the text.
_VALUE_DEFAULTS = (None, False, None, None, False, False, False, None, None, None)
# The written_unit of a value that names its currency ('4,2 tỷ đồng', '120.000 đ').
WRITTEN_CURRENCY = "đồng"
_CONVENTION_CODES = {"vi": 0, "en": 1, "": 2}
_CONVENTIONS = ("vi", "en", "")


def _value_columns(value_text: pa.Array, convention: pa.Array) -> dict[str, pa.Array]:
    """The _VALUE_NAMES columns of the rows. The distinct (text, convention) pairs in a form
    Arrow reads the same in their convention (most of them) get their number, their whole
    and the defaults of the other fields in Arrow; only the rest are parsed one by one
    (_value) and put in their places."""
    texts = _Encoded(value_text)
    conventions = _Encoded(convention)
    pairs = _pairs(texts, conventions)
    split = _split(pairs, conventions)
    distinct_texts = texts.dictionary.take(pa.array([t for t, _ in split], pa.int64()))
    distinct_conventions = [conventions.values[c] for _, c in split]
    codes = pa.array([_CONVENTION_CODES[c] for c in distinct_conventions], pa.int8())
    columns: dict[str, pa.Array] = {}
    fast, fast_whole = fast_numbers(distinct_texts)
    # English-locale files, and the ',' a file of unknown convention leaves ambiguous, are
    # read one by one.
    slow = pc.or_(
        pc.is_null(fast),
        pc.or_(
            pc.equal(codes, 1),
            pc.and_(pc.equal(codes, 2), pc.match_substring_regex(distinct_texts, AMBIGUOUS_COMMA)),
        ),
    )
    slow_pairs = zip(
        distinct_texts.filter(slow).to_pylist(),
        [c for c, is_slow in zip(distinct_conventions, slow.to_pylist(), strict=True) if is_slow],
        strict=True,
    )
    results = [_value(text, conv) for text, conv in slow_pairs]
    fast_scaled = pc.fill_null(pc.is_valid(pc.extract_regex(distinct_texts, MONEY)), False)
    for position, name in enumerate(_VALUE_NAMES):
        kind = _TYPES[name]
        if name == "value":
            per_distinct = pc.if_else(slow, pa.scalar(None, pa.float64()), fast)
        elif name == "whole":
            per_distinct = fast_whole
        elif name == "scaled":
            per_distinct = fast_scaled
        elif name == "written_unit":
            # Arrow reads money as MONEY, whose one unit word is 'đồng'.
            per_distinct = pc.if_else(
                pc.and_(fast_scaled, pc.match_substring(distinct_texts, " đồng")),
                pa.scalar(WRITTEN_CURRENCY),
                pa.scalar(None, pa.string()),
            )
        else:
            per_distinct = pa.repeat(pa.scalar(_VALUE_DEFAULTS[position], kind), len(fast))
        if results:
            parsed = pa.array([result[position] for result in results], kind)
            per_distinct = pc.replace_with_mask(per_distinct, slow, parsed)
        columns[name] = pc.take(per_distinct, pairs.indices)
    return columns


def file_conventions(rows: pa.Table) -> pa.Array:
    """Each row's number convention: a typed number ('typed' from the reader) and a file
    whose reader knows it is Vietnamese ('vi': a CSV separated by ';') are read the national
    way; other text cells by their file's convention, found from the file's text values
    (numbers.number_convention: 'vi' or 'en' when only one is shown, else '')."""
    n = rows.num_rows
    if "number_convention" not in rows.column_names:
        given = pa.repeat(pa.scalar("", pa.string()), n)
    else:
        given = rows.column("number_convention").combine_chunks().fill_null("")
    text_rows = pc.equal(given, "")
    if not pc.any(text_rows).as_py():
        return pa.repeat(pa.scalar("vi", pa.string()), n)
    ids = rows.column("submission_id").combine_chunks().fill_null("")
    texts = _Encoded(rows.column("value_text").combine_chunks())
    # The evidence of each distinct text once, then the files whose text rows show it.
    evidence = [number_convention([text]) for text in texts.values]
    showing: dict[str, set[str]] = {}
    for convention in ("vi", "en"):
        per_distinct = pa.array([e == convention for e in evidence], pa.bool_())
        shown = pc.and_(pc.take(per_distinct, texts.indices), text_rows)
        showing[convention] = set(pc.unique(ids.filter(shown)).to_pylist())
    files = _Encoded(ids)
    per_file = pa.array(
        [
            ""
            if sid in showing["vi"] and sid in showing["en"]
            else "vi"
            if sid in showing["vi"]
            else "en"
            if sid in showing["en"]
            else ""
            for sid in files.values
        ],
        pa.string(),
    )
    return pc.if_else(text_rows, pc.take(per_file, files.indices), "vi")


def _blank_to_null(column: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def normalised_cells(rows: pa.Table) -> pa.Table:
    """CELL_COLUMNS for every row of `rows`, in the same order.

    The values are read in a second thread while the names are resolved: reading them is
    mostly Arrow's work, which runs without the GIL, and resolving names is Python's (a
    national month of workbooks: 0.076 s to 0.064 s, of CSVs 0.100 s to 0.082 s).
    """
    value_text = rows.column("value_text").combine_chunks()
    conventions = file_conventions(rows)
    with ThreadPoolExecutor(1, thread_name_prefix="cells-values") as pool:
        values = pool.submit(_value_columns, value_text, conventions)
        columns = _name_columns(rows)
        columns["value_text"] = value_text
        columns.update(values.result())
    _reader_reasons(rows, columns)
    _fit_to_indicator(columns)
    return pa.table([columns[name] for name, _ in CELL_COLUMNS], schema=_SCHEMA)


def _set_reason(
    columns: dict[str, pa.Array], where: pa.Array, reason_en: pa.Array, reason_vi: pa.Array
) -> None:
    """Reject the value of the rows `where` holds (and whose value had no reason yet)."""
    where = pc.and_(pc.fill_null(where, False), pc.is_null(columns["value_reason_en"]))
    if not pc.any(where).as_py():
        return
    columns["value_reason_en"] = pc.if_else(where, reason_en, columns["value_reason_en"])
    columns["value_reason_vi"] = pc.if_else(where, reason_vi, columns["value_reason_vi"])
    columns["value"] = pc.if_else(where, pa.scalar(None, pa.float64()), columns["value"])


def _reader_reasons(rows: pa.Table, columns: dict[str, pa.Array]) -> None:
    """A value cell the reader could not take as Excel shows it (a date Excel made of
    '8/8', a formula without a cached value) is rejected with the reader's reason."""
    if "cell_reason_en" not in rows.column_names:
        return
    reason_en = rows.column("cell_reason_en").combine_chunks()
    if reason_en.null_count == len(reason_en):
        return
    reason_vi = rows.column("cell_reason_vi").combine_chunks()
    # The reader's reason says more than the parser's ('2024-08-08' is not a number).
    columns["value_reason_en"] = pc.if_else(
        pc.is_valid(reason_en), pa.scalar(None, pa.string()), columns["value_reason_en"]
    )
    _set_reason(columns, pc.is_valid(reason_en), reason_en, reason_vi)


def _constant(text: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(text, pa.string()), n)


_TWICE = (
    "the value has a money word (triệu, tỷ) and the unit of measure has one too; write the "
    "number alone in the unit of measure",
    "giá trị đã có chữ triệu/tỷ mà đơn vị tính cũng có; hãy chỉ ghi con số theo đơn vị tính",
)
_NOT_WHOLE = (
    "the indicator counts people or things, so its value must be a whole number; check the "
    "decimal mark (in Vietnamese '.' groups thousands: 1.304)",
    "chỉ tiêu đếm người hoặc đơn vị nên giá trị phải là số nguyên; kiểm tra dấu thập phân "
    "(dấu '.' ngăn cách hàng nghìn: 1.304)",
)
_MONEY_WRITTEN = (
    "the value is written as money ('đồng'), and the indicator is not an amount of money; "
    "check the indicator, or write the number alone",
    "giá trị ghi bằng tiền ('đồng') mà chỉ tiêu không phải là số tiền; kiểm tra lại chỉ "
    "tiêu, hoặc chỉ ghi con số",
)
_NOT_MONEY = (
    "the indicator is an amount of money, and the value names another unit after the "
    "number; write the amount in đồng, triệu or tỷ đồng",
    "chỉ tiêu là số tiền mà giá trị ghi kèm đơn vị khác sau con số; hãy ghi số tiền bằng "
    "đồng, triệu đồng hoặc tỷ đồng",
)
_FRACTION = (
    "the indicator is a rate in percent, and the value is a fraction of one with no '%': "
    "0.792 would be 0.792%; write 79.2% (or format the cell as %), or 0.5% for a rate that "
    "small",
    "chỉ tiêu là tỷ lệ phần trăm mà giá trị là số thập phân nhỏ hơn 1 không có dấu '%': "
    "0,792 sẽ bị hiểu là 0,792%; hãy ghi 79,2% (hoặc định dạng ô %), hoặc ghi rõ 0,5% nếu tỷ "
    "lệ nhỏ như vậy",
)
_NOT_A_RATE = (
    "the value is a percentage, and the indicator is a count or an amount of money, not a "
    "rate; check the cell's format (Excel's % format multiplies by 100) and the indicator",
    "giá trị là tỷ lệ phần trăm mà chỉ tiêu là số lượng hoặc số tiền, không phải tỷ lệ; kiểm "
    "tra định dạng ô (định dạng % của Excel nhân số với 100) và chỉ tiêu",
)


def _fit_to_indicator(columns: dict[str, pa.Array]) -> None:
    """The value against its indicator's unit in the catalogue: the unit-of-measure column
    scales or checks it, a count must be a whole number, and a count or an amount of money
    is never a percentage."""
    indicators = _Encoded(columns["indicator"])
    units = _Encoded(columns["unit_of_measure"])
    by_pair = _pairs(units, indicators)
    catalogue_unit = _catalogue_units()
    fitted = [
        _fit(units.values[u], indicators.values[i], catalogue_unit)
        for u, i in _split(by_pair, indicators)
    ]

    def spread(position: int, kind: pa.DataType) -> pa.Array:
        return pc.take(pa.array([f[position] for f in fitted], kind), by_pair.indices)

    multiplier, percent = spread(0, pa.float64()), spread(1, pa.bool_())
    counted, money = spread(2, pa.bool_()), spread(3, pa.bool_())
    _set_reason(
        columns, pc.is_valid(spread(4, pa.string())), spread(4, pa.string()), spread(5, pa.string())
    )
    n = len(multiplier)
    # '1,5 tỷ đồng' for a count of members, '120 hộ' for an amount of money: the unit the
    # value cell names does not fit the indicator. Other words after a count ('32 ngàn lượt
    # hội viên') are how reports count, and are not judged.
    written = columns.pop("written_unit")
    currency_written = pc.fill_null(pc.equal(written, WRITTEN_CURRENCY), False)
    named = pc.fill_null(pc.not_equal(columns["indicator"], ""), False)
    money_for_other = pc.and_(pc.and_(currency_written, pc.invert(money)), named)
    _set_reason(
        columns, money_for_other, _constant(_MONEY_WRITTEN[0], n), _constant(_MONEY_WRITTEN[1], n)
    )
    other_for_money = pc.and_(pc.and_(pc.is_valid(written), pc.invert(currency_written)), money)
    _set_reason(columns, other_for_money, _constant(_NOT_MONEY[0], n), _constant(_NOT_MONEY[1], n))
    # '4,2 tỷ' with ĐVT 'triệu đồng': scaled twice, or once? The cell does not say.
    twice = pc.and_(pc.not_equal(multiplier, 1.0), columns.pop("scaled"))
    _set_reason(columns, twice, _constant(_TWICE[0], n), _constant(_TWICE[1], n))
    columns["value"] = pc.multiply(columns["value"], multiplier)
    columns["is_percent"] = pc.or_(
        columns["is_percent"], pc.and_(percent, pc.is_valid(columns["value"]))
    )
    is_percent = pc.fill_null(columns["is_percent"], False)
    not_a_rate = pc.and_(is_percent, pc.or_(counted, money))
    _set_reason(columns, not_a_rate, _constant(_NOT_A_RATE[0], n), _constant(_NOT_A_RATE[1], n))
    not_whole = pc.and_(counted, pc.not_equal(pc.floor(columns["value"]), columns["value"]))
    _set_reason(columns, not_whole, _constant(_NOT_WHOLE[0], n), _constant(_NOT_WHOLE[1], n))
    # A rate is in percent: 0.792 with no '%' (a fraction typed in a General cell) would be
    # 0.792%. A part of a whole ('9/9') is a rate read right.
    value = columns["value"]
    fraction = pc.and_(
        pc.and_(spread(6, pa.bool_()), pc.invert(is_percent)),
        pc.and_(pc.greater(value, 0), pc.less_equal(value, 1)),
    )
    fraction = pc.and_(fraction, pc.is_null(columns["whole"]))
    _set_reason(columns, fraction, _constant(_FRACTION[0], n), _constant(_FRACTION[1], n))


def _catalogue_units() -> dict[str, str]:
    catalogue = load_catalogue()
    return dict(zip(catalogue.indicator_code, catalogue.unit, strict=True))


def _fit(uom: str | None, indicator: str | None, catalogue_unit: dict[str, str]) -> tuple:
    """(multiplier, is_percent, is a count, is money, reason_en, reason_vi, is a rate) of a
    unit of measure as written for an indicator (its code; '' when the indicator is
    rejected)."""
    unit = catalogue_unit.get(indicator or "", "").strip(" ,")
    counted, money, rate = unit in COUNT_UNITS, unit == "vnd", unit == "percent"
    if not uom or not indicator:
        return 1.0, False, counted, money, None, None, rate
    try:
        fitted = fit_unit_of_measure(uom, unit)
    except UnitOfMeasureError as exc:
        return 1.0, False, counted, money, exc.reason_en, exc.reason_vi, rate
    return float(fitted.multiplier), fitted.is_percent, counted, money, None, None, rate


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

    # The period picks the unit's era (unit_date): 'Hải Dương' in 2024 is the legacy
    # province.
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
