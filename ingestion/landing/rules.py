"""The rules a landed row must keep (each cell read, no repeat of its key within its file),
as SQL and Arrow predicates over the normalised cells; and the rule that makes a file sent
again current again (contract 3)."""

from __future__ import annotations

from typing import NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.reference.catalogue import load_catalogue


class RowRule(NamedTuple):
    """A rule every row must keep. `field` is the column of the normalised cells the rule
    reads: the rule is broken where it is empty ('') or, for the others, where it is set
    (the normalisers and the repeat check set a reason or a finding, null when all is well).
    The reasons are SQL expressions over the row."""

    column: str  # the cell the rejection names
    field: str
    broken_when_empty: bool
    reason_en: str
    reason_vi: str

    @property
    def predicate(self) -> str:
        return f"{self.field} = ''" if self.broken_when_empty else f"{self.field} is not null"

    def broken(self, cells: pa.Table) -> pa.Array:
        """The predicate in Arrow: True for each row that breaks the rule."""
        column = cells.column(self.field)
        hit = pc.equal(column, "") if self.broken_when_empty else pc.is_valid(column)
        return pc.fill_null(hit, False)


# Each rule says which cell is wrong and why, in English and Vietnamese. A row breaking
# several rules is rejected once per rule, so the submitter sees every problem at once.
# The period and value rules read the reasons the normalisers gave (null when parsed).
CELL_RULES = [
    RowRule("unit", "unit_text", True, "'the unit is empty'", "'thiếu đơn vị'"),
    RowRule("unit", "unit_reason_en", False, "unit_reason_en", "unit_reason_vi"),
    RowRule("period", "period_reason_en", False, "period_reason_en", "period_reason_vi"),
    RowRule("indicator", "indicator_text", True, "'the indicator is empty'", "'thiếu chỉ tiêu'"),
    RowRule(
        "indicator", "indicator_reason_en", False, "indicator_reason_en", "indicator_reason_vi"
    ),
    RowRule("value", "value_reason_en", False, "value_reason_en", "value_reason_vi"),
    RowRule(
        "disaggregation",
        "disaggregation_reason_en",
        False,
        "disaggregation_reason_en",
        "disaggregation_reason_vi",
    ),
]
# Repeats within one file, among the rows every cell rule accepted (same unit, period,
# indicator and disaggregation): an exact repeat (same value) keeps the first row and rejects
# each later one; rows that disagree are all rejected, since the file does not say which
# value is right and taking either would be a guess.
REPEAT_RULES = [
    RowRule(
        "value",
        "duplicate_of",
        False,
        "'duplicate of row ' || duplicate_of",
        "'trùng lặp với dòng ' || duplicate_of",
    ),
    RowRule(
        "value",
        "conflicting_rows",
        False,
        "'conflicting values for the same unit, period, indicator and disaggregation in rows '"
        " || conflicting_rows || '; none was taken, send the right value once'",
        "'các dòng ' || conflicting_rows || ' ghi giá trị khác nhau cho cùng đơn vị, kỳ, chỉ tiêu"
        " và phân tổ; không dòng nào được nhận, hãy gửi lại một giá trị đúng'",
    ),
]
ROW_RULES = CELL_RULES + REPEAT_RULES
# The key a row must not repeat within its file (the repeat rules), as repeats_sql groups.
ROW_KEY = ("submission_id", "unit", "period_code", "indicator", "disaggregation")
_ROW_KEY_SQL = ", ".join(f"coalesce({column}, '')" for column in ROW_KEY)
REJECTED_CELL = {
    "unit": "unit_text",
    "indicator": "indicator_text",
    "value": "value_text",
    "disaggregation": "disaggregation_text",
}


