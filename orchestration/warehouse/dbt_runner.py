"""Run the warehouse's dbt project on a given build database, outside Dagster.

Tests and benchmarks use it; the nightly job runs dbt through dagster-dbt (assets.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from orchestration.project import DBT_EXECUTABLE, DBT_PROJECT_DIR


class DbtRunFailed(RuntimeError):
    """dbt exited with an error; the message carries dbt's own output."""


def run_dbt(
    args: list[str],
    warehouse_db: Path,
    target_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> str:
    """Run `dbt <args>` against `warehouse_db` and return its output; raise on failure."""
    env = dict(os.environ, VWU_WAREHOUSE_DB=str(warehouse_db), **(extra_env or {}))
    command = [
        DBT_EXECUTABLE,
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]
    if target_path is not None:
        command += ["--target-path", str(target_path)]
    completed = subprocess.run(
        command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise DbtRunFailed(
            f"dbt {' '.join(args)} failed on {warehouse_db}:\n{completed.stdout[-6000:]}"
            f"\n{completed.stderr[-2000:]}"
        )
    return completed.stdout
