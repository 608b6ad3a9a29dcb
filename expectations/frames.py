"""The frames the rules validate, built from the tables of the build database.

Every frame carries the standard columns of a failing row (ROW_COLUMNS) so that any failing
row can be shown to a steward and written to the review table, plus the derived columns a
rule judges. What the catalogue says of an indicator (a count, may be negative, a rate that
may exceed 100, what to compare it per) comes from the catalogue as staging exposes it
(stg_reference__indicators); what a period is (kind, last day, months it covers) from
int_periods; a value's history and its statistics from int_value_history, its peers' from
int_value_peers (the frames judge those statistics against the thresholds of suites.py).
`expected` says what was expected in English (the log, the review table), `expected_vi` the
same for the steward.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from expectations.suites import (
    MATERIAL_CHANGE,
    MIN_HISTORY,
    MIN_HISTORY_UNIT_ERROR,
    MIN_PEERS,
    PEER_MATERIAL_LOG10,
)
from expectations.vietnamese import vi_number, vi_significant

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
    "expected_vi",
]
TOTAL = "total"
MEMBERS_TOTAL, WOMEN_18_PLUS = "members_total", "women_18_plus"
MEMBER_KIND_PARTS = {"members_by_kind", "members_residential"}
PERIOD_COLUMNS = ["period_code", "period_kind", "period_end", "months_covered"]


def period_table(periods: pd.DataFrame) -> pd.DataFrame:
    """The facts of int_periods the rules use: kind, last day, months covered."""
    table = periods[PERIOD_COLUMNS].copy()
    table["period_code"] = table["period_code"].astype(str)
    table["period_end"] = pd.to_datetime(table["period_end"])
    return table


def prepare_values(values: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """The values with a disaggregation ('total' when not disaggregated) and the period's
    kind, end and length (from `period_table`); a period not there is not canonical."""
    frame = values.copy().reset_index(drop=True)
    if "disaggregation" not in frame.columns:
        frame["disaggregation"] = TOTAL
    frame["disaggregation"] = frame["disaggregation"].fillna(TOTAL)
    optional = ("file_name", "source_row_number", "received_at", "value_whole", "expected")
    for column in (*optional, "expected_vi"):
        if column not in frame.columns:
            frame[column] = None
    frame = frame.drop(columns=PERIOD_COLUMNS[1:], errors="ignore")
    frame = frame.merge(period_table(periods), on="period_code", how="left")
    frame["period_is_canonical"] = frame["period_kind"].notna()
    return frame


def _catalogue(catalogue: pd.DataFrame, column: str) -> pd.Series:
    return catalogue.set_index("indicator_code")[column]


def values_frame(
    values: pd.DataFrame, catalogue: pd.DataFrame, known_units: set[str]
) -> pd.DataFrame:
    """One row per value, with the derived columns of the contract rules."""
    frame = values.copy()
    frame["unit_is_known"] = frame["unit_code"].isin(known_units)
    indicator = frame["indicator_code"]
    value = pd.to_numeric(frame["value"], errors="coerce")
    signed = indicator.map(_catalogue(catalogue, "may_be_negative")).fillna(False).astype(bool)
    frame["amount"] = value.where(~signed)
    is_count = indicator.map(_catalogue(catalogue, "is_count")).fillna(False).astype(bool)
    counts = value.where(is_count)
    frame["count_fraction"] = (counts - np.floor(counts)).astype("float64")
    rates = value.where(indicator.map(_catalogue(catalogue, "unit_of_measure")) == "percent")
    exceed = indicator.map(_catalogue(catalogue, "rate_may_exceed_100")).fillna(False)
    limit = np.where(exceed.astype(bool), np.inf, 100.0)
    over = np.where(rates > limit, rates - limit, np.where(rates < 0, -rates, 0.0))
    frame["rate_over_limit"] = pd.Series(over, index=frame.index).where(rates.notna())
    return frame


# Where a value came from: a finding on two values is attributed to the one received last.
SOURCE_COLUMNS = ["submission_id", "file_name", "source_row_number", "received_at"]


def _totals(values: pd.DataFrame, indicator: str, prefix: str = "whole_") -> pd.DataFrame:
    """The indicator's totals per unit × period, with where each came from (prefixed)."""
    rows = values[(values.indicator_code == indicator) & (values.disaggregation == TOTAL)]
    renamed = {"value": indicator} | {c: f"{prefix}{c}" for c in SOURCE_COLUMNS}
    return rows[["unit_code", "period_code", "value", *SOURCE_COLUMNS]].rename(columns=renamed)


def _with_whole(parts: pd.DataFrame, wholes: pd.DataFrame, whole_name: str) -> pd.DataFrame:
    merged = parts.merge(wholes, on=["unit_code", "period_code"], how="left")
    return _attribute_latest(merged.rename(columns={whole_name: "whole_value"}), ["whole_"])


