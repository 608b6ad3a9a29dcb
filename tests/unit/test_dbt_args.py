"""The dbt command line and the checks' tables, decided by pure functions from their inputs."""

import hashlib

import pytest

from expectations.gate import ROLLED_UP_MODEL, VALUES_MODEL
from orchestration.project import manifest_drift
from orchestration.quality.checks import CheckedModelMissing, resolve_relations
from orchestration.warehouse.assets import DbtConfig, dbt_build_args

# The night's build leaves dbt's unit tests to the tests' own builds.
NIGHT = ["--exclude-resource-type", "unit_test"]


@pytest.mark.parametrize(
    ("full_refresh", "reference_changed", "expected"),
    [
        (False, False, ["build", *NIGHT]),
        (True, False, ["build", *NIGHT, "--full-refresh"]),
        (False, True, ["build", *NIGHT, "--full-refresh"]),
        (True, True, ["build", *NIGHT, "--full-refresh"]),
    ],
)
def test_build_args(full_refresh, reference_changed, expected):
    assert dbt_build_args(DbtConfig(full_refresh=full_refresh), reference_changed) == expected


def test_the_default_config_builds_incrementally():
    assert dbt_build_args(DbtConfig(), reference_changed=False) == ["build", *NIGHT]


def model_node(name: str, schema: str, alias: str | None = None, path: str = "") -> dict:
    return {
        "resource_type": "model",
        "name": name,
        "schema": schema,
        "alias": alias or name,
        "original_file_path": path or f"models/{name}.sql",
        "checksum": {"name": "sha256", "checksum": ""},
    }


def test_relations_are_schema_and_alias_from_the_manifest():
    manifest = {
        "nodes": {
            "model.w.a": model_node(VALUES_MODEL, "intermediate"),
            "model.w.b": model_node(ROLLED_UP_MODEL, "elsewhere", alias="rolled"),
            "test.w.c": {"resource_type": "test", "name": "not_null_x"},
        }
    }
    assert resolve_relations(manifest, [ROLLED_UP_MODEL, VALUES_MODEL]) == {
        ROLLED_UP_MODEL: "elsewhere.rolled",
        VALUES_MODEL: f"intermediate.{VALUES_MODEL}",
    }


def test_every_absent_model_is_named():
    manifest = {"nodes": {"model.w.a": model_node(VALUES_MODEL, "intermediate")}}
    with pytest.raises(CheckedModelMissing) as missing:
        resolve_relations(manifest, [VALUES_MODEL, ROLLED_UP_MODEL, "fct_gone"])
    assert f"fct_gone, {ROLLED_UP_MODEL}" in str(missing.value)
    assert "make manifest" in str(missing.value)


def test_manifest_drift_by_dbt_checksums(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    kept, changed, removed = (models / f"{n}.sql" for n in ("kept", "changed", "removed"))
    kept.write_text("select 1\n")
    changed.write_text("select 2\n")

    def checksum(text: str) -> str:
        return hashlib.sha256(text.strip().encode()).hexdigest()

    nodes = {}
    for name, text in (("kept", "select 1"), ("changed", "select 1"), ("removed", "select 3")):
        node = model_node(name, "s", path=f"models/{name}.sql")
        node["checksum"]["checksum"] = checksum(text)
        nodes[f"model.w.{name}"] = node
    (models / "added.sql").write_text("select 4\n")
    assert not removed.exists()
    assert manifest_drift({"nodes": nodes}, tmp_path) == [
        "models/changed.sql (changed)",
        "models/removed.sql (removed)",
        "models/added.sql (new)",
    ]
