"""Kill the nightly run (SIGKILL, a real subprocess, with its process group) inside landing,
inside the dbt build, inside the checks, during the publisher's copy and between its write
and its rename: the published database stays byte for byte the earlier version, an analyst
holding it open keeps the earlier version's bytes while the next run publishes, landing stays
exactly-once, and the next run recovers and publishes the new version.

One workspace for the module, in the order a bad night would bring: a clean first run
publishes version 1; a revised submission arrives; runs are killed at each of those points
(each stopped there by a fault point, ingestion/fault_points.py, never by timing); the next
run recovers. Each killed run is a module fixture that needs only version 1 (and the
revision, where it matters), so any one test can run alone with -k.

These tests must be able to fail: test_reliability_tests_can_fail.py runs them against
publishers made non-atomic and sees them fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.fault_points import FAULT_ENV
from orchestration.cli import recover
from orchestration.publish.assets import HOLD_ENV
from orchestration.publish.publisher import PUBLICATION_TABLE, TEMP_PREFIX
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

FIRST, REVISED = 812345, 812400  # P2025-01's members in version 1 and in its revision

# An analyst's session: the published file opened before the next run, read again after it.
# Besides its DuckDB connection (whose pages may come from DuckDB's cache), it holds the file
# open as any reader does, and after the swap copies out the bytes that open file now has and
# reads them afresh: what a reader of the earlier file really gets from the disk.
ANALYST = """
import hashlib, json, os, shutil, sys, tempfile
from pathlib import Path
import duckdb
from tests.reliability.pipeline_process import read_tables
path, out = sys.argv[1], Path(sys.argv[2])
held = os.open(path, os.O_RDONLY)
con = duckdb.connect(path, read_only=True)
con.execute("set enable_progress_bar = false")  # nothing of DuckDB's on stdout, which signals
(out / "before.json").write_text(json.dumps(read_tables(con)))
print("ready", flush=True)
sys.stdin.readline()
copy = os.path.join(tempfile.mkdtemp(), "held.duckdb")
with open(f"/proc/self/fd/{held}", "rb") as source, open(copy, "wb") as target:
    shutil.copyfileobj(source, target)
with open(copy, "rb") as read_back:
    digest = hashlib.sha256(read_back.read()).hexdigest()
with duckdb.connect(copy, read_only=True) as fresh:
    held_tables = read_tables(fresh)
after = {"connection": read_tables(con), "held_sha256": digest, "held_tables": held_tables}
(out / "after.json").write_text(json.dumps(after))
print("done", flush=True)
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
        return self.tables[PUBLICATION_TABLE][0][0]

    @property
    def marts(self) -> dict[str, list]:
        """The published marts without the publication's own record (run id and time), which
        differs at every run and so can never show that the data changed."""
        return {k: v for k, v in self.tables.items() if k != PUBLICATION_TABLE}


def published_now(path: Path) -> Version | str:
    """The published database as a reader finds it now, or why it cannot be read."""
    try:
        return Version.of(path)
    except (duckdb.Error, OSError) as error:
        return f"unreadable: {type(error).__name__}: {error}"


@dataclass
class KilledRun:
    run: dg.DagsterRun
    published_after_kill: Version | str
    notes: dict


def numbers_in(tables: dict[str, list]) -> set[float]:
    return {
        float(cell)
        for rows in tables.values()
        for row in rows
        for cell in row
        if isinstance(cell, int | float) and not isinstance(cell, bool)
    }


def kill_at_fault(
    workspace: PipelineWorkspace, point: str, start_as: str = "cli"
) -> tuple[dg.DagsterRun, str]:
    """Start a run stopped at `point`, kill it there; the run and what the point announced."""
    marker = workspace.root / f"fault-{len(workspace.logs) + 1}"
    fault = {FAULT_ENV: f"{point}={marker}"}
    if start_as == "cli":
        process = workspace.start("run", **fault)
    else:  # as a worker of the run queue runs it: Dagster's process with the job's executor
        process = workspace.start_job("nightly_job", **fault)
    try:
        workspace.wait_for(f"the run to reach {point}", marker.exists, process)
        announced = marker.read_text()
        kill_process_group(process)
    finally:
        if process.poll() is None:
            kill_process_group(process)
    return newest_run(workspace.instance()), announced


def started_steps(workspace: PipelineWorkspace, run_id: str) -> list[str]:
    events = run_events(workspace.instance(), run_id, dg.DagsterEventType.STEP_START)
    return [e.step_key for e in events]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> PipelineWorkspace:
    return PipelineWorkspace(tmp_path_factory.mktemp("reliability"))


