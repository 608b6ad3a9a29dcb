"""The steward server (`python -m orchestration.webserver`, what `make ui` and `make serve`
start) in a real subprocess on a workspace, with users added by the real users CLI, and the
browser that logs in to it: Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.reliability.pipeline_process import REPO_ROOT, WAIT_SECONDS, PipelineWorkspace

CHROMIUM = Path("/usr/bin/chromium")
UI_TIMEOUT_MS = 120_000
STEWARD, STEWARD_PASSWORD = "nguyen.thi.lan", "mật khẩu đủ dài 2026"
READER, READER_PASSWORD = "tran.van.doc", "chỉ xem thôi 2026"


def add_user(workspace: PipelineWorkspace, name: str, role: str, password: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "orchestration.webserver.users", "add", name, "--role", role]
        + ["--password-stdin"],
        input=password + "\n",
        text=True,
        cwd=REPO_ROOT,
        env=workspace.env(),
        check=True,
        capture_output=True,
    )


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
            raise AssertionError(f"the steward server did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


@contextmanager
def steward_server(workspace: PipelineWorkspace, daemon: bool, **env: str) -> Iterator[str]:
    """Serve the workspace's instance; yields the server's address."""
    port = free_port()
    log = workspace.root / f"steward-server-{port}.log"
    command = [sys.executable, "-m", "orchestration.webserver", "--port", str(port)]
    with log.open("w") as out:
        server = subprocess.Popen(
            command + ([] if daemon else ["--no-daemon"]),
            cwd=REPO_ROOT,
            env=workspace.env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{url}/vwu/login", server, log)
        yield url
    finally:
        # The whole group: the server and the daemon it started.
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


def chromium_or_skip() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} is missing: install Debian's chromium with `make system-deps`"
    if os.environ.get("CI"):
        pytest.fail(message + " (on CI this test must run)")
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator:
    """Playwright on Debian's Chromium with a fresh profile; yields the Playwright browser.
    Each user gets a context of their own (`browser.new_context()`): their own cookies."""
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable),
            headless=True,
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
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    # The UI's "join the community" dialog, dismissed as a returning user would have.
    context.add_init_script("window.localStorage.setItem('communityNux', JSON.stringify('1'))")
    return context


def log_in(context, url: str, name: str, password: str):
    """Through the login form, as a person would; returns the page, now on the UI."""
    page = context.new_page()
    page.goto(f"{url}/runs", timeout=UI_TIMEOUT_MS)
    page.wait_for_url("**/vwu/login**", timeout=UI_TIMEOUT_MS)
    page.get_by_label("Tên đăng nhập / user name").fill(name)
    page.get_by_label("Mật khẩu / password").fill(password)
    page.get_by_role("button", name="Đăng nhập / Log in").click()
    page.wait_for_url("**/runs", timeout=UI_TIMEOUT_MS)
    return page
