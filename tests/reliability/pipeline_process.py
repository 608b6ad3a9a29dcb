"""A nightly run in a real subprocess (`python -m orchestration.cli run`), with its own data
directory and DAGSTER_HOME, that a test can wait on, watch through Dagster's event log, and
kill. Shared by the reliability and the browser tests."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 600.0  # a bound on every wait, far above a run here; never asserted on
CSV_HEADER = "unit,period,indicator,value"


def write_submission(inbox: Path, name: str, rows: Iterable[str]) -> Path:
    """A long CSV submission crafted by the test (header unit,period,indicator,value)."""
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_text("\n".join([CSV_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def published_snapshot(path: Path) -> dict[str, list]:
    """Every table of a published database, rows in a fixed order, as JSON-ready lists."""
    with duckdb.connect(str(path), read_only=True) as con:
        return read_tables(con)


def read_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    names = sorted(r[0] for r in con.execute("show tables").fetchall())
    return {
        name: json.loads(
            json.dumps(con.execute(f'select * from "{name}" order by all').fetchall(), default=str)
        )
        for name in names
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class PipelineWorkspace:
    """One data directory and one DAGSTER_HOME, like a machine running the warehouse."""

    root: Path
    logs: list[Path] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def inbox(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def published_db(self) -> Path:
        return self.data_dir / "published" / "marts.duckdb"

    def env(self, **extra: str) -> dict[str, str]:
        # The workspace's own paths, never the caller's; landing limits (the settle time the
        # test suite sets to zero) pass through.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("VWU_") or k.startswith("VWU_LIMIT_")
        }
        env.update(
            VWU_DATA_DIR=str(self.data_dir),
            DAGSTER_HOME=str(self.home),
            # The checkout first; a caller's own entries after it (the test of the tests puts
            # a mutant publisher there).
            PYTHONPATH=os.pathsep.join(
                p for p in [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")] if p
            ),
            GX_ANALYTICS_ENABLED="false",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def start(self, *args: str, **extra_env: str) -> subprocess.Popen:
        """`python -m orchestration.cli <args>` in its own process group (so a kill takes its
        dbt child too), output to a log file under the workspace."""
        return self._start(
            [sys.executable, "-m", "orchestration.cli", *args], "-".join(args), extra_env
        )

    def start_job(
        self,
        job: str = "nightly_job",
        run_config: dict | None = None,
        tags: dict[str, str] | None = None,
        **extra_env: str,
    ) -> subprocess.Popen:
        """The job run the way the run queue's worker runs it (Dagster's own process, with the
        job's executor), not through `make run`."""
        dagster = Path(sys.executable).parent / "dagster"
        command = [str(dagster), "job", "execute", "-m", "orchestration.definitions", "-j", job]
        if run_config:
            config = self.root / f"run-config-{len(self.logs) + 1}.json"
            config.write_text(json.dumps(run_config))  # JSON is YAML
            command += ["-c", str(config)]
        if tags:
            command += ["--tags", json.dumps(tags)]
        return self._start(command, f"job-{job}", extra_env)

    def _start(self, command: list[str], label: str, extra_env: dict[str, str]) -> subprocess.Popen:
        self.home.mkdir(parents=True, exist_ok=True)
        log = self.root / f"cli-{len(self.logs) + 1}-{label}.log"
        self.logs.append(log)
        with log.open("w") as out:
            return subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=self.env(**extra_env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def run(self, *args: str, **extra_env: str) -> tuple[int, str]:
        process = self.start(*args, **extra_env)
        code = process.wait(timeout=WAIT_SECONDS)
        return code, self.logs[-1].read_text()

    def last_log_tail(self, lines: int = 60) -> str:
        if not self.logs:
            return ""
        return "\n".join(self.logs[-1].read_text().splitlines()[-lines:])

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(str(self.home))

    def wait_for(
        self, what: str, condition: Callable[[], bool], process: subprocess.Popen | None = None
    ) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not condition():
            if process is not None and process.poll() is not None:
                raise AssertionError(
                    f"the run ended (exit {process.returncode}) before {what}:\n"
                    + self.last_log_tail()
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}:\n" + self.last_log_tail())
            time.sleep(0.1)


def kill_process_group(process: subprocess.Popen) -> None:
    """SIGKILL the run and its dbt child: nothing of it gets to clean up."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=WAIT_SECONDS)


def newest_run(instance: dg.DagsterInstance, job_name: str = "nightly_job") -> dg.DagsterRun | None:
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=job_name), limit=1)
    return runs[0] if runs else None


def run_events(
    instance: dg.DagsterInstance, run_id: str, event_type: dg.DagsterEventType
) -> list[dg.DagsterEvent]:
    records = instance.get_records_for_run(run_id, of_type=event_type).records
    return [r.event_log_entry.dagster_event for r in records]