@pytest.fixture(scope="module")
def version_1(workspace) -> Version:
    write_submission(workspace.inbox, "p01_2025_v1.csv", [f"P2025-01,2025,members_total,{FIRST}"])
    code, output = workspace.run("run")
    # Asserted on what this module tests: the run published (a crash of a check that blocks
    # nothing fails the run without stopping the publication).
    assert workspace.published_db.exists(), output
    version = Version.of(workspace.published_db)
    assert FIRST in numbers_in(version.marts), "version 1 does not show the first figure"
    return version


@pytest.fixture(scope="module")
def revision_2(workspace, version_1) -> Path:
    """The unit sends a corrected figure: the next publication must differ from version 1."""
    return write_submission(
        workspace.inbox, "p01_2025_v2.csv", [f"P2025-01,2025,members_total,{REVISED}"]
    )


@pytest.fixture(scope="module")
def killed_in_landing(workspace, version_1, revision_2) -> KilledRun:
    # Killed after the revision's rows committed, before its file left the inbox.
    run, announced = kill_at_fault(workspace, "landing.committed")
    notes = {"announced": announced, "inbox_after_kill": sorted(workspace.inbox.iterdir())}
    return KilledRun(run, published_now(workspace.published_db), notes)


@pytest.fixture(scope="module")
def killed_in_build(workspace, version_1) -> KilledRun:
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
    return KilledRun(run, published_now(workspace.published_db), notes)


def last_check_step(workspace: PipelineWorkspace, run_id: str) -> str:
    """Of a finished run's steps that evaluated checks, the one that started last: killed at
    its start, the checks before it have run and it has not."""
    instance = workspace.instance()
    evaluations = run_events(instance, run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    check_steps = {e.step_key for e in evaluations}
    ordered = [key for key in started_steps(workspace, run_id) if key in check_steps]
    assert ordered, "the run evaluated no checks"
    return ordered[-1]


@pytest.fixture(scope="module")
def killed_in_checks(workspace, version_1) -> KilledRun:
    step = last_check_step(workspace, version_1.run_id)
    run, announced = kill_at_fault(workspace, f"step_start:{step}", start_as="queue_worker")
    notes = {"step": step, "announced": announced}
    return KilledRun(run, published_now(workspace.published_db), notes)


@pytest.fixture(scope="module")
def killed_in_copy(workspace, version_1) -> KilledRun:
    run, announced = kill_at_fault(workspace, "publish.copy")
    notes = {"announced": announced}
    return KilledRun(run, published_now(workspace.published_db), notes)


@pytest.fixture(scope="module")
def killed_in_publish(workspace, version_1, revision_2) -> KilledRun:
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
    return KilledRun(run, published_now(workspace.published_db), notes)


@pytest.fixture(scope="module")
def recovered(workspace, version_1, revision_2) -> dict:
    out = workspace.root / "analyst"
    out.mkdir()
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(workspace.published_db), str(out)],
        cwd=REPO_ROOT,
        env=workspace.env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_line(analyst, "ready")
        code, output = workspace.run("run")
        analyst.stdin.write("again\n")
        analyst.stdin.flush()
        wait_for_line(analyst, "done")
        before = json.loads((out / "before.json").read_text())
        after = json.loads((out / "after.json").read_text())
    finally:
        analyst.kill()
        analyst.wait()
    instance = workspace.instance()
    return {
        "code": code,
        "output": output,
        "analyst_before": before,
        "analyst_after": after,
        "published": published_now(workspace.published_db),
        "run": newest_run(instance),
        "instance": instance,
    }


def wait_for_line(process: subprocess.Popen, line: str) -> None:
    for got in process.stdout:
        if got.strip() == line:
            return
    raise AssertionError(f"the analyst ended (exit {process.wait()}) before saying {line!r}")


def assert_killed_leaving_version_1(killed: KilledRun, version_1: Version) -> None:
    assert killed.run.run_id != version_1.run_id
    assert killed.run.status == dg.DagsterRunStatus.STARTED  # left behind by the kill
    assert killed.published_after_kill == version_1


def test_kill_inside_landing_leaves_the_earlier_version_and_the_file(
    workspace, killed_in_landing, version_1, revision_2
):
    assert_killed_leaving_version_1(killed_in_landing, version_1)
    assert revision_2.name in killed_in_landing.notes["announced"]
    # Committed but not yet removed: the file is still there for the next run.
    assert revision_2 in killed_in_landing.notes["inbox_after_kill"]


