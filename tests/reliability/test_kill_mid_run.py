"""Kill the nightly run (SIGKILL, a real subprocess) in the middle of the dbt build and in the
middle of the publish: the published database stays the complete earlier version, an analyst
holding it open keeps reading that version, and the next run recovers and publishes.

One workspace for the module, in the order a bad night would bring: a clean first run
publishes version 1; a second submission arrives; a run is killed between writing the new
published file and renaming it; another is killed during dbt; the next run recovers.
Each step is a module fixture, so any one test can run alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli import recover
from orchestration.publish.assets import HOLD_ENV
from orchestration.publish.publisher import TEMP_PREFIX
from orchestration.settings import Settings
from tests.reliability.pipeline_process import (
    REPO_ROOT,
    PipelineWorkspace,
    kill_process_group,
    newest_run,
    published_snapshot,
    run_events,
    sha256,
    write_submission,
)

pytestmark = pytest.mark.reliability

ANALYST = """
import json, sys
import duckdb
from tests.reliability.pipeline_process import read_tables
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps(read_tables(con)), flush=True)
sys.stdin.readline()
print(json.dumps(read_tables(con)), flush=True)
"""


@dataclass
class Version:
    sha256: str
    tables: dict[str, list]

    @classmethod
    def of(cls, path: Path) -> Version:
        return cls(sha256(path), published_snapshot(path))

    @property
    def run_id(self) -> str:
        return self.tables["_publication"][0][0]


@dataclass
class KilledRun:
    run: dg.DagsterRun
    published_after_kill: Version
    notes: dict


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> PipelineWorkspace:
    return PipelineWorkspace(tmp_path_factory.mktemp("reliability"))


@pytest.fixture(scope="module")
def version_1(workspace) -> Version:
    write_submission(workspace.inbox, "p01_2025_v1.csv", ["P2025-01,2025,members_total,812345"])
    code, output = workspace.run("run")
    # Asserted on what this module tests: the run published (a crash of a check that blocks
    # nothing fails the run without stopping the publication).
    assert workspace.published_db.exists(), output
    return Version.of(workspace.published_db)


@pytest.fixture(scope="module")
def killed_in_publish(workspace, version_1) -> KilledRun:
    write_submission(workspace.inbox, "p01_2025_v2.csv", ["P2025-01,2025,members_total,812400"])
    hold = workspace.root / "publish-hold"
    process = workspace.start("run", **{HOLD_ENV: str(hold)})
    try:
        workspace.wait_for("the publisher to reach its rename", hold.exists, process)
        temporary = Path(hold.read_text())
        # Recovery while the run is alive and publishing must leave both alone.
        settings = Settings.from_env(workspace.env())
        recovery_while_running = recover(workspace.instance(), settings)
        # While the run holds the build, a second `make run` refuses to start.
        second_code, second_output = workspace.run("run")
        kill_process_group(process)
    finally:
        if process.poll() is None:
            kill_process_group(process)
    notes = {
        "temporary": temporary,
        "temporary_complete": Version.of(temporary) if temporary.exists() else None,
        "second_run": (second_code, second_output),
        "recovery_while_running": recovery_while_running,
    }
    run = newest_run(workspace.instance())
    return KilledRun(run, Version.of(workspace.published_db), notes)


@pytest.fixture(scope="module")
def killed_in_build(workspace, killed_in_publish) -> KilledRun:
    instance = workspace.instance()
    before = newest_run(instance).run_id

    def dbt_model_built() -> bool:
        run = newest_run(instance)
        if run is None or run.run_id == before:
            return False
        events = run_events(instance, run.run_id, dg.DagsterEventType.ASSET_MATERIALIZATION)
        return any(
            e.event_specific_data.materialization.asset_key.path[-1].startswith("stg_")
            for e in events
        )

    process = workspace.start("run")
    try:
        workspace.wait_for("dbt to build its first model", dbt_model_built, process)
        kill_process_group(process)
    finally:
        if process.poll() is None:
            kill_process_group(process)
    run = newest_run(instance)
    notes = {"output": workspace.logs[-1].read_text()}
    return KilledRun(run, Version.of(workspace.published_db), notes)


@pytest.fixture(scope="module")
def recovered(workspace, version_1, killed_in_build) -> dict:
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(workspace.published_db)],
        cwd=REPO_ROOT,
        env=workspace.env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        before = json.loads(analyst.stdout.readline())
        code, output = workspace.run("run")
        analyst.stdin.write("again\n")
        analyst.stdin.flush()
        after = json.loads(analyst.stdout.readline())
    finally:
        analyst.kill()
        analyst.wait()
    instance = workspace.instance()
    return {
        "code": code,
        "output": output,
        "analyst_before": before,
        "analyst_after": after,
        "published": Version.of(workspace.published_db),
        "run": newest_run(instance),
        "instance": instance,
    }


def test_kill_during_publish_leaves_the_complete_earlier_version(killed_in_publish, version_1):
    killed = killed_in_publish
    assert killed.published_after_kill == version_1
    # The kill came between the write and the rename: the new version was complete beside it.
    new_version = killed.notes["temporary_complete"]
    assert killed.notes["temporary"].name.startswith(TEMP_PREFIX)
    assert new_version is not None and new_version.run_id == killed.run.run_id
    assert new_version.tables != version_1.tables
    assert killed.run.status == dg.DagsterRunStatus.STARTED  # left behind by the kill


def test_recovery_leaves_a_live_run_and_its_publication_alone(killed_in_publish):
    assert killed_in_publish.notes["recovery_while_running"] == []
    assert killed_in_publish.notes["temporary_complete"] is not None


def test_second_cli_run_refuses_while_one_is_running(killed_in_publish):
    code, output = killed_in_publish.notes["second_run"]
    assert code == 1
    assert "Không chạy: một lần chạy khác" in output
    assert "Not run: another pipeline run" in output


def test_kill_during_dbt_build_leaves_the_complete_earlier_version(
    workspace, killed_in_build, version_1
):
    killed = killed_in_build
    assert killed.published_after_kill == version_1
    instance = workspace.instance()
    step_successes = {
        e.step_key
        for e in run_events(instance, killed.run.run_id, dg.DagsterEventType.STEP_SUCCESS)
    }
    dbt_steps = {
        e.step_key
        for e in run_events(instance, killed.run.run_id, dg.DagsterEventType.ASSET_MATERIALIZATION)
        if e.event_specific_data.materialization.asset_key.path[-1].startswith("stg_")
    }
    assert dbt_steps and not dbt_steps & step_successes, "the kill came after dbt finished"
    published = run_events(instance, killed.run.run_id, dg.DagsterEventType.STEP_START)
    assert "published_marts" not in {e.step_key for e in published}


def test_next_runs_recover_and_publish(recovered, killed_in_publish, killed_in_build):
    # Each run starts by recovering what the run killed before it left behind.
    temporary = killed_in_publish.notes["temporary"]
    recovery_of = {
        killed_in_publish.run.run_id: killed_in_build.notes["output"],
        killed_in_build.run.run_id: recovered["output"],
    }
    for run_id, output in recovery_of.items():
        assert f"Recovery: run {run_id} of nightly_job: its process died" in output
        status = recovered["instance"].get_run_by_id(run_id).status
        assert status == dg.DagsterRunStatus.FAILURE
    assert f"Recovery: removed {temporary.name}" in killed_in_build.notes["output"]
    assert not list(temporary.parent.glob(f"{TEMP_PREFIX}*"))
    # The run after the kills publishes (checks that block nothing may still fail it).
    assert "marts published: none" not in recovered["output"], recovered["output"]
    assert recovered["published"].run_id == recovered["run"].run_id


def test_analyst_holding_the_file_keeps_reading_the_earlier_version(recovered, version_1):
    assert recovered["analyst_before"] == version_1.tables
    assert recovered["analyst_after"] == version_1.tables
    assert recovered["published"].tables != version_1.tables
