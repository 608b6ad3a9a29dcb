"""The analysts' dashboard in a real browser: Debian's headless Chromium, driven by Playwright,
on `python -m orchestration.dashboard` (what `make dashboard` runs) over the published database
of a real nightly run of the demo batch.

The analyst picks an indicator by its Vietnamese name, a year, the own-time borders and a
province (Hải Dương, which ended with the 2025 merger), finds the figure the published
database holds, downloads the selection as Excel, and keeps working while a publication
replaces the file by a rename. Screenshots go to a temporary folder, or to docs/images/ with
VWU_SCREENSHOTS_DIR (`make screens`).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
import pytest

from orchestration.settings import REPO_ROOT
from tests.integration.test_published_database import published_demo
from tests.ui.steward_server import chromium, free_port

pytestmark = [pytest.mark.ui, pytest.mark.slow]
UI_TIMEOUT_MS = 120_000
START_SECONDS = 120
INDICATOR = "Tổng số hội viên (người)"
PERIOD = ("2024", "Năm 2024")
PROVINCE = ("P30", "Tỉnh Hải Dương")
OWN_TIME = "Địa giới tại thời điểm báo cáo"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A copy of the demo publication that this module may replace, as a publisher does."""
    folder = tmp_path_factory.mktemp("dashboard") / "published"
    folder.mkdir()
    copy = folder / "marts.duckdb"
    shutil.copy(published_demo(tmp_path_factory), copy)
    return copy


def members(published: Path, borders: str = "own_time") -> float:
    with duckdb.connect(str(published), read_only=True) as con:
        (value,) = con.execute(
            "select value from mart_indicator_series where indicator_code = 'members_total' "
            "and disaggregation = 'total' and borders = ? and unit_code = ? and period_code = ?",
            [borders, PROVINCE[0], PERIOD[0]],
        ).fetchone()
    return value


def vietnamese(value: float) -> str:
    """A whole number as the screen writes it: 482151 → '482.151'."""
    return f"{int(value):,}".replace(",", ".")


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the dashboard did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def dashboard(published) -> Iterator[str]:
    port = free_port()
    log = published.parent / "dashboard.log"
    env = dict(os.environ, VWU_PUBLISHED_DB=str(published))
    env.pop("VWU_WAREHOUSE_DB", None)
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "orchestration.dashboard", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, launched as the other browser tests launch it; one context."""
    with chromium() as chrome:
        context = chrome.new_context(
            viewport={"width": 1440, "height": 1100}, accept_downloads=True
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    chosen = os.environ.get("VWU_SCREENSHOTS_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def settled(page) -> None:
    """Wait until Streamlit has finished rerunning the script after the last action."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=UI_TIMEOUT_MS,
    )


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit select box labelled `label`, typing to filter it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    settled(page)
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    field = box.get_by_role("combobox")
    for _ in range(3):  # a rerun that redraws the box can swallow the typing; type again
        field.click(timeout=UI_TIMEOUT_MS)
        page.keyboard.press("Control+A")
        page.keyboard.type(option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=15_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    expect(field).to_have_value(option, timeout=UI_TIMEOUT_MS)
    settled(page)


def test_analyst_finds_the_published_figure_and_downloads_it(
    dashboard, published, browser, screenshots, tmp_path
):
    figure = vietnamese(members(published))
    page = browser.new_page()
    page.goto(dashboard, timeout=UI_TIMEOUT_MS)
    page.get_by_text("Số liệu Hội Liên hiệp Phụ nữ Việt Nam").wait_for(timeout=UI_TIMEOUT_MS)
    choose(page, "Chỉ tiêu", INDICATOR)
    choose(page, "Kỳ báo cáo", PERIOD[1])
    page.get_by_text(OWN_TIME, exact=True).click(timeout=UI_TIMEOUT_MS)
    settled(page)
    choose(page, "Phạm vi", PROVINCE[1])
    metric = page.get_by_test_id("stMetricValue")
    metric.get_by_text(figure, exact=True).wait_for(timeout=UI_TIMEOUT_MS)
    table = page.get_by_test_id("stTable")
    assert table.get_by_text(figure).first.is_visible()
    assert table.get_by_text(PROVINCE[1]).first.is_visible()
    page.get_by_text("Xếp hạng các tỉnh").wait_for(timeout=UI_TIMEOUT_MS)
    # Both charts drawn (the series and the ranking) before the picture is taken.
    page.locator(".vega-embed").nth(1).wait_for(timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(screenshots / "dashboard.png"))
    page.get_by_text("Xếp hạng các tỉnh").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "dashboard-ranking.png"))

    with page.expect_download(timeout=UI_TIMEOUT_MS) as download:
        page.get_by_role("button", name="Tải về Excel").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["Đơn vị"] == PROVINCE[1]
    assert row["Giá trị"] == members(published)
    assert row["Địa giới"] == OWN_TIME
    page.close()


def test_the_dashboard_keeps_working_while_a_publication_replaces_the_file(
    dashboard, published, browser, tmp_path
):
    """A publisher writes a new file and renames it over the old one; the next question the
    analyst asks reads the new figures."""
    replacement = published.with_name(".publishing-test.duckdb")
    shutil.copy(published, replacement)
    os.chmod(replacement, stat.S_IRUSR | stat.S_IWUSR)
    with duckdb.connect(str(replacement)) as con:
        con.execute(
            "update mart_indicator_series set value = value + 1000 "
            "where indicator_code = 'members_total' and unit_code = ? and period_code = ?",
            [PROVINCE[0], PERIOD[0]],
        )
    page = browser.new_page()
    page.goto(dashboard, timeout=UI_TIMEOUT_MS)
    choose(page, "Chỉ tiêu", INDICATOR)
    choose(page, "Kỳ báo cáo", PERIOD[1])
    page.get_by_text(OWN_TIME, exact=True).click(timeout=UI_TIMEOUT_MS)
    settled(page)
    choose(page, "Phạm vi", PROVINCE[1])
    before = vietnamese(members(published))
    page.get_by_test_id("stMetricValue").get_by_text(before, exact=True).wait_for(
        timeout=UI_TIMEOUT_MS
    )
    os.replace(replacement, published)
    choose(page, "Phạm vi", "Toàn quốc")
    choose(page, "Phạm vi", PROVINCE[1])
    after = vietnamese(members(published))
    assert after != before
    page.get_by_test_id("stMetricValue").get_by_text(after, exact=True).wait_for(
        timeout=UI_TIMEOUT_MS
    )
    page.close()
