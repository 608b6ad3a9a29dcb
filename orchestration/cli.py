"""`make run`: one nightly run over the inbox, with a summary a person can read.

python -m orchestration.cli run           run the nightly job once
python -m orchestration.cli prepare-home  write DAGSTER_HOME's dagster.yaml (for `make ui`)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg

from ingestion.landing import inbox_files
from ingestion.synthetic import generate_demo_batch
from orchestration.settings import Settings

DAGSTER_YAML = """\
# Written by `python -m orchestration.cli prepare-home`.
telemetry:
  enabled: false
run_queue:
  # The build database admits one writer: one pipeline run at a time.
  tag_concurrency_limits:
    - key: vwu/pipeline
      limit: 1
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


def run_nightly_once(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import NIGHTLY_JOB, build_definitions

    job = build_definitions().resolve_job_def(NIGHTLY_JOB)
    return job.execute_in_process(instance=instance, raise_on_error=False)


def summarise(result: dg.ExecuteInProcessResult, settings: Settings) -> str:
    landed, published = {}, {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        key = materialization.asset_key.to_user_string()
        metadata = {k: v.value for k, v in materialization.metadata.items()}
        if key == "inbox/submissions":
            landed = metadata
        elif key == "published_marts":
            published = metadata
    evaluations = result.get_asset_check_evaluations()
    passed = sum(1 for e in evaluations if e.passed)
    failed = [e for e in evaluations if not e.passed]
    lines = [
        "",
        "Nightly run summary",
        f"  submissions taken in: {landed.get('taken_in', 0)}",
        f"  submissions rejected: {landed.get('rejected', 0)}"
        f" (already received before: {landed.get('duplicates', 0)})",
        f"  checks passed: {passed}, failed: {len(failed)}",
    ]
    for evaluation in failed:
        lines.append(
            f"    failed: {evaluation.check_name} on {evaluation.asset_key.to_user_string()}"
            f" ({evaluation.severity.value})"
        )
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


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "run"
    home = prepare_dagster_home()
    if command == "prepare-home":
        print(f"DAGSTER_HOME={home}")
        return 0
    if command != "run":
        print(__doc__)
        return 2
    settings = Settings.from_env()
    written = fill_demo_inbox_on_first_use(settings)
    if written:
        print(
            f"The inbox {settings.inbox} was empty on first use: wrote a generated demo batch "
            f"of {written} submissions (seed {settings.demo_seed})."
        )
    with dg.DagsterInstance.get() as instance:
        result = run_nightly_once(instance)
    print(summarise(result, settings))
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
