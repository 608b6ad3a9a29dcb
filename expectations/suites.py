"""The rules that gate publishing: Great Expectations expectations, each with a severity.

Severity is the gate: `error` blocks publishing, `warning` never does. Rules are grouped in
four suites (contract, consistency, over_time, completeness); each suite is one pair of
Dagster asset checks (`<suite>_errors`, blocking, and `<suite>_warnings`).

Every rule names the frame it validates (built in expectations/frames.py). A frame has one
row per thing a steward can act on, with the standard columns of a failing row (submission,
file, row, unit, period, indicator, disaggregation, value, expected) and the derived columns
the expectation judges. The arithmetic is done in the frame; the judging is Great
Expectations'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import great_expectations as gx

Severity = Literal["error", "warning"]
Suite = Literal["contract", "consistency", "over_time", "completeness"]
SUITES: tuple[Suite, ...] = ("contract", "consistency", "over_time", "completeness")

REQUIRED_COLUMNS = ["submission_id", "unit_code", "period_code", "indicator_code", "value"]

# Over time: a value is judged only against at least this many earlier values of the same
# unit, indicator, disaggregation and period kind.
MIN_HISTORY = 4
OUTLIER_Z = 3.5  # modified z-score threshold (Iglewicz and Hoaglin)
# Noise guard: a warning also needs the value to differ from the median of its history by
# more than this share of it (and by more than 1): a stable stock moving from 65 to 63 is
# far in z-score terms but not worth a steward's time.
MATERIAL_CHANGE = 0.25
# |log10(value / median of history)| at or above this is a probable unit error: a factor of
# about 1,000 (10^2.5 ≈ 316 and beyond; 10^3 is the thousand-đồng / đồng slip).
UNIT_ERROR_LOG10 = 2.5
# Money per beneficiary more than this factor outside the catalogue's bounds is an error
# (a unit slip), not a mere implausibility.
MONEY_UNIT_ERROR_FACTOR = 100.0


@dataclass(frozen=True)
class Rule:
    name: str
    suite: Suite
    severity: Severity
    frame: str
    expected_en: str  # what a valid row looks like, shown when the frame has no own text
    expectation: gx.expectations.Expectation
    # A steward's accept waives the rule's failures of the accepted submission (warnings,
    # and errors that are statistical judgements rather than impossible figures).
    waivable: bool = False

    def __post_init__(self) -> None:
        if self.severity == "warning" and not self.waivable:
            object.__setattr__(self, "waivable", True)


def contract_rules(known_indicators: list[str], rates_may_exceed_100: list[str]) -> list[Rule]:
    """Known units are judged on the frame's unit_is_known column: a set of 14,000 unit codes
    inside the expectation makes GX slow to build and to render."""
    between = gx.expectations.ExpectColumnValuesToBeBetween
    rules = [
        Rule(
            f"{column}_present",
            "contract",
            "error",
            "values",
            f"a {column.replace('_', ' ')} on every row",
            gx.expectations.ExpectColumnValuesToNotBeNull(column=column),
        )
        for column in REQUIRED_COLUMNS
    ]
    rules += [
        Rule(
            "value_is_a_number",
            "contract",
            "error",
            "values",
            "a number (stored as a floating-point value)",
            gx.expectations.ExpectColumnValuesToBeInTypeList(
                column="value", type_list=["float64", "Float64", "int64", "Int64", "float32"]
            ),
        ),
        Rule(
            "unit_known",
            "contract",
            "error",
            "values",
            "a unit code from the org-unit reference (e.g. P2025-01)",
            gx.expectations.ExpectColumnValuesToBeInSet(column="unit_is_known", value_set=[True]),
        ),
        Rule(
            "period_known",
            "contract",
            "error",
            "values",
            "a canonical period code (2025, 2025-H1, 2025-Q3, 2025-07, T2021-2026, 2025-10-30)",
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="period_is_canonical", value_set=[True]
            ),
        ),
        Rule(
            "indicator_known",
            "contract",
            "error",
            "values",
            "an indicator code from the catalogue (e.g. members_total)",
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="indicator_code", value_set=sorted(set(known_indicators))
            ),
        ),
        Rule(
            "amount_not_negative",
            "contract",
            "error",
            "values",
            "a count or amount of 0 or more (net growth may be negative)",
            between(column="amount", min_value=0),
        ),
        Rule(
            "count_is_whole_number",
            "contract",
            "error",
            "values",
            "a whole number for a count (people, households, houses, sessions, ...)",
            between(column="count_fraction", min_value=0, max_value=0),
        ),
        Rule(
            "rate_within_0_100",
            "contract",
            "error",
            "values",
            "a rate between 0% and 100%"
            + (
                f" (0% or more for {', '.join(sorted(rates_may_exceed_100))})"
                if rates_may_exceed_100
                else ""
            ),
            between(column="rate_over_limit", min_value=0, max_value=0),
        ),
    ]
    return rules


def consistency_rules() -> list[Rule]:
    pair = gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB
    return [
        Rule(
            "net_growth_is_admitted_minus_lost",
            "consistency",
            "error",
            "net_growth",
            "members_net_growth equal to members_admitted − members_lost of the same report",
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="gap", min_value=-0.5, max_value=0.5
            ),
        ),
        Rule(
            "members_not_above_women_18_plus",
            "consistency",
            "error",
            "members_vs_women",
            "members_total at most women_18_plus (a membership rate of at most 100%)",
            pair(
                column_A="whole_value",
                column_B="value",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        Rule(
            "members_by_kind_not_above_total",
            "consistency",
            "error",
            "member_parts",
            "members of one kind at most members_total of the same report",
            pair(
                column_A="whole_value",
                column_B="value",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        Rule(
            "part_not_above_whole",
            "consistency",
            "error",
            "parts",
            "a part at most its whole (a disaggregated value at most the total; "
            "'a of b' with a ≤ b)",
            pair(
                column_A="whole_value",
                column_B="value",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        Rule(
            "money_per_beneficiary_plausible",
            "consistency",
            "warning",
            "money",
            "money per beneficiary per month within the catalogue's plausible bounds",
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="bounds_factor", min_value=1, max_value=1
            ),
        ),
        Rule(
            "money_per_beneficiary_unit_error",
            "consistency",
            "error",
            "money",
            f"money per beneficiary per month within {MONEY_UNIT_ERROR_FACTOR:,.0f} times the "
            "catalogue's plausible bounds (beyond: a probable unit error)",
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="bounds_factor",
                min_value=1 / MONEY_UNIT_ERROR_FACTOR,
                max_value=MONEY_UNIT_ERROR_FACTOR,
            ),
        ),
    ]


def over_time_rules(frame: str = "over_time", label: str = "") -> list[Rule]:
    """The same two rules for submitted values (`over_time`) and rolled-up aggregates."""
    between = gx.expectations.ExpectColumnValuesToBeBetween
    return [
        Rule(
            f"{label}far_from_own_history",
            "over_time",
            "warning",
            frame,
            f"a value within the unit's own history: modified z-score at most {OUTLIER_Z}, "
            "or inside the min–max of the earlier values, or within "
            f"{MATERIAL_CHANGE:.0%} of their median",
            between(column="outlier_z_outside_range", max_value=OUTLIER_Z),
        ),
        Rule(
            f"{label}probable_unit_error",
            "over_time",
            "error",
            frame,
            "a value not about 1,000 times (or a 1,000th of) the median of the unit's history",
            between(
                column="log10_ratio_to_median",
                min_value=-UNIT_ERROR_LOG10,
                max_value=UNIT_ERROR_LOG10,
                strict_min=True,
                strict_max=True,
            ),
            waivable=True,
        ),
    ]


def completeness_rules() -> list[Rule]:
    return [
        Rule(
            "report_received_by_deadline",
            "completeness",
            "warning",
            "completeness",
            "every expected report received by its deadline",
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="received_by_deadline", value_set=[True]
            ),
        ),
    ]
