"""The steward's screens in a real browser: Debian's headless Chromium, driven by Playwright,
on the steward server (Dagster's UI behind login) over a run whose blocking check held a submission.

A crafted bad submission (more members than women aged 18+, a blocking consistency error)
goes through a real nightly run (tests/ui/conftest.py); the steward logs in through the login
form, opens the failing check on its asset's Checks page and finds the bad file's name there,
then rejects the submission from the steward job's Launchpad; the decision is recorded in the
audit table under the name the steward logged in with. The test photographs the screens a
steward uses: into a temporary folder, or into docs/images/ with `make screens`
(VWU_SCREENSHOTS_DIR).
"""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from orchestration.webserver import USER_TAG
from tests.reliability.pipeline_process import PipelineWorkspace
from tests.ui.conftest import BAD_FILE
from tests.ui.steward_server import (
    STEWARD,
    STEWARD_PASSWORD,
    UI_TIMEOUT_MS,
    log_in,
    new_context,
)

pytestmark = pytest.mark.ui

STEWARD_JOB = "steward_decision_job"
LOCATION = "vwu_warehouse"
# The check's metadata entry with the held submission's failing rows
# (orchestration/quality/checks.py).
FAILING_ROWS_KEY = "first_held_rows"
REASON = "members above women 18+; resend corrected figures"
DECISION_CONFIG = """ops:
  record_steward_decision:
    config:
      submission_id: "{submission_id}"
      decision: reject
      reason: "{reason}"
"""


@pytest.fixture(scope="module")
def steward_page(steward_ui, browser):
    context = new_context(browser)
    yield log_in(context, steward_ui, STEWARD, STEWARD_PASSWORD)
    context.close()


def bad_submission_id(workspace: PipelineWorkspace) -> str:
    with duckdb.connect(str(workspace.data_dir / "warehouse.duckdb"), read_only=True) as con:
        (submission_id,) = con.execute(
            "select submission_id from raw.submissions where file_name = ?", [BAD_FILE]
        ).fetchone()
    return submission_id


def fill_launchpad(page, url: str, config: str) -> None:
    """The steward job's Launchpad with `config` typed in, valid: Launch Run is enabled."""
    page.goto(f"{url}/locations/{LOCATION}/jobs/{STEWARD_JOB}/playground", timeout=UI_TIMEOUT_MS)
    launch = page.get_by_role("button", name="Launch Run")
    launch.wait_for(state="visible", timeout=UI_TIMEOUT_MS)
    page.locator(".CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(config)  # typed keys would be auto-indented by the editor
    # The config is valid for the job's typed config: the Launch button comes alive.
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.textContent.includes('Launch Run') && !b.disabled)",
        timeout=UI_TIMEOUT_MS,
    )


def test_failing_submission_is_on_the_asset_checks_page(
    failed_run, steward_ui, steward_page, screenshots
):
    _, evaluation = failed_run
    page = steward_page
    asset_path = "/".join(evaluation.asset_key.path)
    page.goto(f"{steward_ui}/assets/{asset_path}?view=checks", timeout=UI_TIMEOUT_MS)
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
    page.keyboard.press("Escape")


def test_steward_records_a_decision_under_the_name_they_logged_in_with(
    failed_run, steward_ui, steward_page, screenshots
):
    workspace, _ = failed_run
    page = steward_page
    submission_id = bad_submission_id(workspace)
    config = DECISION_CONFIG.format(submission_id=submission_id[:12], reason=REASON)
    fill_launchpad(page, steward_ui, config)
    page.screenshot(path=str(screenshots / "steward-job-launchpad.png"))
    page.get_by_role("button", name="Launch Run").click()
    page.wait_for_url("**/runs/*", timeout=UI_TIMEOUT_MS)
    run_id = page.url.rstrip("/").split("/")[-1].split("?")[0]
    instance = workspace.instance()
    workspace.wait_for(
        "the steward's run to finish",
        lambda: instance.get_run_by_id(run_id).is_finished,
    )
    run = instance.get_run_by_id(run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS, run.status
    assert run.tags[USER_TAG] == STEWARD
    with duckdb.connect(str(workspace.data_dir / "warehouse.duckdb"), read_only=True) as con:
        decisions = con.execute(
            "select submission_id, decision, reason, steward from raw.steward_decisions"
        ).fetchall()
    assert decisions == [(submission_id, "reject", REASON, STEWARD)]
