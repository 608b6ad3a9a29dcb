"""The whole nightly run, for real: landing, dbt, Great Expectations, Dagster, publishing.

One data directory for the module. The first run is `make run`'s: the demo batch on first
use, published; its marts must carry the figures the generator wrote, in 2025 borders for
the legacy years too. The second run, with nothing new, must publish identical marts.
(The bad-batch → steward → publish cycle is in test_quality_gate.py.)
"""

import contextlib
import io
from collections import defaultdict
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from ingestion.synthetic.demo import generate_demo
from orchestration import cli
from orchestration.settings import Settings
from tests.conftest import use_data_root

pytestmark = pytest.mark.slow
MARTS = [
    "mart_cluster_scorecard",
    "mart_finances_by_province",
    "mart_membership_by_province",
    "mart_programme_outcomes",
    "mart_reporting_completeness",
]
Figures = dict[tuple[str, str], dict[str, float]]


def read_marts(path: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            name: con.sql(f"select * from {name}").df().sort_values(list(key_columns(name)))
            for name in MARTS
        }


def key_columns(mart: str) -> tuple[str, ...]:
    keys = {
        "mart_cluster_scorecard": ("cluster_code", "province_code", "period_code"),
        "mart_programme_outcomes": (
            "programme_code",
            "province_code",
            "period_code",
            "indicator_code",
            "disaggregation",
        ),
        "mart_reporting_completeness": ("province_code", "period_code", "form"),
    }
    return keys.get(mart, ("province_code", "period_code"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    with pytest.MonkeyPatch.context() as mp:
        use_data_root(mp, root)
        yield Settings.from_env()


@pytest.fixture(scope="module")
def first_run(runs):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = cli.main(["cli", "run"])
    return code, buffer.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo batch regenerated from its seed, with what every row must land as."""
    return generate_demo(tmp_path_factory.mktemp("demo_again"), seed=2025)


@pytest.fixture(scope="module")
def submitted(demo) -> Figures:
    """Per unit and period, the undisaggregated values the demo's files carry."""
    figures: Figures = defaultdict(dict)
    for submission in demo.submissions:
        for row in submission.rows:
            meant = row.expected
            if meant is not None and meant.disaggregation is None:
                figures[(meant.unit_code, meant.period_code)][meant.indicator_code] = meant.value
    return figures


def test_make_run_publishes_every_mart_of_the_demo_batch(runs, first_run, demo):
    code, output = first_run
    assert code == 0, output
    files = len(demo.files)
    assert f"demo batch of {files} submissions" in output
    assert f"submissions taken in: {files}" in output
    assert "submissions rejected: 0" in output
    assert "(ERROR)" not in output  # warnings may fire; nothing blocking
    assert str(runs.published_db) in output
    with duckdb.connect(str(runs.published_db), read_only=True) as con:
        tables = sorted(r[0] for r in con.execute("show tables").fetchall())
    # Every dbt model tagged published, and the publication's own record.
    assert f"marts published: {len(tables) - 1} " in output
    assert set(MARTS) <= set(tables)


def test_2025_marts_carry_the_submitted_figures(runs, first_run, submitted):
    marts = read_marts(runs.published_db)
    membership = marts["mart_membership_by_province"].set_index(["province_code", "period_code"])
    finances = marts["mart_finances_by_province"].set_index(["province_code", "period_code"])
    provinces = {key: fig for key, fig in submitted.items() if key[1] == "2025"}
    assert len(provinces) == 36  # 34 provinces, the police and the army unions
    for key, fig in provinces.items():
        row = membership.loc[key]
        assert row.members_total == fig["members_total"], key
        assert row.women_18_plus == fig["women_18_plus"], key
        assert row.net_growth == fig["members_admitted"] - fig["members_lost"], key
        assert row.membership_rate_pct == pytest.approx(
            100 * fig["members_total"] / fig["women_18_plus"]
        )
        money = finances.loc[key]
        assert money.trust_loan_balance_vnd == fig["fin_trust_loan_balance"], key
        assert money.borrowing_households == fig["fin_borrowing_households"], key
        assert money.money_mobilised_vnd == fig["fin_money_mobilised"], key


def test_legacy_years_are_restated_into_2025_borders(runs, first_run, submitted):
    with duckdb.connect(str(runs.warehouse_db), read_only=True) as con:
        successor = dict(
            con.execute(
                "select legacy_code, new_code from raw.ref_org_unit_crosswalk "
                "where legacy_code like 'P%' and is_default"
            ).fetchall()
        )
    restated: dict[tuple[str, str], float] = defaultdict(float)
    for (unit, period), fig in submitted.items():
        if period in ("2023", "2024") and unit in successor:
            restated[(successor[unit], period)] += fig["members_total"]
    assert len(restated) == 2 * 34
    membership = read_marts(runs.published_db)["mart_membership_by_province"]
    membership = membership.set_index(["province_code", "period_code"])
    for key, total in restated.items():
        assert membership.loc[key].members_total == total, key


def test_every_2025_provincial_report_counts_as_received(runs, first_run):
    completeness = read_marts(runs.published_db)["mart_reporting_completeness"]
    year = completeness[
        (completeness.period_code == "2025") & completeness.province_code.str.startswith("P2025")
    ]
    assert set(year.form) == {"members", "programmes", "finances", "targets"}
    provincial = year[year.province_code == year.province_code_2025]
    assert (provincial.reports_received >= 1).all()
    assert (provincial.reporting_rate_pct > 0).all()


def test_second_run_publishes_identical_marts(runs, first_run):
    before = read_marts(runs.published_db)
    with dg.DagsterInstance.get() as instance:
        result = cli.run_nightly_once(instance)
    assert result.success
    after = read_marts(runs.published_db)
    for name in MARTS:
        pd.testing.assert_frame_equal(
            before[name].reset_index(drop=True), after[name].reset_index(drop=True)
        )
