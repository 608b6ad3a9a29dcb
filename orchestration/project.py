"""The one DbtProject of the warehouse."""

from __future__ import annotations

from dagster_dbt import DbtProject

from orchestration.settings import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def ensure_manifest() -> None:
    """Parse the dbt project when there is no manifest yet (a fresh clone).

    `make` keeps the manifest fresh; this serves tests and `dagster dev` started by hand.
    """
    if not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)
