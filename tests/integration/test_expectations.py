"""The runner and the frames, with real Great Expectations, no database file: failing rows
collected in full, table-level failures shown, a period int_periods does not know flagged.
The history statistics are dbt's (int_value_history: its unit test checks a hand-computed
modified z-score; tests/integration/test_quality_suites.py runs the rules on it)."""

import datetime as dt

import pandas as pd
import pytest

from expectations.frames import prepare_values
from expectations.runner import validate
from expectations.suites import contract_rules
from expectations.vietnamese import vi_number, vi_significant

INDICATORS = ["members_total", "members_lost"]


def values(rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_code": "P2025-01",
                "period_code": period,
                "indicator_code": indicator,
                "value": value,
                "submission_id": "sub-1",
                "file_name": "a.csv",
                "source_row_number": i + 2,
                "unit_is_known": True,
                "amount": value,
                "count_fraction": 0.0,
                "rate_over_limit": None,
                "period_is_canonical": True,
            }
            for i, (period, indicator, value) in enumerate(rows)
        ]
    )


def month_periods(year: int = 2025) -> pd.DataFrame:
    """Input in the shape of int_periods: the months of a year."""
    starts = [dt.date(year, m, 1) for m in range(1, 13)]
    ends = [dt.date(year + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1) for m in range(1, 13)]
    return pd.DataFrame(
        {
            "period_code": [f"{year}-{m:02d}" for m in range(1, 13)],
            "period_kind": "month",
            "period_start": starts,
            "period_end": ends,
            "months_covered": 1,
        }
    )


def test_every_failing_row_is_collected_beyond_gx_sample_caps():
    frame = values([("2025", "members_lost", -1.0)] * 750 + [("2025", "members_total", 5.0)])
    outcome = validate({"values": frame}, contract_rules(INDICATORS, []))
    negative = outcome.failing_rows[outcome.failing_rows.rule == "amount_not_negative"]
    assert len(negative) == 750 and outcome.blocking_failed
    assert sorted(negative.source_row_number) == list(range(2, 752))
    assert set(negative.expected) == {"a count or amount of 0 or more (net growth may be negative)"}


def test_a_table_level_failure_is_one_row_naming_the_rule():
    frame = values([("2025", "members_total", "800")])
    outcome = validate({"values": frame}, contract_rules(INDICATORS, []))
    (row,) = outcome.failing_rows[outcome.failing_rows.rule == "value_is_a_number"].to_dict(
        "records"
    )
    assert row["severity"] == "error" and row["submission_id"] is None
    assert row["expected"].startswith("a number")


def test_a_period_not_in_int_periods_is_not_canonical():
    frame = prepare_values(values([("Q3/2025", "members_total", 5.0)]), month_periods())
    assert frame.period_is_canonical.tolist() == [False]


@pytest.mark.parametrize(
    ("number", "decimals", "text"),
    [(1234567.5, 1, "1.234.567,5"), (1002, 0, "1.002"), (3.5, 1, "3,5"), (-40, 0, "-40")],
)
def test_numbers_are_written_the_vietnamese_way(number, decimals, text):
    assert vi_number(number, decimals) == text


def test_significant_digits_keep_the_vietnamese_separators():
    assert (vi_significant(1.003), vi_significant(2.3e15)) == ("1,003", "2.300.000.000.000.000")
