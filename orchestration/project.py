"""The one DbtProject of the warehouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# dbt of this interpreter's environment, whether or not .venv/bin is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


DBT_SOURCE_DIRS = ("models", "macros", "tests", "seeds")


def manifest_is_stale() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in DBT_SOURCE_DIRS:
        sources.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources)


def ensure_manifest() -> None:
    """Parse the dbt project when its manifest is missing or older than any dbt file.

    `make` keeps the manifest fresh; this serves tests and `dagster dev` started by hand, where
    a stale manifest would name models that no longer exist.
    """
    if manifest_is_stale():
        subprocess.run(
            [
                DBT_EXECUTABLE,
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                "target",
            ],
            cwd=DBT_PROJECT_DIR,
            check=True,
        )
