"""`make run`: one nightly run over the inbox, with a summary a person can read.

python -m orchestration.cli run           recover from a killed run, then run the nightly job once
python -m orchestration.cli recover       only the recovery: runs left "started" by a process that
                                          died are marked failed, stale temporary files removed
python -m orchestration.cli prepare-home  write DAGSTER_HOME's dagster.yaml (for `make ui`)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg

from ingestion.landing import DiskFull, inbox_files, is_disk_full
from ingestion.synthetic import generate_demo_batch
from orchestration.pipeline_lock import PipelineBusy, pipeline_lock
from orchestration.project import ManifestMissing
from orchestration.publish.publisher import (
    PublishLockBusy,
    publish_lock,
    remove_stale_temporaries,
)
from orchestration.settings import Settings

# A run in one of these states holds its slot in the run queue until it ends.
IN_PROGRESS = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]

DAGSTER_YAML = """\
# Written by `python -m orchestration.cli prepare-home`.
telemetry:
  enabled: false
run_queue:
  # The build database admits one writer: one pipeline run at a time.
  tag_concurrency_limits:
    - key: vwu/pipeline
      limit: 1
run_monitoring:
  # A run launched from the UI whose worker never starts is failed after this long;
  # a worker killed after it started is found by `python -m orchestration.cli recover`.
  enabled: true
  start_timeout_seconds: 300
"""


def prepare_dagster_home() -> Path:
    home = Path(
        os.environ.setdefault("DAGSTER_HOME", str(Settings.from_env().data_dir / "dagster_home"))
    )
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    return home


def fill_demo_inbox_on_first_use(settings: Settings) -> int:
    """On first use (no warehouse yet, nothing waiting), write the demo batch to the inbox."""
    if settings.warehouse_db.exists() or inbox_files(settings.inbox):
        return 0
    return len(generate_demo_batch(settings.inbox, seed=settings.demo_seed))


def process_start_time(pid: int) -> float | None:
    """When the process started (epoch seconds), or None when there is no such process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (FileNotFoundError, ProcessLookupError, StopIteration):
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def run_worker_is_alive(instance: dg.DagsterInstance, run_id: str) -> bool:
    """Whether the process that started the run (its RUN_START event's pid) still runs it.

    A process with that pid started after the run did is another one that reused the pid.
    Runs are assumed to be started on this machine (one machine runs the warehouse).
    """
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.RUN_START, limit=1
    ).records
    if not records:
        return True  # not started by a worker yet: the run monitor's start timeout handles it
    pid = records[0].event_log_entry.dagster_event.pid
    started = process_start_time(pid) if pid else None
    return started is not None and started <= records[0].timestamp + 1


def fail_orphaned_runs(instance: dg.DagsterInstance) -> list[str]:
    failed = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS)):
        if run_worker_is_alive(instance, run.run_id):
            continue
        instance.report_run_failed(
            run,
            message=(
                "The process running this run died (killed or crashed) before it ended; "
                "marked failed by `orchestration.cli recover`. The published database was "
                "left as it was; the next run rebuilds everything."
            ),
        )
        failed.append(f"run {run.run_id} of {run.job_name}: its process died; marked failed")
    return failed


def remove_stale_publications(settings: Settings) -> list[str]:
    folder = settings.published_db.parent
    if not folder.exists():
        return []
    try:
        with publish_lock(folder, "recover", wait_seconds=0):
            removed = remove_stale_temporaries(folder)
    except PublishLockBusy:
        return []  # a publisher is at work; it removes stale files itself
    return [f"removed {p.name}, left by a publication that did not finish" for p in removed]


def recover(instance: dg.DagsterInstance, settings: Settings) -> list[str]:
    """Undo what a killed run leaves behind. The build database needs nothing: DuckDB replays
    or drops its write-ahead log when next opened, and the next run rebuilds every model."""
    return fail_orphaned_runs(instance) + remove_stale_publications(settings)


