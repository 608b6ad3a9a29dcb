"""The steward's screens in a real browser: Debian's headless Chromium, driven by Playwright,
on the Dagster UI (dagster-webserver) of a run whose blocking check failed.

A crafted bad submission (more members than women aged 18+, a blocking consistency error)
goes through a real nightly run; the test
starts the UI on that instance, opens the failing check on its asset's Checks page and finds
the bad file's name there. It also photographs the screens a steward uses: into a temporary
folder, or into docs/images/ with `make screens` (VWU_SCREENSHOTS_DIR).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.reliability.pipeline_process import (
    REPO_ROOT,
    WAIT_SECONDS,
    PipelineWorkspace,
    newest_run,
    run_events,
    write_submission,
)

pytestmark = pytest.mark.ui

CHROMIUM = Path("/usr/bin/chromium")
BAD_FILE = "p04_2025_members_above_women.csv"
STEWARD_JOB = "steward_decision_job"
LOCATION = "vwu_warehouse"
UI_TIMEOUT_MS = 120_000
# The check's metadata entry with the table of failing rows (orchestration/quality/checks.py).
FAILING_ROWS_KEY = "first_failing_rows"
DECISION_CONFIG = """ops:
  record_steward_decision:
    config:
      submission_id: "{submission_id}"
      decision: reject
      reason: "members above women 18+; resend corrected figures"
      steward: "nguyen.thi.lan"
"""


def chromium_or_skip() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} is missing: install Debian's chromium with `make system-deps`"
    if os.environ.get("CI"):
        pytest.fail(message + " (on CI this test must run)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"dagster-webserver did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory) -> tuple[PipelineWorkspace, dg.AssetCheckEvaluation]:
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
    failed = [
        e.event_specific_data
        for e in run_events(instance, run.run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        if not e.event_specific_data.passed
        and e.event_specific_data.severity == dg.AssetCheckSeverity.ERROR
        and BAD_FILE in str(e.event_specific_data.metadata)
    ]
    assert failed, f"no blocking check named {BAD_FILE}:\n{output}"
    assert "marts published: none" in output
    return workspace, failed[0]


@pytest.fixture(scope="module")
def dagster_ui(failed_run) -> Iterator[str]:
    workspace, _ = failed_run
    port = free_port()
    log = workspace.root / "webserver.log"
    webserver = Path(sys.executable).parent / "dagster-webserver"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO_ROOT,
            env=workspace.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{url}/server_info", server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser(failed_run):
    """A browser context of Debian's Chromium with a fresh profile; Playwright never
    downloads a browser of its own here."""
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
    try:
        with sync_playwright() as playwright:
            # Playwright passes the fresh profile as --user-data-dir itself.
            context = playwright.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(executable),
                headless=True,
                viewport={"width": 1440, "height": 1000},
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            # The UI's "join the community" dialog, dismissed as a returning user would have.
            context.add_init_script(
                "window.localStorage.setItem('communityNux', JSON.stringify('1'))"
            )
            yield context
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    chosen = os.environ.get("VWU_SCREENSHOTS_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def bad_submission_id(workspace: PipelineWorkspace) -> str:
    with duckdb.connect(str(workspace.data_dir / "warehouse.duckdb"), read_only=True) as con:
        (submission_id,) = con.execute(
            "select submission_id from raw.submissions where file_name = ?", [BAD_FILE]
        ).fetchone()
    return submission_id


def test_failing_submission_is_on_the_asset_checks_page(
    failed_run, dagster_ui, browser, screenshots
):
    _, evaluation = failed_run
    page = browser.new_page()
    asset_path = "/".join(evaluation.asset_key.path)
    page.goto(f"{dagster_ui}/assets/{asset_path}?view=checks", timeout=UI_TIMEOUT_MS)
    page.get_by_text(evaluation.check_name, exact=True).first.click(timeout=UI_TIMEOUT_MS)
    # The check's metadata: the table of its first failing rows opens in a dialog.
    row = page.locator("tr", has_text=FAILING_ROWS_KEY)
    row.wait_for(state="visible", timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(screenshots / "asset-check-failed.png"))
    row.get_by_text("Show Markdown").click(timeout=UI_TIMEOUT_MS)
    table = page.get_by_role("dialog")
    bad_file = table.get_by_text(BAD_FILE).first
    bad_file.wait_for(state="visible", timeout=UI_TIMEOUT_MS)
    assert bad_file.is_visible()
    assert table.get_by_text("P2025-04").first.is_visible()
    page.screenshot(path=str(screenshots / "asset-check-failing-rows.png"))
    assert (screenshots / "asset-check-failing-rows.png").stat().st_size > 0
    page.close()


def test_steward_job_launchpad_accepts_a_decision(failed_run, dagster_ui, browser, screenshots):
    workspace, _ = failed_run
    page = browser.new_page()
    page.goto(
        f"{dagster_ui}/locations/{LOCATION}/jobs/{STEWARD_JOB}/playground", timeout=UI_TIMEOUT_MS
    )
    launch = page.get_by_role("button", name="Launch Run")
    launch.wait_for(state="visible", timeout=UI_TIMEOUT_MS)
    decision = DECISION_CONFIG.format(submission_id=bad_submission_id(workspace)[:12])
    page.locator(".CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(decision)  # typed keys would be auto-indented by the editor
    # The config is valid for the job's typed config: the Launch button comes alive.
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.textContent.includes('Launch Run') && !b.disabled)",
        timeout=UI_TIMEOUT_MS,
    )
    assert launch.is_enabled()
    page.screenshot(path=str(screenshots / "steward-job-launchpad.png"))
    assert (screenshots / "steward-job-launchpad.png").stat().st_size > 0
    page.close()
