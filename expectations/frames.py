"""The frames the rules validate, built from the current values of the build database.

Every frame carries the standard columns of a failing row (ROW_COLUMNS) so that any failing
row can be shown to a steward and written to the review table, plus the derived columns a
rule judges. Frames are pandas; the history statistics are computed in DuckDB SQL
(expectations/history.py) and judged here by the same Great Expectations rules.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd

from expectations.history import history_stats
from expectations.suites import MATERIAL_CHANGE
from ingestion.normalise.periods import PeriodParseError, period_from_code

ROW_COLUMNS = [
    "submission_id",
    "file_name",
    "source_row_number",
    "unit_code",
    "period_code",
    "indicator_code",
    "disaggregation",
    "value",
    "expected",
]
TOTAL = "total"
COUNT_UNITS = {
    "person",
    "household",
    "house",
    "count",
    "session",
    "club",
    "group",
    "commune",
    "unit",
}
# Indicators whose value may be below 0 (a net change).
SIGNED_INDICATORS = {"members_net_growth"}
# Rates that legitimately exceed 100%: achievement of a target can exceed the target.
RATES_MAY_EXCEED_100 = {"target_achievement_pct"}
MONTHS_PER_KIND = {"month": 1, "quarter": 3, "half": 6, "year": 12}
MEMBERS_TOTAL, WOMEN_18_PLUS = "members_total", "women_18_plus"
MEMBER_KIND_PARTS = {"members_by_kind", "members_residential"}


@cache
def period_facts(code: str) -> tuple[str | None, dt.date | None, int | None]:
    """(kind, last day, months covered) of a canonical period code; Nones when not one."""
    try:
        period = period_from_code(code)
    except PeriodParseError:
        return None, None, None
    months = MONTHS_PER_KIND.get(period.kind)
    if period.kind == "term":
        months = 12 * (period.end.year - period.start.year + 1)
    return period.kind, period.end, months


def prepare_values(values: pd.DataFrame) -> pd.DataFrame:
    """The current values with a disaggregation ('total' when not disaggregated) and the
    period's kind, end and length."""
    frame = values.copy().reset_index(drop=True)
    if "disaggregation" not in frame.columns:
        frame["disaggregation"] = TOTAL
    frame["disaggregation"] = frame["disaggregation"].fillna(TOTAL)
    for column in ("file_name", "source_row_number", "value_whole", "expected"):
        if column not in frame.columns:
            frame[column] = None
    facts = [period_facts(str(code)) for code in frame["period_code"]]
    frame["period_kind"] = [kind for kind, _, _ in facts]
    frame["period_end"] = pd.to_datetime([end for _, end, _ in facts])
    frame["months"] = [months for _, _, months in facts]
    frame["period_is_canonical"] = frame["period_kind"].notna()
    return frame


def values_frame(
    values: pd.DataFrame, catalogue: pd.DataFrame, known_units: set[str]
) -> pd.DataFrame:
    """One row per current value, with the derived columns of the contract rules."""
    frame = values.copy()
    frame["unit_is_known"] = frame["unit_code"].isin(known_units)
    measure = frame["indicator_code"].map(catalogue.set_index("indicator_code")["unit"])
    value = pd.to_numeric(frame["value"], errors="coerce")
    frame["amount"] = value.where(~frame["indicator_code"].isin(SIGNED_INDICATORS))
    counts = value.where(measure.isin(COUNT_UNITS))
    frame["count_fraction"] = (counts - np.floor(counts)).astype("float64")
    rates = value.where(measure == "percent")
    limit = np.where(frame["indicator_code"].isin(RATES_MAY_EXCEED_100), np.inf, 100.0)
    over = np.where(rates > limit, rates - limit, np.where(rates < 0, -rates, 0.0))
    frame["rate_over_limit"] = pd.Series(over, index=frame.index).where(rates.notna())
    return frame


def _totals(values: pd.DataFrame, indicator: str) -> pd.DataFrame:
    rows = values[(values.indicator_code == indicator) & (values.disaggregation == TOTAL)]
    return rows[["unit_code", "period_code", "value"]].rename(columns={"value": indicator})


def _with_whole(parts: pd.DataFrame, wholes: pd.DataFrame, whole_name: str) -> pd.DataFrame:
    merged = parts.merge(wholes, on=["unit_code", "period_code"], how="left")
    return merged.rename(columns={whole_name: "whole_value"})


