"""The code location's graph against its golden file: every asset key, every asset check
with whether it blocks, every job with its steps, the schedules and sensors.

A table that drops out of the graph, a check that stops blocking, a job that loses a step:
each fails here. When the change is meant, write the golden file again with
VWU_UPDATE_SNAPSHOTS=1 and read its diff before committing it.
"""

import difflib
import json
import os
from pathlib import Path

import dagster as dg

from orchestration.definitions import build_definitions

GOLDEN = Path(__file__).parent / "golden" / "dagster_graph.json"
UPDATE_ENV = "VWU_UPDATE_SNAPSHOTS"


def graph_snapshot(defs: dg.Definitions) -> dict[str, object]:
    graph = defs.resolve_asset_graph()
    jobs = [job for job in defs.resolve_all_job_defs() if not job.name.startswith("__")]
    return {
        "assets": sorted(key.to_user_string() for key in graph.get_all_asset_keys()),
        "asset_checks": {
            f"{key.asset_key.to_user_string()}:{key.name}": (
                "blocking" if graph.get_check_spec(key).blocking else "not blocking"
            )
            for key in sorted(
                graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)
            )
        },
        "jobs": {
            job.name: sorted(node.name for node in job.graph.nodes)
            for job in sorted(jobs, key=lambda j: j.name)
        },
        "schedules": sorted(
            f"{s.name}: {s.job_name} at {s.cron_schedule} {s.execution_timezone}"
            for s in defs.schedules or []
        ),
        "sensors": sorted(s.name for s in defs.sensors or []),
    }


def as_text(snapshot: dict[str, object]) -> str:
    return json.dumps(snapshot, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def test_the_graph_matches_its_golden_file(data_dir):
    current = as_text(graph_snapshot(build_definitions()))
    if os.environ.get(UPDATE_ENV) == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(current, encoding="utf-8")
    golden = GOLDEN.read_text(encoding="utf-8") if GOLDEN.exists() else ""
    diff = "".join(
        difflib.unified_diff(
            golden.splitlines(keepends=True),
            current.splitlines(keepends=True),
            fromfile=str(GOLDEN.relative_to(Path(__file__).parents[2])),
            tofile="the graph the definitions build now",
        )
    )
    assert not diff, (
        "The Dagster graph (assets, checks, jobs, schedules, sensors) differs from its golden "
        f"file. If the change is meant, run `{UPDATE_ENV}=1 .venv/bin/python -m pytest "
        "tests/integration/test_graph_snapshot.py` and commit the golden file after reading "
        "its diff:\n" + diff
    )
