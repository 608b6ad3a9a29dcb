"""The code location loads as `dagster dev` loads it, with the job, schedule and sensor; it
does not load without a manifest, with a stale one, or with one that lacks a checked model."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtProject

from expectations.gate import ROLLED_UP_MODEL, check_aggregates, default_relations
from ingestion.landing import ensure_raw_schema
from orchestration.definitions import NIGHTLY_JOB, build_definitions
from orchestration.ingestion.sensors import inbox_run_key
from orchestration.project import DBT_PROJECT_DIR, ManifestMissing, dbt_project, load_manifest
from orchestration.quality.checks import CheckedModelMissing
from orchestration.settings import REPO_ROOT


def test_workspace_yaml_loads_job_schedule_and_sensor(data_dir):
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget

    target = WorkspaceFileTarget(paths=[str(REPO_ROOT / "workspace.yaml")])
    with dg.instance_for_test() as instance:
        with WorkspaceProcessContext(instance, target) as process_context:
            workspace = process_context.create_request_context()
            (entry,) = workspace.get_code_location_entries().values()
            assert entry.load_error is None, entry.load_error
            (repository,) = entry.code_location.get_repositories().values()
            assert NIGHTLY_JOB in {j.name for j in repository.get_all_jobs()}
            schedules = {s.name: s for s in repository.get_schedules()}
            assert schedules["nightly_schedule"].cron_schedule == "0 2 * * *"
            assert schedules["nightly_schedule"].execution_timezone == "Asia/Ho_Chi_Minh"
            assert {s.name for s in repository.get_sensors()} == {"inbox_sensor"}


def test_dagster_cli_validates_the_workspace(data_dir):
    dagster = Path(sys.executable).parent / "dagster"
    completed = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]


def test_asset_graph_and_publish_dependencies(data_dir):
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for expected in (
        "inbox/submissions",
        "marts_analytics/mart_membership_by_province",
        "published_marts",
    ):
        assert any(key.endswith(expected.split("/")[-1]) for key in keys), expected
    # Everything dbt builds under marts/ (schemas core and analytics) is tagged published.
    published = {
        k.path[-1] for k in graph.get_all_asset_keys() if k.path[0] in ("core", "analytics")
    }
    assert {"mart_membership_by_province", "fct_membership", "dim_org_unit"} <= published
    publish_parents = {k.path[-1] for k in graph.get(dg.AssetKey("published_marts")).parent_keys}
    checks = {c.name: c for c in graph.asset_check_keys}
    # The rules on submitted values sit on the gate asset, which holds the submissions they
    # name and rebuilds the facts; the aggregate checks run after it.
    on_values = {
        name: checks[name].asset_key.path[-1]
        for name in ("contract_errors", "consistency_errors", "over_time_errors")
        + ("cross_section_errors",)
    }
    assert set(on_values.values()) == {"submission_gate"}
    gate = dg.AssetKey(["quality", "submission_gate"])
    assert {k.path[-1] for k in graph.get(gate).parent_keys} == {"int_values_latest_revision"}
    rolled_up = checks["rolled_up_over_time_errors"].asset_key.path[-1]
    # The publish asset waits for the published models and every asset with a blocking check.
    assert publish_parents == published | {"submission_gate", rolled_up}
    for name in ("consistency_warnings", "over_time_warnings", "completeness_warnings"):
        assert name in checks
    # dbt's data tests are asset checks too: the gate's are on its asset or rolled_up_*.
    blocking = {
        key.name
        for key in graph.asset_check_keys
        if graph.get_check_spec(key).blocking
        and (key.asset_key == gate or key.name.startswith("rolled_up_"))
    }
    assert blocking == {
        "contract_errors",
        "consistency_errors",
        "over_time_errors",
        "cross_section_errors",
        "rolled_up_over_time_errors",
    }


def test_inbox_sensor_requests_a_run_only_for_waiting_files(data_dir):
    defs = build_definitions()
    sensor = defs.resolve_sensor_def("inbox_sensor")
    with dg.instance_for_test() as instance:
        # The sensor takes the warehouse resource of the definitions, as the daemon gives it.
        context = dg.build_sensor_context(instance=instance, resources=defs.resources)
        assert isinstance(sensor(context), dg.SkipReason)
        inbox = data_dir / "inbox"
        inbox.mkdir(parents=True)
        (inbox / "a.csv").write_text("unit,period,indicator,value\n")
        request = sensor(dg.build_sensor_context(instance=instance, resources=defs.resources))
        assert isinstance(request, dg.RunRequest)
        assert request.run_key == inbox_run_key([inbox / "a.csv"])


def dbt_project_copy(tmp_path: Path, manifest: dict | None) -> DbtProject:
    """The dbt project copied without its artefacts, with `manifest` as its manifest."""
    folder = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, folder, ignore=shutil.ignore_patterns("target", "logs"))
    if manifest is not None:
        (folder / "target").mkdir()
        (folder / "target" / "manifest.json").write_text(json.dumps(manifest))
    return DbtProject(project_dir=folder, profiles_dir=folder)


@pytest.fixture
def not_dagster_dev(monkeypatch):
    # Under `dagster dev` the manifest is parsed afresh at load; these tests are about the
    # manifest that `make manifest` built.
    monkeypatch.delenv("DAGSTER_IS_DEV_CLI", raising=False)


def test_a_manifest_without_a_checked_model_stops_the_load(data_dir, tmp_path, not_dagster_dev):
    manifest = load_manifest(dbt_project.manifest_path)
    (key,) = [k for k, n in manifest["nodes"].items() if n["name"] == ROLLED_UP_MODEL]
    removed = manifest["nodes"].pop(key)
    project = dbt_project_copy(tmp_path, manifest)
    (project.project_dir / removed["original_file_path"]).unlink()  # the model is gone
    with pytest.raises(CheckedModelMissing, match=f"manifest does not have: {ROLLED_UP_MODEL}"):
        build_definitions(project)


def test_a_missing_manifest_stops_the_load_with_what_to_run(data_dir, tmp_path, not_dagster_dev):
    with pytest.raises(ManifestMissing, match="does not exist: run `make manifest`"):
        build_definitions(dbt_project_copy(tmp_path, None))


def test_a_stale_manifest_stops_the_load(data_dir, tmp_path, not_dagster_dev):
    project = dbt_project_copy(tmp_path, load_manifest(dbt_project.manifest_path))
    model = project.project_dir / "models" / "intermediate" / f"{ROLLED_UP_MODEL}.sql"
    model.write_text(model.read_text() + "\n-- edited after the manifest was built\n")
    new = project.project_dir / "models" / "intermediate" / "int_new_model.sql"
    new.write_text("select 1 as one\n")
    with pytest.raises(ManifestMissing, match="is stale") as stale:
        build_definitions(project)
    assert f"{ROLLED_UP_MODEL}.sql (changed)" in str(stale.value)
    assert "int_new_model.sql (new)" in str(stale.value)
    assert "make manifest" in str(stale.value)


def test_the_checks_read_the_relation_resolved_for_them(tmp_path):
    # A model dbt builds under another schema or alias is read there: the relation comes from
    # the manifest, not from a name written into the checks.
    relations = default_relations() | {ROLLED_UP_MODEL: "elsewhere.rolled_up_values"}
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        reports = check_aggregates(con, "run-1", None, relations=relations)
    (rolled_up,) = [r for r in reports if r.spec.model == ROLLED_UP_MODEL and r.spec.blocking]
    assert not rolled_up.passed
    assert "elsewhere.rolled_up_values is not in the build database" in rolled_up.missing