CONSOLE_AT_INFO = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_nightly_once(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import NIGHTLY_JOB, build_definitions

    job = build_definitions().resolve_job_def(NIGHTLY_JOB)
    # The console shows INFO and above: each step's start, dbt's progress, the checks and
    # the summary, not Dagster's few hundred DEBUG events (they stay in the run's event log).
    return job.execute_in_process(
        instance=instance, raise_on_error=False, run_config=CONSOLE_AT_INFO
    )


def summarise(result: dg.ExecuteInProcessResult, settings: Settings) -> str:
    landed, published, gate = {}, {}, {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        key = materialization.asset_key.to_user_string()
        metadata = {k: v.value for k, v in materialization.metadata.items()}
        if key == "inbox/submissions":
            landed = metadata
        elif key == "published_marts":
            published = metadata
        elif key == "quality/submission_gate":
            gate = metadata
    evaluations = result.get_asset_check_evaluations()
    passed = sum(1 for e in evaluations if e.passed)
    failed = [e for e in evaluations if not e.passed]
    lines = [
        "",
        "Nightly run summary",
        f"  submissions taken in: {landed.get('taken_in', 0)}",
        f"  submissions rejected: {landed.get('rejected', 0)}"
        f" (already received before: {landed.get('duplicates', 0)})",
        f"  earlier versions sent again, current again: {landed.get('resent', 0)}",
        f"  left in the inbox, not taken (see raw.inbox_notices): {landed.get('not_taken', 0)}",
        f"  checks passed: {passed}, failed: {len(failed)}",
    ]
    for evaluation in failed:
        lines.append(
            f"    failed: {evaluation.check_name} on {evaluation.asset_key.to_user_string()}"
            f" ({evaluation.severity.value})"
        )
    # Submissions the quality gate held out of the facts this run (docs/stewardship.md).
    held = gate.get("held_files", [])
    lines.append(f"  submissions held out of the facts: {len(held)}")
    lines += [f"    held: {h['file_name']} ({h['submission_id']}): {h['rules']}" for h in held]
    if published:
        lines.append(
            f"  marts published: {len(published['tables'])} "
            f"({', '.join(sorted(published['tables']))})"
        )
        lines.append(f"  published database: {published['path']}")
    else:
        lines.append(
            "  marts published: none; the published database was left as it was: "
            f"{settings.published_db}"
        )
    return "\n".join(lines)


def print_recovery(notes: list[str]) -> None:
    for note in notes:
        print(f"Recovery: {note}")


def run_command(settings: Settings) -> int:
    try:
        with pipeline_lock(settings, "make run"), dg.DagsterInstance.get() as instance:
            print_recovery(recover(instance, settings))
            written = fill_demo_inbox_on_first_use(settings)
            if written:
                print(
                    f"The inbox {settings.inbox} was empty on first use: wrote a generated demo "
                    f"batch of {written} submissions (seed {settings.demo_seed})."
                )
            result = run_nightly_once(instance)
    except (PipelineBusy, ManifestMissing) as refused:
        print(refused)
        return 1
    except Exception as error:
        # Dagster's own storage (SQLite) on a full disk: said in words, not its traceback.
        if not is_disk_full(error):
            raise
        print(DiskFull(f"{type(error).__name__}: {error}").strerror)
        return 1
    print(summarise(result, settings))
    for event in result.all_events:
        # Why a step failed, in its own first line (a full disk says so in words).
        if event.is_step_failure and event.step_failure_data.error is not None:
            reason = event.step_failure_data.error.message.strip().splitlines()[0]
            print(f"  step {event.step_key} failed: {reason}")
    return 0 if result.success else 1


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "run"
    home = prepare_dagster_home()
    if command == "prepare-home":
        print(f"DAGSTER_HOME={home}")
        return 0
    settings = Settings.from_env()
    if command == "recover":
        with dg.DagsterInstance.get() as instance:
            notes = recover(instance, settings)
        print_recovery(notes or ["nothing to recover"])
        return 0
    if command != "run":
        print(__doc__)
        return 2
    return run_command(settings)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
