"""The gate for real: Dagster's nightly job with landing, dbt, GX and publishing.

A bad submission is held out of the facts and the rest of the batch publishes; the checks
list it; a steward rejects it through the steward job; the next run honours the decision,
which is in the audit tables.
"""

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.definitions import NIGHTLY_JOB, build_definitions
from orchestration.publish.assets import PUBLISHED_MARTS
from orchestration.quality.stewardship import STEWARD_JOB
from orchestration.settings import Settings
from orchestration.webserver import USER_TAG

CLEAN = (
    "unit,period,indicator,value\n"
    "P2025-04,2025,members_total,800\n"
    "P2025-04,2025,women_18_plus,1000\n"
    "P2025-04,2025,members_admitted,30\n"
    "P2025-04,2025,members_lost,10\n"
)
BAD = (
    "unit,period,indicator,value\n"
    "P2025-01,2025,members_total,900000\n"
    "P2025-01,2025,women_18_plus,500000\n"
    "P2025-01,2025,members_lost,-40\n"
)


def evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def published(result: dg.ExecuteInProcessResult) -> bool:
    return any(e.asset_key == PUBLISHED_MARTS for e in result.get_asset_materialization_events())


def nightly(defs: dg.Definitions, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def(NIGHTLY_JOB)
    return job.execute_in_process(instance=instance, raise_on_error=False)


def decide(
    defs: dg.Definitions, instance: dg.DagsterInstance, config: dict
) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def(STEWARD_JOB)
    # Who decides comes from the login, which the steward server stamps as a run tag.
    decision = {k: v for k, v in config.items() if k != "steward"}
    return job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"ops": {"record_steward_decision": {"config": decision}}},
        tags={USER_TAG: config["steward"]},
    )


@pytest.fixture
def inbox(data_dir: Path) -> Path:
    path = Settings.from_env().inbox
    path.mkdir(parents=True)
    (path / "clean_P2025-04_2025.csv").write_text(CLEAN, encoding="utf-8")
    (path / "bad_P2025-01_2025.csv").write_text(BAD, encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_bad_submission_is_held_and_a_steward_rejects_it(inbox):
    settings = Settings.from_env()
    defs = build_definitions()
    with dg.instance_for_test() as instance:
        first = nightly(defs, instance)
        assert first.success and published(first)
        checks = evaluations(first)
        contract, consistency = checks["contract_errors"], checks["consistency_errors"]
        # Every error names the bad submission: it is held, nothing is left to block.
        assert contract.passed and consistency.passed
        assert contract.metadata["failing_rows"].value == 0
        assert contract.metadata["held_rows"].value == 1
        listed = consistency.metadata["held_submissions"].value
        assert "bad_P2025-01_2025.csv" in listed and "clean_" not in listed
        assert Path(consistency.metadata["data_docs"].value).is_file()
        for name in ("rolled_up_over_time_errors", "completeness_warnings"):
            assert "missing_table" not in checks[name].metadata

        short_id = listed.split("(")[1].split(")")[0]
        reason = "members above women 18+ and a negative count; resend corrected figures"
        decided = decide(
            defs,
            instance,
            {
                "submission_id": short_id,
                "decision": "reject",
                "reason": reason,
                "steward": "nguyen.thi.lan",
            },
        )
        assert decided.success

        after = nightly(defs, instance)
        assert after.success and published(after)
        assert all(e.passed for n, e in evaluations(after).items() if n.endswith("_errors"))

    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        log = con.execute(
            "select file_name, decision, reason, steward from quality.steward_decision_log"
        ).fetchall()
        review = con.execute(
            "select review_status, errors from quality.submission_reviews "
            "where file_name = 'bad_P2025-01_2025.csv'"
        ).fetchall()
        recorded = con.execute(
            "select count(*), bool_and(held) from quality.check_failures "
            "where file_name = ? and run_id = ? and severity = 'error'",
            ["bad_P2025-01_2025.csv", first.run_id],
        ).fetchone()
        facts = dict(
            con.execute(
                "select unit_code, count(*) from intermediate.int_values_latest_revision "
                "group by unit_code"
            ).fetchall()
        )
    assert log == [("bad_P2025-01_2025.csv", "reject", reason, "nguyen.thi.lan")]
    assert review == [("rejected", 0)]
    assert recorded == (2, True)
    assert facts == {"P2025-04": 4}
