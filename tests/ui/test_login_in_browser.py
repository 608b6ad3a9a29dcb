"""What Chromium sees of the login gate: no page without logging in, a reader who can look
but whose launch is refused, and a GET mutation and a cross-origin POST that change nothing.
On the steward server of tests/ui/conftest.py (Dagster's daemon running: a launch that got
through would really run)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from tests.reliability.pipeline_process import PipelineWorkspace
from tests.ui.steward_server import (
    READER,
    READER_PASSWORD,
    STEWARD,
    STEWARD_PASSWORD,
    log_in,
    new_context,
)
from tests.ui.test_failing_check_in_dagster_ui import DECISION_CONFIG

pytestmark = pytest.mark.ui

# A mutation as a link or a form on another page would carry it: inline, in the address.
MUTATION = (
    'mutation { launchRun(executionParams: {selector: {repositoryLocationName: "vwu_warehouse",'
    ' repositoryName: "__repository__", jobName: "steward_decision_job"}, runConfigData: '
    '"{\\"ops\\": {\\"record_steward_decision\\": {\\"config\\": {\\"submission_id\\": '
    '\\"0123456789ab\\", \\"decision\\": \\"reject\\", \\"reason\\": \\"x\\"}}}}"}) '
    "{ __typename } }"
)


def steward_runs(workspace: PipelineWorkspace) -> list[dg.DagsterRun]:
    with workspace.instance() as instance:
        return list(instance.get_runs(filters=dg.RunsFilter(job_name="steward_decision_job")))


@pytest.fixture
def other_origin(steward_ui) -> Iterator[str]:
    """A page on another origin of the same machine (another port: same site, so the
    session cookie is sent): a form that posts a mutation to the steward server."""
    target = f"{steward_ui}/graphql?{urllib.parse.urlencode({'query': MUTATION})}"
    page = (
        "<!doctype html><html><body>"
        f"<form id='f' method='post' action='{target}' enctype='text/plain'>"
        f"<input type='hidden' name='{{\"query\": \"x' value='\"}}'></form>"
        "<script>document.getElementById('f').submit()</script></body></html>"
    ).encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def test_no_page_without_logging_in(steward_ui, browser):
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{steward_ui}/locations/vwu_warehouse/jobs/steward_decision_job/playground")
    assert "/vwu/login" in page.url
    assert page.get_by_role("button", name="Đăng nhập / Log in").is_visible()
    response = page.request.post(
        f"{steward_ui}/graphql",
        data=json.dumps({"query": "query { version }"}),
        headers={"Content-Type": "application/json", "Origin": steward_ui},
    )
    assert response.status == 401
    context.close()


FETCH_GRAPHQL = """async ([query, variables]) => {
  const answer = await fetch('/graphql', {method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({query, variables})});
  return {status: answer.status, body: await answer.text()};
}"""
PERMISSIONS = "query { permissions { permission value } }"
LAUNCH = (
    "mutation Launch($executionParams: ExecutionParams!) "
    "{ launchRun(executionParams: $executionParams) { __typename } }"
)


def can_launch(page) -> bool:
    answer = page.evaluate(FETCH_GRAPHQL, [PERMISSIONS, {}])
    assert answer["status"] == 200, answer
    granted = json.loads(answer["body"])["data"]["permissions"]
    return {p["permission"]: p["value"] for p in granted}["launch_pipeline_execution"]


def test_a_reader_looks_but_cannot_launch(failed_run, steward_ui, browser):
    workspace, _ = failed_run
    before = steward_runs(workspace)
    context = new_context(browser)
    page = log_in(context, steward_ui, READER, READER_PASSWORD)
    page.goto(f"{steward_ui}/locations/vwu_warehouse/jobs/steward_decision_job/playground")
    # Dagster itself is told the reader may not launch: the Launchpad is greyed out and the
    # reader lands on the job's overview, with no Launch button anywhere...
    page.get_by_text("record_steward_decision").first.wait_for(state="visible")
    assert can_launch(page) is False
    assert page.get_by_role("button", name="Launch Run").count() == 0
    # ...and a launch sent anyway, from the reader's own page and session, is refused.
    variables = {
        "executionParams": {
            "selector": {
                "repositoryLocationName": "vwu_warehouse",
                "repositoryName": "__repository__",
                "jobName": "steward_decision_job",
            },
            "runConfigData": DECISION_CONFIG.format(submission_id="0123456789ab", reason="x"),
        }
    }
    answer = page.evaluate(FETCH_GRAPHQL, [LAUNCH, variables])
    assert answer["status"] == 403 and "chỉ có quyền xem" in answer["body"]
    assert steward_runs(workspace) == before
    context.close()
    # A steward's session, by contrast, may launch.
    steward = new_context(browser)
    assert can_launch(log_in(steward, steward_ui, STEWARD, STEWARD_PASSWORD)) is True
    steward.close()


def test_a_get_mutation_is_refused(failed_run, steward_ui, browser):
    workspace, _ = failed_run
    before = steward_runs(workspace)
    context = new_context(browser)
    page = log_in(context, steward_ui, STEWARD, STEWARD_PASSWORD)
    response = page.goto(f"{steward_ui}/graphql?{urllib.parse.urlencode({'query': MUTATION})}")
    assert response.status == 405
    assert "GraphQL qua GET" in page.content()
    assert steward_runs(workspace) == before
    context.close()


def test_a_post_from_another_origin_is_refused(failed_run, steward_ui, browser, other_origin):
    workspace, _ = failed_run
    before = steward_runs(workspace)
    context = new_context(browser)
    page = log_in(context, steward_ui, STEWARD, STEWARD_PASSWORD)
    with page.expect_response(lambda r: "/graphql" in r.url) as posted:
        page.goto(other_origin)
    assert posted.value.request.method == "POST"
    assert posted.value.request.headers.get("origin") == other_origin.rstrip("/")
    assert posted.value.status == 403
    assert "Từ chối: yêu cầu đến từ trang khác" in posted.value.text()
    assert steward_runs(workspace) == before
    context.close()