def _attribute_latest(frame: pd.DataFrame, prefixes: list[str]) -> pd.DataFrame:
    """A finding on several values names the submission received last: with revisions at
    the level of the value, the newer one brought the conflict (and is the one to hold)."""
    frame = frame.reset_index(drop=True)
    for prefix in prefixes:
        theirs = pd.to_datetime(frame[f"{prefix}received_at"])
        later = (theirs > pd.to_datetime(frame["received_at"])).fillna(False).astype(bool)
        for column in SOURCE_COLUMNS:
            frame[column] = frame[column].where(~later, frame[f"{prefix}{column}"])
    return frame


def _at_most(frame: pd.DataFrame, whole_en: str, whole_vi: str) -> pd.DataFrame:
    frame["expected"] = [
        f"at most {whole_en} = {w:,.0f}" if pd.notna(w) else None for w in frame.whole_value
    ]
    frame["expected_vi"] = [
        f"không quá {whole_vi} = {vi_number(w)}" if pd.notna(w) else None for w in frame.whole_value
    ]
    return frame.reset_index(drop=True)


def net_growth_frame(values: pd.DataFrame) -> pd.DataFrame:
    net = values[(values.indicator_code == "members_net_growth") & (values.disaggregation == TOTAL)]
    admitted = _totals(values, "members_admitted", "admitted_")
    frame = net.merge(admitted, on=["unit_code", "period_code"])
    frame = frame.merge(_totals(values, "members_lost", "lost_"), on=["unit_code", "period_code"])
    frame = _attribute_latest(frame, ["admitted_", "lost_"])
    computed = frame["members_admitted"] - frame["members_lost"]
    frame["gap"] = frame["value"] - computed
    terms = list(zip(frame.members_admitted, frame.members_lost, computed, strict=True))
    frame["expected"] = [f"admitted {a:,.0f} − lost {lost:,.0f} = {c:,.0f}" for a, lost, c in terms]
    frame["expected_vi"] = [
        f"kết nạp {vi_number(a)} − giảm {vi_number(lost)} = {vi_number(c)}" for a, lost, c in terms
    ]
    return frame.reset_index(drop=True)


def members_vs_women_frame(values: pd.DataFrame) -> pd.DataFrame:
    members = values[(values.indicator_code == MEMBERS_TOTAL) & (values.disaggregation == TOTAL)]
    frame = _with_whole(members, _totals(values, WOMEN_18_PLUS), WOMEN_18_PLUS)
    return _at_most(frame, WOMEN_18_PLUS, "số phụ nữ từ 18 tuổi (women_18_plus)")


def member_parts_frame(values: pd.DataFrame) -> pd.DataFrame:
    parts = values[values.indicator_code.isin(MEMBER_KIND_PARTS)]
    frame = _with_whole(parts, _totals(values, MEMBERS_TOTAL), MEMBERS_TOTAL)
    return _at_most(frame, MEMBERS_TOTAL, "tổng số hội viên (members_total)")


