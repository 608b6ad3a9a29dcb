"""The whole nightly run, for real: landing, dbt, Great Expectations, Dagster, publishing.

One data directory for the module: the first run is `make run`'s (demo batch on first use),
the second must publish identical marts, the third brings a bad submission that the
blocking check stops before publishing.
"""

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration import cli
from orchestration.definitions import build_definitions
from orchestration.quality.stewardship import STEWARD_JOB
from orchestration.settings import Settings

pytestmark = pytest.mark.slow
MARTS = ["mart_membership_by_province", "mart_programme_outcomes", "mart_finances_by_province"]


def read_marts(path: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {name: con.sql(f"select * from {name}").df() for name in MARTS}


def gx_evaluation(result: dg.ExecuteInProcessResult):
    (evaluation,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "gx_values_contract_and_consistency"
    ]
    return evaluation


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VWU_DATA_DIR", str(root / "data"))
        mp.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        for name in ("VWU_INBOX", "VWU_ARCHIVE", "VWU_WAREHOUSE_DB", "VWU_PUBLISHED_DB"):
            mp.delenv(name, raising=False)
        settings = Settings.from_env()
        yield settings


@pytest.fixture(scope="module")
def first_run(runs, capsys_module):
    code = cli.main(["cli", "run"])
    return code, capsys_module()


@pytest.fixture(scope="module")
def capsys_module():
    # Module-scoped fixtures cannot use capsys; the CLI's summary is captured by redirecting.
    import contextlib
    import io

    buffer = io.StringIO()
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(buffer))
    yield lambda: (stack.close(), buffer.getvalue())[1]
    stack.close()


def expected_from_inputs(archive: Path) -> dict[tuple[str, str], dict[str, float]]:
    """Per province and period, the figures computed straight from the generated files."""
    figures: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    files = sorted(archive.rglob("demo_*.csv"))
    assert len(files) == 34
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                figures[(row["unit"], row["period"])][row["indicator"]] = float(row["value"])
    return figures


def test_make_run_publishes_the_demo_batch_figures(runs, first_run):
    code, output = first_run
    assert code == 0, output
    assert "demo batch of 34 submissions" in output
    assert "submissions taken in: 34" in output
    assert "checks passed:" in output and "failed: 0" in output
    assert str(runs.published_db) in output

    expected = expected_from_inputs(runs.archive)
    marts = read_marts(runs.published_db)
    membership = marts["mart_membership_by_province"].set_index(["province_code", "period_code"])
    finances = marts["mart_finances_by_province"].set_index(["province_code", "period_code"])
    programmes = marts["mart_programme_outcomes"].set_index(
        ["province_code", "period_code", "indicator_code"]
    )
    assert len(membership) == len(finances) == len(expected) == 34
    for key, fig in expected.items():
        row = membership.loc[key]
        assert row.members_total == fig["members_total"]
        assert row.women_18_plus == fig["women_18_plus"]
        assert row.net_growth == fig["members_admitted"] - fig["members_lost"]
        assert row.membership_rate == pytest.approx(fig["members_total"] / fig["women_18_plus"])
        money = finances.loc[key]
        assert money.trust_loan_balance_vnd == fig["fin_trust_loan_balance"]
        assert money.borrowing_households == fig["fin_borrowing_households"]
        assert money.money_mobilised_vnd == fig["fin_money_mobilised"]
        for indicator in ("prog_godmother_children", "prog_houses_built"):
            assert programmes.loc[(*key, indicator)].value == fig[indicator]


def test_second_run_publishes_identical_marts(runs, first_run):
    before = read_marts(runs.published_db)
    with dg.DagsterInstance.get() as instance:
        result = cli.run_nightly_once(instance)
    assert result.success
    after = read_marts(runs.published_db)
    for name in MARTS:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_bad_submission_blocks_publishing_and_is_named(runs, first_run):
    published_hash = sha256(runs.published_db)
    runs.inbox.mkdir(parents=True, exist_ok=True)
    (runs.inbox / "bad_P2025-01_2025-12.csv").write_text(
        "unit,period,indicator,value\n"
        "P2025-01,2025-12,members_total,900000\n"
        "P2025-01,2025-12,women_18_plus,500000\n"
        "P2025-01,2025-12,members_lost,-40\n",
        encoding="utf-8",
    )
    with dg.DagsterInstance.get() as instance:
        result = cli.run_nightly_once(instance)
    assert not result.success
    gx_check = gx_evaluation(result)
    assert not gx_check.passed
    assert "bad_P2025-01_2025-12.csv" in gx_check.metadata["submissions_to_review"].value
    assert gx_check.metadata["failing_rows"].value == 2
    failing = gx_check.metadata["first_failing_rows"].value
    assert "value_not_negative" in failing and "members_not_above_women_18_plus" in failing
    published_steps = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey("published_marts")
    ]
    assert published_steps == []
    assert sha256(runs.published_db) == published_hash


def test_steward_rejects_the_bad_submission_and_the_next_run_publishes(runs, first_run):
    # Runs after the bad-submission test: the blocked batch is still in the warehouse.
    published_hash = sha256(runs.published_db)
    with dg.DagsterInstance.get() as instance:
        blocked = cli.run_nightly_once(instance)
        assert not blocked.success
        gx_check = gx_evaluation(blocked)
        listed = gx_check.metadata["submissions_to_review"].value
        short_id = listed.split("(")[1].split(")")[0]  # "- bad_….csv (0123456789ab)"
        job = build_definitions().resolve_job_def(STEWARD_JOB)
        config = {
            "submission": short_id,
            "decision": "reject",
            "reason": "members above women 18+ and a negative count; resend corrected figures",
            "steward": "test.steward",
        }
        decided = job.execute_in_process(
            instance=instance, run_config={"ops": {"record_steward_decision": {"config": config}}}
        )
        assert decided.success
        published = cli.run_nightly_once(instance)
    assert published.success
    assert sha256(runs.published_db) != published_hash
    with duckdb.connect(str(runs.warehouse_db), read_only=True) as con:
        audit = con.execute(
            "select s.file_name, d.decision, d.reason, d.steward from raw.steward_decisions d "
            "join raw.submissions s using (submission_id)"
        ).fetchall()
        in_facts = con.execute(
            "select count(*) from core.fct_membership where period_code = '2025-12'"
        ).fetchone()[0]
    assert audit == [("bad_P2025-01_2025-12.csv", "reject", config["reason"], "test.steward")]
    assert in_facts == 0


def test_a_decision_without_reason_is_refused(runs, first_run):
    job = build_definitions().resolve_job_def(STEWARD_JOB)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={
                "ops": {
                    "record_steward_decision": {
                        "config": {
                            "submission": "0" * 12,
                            "decision": "send_back",
                            "steward": "x",
                        }
                    }
                }
            },
        )
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "needs a reason" in failure.description