def net_growth_frame(values: pd.DataFrame) -> pd.DataFrame:
    net = values[(values.indicator_code == "members_net_growth") & (values.disaggregation == TOTAL)]
    frame = net.merge(_totals(values, "members_admitted"), on=["unit_code", "period_code"])
    frame = frame.merge(_totals(values, "members_lost"), on=["unit_code", "period_code"])
    computed = frame["members_admitted"] - frame["members_lost"]
    frame["gap"] = frame["value"] - computed
    frame["expected"] = [
        f"admitted {a:,.0f} − lost {lost:,.0f} = {c:,.0f}"
        for a, lost, c in zip(frame.members_admitted, frame.members_lost, computed, strict=True)
    ]
    return frame.reset_index(drop=True)


def members_vs_women_frame(values: pd.DataFrame) -> pd.DataFrame:
    members = values[(values.indicator_code == MEMBERS_TOTAL) & (values.disaggregation == TOTAL)]
    frame = _with_whole(members, _totals(values, WOMEN_18_PLUS), WOMEN_18_PLUS)
    frame["expected"] = [
        f"at most women_18_plus = {w:,.0f}" if pd.notna(w) else None for w in frame.whole_value
    ]
    return frame.reset_index(drop=True)


def member_parts_frame(values: pd.DataFrame) -> pd.DataFrame:
    parts = values[values.indicator_code.isin(MEMBER_KIND_PARTS)]
    frame = _with_whole(parts, _totals(values, MEMBERS_TOTAL), MEMBERS_TOTAL)
    frame["expected"] = [
        f"at most members_total = {w:,.0f}" if pd.notna(w) else None for w in frame.whole_value
    ]
    return frame.reset_index(drop=True)


