"""The rules that gate publishing, each a Great Expectations expectation with a severity.

Severity is the gate: `error` blocks publishing, `warning` never does. Every rule names the
frame it validates: `values` (one row per current unit × period × indicator value) or
`unit_period` (one row per unit × period, indicators side by side, for rules that compare
indicators of one report).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import great_expectations as gx

Severity = Literal["error", "warning"]
Frame = Literal["values", "unit_period"]


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    frame: Frame
    expected_en: str  # what a valid row looks like, shown to the steward
    expectation: gx.expectations.Expectation
    # For a rule over a whole report (unit_period frame): the indicator whose value the
    # steward is shown as failing.
    reported_indicator: str | None = None


def contract_rules(known_units: Iterable[str], known_indicators: Iterable[str]) -> list[Rule]:
    return [
        Rule(
            "value_not_negative",
            "error",
            "values",
            "a count or amount of 0 or more",
            gx.expectations.ExpectColumnValuesToBeBetween(column="value", min_value=0),
        ),
        Rule(
            "unit_known",
            "error",
            "values",
            "a unit code from the org-unit reference (e.g. P2025-01)",
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="unit_code", value_set=sorted(set(known_units))
            ),
        ),
        Rule(
            "indicator_known",
            "error",
            "values",
            "an indicator code from the catalogue (e.g. members_total)",
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="indicator_code", value_set=sorted(set(known_indicators))
            ),
        ),
    ]


def consistency_rules() -> list[Rule]:
    return [
        Rule(
            "members_not_above_women_18_plus",
            "error",
            "unit_period",
            "members_total at most women_18_plus (a membership rate of at most 100%)",
            gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="women_18_plus",
                column_B="members_total",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            reported_indicator="members_total",
        ),
    ]
