"""The one lock every run that writes the build database takes, however it was started.

DuckDB admits one writing process. `make run` runs the nightly job in its own process; the
UI, the inbox sensor and the schedule start runs in workers of Dagster's run queue (which
admits one `vwu/pipeline` run at a time, but knows nothing of `make run`). All of them take
this `flock` on `$VWU_DATA_DIR/.pipeline.lock`: `make run` around its whole run, a queued run
in its executor (`locked_in_process_executor`), before its first step. A run that finds the
lock taken does nothing and says so, in Vietnamese and English, naming the holder. The kernel
releases the lock when its holder dies, so a killed run never leaves it behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster._core.execution.retries import RetryMode
from dagster._core.executor.in_process import InProcessExecutor

from ingestion.fault_points import fault_point
from orchestration.settings import Settings

PIPELINE_LOCK = ".pipeline.lock"


class PipelineBusy(RuntimeError):
    """Another run holds the build database; nothing was done."""


def busy_message(holder: str, settings: Settings) -> str:
    return (
        f"Không chạy: một lần chạy khác ({holder}) đang ghi kho dữ liệu {settings.data_dir}; "
        "chưa làm gì cả, hãy chạy lại khi lần kia xong. / "
        f"Not run: another pipeline run ({holder}) is using {settings.data_dir}; "
        "nothing was done, run again when it has finished."
    )


@contextmanager
def pipeline_lock(settings: Settings, holder: str) -> Iterator[None]:
    """Hold the pipeline lock for the block, or raise PipelineBusy at once."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.data_dir / PIPELINE_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held_by = os.pread(fd, 300, 0).decode("utf-8", "replace").strip() or "unknown"
            raise PipelineBusy(busy_message(held_by, settings)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, {holder}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


class LockedInProcessExecutor(InProcessExecutor):
    """Dagster's in-process executor, inside the pipeline lock for the whole run."""

    def execute(self, plan_context, execution_plan):
        run = plan_context.dagster_run
        holder = f"run {run.run_id} of {run.job_name}"
        try:
            with pipeline_lock(Settings.from_env(), holder):
                for event in super().execute(plan_context, execution_plan):
                    yield event
                    if event.event_type == dg.DagsterEventType.STEP_START:
                        fault_point(f"step_start:{event.step_key}")  # reliability tests
        except PipelineBusy as busy:
            # Said in words on the run's page; the run then fails with the same text.
            yield dg.DagsterEvent.engine_event(plan_context, str(busy))
            raise


@dg.executor(name="locked_in_process")
def locked_in_process_executor(_init_context) -> LockedInProcessExecutor:
    """Every step in one process, the whole run inside the pipeline lock."""
    return LockedInProcessExecutor(retries=RetryMode.ENABLED)
