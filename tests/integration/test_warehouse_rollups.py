"""The roll-up rules, the 2025 restatement and coverage, on a hand-built example with dbt.

Communes of two legacy provinces that merged into one 2025 province: Hải Dương (P30,
district D288) and Hải Phòng (P31, district D303) into Hải Phòng city (P2025-31). Every
expected figure is computed here from the submitted numbers, not read back from dbt; the
number of communes the calendar expects is read from the reviewed reference units.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.test_warehouse_support import Submission, build, land, new_build_db, read

pytestmark = pytest.mark.slow

MONTHS = ["2024-01", "2024-02", "2024-03"]
# Legacy communes → the 2025 commune that absorbed them (crosswalk default successor).
# C10528 was split between C2025-10532 (default) and C2025-10537.
P30_COMMUNES = ["C10507", "C10510", "C10528"]  # district D288 of Hải Dương
P31_COMMUNES = ["C11296"]  # district D303 of Hải Phòng
COMMUNES = P30_COMMUNES + P31_COMMUNES
P30_OWN_MEMBERS_MARCH = 9_999.0


def admitted(c: int, m: int) -> float:
    return 10.0 * (c + 1) + m


def members(c: int, m: int) -> float:
    return 1_000.0 * (c + 1) + 10 * m


def women(c: int) -> float:
    return [2_000.0, 9_000.0, 5_000.0, 4_000.0][c]


def chairs(c: int) -> tuple[float, float]:
    return float(c + 1), float(c + 3)


def submissions() -> list[Submission]:
    subs = []
    for c, unit in enumerate(COMMUNES):
        for m, month in enumerate(MONTHS):
            rows = [
                (unit, month, "members_admitted", None, admitted(c, m), None),
                (unit, month, "members_total", None, members(c, m), None),
                (unit, month, "women_18_plus", None, women(c), None),
            ]
            if month == "2024-03":
                part, whole = chairs(c)
                rows.append((unit, month, "members_chairs_certified", None, part, whole))
            subs.append(Submission(f"{unit}-{month}", dt.datetime(2024, m + 2, 5), rows))
    subs.append(
        Submission(
            "P30-2024-03",
            dt.datetime(2024, 4, 8),
            [("P30", "2024-03", "members_total", None, P30_OWN_MEMBERS_MARCH, None)],
        )
    )
    # One commune of Hải Phòng city sends August 2025; the city sends nothing for August.
    subs.append(
        Submission(
            "C2025-10507-2025-08",
            dt.datetime(2025, 9, 5),
            [("C2025-10507", "2025-08", "members_total", None, 2_500.0, None)],
        )
    )
    subs.append(
        Submission(
            "P2025-31-2025-07",
            dt.datetime(2025, 8, 6),
            [
                ("P2025-31", "2025-07", "members_total", None, 12_345.0, None),
                ("P2025-31", "2025-07", "women_18_plus", None, 20_000.0, None),
            ],
        )
    )
    return subs


@pytest.fixture(scope="module")
def rolled(tmp_path_factory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("rollups")
    db = new_build_db(tmp / "warehouse.duckdb")
    land(db, submissions())
    build(db, tmp)
    frame = read(db, "select * from intermediate.int_values_rolled_up")
    frame.attrs["db"] = db
    frame.attrs["target"] = tmp / "dbt_target"
    return frame


def test_the_dbt_unit_tests_ran_and_passed(rolled):
    """The night's build leaves them out (orchestration/warehouse/assets.py): here they run,
    every one of the project's."""
    target = rolled.attrs["target"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert manifest["unit_tests"]
    assert ran == dict.fromkeys(manifest["unit_tests"], "pass")


def row(frame: pd.DataFrame, borders: str, unit: str, period: str, indicator: str) -> pd.Series:
    hit = frame[
        (frame.borders == borders)
        & (frame.unit_code == unit)
        & (frame.period_code == period)
        & (frame.indicator_code == indicator)
        & (frame.disaggregation == "total")
    ]
    assert len(hit) == 1, f"{borders} {unit} {period} {indicator}: {len(hit)} rows"
    return hit.iloc[0]


def march_members(communes: list[str]) -> float:
    return sum(members(COMMUNES.index(u), 2) for u in communes)


def test_flows_add_over_time_and_units(rolled):
    c = 0
    got = row(rolled, "own_time", "C10507", "2024-Q1", "members_admitted")
    assert got.value == sum(admitted(c, m) for m in range(3))
    district = row(rolled, "own_time", "D288", "2024-Q1", "members_admitted")
    expected = sum(admitted(COMMUNES.index(u), m) for u in P30_COMMUNES for m in range(3))
    assert district.value == district.value_from_children == expected
    # A half-year with three months of six is not a half-year: no figure is made up.
    assert rolled[(rolled.unit_code == "C10507") & (rolled.period_code == "2024-H1")].empty


def test_stocks_take_the_period_end_value_then_add_over_units(rolled):
    assert row(rolled, "own_time", "C10507", "2024-Q1", "members_total").value == members(0, 2)
    district = row(rolled, "own_time", "D288", "2024-Q1", "members_total")
    assert district.value == march_members(P30_COMMUNES)


def test_own_figure_and_childrens_sum_are_both_kept_with_the_difference(rolled):
    province = row(rolled, "own_time", "P30", "2024-03", "members_total")
    children = march_members(P30_COMMUNES)
    assert province.value_reported == P30_OWN_MEMBERS_MARCH
    assert province.value_from_children == children
    assert province.difference == P30_OWN_MEMBERS_MARCH - children
    assert province.value == P30_OWN_MEMBERS_MARCH
    central = row(rolled, "own_time", "VN", "2024-03", "members_total")
    assert central.value_from_children == P30_OWN_MEMBERS_MARCH + march_members(P31_COMMUNES)


def test_ratios_are_recomputed_at_every_level_never_averaged(rolled):
    idx = [COMMUNES.index(u) for u in P30_COMMUNES]
    recomputed = 100 * sum(members(c, 2) for c in idx) / sum(women(c) for c in idx)
    averaged = sum(100 * members(c, 2) / women(c) for c in idx) / len(idx)
    got = row(rolled, "own_time", "D288", "2024-03", "members_rate").value
    assert got == pytest.approx(recomputed)
    assert got != pytest.approx(averaged)
    commune = row(rolled, "own_time", "C10510", "2024-Q1", "members_rate").value
    assert commune == pytest.approx(100 * members(1, 2) / women(1))


def test_parts_of_a_whole_keep_both_parts(rolled):
    got = row(rolled, "own_time", "D288", "2024-03", "members_chairs_certified")
    idx = [COMMUNES.index(u) for u in P30_COMMUNES]
    assert got.value == sum(chairs(c)[0] for c in idx)
    assert got.value_whole == sum(chairs(c)[1] for c in idx)


def test_legacy_provinces_are_restated_into_the_2025_province(rolled):
    merged = row(rolled, "2025", "P2025-31", "2024-03", "members_total")
    hai_duong = row(rolled, "own_time", "P30", "2024-03", "members_total")
    hai_phong = row(rolled, "own_time", "P31", "2024-03", "members_total")
    assert merged.value == hai_duong.value + hai_phong.value
    assert merged.value == P30_OWN_MEMBERS_MARCH + march_members(P31_COMMUNES)
    # Hải Phòng sent no own figure: the merged province has none, only the units' sum.
    assert pd.isna(merged.value_reported)
    assert merged.value_from_children == march_members(COMMUNES)
    rate = row(rolled, "2025", "P2025-31", "2024-Q1", "members_rate").value
    assert rate == pytest.approx(
        100 * (P30_OWN_MEMBERS_MARCH + march_members(P31_COMMUNES)) / sum(map(women, range(4)))
    )
    after = row(rolled, "2025", "P2025-31", "2025-07", "members_total")
    assert after.value == after.value_reported == 12_345.0


def test_communes_are_restated_and_a_split_commune_goes_to_its_default_successor(rolled):
    merged = row(rolled, "2025", "C2025-10507", "2024-03", "members_total")
    assert merged.value == march_members(["C10507", "C10510"])
    split = row(rolled, "2025", "C2025-10532", "2024-Q1", "members_admitted")
    assert split.value == sum(admitted(2, m) for m in range(3))
    other_part = rolled[(rolled.borders == "2025") & (rolled.unit_code == "C2025-10537")]
    assert other_part.empty
    # Districts ended with the merger: no 2025-border row, their figures are in the province.
    assert rolled[(rolled.borders == "2025") & (rolled.unit_level == "district")].empty


def communes_of_hai_phong_city(db: Path) -> int:
    """Communes of P2025-31 on 31 August 2025, from the reference units landed."""
    return int(
        read(
            db,
            "select count(*) as n from raw.ref_org_units where parent_code = 'P2025-31' "
            "and level = 'commune' and coalesce(valid_from, date '2000-01-01') "
            "<= date '2025-08-31' and coalesce(valid_to, date '2100-01-01') >= date '2025-08-31'",
        ).n[0]
    )


def test_a_province_summed_from_one_commune_is_flagged_never_a_total(rolled):
    db: Path = rolled.attrs["db"]
    expected = communes_of_hai_phong_city(db)
    assert expected > 10
    for borders in ("own_time", "2025"):
        august = row(rolled, borders, "P2025-31", "2025-08", "members_total")
        assert august.value == 2_500.0
        assert august.value_source == "derived"
        assert (august.children_reporting, august.children_expected) == (1, expected)
        assert august.coverage == pytest.approx(1 / expected)
        assert august.is_below_coverage
    # The city's own July figure is reported: no coverage to judge.
    july = row(rolled, "2025", "P2025-31", "2025-07", "members_total")
    assert july.value_source == "reported" and pd.isna(july.coverage)
    assert not july.is_below_coverage
    # Before July 2025 the calendar asked no one for months: a sum of communes' months backs
    # no total.
    march = row(rolled, "own_time", "P31", "2024-03", "members_total")
    assert march.value_source == "derived" and march.children_expected == 0
    assert march.is_below_coverage
    commune = row(rolled, "own_time", "C10507", "2024-03", "members_total")
    assert commune.value_source == "reported" and not commune.is_below_coverage


def test_the_membership_mart_reads_2025_borders_and_leaves_out_partial_sums(rolled):
    db: Path = rolled.attrs["db"]
    mart = read(db, "select * from analytics.mart_membership_by_province").set_index(
        ["province_code", "period_code"]
    )
    own = mart.loc[("P2025-31", "2025-07")]
    assert own.members_total == 12_345.0
    assert own.membership_rate_pct == pytest.approx(100 * 12_345.0 / 20_000.0)
    assert own.cluster_code == "red_river_delta"
    assert not own.has_values_below_coverage
    # March 2024 in 2025 borders adds Hải Dương's own figure to Hải Phòng's communes, which
    # no calendar entry backs, and August 2025 is one commune of the city: neither is
    # published as a total.
    for period in ("2024-03", "2025-08"):
        partial = mart.loc[("P2025-31", period)]
        assert pd.isna(partial.members_total)
        assert partial.has_values_below_coverage
    assert ("P30", "2024-03") not in mart.index