def parts_frame(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Every part with its whole: a disaggregated value and the indicator's total; 'a of b'
    (value_whole); a part_of_whole indicator and the indicator its whole is."""
    keys = ["unit_code", "period_code", "indicator_code"]
    sources = {c: f"whole_{c}" for c in SOURCE_COLUMNS}
    totals = values.loc[values.disaggregation == TOTAL, [*keys, "value", *SOURCE_COLUMNS]]
    totals = totals.rename(columns={"value": "whole_value"} | sources)
    disaggregated = values[values.disaggregation != TOTAL].merge(totals, on=keys, how="left")
    disaggregated = _attribute_latest(disaggregated, ["whole_"])
    pairs = list(zip(disaggregated.indicator_code, disaggregated.whole_value, strict=True))
    disaggregated["expected"] = [
        f"at most the total {i} = {w:,.0f}" if pd.notna(w) else None for i, w in pairs
    ]
    disaggregated["expected_vi"] = [
        f"không quá tổng số của {i} = {vi_number(w)}" if pd.notna(w) else None for i, w in pairs
    ]
    stated = values[values.value_whole.notna()].copy()
    stated["whole_value"] = pd.to_numeric(stated["value_whole"])
    stated["expected"] = [f"at most the stated whole {w:,.0f}" for w in stated.whole_value]
    stated["expected_vi"] = [f"không quá tổng số đã ghi {vi_number(w)}" for w in stated.whole_value]
    named = catalogue[
        (catalogue.indicator_kind == "part_of_whole") & catalogue.denominator_indicator_code.notna()
    ]
    of_indicator = values[values.indicator_code.isin(named.indicator_code)].copy()
    of_indicator["whole_indicator"] = of_indicator.indicator_code.map(
        named.set_index("indicator_code")["denominator_indicator_code"]
    )
    whole_totals = totals.rename(columns={"indicator_code": "whole_indicator"})
    of_indicator = of_indicator.merge(
        whole_totals, on=["unit_code", "period_code", "whole_indicator"], how="left"
    )
    of_indicator = _attribute_latest(of_indicator, ["whole_"])
    pairs = list(zip(of_indicator.whole_indicator, of_indicator.whole_value, strict=True))
    of_indicator["expected"] = [
        f"at most {i} = {w:,.0f}" if pd.notna(w) else None for i, w in pairs
    ]
    of_indicator["expected_vi"] = [
        f"không quá {i} = {vi_number(w)}" if pd.notna(w) else None for i, w in pairs
    ]
    return pd.concat([disaggregated, stated, of_indicator], ignore_index=True)


def money_frame(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Money per beneficiary per month, for indicators with plausible bounds in the catalogue.

    bounds_factor is 1 inside the bounds, value/max above, value/min below."""
    bounded = catalogue[
        catalogue.beneficiary_indicator_code.notna()
        & catalogue.plausible_per_beneficiary_min_vnd.notna()
    ].set_index("indicator_code")
    money = values[values.indicator_code.isin(bounded.index) & (values.disaggregation == TOTAL)]
    money = money.assign(
        beneficiary=money.indicator_code.map(bounded["beneficiary_indicator_code"])
    )
    beneficiaries = values.loc[
        values.disaggregation == TOTAL, ["unit_code", "period_code", "indicator_code", "value"]
    ].rename(columns={"indicator_code": "beneficiary", "value": "beneficiaries"})
    frame = money.merge(beneficiaries, on=["unit_code", "period_code", "beneficiary"])
    frame = frame[(frame.beneficiaries > 0) & frame.months_covered.notna()]
    frame = frame.reset_index(drop=True)
    low = frame.indicator_code.map(bounded["plausible_per_beneficiary_min_vnd"]).astype(float)
    high = frame.indicator_code.map(bounded["plausible_per_beneficiary_max_vnd"]).astype(float)
    per_month = frame["value"] / frame["beneficiaries"] / frame["months_covered"].astype(float)
    frame["bounds_factor"] = np.where(
        per_month > high, per_month / high, np.where(per_month < low, per_month / low, 1.0)
    )
    bounds = list(zip(low, high, frame.beneficiary, per_month, strict=True))
    frame["expected"] = [
        f"{lo:,.0f}–{hi:,.0f} đồng per {b} per month; reported {p:,.0f}" for lo, hi, b, p in bounds
    ]
    frame["expected_vi"] = [
        f"{vi_number(lo)}–{vi_number(hi)} đồng mỗi {b} mỗi tháng; báo cáo {vi_number(p)}"
        for lo, hi, b, p in bounds
    ]
    return frame


def over_time_frame(history: pd.DataFrame) -> pd.DataFrame:
    """Each value with its history's statistics (rows of int_value_history) and the two
    judged columns: the z-score warning needs MIN_HISTORY earlier values, the unit-error
    rule MIN_HISTORY_UNIT_ERROR."""
    frame = history.reset_index(drop=True).copy()
    frame["judged"] = frame["history_count"] >= MIN_HISTORY
    z = frame["modified_z"]
    outside = (frame["value"] < frame["history_min"]) | (frame["value"] > frame["history_max"])
    change = (frame["value"] - frame["history_median"]).abs()
    material = change > np.maximum(MATERIAL_CHANGE * frame["history_median"].abs(), 1.0)
    outside = outside & material
    frame["outlier_z_outside_range"] = z.where(outside, 0.0).where(frame["judged"])
    ratio = frame["value"] / frame["history_median"]
    positive = (frame["value"] > 0) & (frame["history_median"] > 0)
    enough = frame["history_count"] >= MIN_HISTORY_UNIT_ERROR
    frame["log10_ratio_to_median"] = np.log10(ratio.where(positive)).where(enough)
    shown = enough & (frame["judged"] | frame["log10_ratio_to_median"].notna())
    rows = zip(
        shown,
        frame.history_median,
        frame.history_count,
        frame.history_min,
        frame.history_max,
        z,
        frame.log10_ratio_to_median,
        strict=True,
    )
    english, vietnamese = [], []
    for judged, m, n, lo, hi, zz, r in rows:
        if not judged:
            english.append(None)
            vietnamese.append(None)
            continue
        times = f", {10**r:,.3g} × the median" if pd.notna(r) else ""
        english.append(
            f"near the median {m:,.6g} of {int(n)} earlier values (range {lo:,.6g}–{hi:,.6g}); "
            f"modified z {zz:.1f}{times}"
        )
        times_vi = f", gấp {vi_significant(10**r, 3)} lần trung vị" if pd.notna(r) else ""
        vietnamese.append(
            f"gần trung vị {vi_significant(m)} của {int(n)} kỳ trước (khoảng "
            f"{vi_significant(lo)}–{vi_significant(hi)}); điểm z hiệu chỉnh "
            f"{vi_number(zz, 1)}{times_vi}"
        )
    frame["expected"] = english
    frame["expected_vi"] = vietnamese
    return frame


def rolled_up_frame(history: pd.DataFrame) -> pd.DataFrame:
    """Derived aggregates on the 2025 map (what analysts read) with their history: the
    rolled_up rows of int_value_history, which says which aggregates are judged."""
    frame = over_time_frame(history)
    frame["expected"] = frame["expected"].map(
        lambda text: f"{text}; look at the children's submissions" if text else None
    )
    frame["expected_vi"] = frame["expected_vi"].map(
        lambda text: f"{text}; xem báo cáo của các đơn vị trực thuộc" if text else None
    )
    return frame


def cross_section_frame(peers: pd.DataFrame) -> pd.DataFrame:
    """Each value of an indicator the catalogue compares per something, per that figure of
    the same unit and period, against its peers (rows of int_value_peers: the units of the
    same level, indicator, disaggregation and period, on log10 of the ratio). Judged with
    at least MIN_PEERS units reporting both figures, the unit itself included."""
    frame = peers.reset_index(drop=True).copy()
    count, z = frame["peer_count"], frame["modified_z"]
    judged = count >= MIN_PEERS
    offset = frame["log10_per_unit"] - frame["peer_median_log10"]
    frame["per_indicator"] = frame["per_indicator_code"]
    frame["peer_median_per_unit"] = 10 ** frame["peer_median_log10"]
    frame["peer_log10_ratio"] = offset.where(judged)
    frame["peer_z_material"] = z.where(offset.abs() >= PEER_MATERIAL_LOG10, 0.0).where(judged)
    rows = zip(
        judged,
        frame.per_indicator,
        frame.per_unit,
        frame.peer_median_per_unit,
        count,
        frame.unit_level,
        z,
        strict=True,
    )
    english, vietnamese = [], []
    for ok, per_name, mine, med, n, level, zz in rows:
        if not ok:
            english.append(None)
            vietnamese.append(None)
            continue
        english.append(
            f"per {per_name} {mine:,.6g}, near the median {med:,.6g} of {int(n)} {level} units "
            f"of the same period; modified z {zz:.1f}, {mine / med:,.3g} × the median"
        )
        vietnamese.append(
            f"bình quân mỗi {per_name} {vi_significant(mine)}, gần trung vị "
            f"{vi_significant(med)} của {int(n)} đơn vị cấp {level} cùng kỳ; điểm z hiệu chỉnh "
            f"{vi_number(zz, 1)}, gấp {vi_significant(mine / med, 3)} lần trung vị"
        )
    frame["expected"] = english
    frame["expected_vi"] = vietnamese
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
    reports = list(zip(frame.form, deadline, received, days_late, strict=True))
    frame["expected"] = [
        f"{form} report due {d:%Y-%m-%d}: "
        + (f"received {r:%Y-%m-%d}, {int(late)} days late" if pd.notna(r) else "not received")
        for form, d, r, late in reports
    ]
    frame["expected_vi"] = [
        f"báo cáo {form} hạn {d:%d/%m/%Y}: "
        + (f"nhận ngày {r:%d/%m/%Y}, trễ {int(late)} ngày" if pd.notna(r) else "chưa nhận")
        for form, d, r, late in reports
    ]
    return frame


def submission_frames(
    values: pd.DataFrame,
    catalogue: pd.DataFrame,
    periods: pd.DataFrame,
    unit_levels: pd.Series,
    history: pd.DataFrame,
    peers: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The frames of the rules on submitted values: contract, consistency, over time (the
    value against its own history: the submitted rows of int_value_history) and
    cross-section (against its peers: int_value_peers)."""
    prepared = prepare_values(values, periods)
    checked = values_frame(prepared, catalogue, set(unit_levels.index))
    # The arithmetic of the other frames needs numbers; a value column of another type is
    # the contract's finding (value_is_a_number), not a crash here.
    prepared["value"] = pd.to_numeric(prepared["value"], errors="coerce")
    return {
        "values": checked,
        "net_growth": net_growth_frame(prepared),
        "members_vs_women": members_vs_women_frame(prepared),
        "member_parts": member_parts_frame(prepared),
        "parts": parts_frame(prepared, catalogue),
        "money": money_frame(prepared, catalogue),
        "over_time": over_time_frame(history),
        "cross_section": cross_section_frame(peers),
    }
