"""Every run that writes the build database takes the one pipeline lock, however it started:
`make run`, or a worker of Dagster's run queue (the UI, the inbox sensor, the schedule).
The one that finds it taken does nothing and says why, in Vietnamese and English."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.pipeline_lock import pipeline_lock
from orchestration.settings import Settings
from orchestration.webserver import USER_TAG
from tests.reliability.pipeline_process import (
    WAIT_SECONDS,
    PipelineWorkspace,
    newest_run,
    write_submission,
)

pytestmark = pytest.mark.reliability


@pytest.fixture
def workspace(tmp_path) -> PipelineWorkspace:
    workspace = PipelineWorkspace(tmp_path)
    write_submission(workspace.inbox, "p01_2025.csv", ["P2025-01,2025,members_total,812345"])
    return workspace


DECISION = {
    "ops": {
        "record_steward_decision": {
            "config": {"submission_id": "0123456789ab", "decision": "reject", "reason": "test"}
        }
    }
}
RUN_CONFIG = {"nightly_job": None, "steward_decision_job": DECISION}


@pytest.mark.parametrize("job", sorted(RUN_CONFIG))
def test_a_run_from_the_queue_refuses_while_make_run_holds_the_lock(workspace, job):
    settings = Settings.from_env(workspace.env())
    with pipeline_lock(settings, "make run"):
        process = workspace.start_job(job, RUN_CONFIG[job], {USER_TAG: "nguyen.thi.lan"})
        code = process.wait(timeout=WAIT_SECONDS)
    output = workspace.logs[-1].read_text()
    assert code != 0
    assert "Không chạy: một lần chạy khác (pid" in output and "make run" in output
    assert "Not run: another pipeline run" in output
    assert "Could not set lock" not in output  # DuckDB's own error never reaches the operator
    run = newest_run(workspace.instance(), job)
    assert run.status == dg.DagsterRunStatus.FAILURE
    # Nothing was landed, built or published.
    assert list(workspace.inbox.iterdir())
    assert not (workspace.data_dir / "warehouse.duckdb").exists()
    assert not workspace.published_db.exists()


def test_make_run_refuses_while_a_run_from_the_queue_holds_the_lock(workspace):
    settings = Settings.from_env(workspace.env())
    with pipeline_lock(settings, "run 0123 of nightly_job"):
        code, output = workspace.run("run")
    assert code == 1
    assert "Không chạy" in output and "run 0123 of nightly_job" in output
    assert "Not run: another pipeline run" in output
    assert not workspace.published_db.exists()
