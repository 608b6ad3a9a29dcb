"""One nightly run with a failing check, one steward server on it (with Dagster's daemon, so
what a steward launches really runs), and one Chromium, shared by the browser tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from tests.reliability.pipeline_process import (
    PipelineWorkspace,
    newest_run,
    run_events,
    write_submission,
)
from tests.ui.steward_server import (
    READER,
    READER_PASSWORD,
    STEWARD,
    STEWARD_PASSWORD,
    add_user,
    chromium,
    steward_server,
)

BAD_FILE = "p04_2025_members_above_women.csv"


@pytest.fixture(scope="session")
def failed_run(tmp_path_factory) -> tuple[PipelineWorkspace, dg.AssetCheckEvaluation]:
    """A real nightly run where a crafted file (more members than women aged 18+) breaks a
    blocking consistency rule: the gate holds that submission out of the facts, and the rest
    of the batch publishes."""
    workspace = PipelineWorkspace(tmp_path_factory.mktemp("ui"))
    write_submission(workspace.inbox, "p01_2025.csv", ["P2025-01,2025,members_total,812345"])
    write_submission(
        workspace.inbox,
        BAD_FILE,
        ["P2025-04,2025,women_18_plus,800000", "P2025-04,2025,members_total,900000"],
    )
    _, output = workspace.run("run")
    instance = workspace.instance()
    run = newest_run(instance)
    held = [
        e.event_specific_data
        for e in run_events(instance, run.run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        if e.event_specific_data.severity == dg.AssetCheckSeverity.ERROR
        and BAD_FILE in str(e.event_specific_data.metadata.get("held_submissions"))
    ]
    assert held, f"no blocking check holds {BAD_FILE}:\n{output}"
    assert f"held: {BAD_FILE}" in output
    assert "marts published: none" not in output
    return workspace, held[0]


@pytest.fixture(scope="session")
def steward_ui(failed_run) -> Iterator[str]:
    workspace, _ = failed_run
    add_user(workspace, STEWARD, "steward", STEWARD_PASSWORD)
    add_user(workspace, READER, "reader", READER_PASSWORD)
    with steward_server(workspace, daemon=True) as url:
        yield url


@pytest.fixture(scope="session")
def browser(failed_run):
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    chosen = os.environ.get("VWU_SCREENSHOTS_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
