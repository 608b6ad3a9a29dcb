"""The rules of the quality gate: Great Expectations expectations, each with a severity.

Severity: an `error` on a value that a submission sent holds that submission out of the
facts (quarantine, expectations/gate.py); an `error` no single submission explains (a
rolled-up aggregate, a table-level failure) blocks publishing. A `warning` never does.

Every rule names the frame it validates (built in expectations/frames.py). A frame has one
row per thing a steward can act on, with the standard columns of a failing row (submission,
file, row, unit, period, indicator, disaggregation, value, expected) and the derived columns
the expectation judges. The arithmetic is done in the frame; the judging is Great
Expectations'. Each rule states what a valid row looks like in English and in Vietnamese
(shown to stewards); docs/quality.md lists them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import great_expectations as gx

from expectations.vietnamese import vi_number

Severity = Literal["error", "warning"]
Suite = Literal["contract", "consistency", "over_time", "cross_section", "completeness"]
SUITES: tuple[Suite, ...] = (
    "contract",
    "consistency",
    "over_time",
    "cross_section",
    "completeness",
)

REQUIRED_COLUMNS = ["submission_id", "unit_code", "period_code", "indicator_code", "value"]
REQUIRED_VI = {
    "submission_id": "mã báo cáo",
    "unit_code": "mã đơn vị",
    "period_code": "kỳ báo cáo",
    "indicator_code": "mã chỉ tiêu",
    "value": "giá trị",
}

# Over time: the z-score warning judges a value only against at least this many earlier
# values of the same unit, indicator, disaggregation and period kind.
MIN_HISTORY = 4
# A probable unit error needs less: one earlier value 1,000 times smaller (a province's
# trust loans 1,000 times its previous year) is already telling.
MIN_HISTORY_UNIT_ERROR = 1
# Modified z-score threshold (Iglewicz and Hoaglin). dbt computes the score
# (macros/modified_z.sql); its fallback for a constant history is scaled to this 3.5.
OUTLIER_Z = 3.5
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
# Cross-section: a value per member (or per household, as the catalogue's compare_per says)
# against the units of the same level, indicator and period. Judged with at least this
# many peers reporting both figures, the unit itself included.
MIN_PEERS = 5
PEER_Z = 3.5  # modified z-score of log10(value per denominator) over the peers
# Noise guard for the warning: at least twice (or half) the peers' median per denominator.
PEER_MATERIAL_LOG10 = 0.30103  # log10(2)


@dataclass(frozen=True)
class Rule:
    name: str
    suite: Suite
    severity: Severity
    frame: str
    expected_en: str  # what a valid row looks like, shown when the frame has no own text
    expected_vi: str  # the same for the steward, in Vietnamese
    expectation: gx.expectations.Expectation
    # A steward's accept waives the rule's failures of the accepted submission (warnings,
    # and errors that are statistical judgements rather than impossible figures).
    waivable: bool = False

    def __post_init__(self) -> None:
        if self.severity == "warning" and not self.waivable:
            object.__setattr__(self, "waivable", True)


def _between(column: str, **bounds) -> gx.expectations.Expectation:
    return gx.expectations.ExpectColumnValuesToBeBetween(column=column, **bounds)


def _in_set(column: str, values: list) -> gx.expectations.Expectation:
    return gx.expectations.ExpectColumnValuesToBeInSet(column=column, value_set=values)


def _not_above(whole: str = "whole_value") -> gx.expectations.Expectation:
    return gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=whole, column_B="value", or_equal=True, ignore_row_if="either_value_is_missing"
    )


def contract_rules(known_indicators: list[str], rates_may_exceed_100: list[str]) -> list[Rule]:
    """Known units are judged on the frame's unit_is_known column: a set of 14,000 unit codes
    inside the expectation makes GX slow to build and to render."""
    rules = [
        Rule(
            f"{column}_present",
            "contract",
            "error",
            "values",
            f"the {column.replace('_', ' ')} filled in on every row",
            f"dòng nào cũng có {REQUIRED_VI[column]}",
            gx.expectations.ExpectColumnValuesToNotBeNull(column=column),
        )
        for column in REQUIRED_COLUMNS
    ]
    exceed = ", ".join(sorted(rates_may_exceed_100))
    rules += [
        Rule(
            "value_is_a_number",
            "contract",
            "error",
            "values",
            "a number (stored as a floating-point value)",
            "giá trị là một số (cột giá trị của bảng có kiểu số)",
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
            "mã đơn vị có trong danh mục đơn vị (ví dụ P2025-01)",
            _in_set("unit_is_known", [True]),
        ),
        Rule(
            "period_known",
            "contract",
            "error",
            "values",
            "a canonical period code (2025, 2025-H1, 2025-Q3, 2025-07, T2021-2026, 2025-10-30)",
            "kỳ báo cáo hợp lệ (2025, 2025-H1, 2025-Q3, 2025-07, T2021-2026, 2025-10-30)",
            _in_set("period_is_canonical", [True]),
        ),
        Rule(
            "indicator_known",
            "contract",
            "error",
            "values",
            "an indicator code from the catalogue (e.g. members_total)",
            "mã chỉ tiêu có trong danh mục chỉ tiêu (ví dụ members_total)",
            _in_set("indicator_code", sorted(set(known_indicators))),
        ),
        Rule(
            "amount_not_negative",
            "contract",
            "error",
            "values",
            "a count or amount of 0 or more (net growth may be negative)",
            "số lượng hoặc số tiền từ 0 trở lên (chỉ tăng/giảm thuần mới được âm)",
            _between("amount", min_value=0),
        ),
        Rule(
            "count_is_whole_number",
            "contract",
            "error",
            "values",
            "a whole number for a count (people, households, houses, sessions, ...)",
            "số nguyên cho chỉ tiêu đếm (người, hộ, nhà, buổi, ...)",
            _between("count_fraction", min_value=0, max_value=0),
        ),
        Rule(
            "rate_within_0_100",
            "contract",
            "error",
            "values",
            "a rate between 0% and 100%" + (f" (0% or more for {exceed})" if exceed else ""),
            "tỷ lệ từ 0% đến 100%" + (f" (từ 0% trở lên với {exceed})" if exceed else ""),
            _between("rate_over_limit", min_value=0, max_value=0),
        ),
    ]
    return rules


def consistency_rules() -> list[Rule]:
    return [
        Rule(
            "net_growth_is_admitted_minus_lost",
            "consistency",
            "error",
            "net_growth",
            "members_net_growth equal to members_admitted − members_lost of the same report",
            "tăng thuần bằng số kết nạp mới trừ số hội viên giảm của cùng báo cáo",
            _between("gap", min_value=-0.5, max_value=0.5),
        ),
        Rule(
            "members_not_above_women_18_plus",
            "consistency",
            "error",
            "members_vs_women",
            "members_total at most women_18_plus (a membership rate of at most 100%)",
            "tổng số hội viên không vượt số phụ nữ từ 18 tuổi (tỷ lệ tập hợp không quá 100%)",
            _not_above(),
        ),
        Rule(
            "members_by_kind_not_above_total",
            "consistency",
            "error",
            "member_parts",
            "members of one kind at most members_total of the same report",
            "hội viên từng loại không vượt tổng số hội viên của cùng báo cáo",
            _not_above(),
        ),
        Rule(
            "part_not_above_whole",
            "consistency",
            "error",
            "parts",
            "a part at most its whole (a disaggregated value at most the total; "
            "'a of b' with a ≤ b)",
            "phần không vượt tổng (giá trị phân tổ không vượt tổng số; 'a/b' thì a ≤ b)",
            _not_above(),
        ),
        Rule(
            "money_per_beneficiary_plausible",
            "consistency",
            "warning",
            "money",
            "money per beneficiary per month within the catalogue's plausible bounds",
            "số tiền bình quân mỗi người hưởng mỗi tháng trong khoảng hợp lý của danh mục",
            _between("bounds_factor", min_value=1, max_value=1),
        ),
        Rule(
            "money_per_beneficiary_unit_error",
            "consistency",
            "error",
            "money",
            f"money per beneficiary per month within {MONEY_UNIT_ERROR_FACTOR:,.0f} times the "
            "catalogue's plausible bounds (beyond: a probable unit error)",
            f"số tiền bình quân mỗi người hưởng mỗi tháng không lệch quá "
            f"{MONEY_UNIT_ERROR_FACTOR:.0f} lần khoảng hợp lý (lệch hơn: có thể nhầm đơn vị "
            "tính, ví dụ nghìn đồng ghi thành đồng)",
            _between(
                "bounds_factor",
                min_value=1 / MONEY_UNIT_ERROR_FACTOR,
                max_value=MONEY_UNIT_ERROR_FACTOR,
            ),
        ),
    ]


def over_time_rules(frame: str = "over_time", label: str = "") -> list[Rule]:
    """The same two rules for submitted values (`over_time`) and rolled-up aggregates."""
    return [
        Rule(
            f"{label}far_from_own_history",
            "over_time",
            "warning",
            frame,
            f"a value within the unit's own history: modified z-score at most {OUTLIER_Z}, "
            "or inside the min–max of the earlier values, or within "
            f"{MATERIAL_CHANGE:.0%} of their median",
            f"giá trị gần với các kỳ trước của chính đơn vị: điểm z hiệu chỉnh không quá "
            f"{vi_number(OUTLIER_Z, 1)}, hoặc nằm trong khoảng nhỏ nhất–lớn nhất của các kỳ "
            "trước, hoặc "
            f"lệch không quá {MATERIAL_CHANGE:.0%} so với trung vị",
            _between("outlier_z_outside_range", max_value=OUTLIER_Z),
        ),
        Rule(
            f"{label}probable_unit_error",
            "over_time",
            "error",
            frame,
            "a value not about 1,000 times (or a 1,000th of) the median of the unit's history",
            "giá trị không gấp khoảng 1.000 lần (hoặc chỉ bằng một phần nghìn) trung vị các "
            "kỳ trước của đơn vị: có thể nhầm đơn vị tính",
            _between(
                "log10_ratio_to_median",
                min_value=-UNIT_ERROR_LOG10,
                max_value=UNIT_ERROR_LOG10,
                strict_min=True,
                strict_max=True,
            ),
            waivable=True,
        ),
    ]


def cross_section_rules() -> list[Rule]:
    """A value per member (per household, ...) against the units of the same level and period."""
    return [
        Rule(
            "far_from_peers",
            "cross_section",
            "warning",
            "cross_section",
            f"a value per member (or per household) near the units of the same level and "
            f"period: modified z-score at most {PEER_Z} or within twice (half) their median",
            f"giá trị bình quân mỗi hội viên (hoặc mỗi hộ) gần với các đơn vị cùng cấp, cùng "
            f"kỳ: điểm z hiệu chỉnh không quá {vi_number(PEER_Z, 1)} hoặc không lệch quá 2 lần "
            "trung vị",
            _between("peer_z_material", max_value=PEER_Z),
        ),
        Rule(
            "probable_unit_error_among_peers",
            "cross_section",
            "error",
            "cross_section",
            "a value per member (or per household) not about 1,000 times (or a 1,000th of) "
            "the median of the units of the same level and period",
            "giá trị bình quân mỗi hội viên (hoặc mỗi hộ) không gấp khoảng 1.000 lần (hoặc chỉ "
            "bằng một phần nghìn) trung vị các đơn vị cùng cấp, cùng kỳ: có thể nhầm đơn vị tính",
            _between(
                "peer_log10_ratio",
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
            "mọi báo cáo phải nộp đã nhận được trước hạn",
            _in_set("received_by_deadline", [True]),
        ),
    ]