def repeats_sql(cell_rule_broken: str) -> str:
    """For rows that repeat a key of their file among the rows the cell rules accept: the
    earlier row they duplicate, or the list of rows whose values conflict. Reads _cells."""
    return f"""
with
-- The key as one 64-bit hash: grouping by it is several times cheaper than by five texts.
clean as (
    select
        submission_id, row_number,
        hash({_ROW_KEY_SQL}) as row_key,
        hash(value, whole, approximate, is_percent) as value_key
    from _cells
    where not ({cell_rule_broken})
),
-- Keys seen more than once, found with a plain count first: the ordered list and the
-- distinct count below are costly per group, and almost every key is seen once.
repeated_keys as (
    select row_key from clean group by row_key having count(*) > 1
),
repeated as (
    select
        row_key,
        min(row_number) as first_row,
        count(distinct value_key) as distinct_values,
        string_agg(cast(row_number as varchar), ', ' order by row_number) as all_rows
    from clean
    semi join repeated_keys using (row_key)
    group by row_key
)
select
    clean.submission_id, clean.row_number,
    case when repeated.distinct_values = 1 and clean.row_number <> repeated.first_row
         then repeated.first_row end as duplicate_of,
    case when repeated.distinct_values > 1 then repeated.all_rows end as conflicting_rows
from clean
inner join repeated using (row_key)
"""


# Every row with its parsed cells and its repeat findings. The batch's rows are normalised
# once into _cells; _repeats holds only the few rows that repeat a key, so joining it is cheap.
NORMALISED = """(
    select _cells.*, _repeats.duplicate_of, _repeats.conflicting_rows
    from _cells
    left join _repeats using (submission_id, row_number)
)"""


def every_row_kept(cells: pa.Table) -> bool:
    """True when no row of `cells` breaks a row rule: no cell rule is broken and no row
    repeats the key of another row of its file.

    Checked in Arrow, as the cells are normalised, so that the usual clean chunk is written
    with a plain insert. False means only that the writer must apply the rules in SQL, which
    finds and names every broken one (it is also the answer if the key check cannot say).
    """
    if any(pc.any(rule.broken(cells)).as_py() for rule in CELL_RULES):
        return False
    # Each row's key as one integer made of its columns' dictionary indices: the keys are
    # distinct exactly when the rows' (ROW_KEY) tuples are.
    key: pa.Array | None = None
    try:
        for name in ROW_KEY:
            encoded = pc.dictionary_encode(cells.column(name).combine_chunks().fill_null(""))
            indices = encoded.indices.cast(pa.int64())
            key = (
                indices
                if key is None
                else pc.add_checked(pc.multiply_checked(key, len(encoded.dictionary)), indices)
            )
    except pa.ArrowInvalid:  # a key too wide for 64 bits
        return False
    return key is not None and pc.count_distinct(key).as_py() == cells.num_rows


RESENT_REASON = (
    "the same file as an earlier submission, sent again after another revision of its report: "
    "it is the current revision again"
)


def resent_submissions(con: duckdb.DuckDBPyConnection, submission_ids: list[str]) -> set[str]:
    """Of these landed submissions sent again, those for which another submission of the
    same unit x period x form was received after their latest receipt (contract 3: the
    resent one becomes current again). The form of a value is its indicator's subject."""
    ids = sorted(set(submission_ids))
    if not ids:
        return set()
    catalogue = load_catalogue()
    forms = pa.table(
        {
            "indicator_code": pa.array(catalogue["indicator_code"].tolist(), pa.string()),
            "form": pa.array(catalogue["subject"].tolist(), pa.string()),
        }
    )
    con.register("_indicator_forms", forms)
    try:
        return {sid for (sid,) in con.execute(RESENT_SQL, [ids]).fetchall()}
    finally:
        con.unregister("_indicator_forms")


RESENT_SQL = """
with
latest as (
    select submission_id, max(received_at) as received_at
    from (
        select submission_id, received_at from raw.submission_receipts
        union all
        select submission_id, received_at from raw.submissions
    )
    group by submission_id
),
resent_keys as (
    select distinct v.submission_id, v.unit_code, v.period_code, f.form
    from raw.submission_values as v
    inner join _indicator_forms as f on v.indicator_code = f.indicator_code
    where v.submission_id in (select unnest(?))
)
select distinct resent_keys.submission_id
from resent_keys
inner join raw.submission_values as other
    on other.unit_code = resent_keys.unit_code
    and other.period_code = resent_keys.period_code
    and other.submission_id <> resent_keys.submission_id
inner join _indicator_forms as f
    on other.indicator_code = f.indicator_code and f.form = resent_keys.form
inner join latest as mine on mine.submission_id = resent_keys.submission_id
inner join latest as theirs on theirs.submission_id = other.submission_id
where theirs.received_at > mine.received_at
"""