def test_kill_during_dbt_build_leaves_the_complete_earlier_version(
    workspace, killed_in_build, version_1
):
    killed = killed_in_build
    assert_killed_leaving_version_1(killed, version_1)
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
    assert "published_marts" not in started_steps(workspace, killed.run.run_id)


def test_kill_inside_the_checks_leaves_the_complete_earlier_version(
    workspace, killed_in_checks, version_1
):
    killed = killed_in_checks
    assert_killed_leaving_version_1(killed, version_1)
    steps = started_steps(workspace, killed.run.run_id)
    assert steps[-1] == killed.notes["step"], "the kill did not come inside the checks"
    assert "published_marts" not in steps


def test_kill_during_the_copy_leaves_the_complete_earlier_version(
    workspace, killed_in_copy, version_1
):
    killed = killed_in_copy
    assert_killed_leaving_version_1(killed, version_1)
    # Stopped with one table of the new publication written, the others not.
    assert killed.notes["announced"].startswith("publish.copy")
    assert "published_marts" in started_steps(workspace, killed.run.run_id)


def test_kill_during_publish_leaves_the_complete_earlier_version(killed_in_publish, version_1):
    killed = killed_in_publish
    assert_killed_leaving_version_1(killed, version_1)
    # The kill came between the write and the rename: the new version was complete beside it,
    # and it holds the revision (its marts, not only its run id, differ from version 1).
    new_version = killed.notes["temporary_complete"]
    assert killed.notes["temporary"].name.startswith(TEMP_PREFIX)
    assert new_version is not None and new_version.run_id == killed.run.run_id
    assert new_version.marts != version_1.marts
    assert REVISED in numbers_in(new_version.marts)


def test_recovery_leaves_a_live_run_and_its_publication_alone(killed_in_publish):
    assert killed_in_publish.notes["recovery_while_running"] == []
    assert killed_in_publish.notes["temporary_complete"] is not None


def test_second_cli_run_refuses_while_one_is_running(killed_in_publish):
    code, output = killed_in_publish.notes["second_run"]
    assert code == 1
    assert "Không chạy: một lần chạy khác" in output
    assert "Not run: another pipeline run" in output


def test_next_runs_recover_and_publish(
    workspace,
    killed_in_landing,
    killed_in_build,
    killed_in_checks,
    killed_in_copy,
    killed_in_publish,
    recovered,
):
    killed = [killed_in_landing, killed_in_build, killed_in_checks, killed_in_copy]
    killed.append(killed_in_publish)
    outputs = "\n".join(log.read_text() for log in workspace.logs)
    # Each run starts by recovering what the run killed before it left behind.
    for run in (k.run for k in killed):
        assert f"Recovery: run {run.run_id} of nightly_job: its process died" in outputs
        status = recovered["instance"].get_run_by_id(run.run_id).status
        assert status == dg.DagsterRunStatus.FAILURE
    temporary = killed_in_publish.notes["temporary"]
    assert f"Recovery: removed {temporary.name}" in outputs
    assert not list(temporary.parent.glob(f"{TEMP_PREFIX}*"))
    # The run after the kills publishes (checks that block nothing may still fail it).
    assert "marts published: none" not in recovered["output"], recovered["output"]
    assert recovered["published"].run_id == recovered["run"].run_id


def test_landing_killed_after_its_commit_lands_each_file_once(
    workspace, killed_in_landing, recovered, revision_2
):
    assert not list(workspace.inbox.iterdir())
    with duckdb.connect(str(workspace.data_dir / "warehouse.duckdb"), read_only=True) as con:
        landed = con.execute(
            "select file_name, count(*) from raw.submissions group by all order by all"
        ).fetchall()
    assert landed == [("p01_2025_v1.csv", 1), (revision_2.name, 1)]
    published = numbers_in(recovered["published"].marts)
    assert REVISED in published and FIRST not in published


def test_analyst_holding_the_file_keeps_reading_the_earlier_version(recovered, version_1):
    before, after = recovered["analyst_before"], recovered["analyst_after"]
    assert before == version_1.tables
    # Read across the swap from the file the analyst holds open, not from any cache.
    assert after["held_sha256"] == version_1.sha256
    assert after["held_tables"] == version_1.tables
    assert after["connection"] == version_1.tables
    # Whoever opens the file now gets the new version, whole.
    published = recovered["published"]
    assert published.sha256 != version_1.sha256
    assert published.marts != version_1.marts
    assert REVISED in numbers_in(published.marts)
