"""Each rule fails on a crafted report and passes on a clean one, with real Great Expectations."""

import pandas as pd
import pytest

from expectations.frames import build_frames
from expectations.runner import validate
from expectations.suites import consistency_rules, contract_rules

UNITS = ["P2025-01", "P2025-04"]
INDICATORS = ["members_total", "women_18_plus", "members_admitted"]


def values(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_code": unit,
                "period_code": "2025",
                "indicator_code": indicator,
                "value": value,
                "submission_id": f"sub-{unit}",
                "file_name": f"{unit}.csv",
                "source_row_number": i + 2,
            }
            for i, (unit, indicator, value) in enumerate(rows)
        ]
    )


CLEAN = [
    ("P2025-01", "members_total", 800.0),
    ("P2025-01", "women_18_plus", 1000.0),
    ("P2025-04", "members_admitted", 0.0),
]


def run(rows):
    return validate(
        build_frames(values(rows)), contract_rules(UNITS, INDICATORS) + consistency_rules()
    )


def test_clean_report_passes_every_rule():
    outcome = run(CLEAN)
    assert outcome.outcomes and all(o.success for o in outcome.outcomes)
    assert not outcome.blocking_failed
    assert outcome.failing_rows.empty


@pytest.mark.parametrize(
    ("bad_row", "rule"),
    [
        (("P2025-04", "members_admitted", -3.0), "value_not_negative"),
        (("P99", "members_admitted", 3.0), "unit_known"),
        (("P2025-04", "members_adopted", 3.0), "indicator_known"),
    ],
)
def test_contract_rule_fails_on_crafted_row(bad_row, rule):
    outcome = run([*CLEAN[:2], bad_row])
    failed = {o.rule.name for o in outcome.outcomes if not o.success}
    assert failed == {rule}
    assert outcome.blocking_failed
    (row,) = outcome.failing_rows.to_dict("records")
    assert (row["rule"], row["unit_code"], row["indicator_code"], row["value"]) == (
        rule,
        bad_row[0],
        bad_row[1],
        bad_row[2],
    )
    assert row["file_name"] == f"{bad_row[0]}.csv" and row["expected"]


def test_members_above_women_fails_and_names_the_report():
    outcome = run([("P2025-01", "members_total", 1200.0), ("P2025-01", "women_18_plus", 1000.0)])
    (row,) = outcome.failing_rows.to_dict("records")
    assert row["rule"] == "members_not_above_women_18_plus"
    assert (row["unit_code"], row["indicator_code"], row["value"]) == (
        "P2025-01",
        "members_total",
        1200.0,
    )
    assert row["submission_id"] == "sub-P2025-01"


def test_every_failing_row_is_collected_beyond_gx_sample_caps():
    rows = [("P2025-01", "members_admitted", -1.0)] * 750 + CLEAN
    outcome = run(rows)
    negative = outcome.failing_rows[outcome.failing_rows.rule == "value_not_negative"]
    assert len(negative) == 750
    assert sorted(negative.source_row_number) == list(range(2, 752))
