"""The runner and the history statistics, with real Great Expectations and DuckDB, no database
file: failing rows collected in full, table-level failures shown, the modified z-score exact."""

import pandas as pd
import pytest

from expectations.frames import build_over_time_frame, prepare_values
from expectations.history import history_stats
from expectations.runner import validate
from expectations.suites import contract_rules, over_time_rules

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


def test_modified_z_score_against_a_hand_computed_value():
    history = [10.0, 12.0, 11.0, 13.0, 30.0]  # median 12, |x - 12| = 2 0 1 1 18, MAD 1
    frame = prepare_values(
        values([(f"2025-{m:02d}", "members_total", v) for m, v in enumerate([*history, 20.0], 1)])
    )
    stats = history_stats(frame, ["unit_code", "indicator_code", "disaggregation", "period_kind"])
    last = stats.iloc[-1]
    assert (last.history_count, last.history_median, last.history_mad) == (5, 12.0, 1.0)
    assert last.modified_z == pytest.approx(0.6745 * 8 / 1)
    assert list(stats.judged) == [False] * 4 + [True, True]


def test_over_time_rules_judge_only_values_with_history():
    rows = [(f"2025-{m:02d}", "members_total", v) for m, v in enumerate([5, 5, 5, 5000], 1)]
    frame = build_over_time_frame(values(rows))
    outcome = validate({"over_time": frame}, over_time_rules())
    assert outcome.failing_rows.empty  # three earlier values are not enough to judge
