"""The one DbtProject of the warehouse, and the manifest every load reads.

`make manifest` builds the manifest (`make run`, `make test` and `make ui` depend on it, and
rebuild it when any dbt file changed); under `dagster dev` dagster-dbt parses the project
again at load (`prepare_if_dev`). A load without a manifest, or with one that no longer
matches the models' SQL (dbt's own checksums), stops with what to run.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

from orchestration.settings import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# dbt of this interpreter's environment, whether or not .venv/bin is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class ManifestMissing(RuntimeError):
    """The code location cannot load: dbt's manifest was never built here, or is stale."""


# Files whose content dbt checksums in the manifest: the models' SQL, seeds, snapshots.
CHECKSUMMED = {"model": "models", "seed": "seeds", "snapshot": "snapshots"}
MODEL_FILES = ("models", "*.sql")


def _file_checksum(path: Path) -> str:
    # dbt hashes a file's text with surrounding whitespace stripped.
    return hashlib.sha256(path.read_text(encoding="utf-8").strip().encode()).hexdigest()


def manifest_drift(manifest: Mapping[str, Any], project_dir: Path = DBT_PROJECT_DIR) -> list[str]:
    """dbt files the manifest does not describe as they are: changed, removed or new.

    Only files dbt checksums are compared (YAML is not); `make manifest` keeps everything
    in step, this catches a manifest left behind when dbt files changed outside make.
    """
    known: dict[str, str] = {
        node["original_file_path"]: node["checksum"]["checksum"]
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") in CHECKSUMMED
        and node.get("checksum", {}).get("name") == "sha256"
    }
    drift = []
    for relative, checksum in sorted(known.items()):
        path = project_dir / relative
        if not path.is_file():
            drift.append(f"{relative} (removed)")
        elif _file_checksum(path) != checksum:
            drift.append(f"{relative} (changed)")
    folder, pattern = MODEL_FILES
    for path in sorted((project_dir / folder).rglob(pattern)):
        relative = str(path.relative_to(project_dir))
        if relative not in known:
            drift.append(f"{relative} (new)")
    return drift


def prepared_manifest(project: DbtProject = dbt_project) -> Path:
    """The manifest's path, parsed afresh under `dagster dev`; raises when there is none."""
    project.prepare_if_dev()
    if not project.manifest_path.is_file():
        raise ManifestMissing(
            f"dbt's manifest {project.manifest_path} does not exist: run `make manifest` "
            "(or `make run` / `make test`, which build it) before loading the Dagster "
            "definitions."
        )
    drift = manifest_drift(load_manifest(project.manifest_path), project.project_dir)
    if drift:
        raise ManifestMissing(
            f"dbt's manifest {project.manifest_path} is stale: it does not describe "
            f"{', '.join(drift[:10])}{' …' if len(drift) > 10 else ''}. Run `make manifest`."
        )
    return project.manifest_path


def load_manifest(path: Path) -> Mapping[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