def parts_frame(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Every part with its whole: a disaggregated value and the indicator's total; 'a of b'
    (value_whole); a part_of_whole indicator and the indicator its whole is."""
    keys = ["unit_code", "period_code", "indicator_code"]
    totals = values.loc[values.disaggregation == TOTAL, [*keys, "value"]].rename(
        columns={"value": "whole_value"}
    )
    disaggregated = values[values.disaggregation != TOTAL].merge(totals, on=keys, how="left")
    disaggregated["expected"] = [
        f"at most the total {i} = {w:,.0f}" if pd.notna(w) else None
        for i, w in zip(disaggregated.indicator_code, disaggregated.whole_value, strict=True)
    ]
    stated = values[values.value_whole.notna()].copy()
    stated["whole_value"] = pd.to_numeric(stated["value_whole"])
    stated["expected"] = [f"at most the stated whole {w:,.0f}" for w in stated.whole_value]
    named = catalogue[(catalogue.kind == "part_of_whole") & catalogue.denominator.notna()]
    of_indicator = values[values.indicator_code.isin(named.indicator_code)].copy()
    of_indicator["whole_indicator"] = of_indicator.indicator_code.map(
        named.set_index("indicator_code")["denominator"]
    )
    whole_totals = values.loc[values.disaggregation == TOTAL, [*keys, "value"]].rename(
        columns={"indicator_code": "whole_indicator", "value": "whole_value"}
    )
    of_indicator = of_indicator.merge(
        whole_totals, on=["unit_code", "period_code", "whole_indicator"], how="left"
    )
    of_indicator["expected"] = [
        f"at most {i} = {w:,.0f}" if pd.notna(w) else None
        for i, w in zip(of_indicator.whole_indicator, of_indicator.whole_value, strict=True)
    ]
    return pd.concat([disaggregated, stated, of_indicator], ignore_index=True)


def money_frame(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Money per beneficiary per month, for indicators with plausible bounds in the catalogue.

    bounds_factor is 1 inside the bounds, value/max above, value/min below."""
    bounded = catalogue[
        catalogue.beneficiary.notna() & catalogue.plausible_per_beneficiary_min_vnd.notna()
    ].set_index("indicator_code")
    money = values[values.indicator_code.isin(bounded.index) & (values.disaggregation == TOTAL)]
    money = money.assign(beneficiary=money.indicator_code.map(bounded["beneficiary"]))
    beneficiaries = values.loc[
        values.disaggregation == TOTAL, ["unit_code", "period_code", "indicator_code", "value"]
    ].rename(columns={"indicator_code": "beneficiary", "value": "beneficiaries"})
    frame = money.merge(beneficiaries, on=["unit_code", "period_code", "beneficiary"])
    frame = frame[(frame.beneficiaries > 0) & frame.months.notna()].reset_index(drop=True)
    low = frame.indicator_code.map(bounded["plausible_per_beneficiary_min_vnd"]).astype(float)
    high = frame.indicator_code.map(bounded["plausible_per_beneficiary_max_vnd"]).astype(float)
    per_month = frame["value"] / frame["beneficiaries"] / frame["months"].astype(float)
    frame["bounds_factor"] = np.where(
        per_month > high, per_month / high, np.where(per_month < low, per_month / low, 1.0)
    )
    frame["expected"] = [
        f"{lo:,.0f}–{hi:,.0f} đồng per {b} per month; reported {p:,.0f}"
        for lo, hi, b, p in zip(low, high, frame.beneficiary, per_month, strict=True)
    ]
    return frame


def over_time_frame(values: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """Each value with its history's statistics and the two judged columns."""
    stats = history_stats(values, group)
    frame = values.reset_index(drop=True).copy()
    frame = frame.join(stats)
    z = frame["modified_z"]
    outside = (frame["value"] < frame["history_min"]) | (frame["value"] > frame["history_max"])
    change = (frame["value"] - frame["history_median"]).abs()
    material = change > np.maximum(MATERIAL_CHANGE * frame["history_median"].abs(), 1.0)
    outside = outside & material
    frame["outlier_z_outside_range"] = z.where(outside, 0.0).where(frame["judged"])
    ratio = frame["value"] / frame["history_median"]
    positive = (frame["value"] > 0) & (frame["history_median"] > 0)
    frame["log10_ratio_to_median"] = np.log10(ratio.where(positive)).where(frame["judged"])
    frame["expected"] = [
        f"near the median {m:,.6g} of {int(n)} earlier values (range {lo:,.6g}–{hi:,.6g}); "
        f"modified z {zz:.1f}" + (f", {10**r:,.3g} × the median" if pd.notna(r) else "")
        if judged
        else None
        for judged, m, n, lo, hi, zz, r in zip(
            frame.judged,
            frame.history_median,
            frame.history_count,
            frame.history_min,
            frame.history_max,
            z,
            frame.log10_ratio_to_median,
            strict=True,
        )
    ]
    return frame


def rolled_up_frame(rolled_up: pd.DataFrame) -> pd.DataFrame:
    """Rolled-up aggregates on the 2025 map (what analysts read), with their history."""
    frame = rolled_up[rolled_up.borders == "2025"].copy()
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    for column in ("submission_id", "file_name", "source_row_number"):
        frame[column] = None
    frame["disaggregation"] = frame["disaggregation"].fillna(TOTAL)
    frame = over_time_frame(
        frame.reset_index(drop=True),
        ["unit_code", "indicator_code", "disaggregation", "period_kind"],
    )
    frame["expected"] = frame["expected"].map(
        lambda text: f"{text}; look at the children's submissions" if text else None
    )
    return frame


def completeness_frame(expected: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Expected reports whose deadline has passed; received_by_deadline null before it."""
    frame = expected.copy().reset_index(drop=True)
    deadline = pd.to_datetime(frame["deadline"])
    due = deadline < pd.Timestamp(today)
    on_time = frame["is_on_time"].fillna(False).astype(bool)
    frame["received_by_deadline"] = on_time.astype(object).where(due, None)
    received = pd.to_datetime(frame["first_received_at"])
    days_late = (received.dt.normalize() - deadline).dt.days
    frame["value"] = days_late.astype("float64")
    frame["indicator_code"] = None
    frame["disaggregation"] = None
    frame["submission_id"] = None  # a missing report has none; a late one needs no review
    frame["file_name"] = None
    frame["source_row_number"] = None
    frame["expected"] = [
        f"{form} report due {d:%Y-%m-%d}: "
        + (f"received {r:%Y-%m-%d}, {int(late)} days late" if pd.notna(r) else "not received")
        for form, d, r, late in zip(frame.form, deadline, received, days_late, strict=True)
    ]
    return frame


def build_frames(
    values: pd.DataFrame, catalogue: pd.DataFrame, known_units: set[str]
) -> dict[str, pd.DataFrame]:
    """The frames of the contract and consistency suites."""
    prepared = prepare_values(values)
    return {
        "values": values_frame(prepared, catalogue, known_units),
        "net_growth": net_growth_frame(prepared),
        "members_vs_women": members_vs_women_frame(prepared),
        "member_parts": member_parts_frame(prepared),
        "parts": parts_frame(prepared, catalogue),
        "money": money_frame(prepared, catalogue),
    }


def build_over_time_frame(values: pd.DataFrame) -> pd.DataFrame:
    prepared = prepare_values(values)
    prepared = prepared[prepared.period_kind.notna()].reset_index(drop=True)
    return over_time_frame(
        prepared, ["unit_code", "indicator_code", "disaggregation", "period_kind"]
    )
