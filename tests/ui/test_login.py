"""The steward server lets in only its users, changes nothing on a request from another
origin or over GET, lets a reader look but launch nothing, and stamps every launch with the
authenticated name, whatever the request said. Real server (subprocess), real Dagster
GraphQL behind it, requests as a browser or an attacker would make them."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
import pytest

from orchestration.webserver import USER_TAG
from tests.reliability.pipeline_process import PipelineWorkspace
from tests.ui.steward_server import (
    READER,
    READER_PASSWORD,
    STEWARD,
    STEWARD_PASSWORD,
    add_user,
    steward_server,
)

pytestmark = pytest.mark.ui

LOCATION = "vwu_warehouse"
LAUNCH = """
mutation Launch($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId tags { key value } } }
    ... on PythonError { message }
  }
}
"""
LAUNCH_INLINE = """
mutation {
  launchRun(executionParams: {selector: {repositoryLocationName: "vwu_warehouse",
    repositoryName: "__repository__", jobName: "steward_decision_job"},
    executionMetadata: {tags: [{key: "vwu/user", value: "ke.gia.mao"}]}}) { __typename }
}
"""
QUERY = "query { version }"


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(url: str, method: str = "GET", body: bytes | None = None, **headers: str) -> Response:
    sent = urllib.request.Request(url, data=body, method=method)
    for name, value in headers.items():
        sent.add_header(name.replace("_", "-"), value)
    try:
        with OPENER.open(sent, timeout=120) as answer:
            return Response(answer.status, answer.read().decode(), dict(answer.headers))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read().decode(), dict(error.headers))


@dataclass
class Server:
    url: str
    workspace: PipelineWorkspace

    def login(self, name: str, password: str) -> str:
        form = urllib.parse.urlencode({"username": name, "password": password, "next": "/runs"})
        answer = request(
            f"{self.url}/vwu/login",
            "POST",
            form.encode(),
            Origin=self.url,
            Content_Type="application/x-www-form-urlencoded",
        )
        assert answer.status == 303, answer
        assert answer.headers["location"] == "/runs"
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        return cookie.split(";")[0]

    def graphql(self, cookie: str, query: str, variables: dict | None = None, **headers):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        headers = {"Origin": self.url, "Content_Type": "application/json", **headers}
        return request(f"{self.url}/graphql", "POST", body, Cookie=cookie, **headers)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    workspace = PipelineWorkspace(tmp_path_factory.mktemp("login"))
    add_user(workspace, STEWARD, "steward", STEWARD_PASSWORD)
    add_user(workspace, READER, "reader", READER_PASSWORD)
    # No daemon: a launched run stays queued, and its tags show what the server recorded.
    with steward_server(workspace, daemon=False) as url:
        yield Server(url, workspace)


def launch_variables(forged_user: str) -> dict:
    return {
        "executionParams": {
            "selector": {
                "repositoryLocationName": LOCATION,
                "repositoryName": "__repository__",
                "jobName": "steward_decision_job",
            },
            "runConfigData": {
                "ops": {
                    "record_steward_decision": {
                        "config": {"submission_id": "0123456789ab", "decision": "accept"}
                    }
                }
            },
            "executionMetadata": {"tags": [{"key": USER_TAG, "value": forged_user}]},
        }
    }


def runs(server: Server) -> list[dg.DagsterRun]:
    with server.workspace.instance() as instance:
        return list(instance.get_runs())


def test_unauthenticated_requests_are_refused(server):
    page = request(f"{server.url}/runs", Accept="text/html")
    assert page.status == 303 and page.headers["location"].startswith("/vwu/login?next=")
    api = request(
        f"{server.url}/graphql",
        "POST",
        b'{"query": "query { version }"}',
        Origin=server.url,
        Content_Type="application/json",
    )
    assert api.status == 401 and "Chưa đăng nhập" in api.body
    launch = server.graphql("vwu_session=forged.cookie", LAUNCH, launch_variables(STEWARD))
    assert launch.status == 401
    assert not runs(server)


def test_a_wrong_password_does_not_log_in(server):
    form = urllib.parse.urlencode({"username": STEWARD, "password": "đoán bừa 12345"})
    answer = request(
        f"{server.url}/vwu/login",
        "POST",
        form.encode(),
        Origin=server.url,
        Content_Type="application/x-www-form-urlencoded",
    )
    assert answer.status == 401 and "Sai tên đăng nhập hoặc mật khẩu" in answer.body
    assert "set-cookie" not in {k.lower() for k in answer.headers}


@pytest.mark.parametrize("path", ["/graphql", "/graphql/"])
def test_a_graphql_get_is_refused_even_logged_in(server, path):
    cookie = server.login(STEWARD, STEWARD_PASSWORD)
    query = urllib.parse.urlencode(
        {"query": LAUNCH, "variables": json.dumps(launch_variables(STEWARD))}
    )
    answer = request(f"{server.url}{path}?{query}", Cookie=cookie)
    assert answer.status == 405 and "GraphQL qua GET" in answer.body
    assert not runs(server)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://127.0.0.1:1"},  # another port is another origin (same site)
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec_Fetch_Site": "cross-site"},
        {"Sec_Fetch_Site": "same-site"},
        {},  # no Origin and no Sec-Fetch-Site: refused, a client must say where it comes from
    ],
)
def test_a_post_not_from_this_origin_is_refused(server, headers):
    cookie = server.login(STEWARD, STEWARD_PASSWORD)
    body = json.dumps({"query": LAUNCH, "variables": launch_variables(STEWARD)}).encode()
    answer = request(
        f"{server.url}/graphql",
        "POST",
        body,
        Cookie=cookie,
        Content_Type="application/json",
        **headers,
    )
    assert answer.status == 403 and "Từ chối" in answer.body
    assert not runs(server)


def test_a_form_post_of_graphql_is_refused(server):
    # What a form on another page can send without the browser asking first (text/plain),
    # with the query in the address, which Dagster would otherwise read.
    cookie = server.login(STEWARD, STEWARD_PASSWORD)
    query = urllib.parse.urlencode({"query": LAUNCH_INLINE})
    answer = request(
        f"{server.url}/graphql?{query}",
        "POST",
        b"x=1",
        Cookie=cookie,
        Origin=server.url,
        Content_Type="text/plain",
    )
    assert answer.status == 415
    assert not runs(server)


def test_a_reader_looks_but_cannot_launch(server):
    cookie = server.login(READER, READER_PASSWORD)
    looked = server.graphql(cookie, QUERY)
    assert looked.status == 200 and '"version"' in looked.body
    launched = server.graphql(cookie, LAUNCH, launch_variables(READER))
    assert launched.status == 403 and "chỉ có quyền xem" in launched.body
    hidden = server.graphql(
        cookie,
        "mutation M($executionParams: ExecutionParams!) { ...F } "
        "fragment F on Mutation { launchRun(executionParams: $executionParams) { __typename } }",
        launch_variables(READER),
    )
    assert hidden.status == 403
    assert not runs(server)


def test_a_launch_names_the_authenticated_user_whatever_was_sent(server):
    cookie = server.login(STEWARD, STEWARD_PASSWORD)
    inline = server.graphql(cookie, LAUNCH_INLINE)
    assert inline.status == 400 and "biến GraphQL" in inline.body
    answer = server.graphql(cookie, LAUNCH, launch_variables("ke.gia.mao"))
    assert answer.status == 200, answer.body
    result = json.loads(answer.body)["data"]["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result
    (run,) = runs(server)
    assert run.run_id == result["run"]["runId"]
    assert run.tags[USER_TAG] == STEWARD
    assert "ke.gia.mao" not in json.dumps(run.tags)


def test_logging_out_ends_the_session(server):
    cookie = server.login(STEWARD, STEWARD_PASSWORD)
    who = request(f"{server.url}/vwu/whoami", Cookie=cookie)
    assert who.status == 200 and json.loads(who.body) == {"user": STEWARD, "role": "steward"}
    out = request(f"{server.url}/vwu/logout", "POST", b"", Cookie=cookie, Origin=server.url)
    assert out.status == 303 and "Max-Age=0" in out.headers["set-cookie"]
    # The cookie is dead on the server too, not only forgotten by the browser.
    assert request(f"{server.url}/vwu/whoami", Cookie=cookie).status == 401


def test_proxy_mode_believes_the_header_only_from_the_trusted_proxy(tmp_path):
    workspace = PipelineWorkspace(tmp_path)
    add_user(workspace, STEWARD, "steward", STEWARD_PASSWORD)
    proxy = {"VWU_UI_AUTH": "proxy", "VWU_UI_PROXY_HEADER": "X-Forwarded-User"}
    with steward_server(workspace, daemon=False, **proxy) as url:
        named = request(f"{url}/vwu/whoami", X_Forwarded_User=STEWARD)
        assert named.status == 200 and json.loads(named.body)["user"] == STEWARD
        assert request(f"{url}/vwu/whoami", X_Forwarded_User="ai.do").status == 401
        assert request(f"{url}/vwu/whoami").status == 401
        # The login form cannot be used to get around the proxy.
        form = urllib.parse.urlencode({"username": STEWARD, "password": STEWARD_PASSWORD})
        login = request(f"{url}/vwu/login", "POST", form.encode(), Origin=url)
        assert "set-cookie" not in {k.lower() for k in login.headers}
    untrusted = {**proxy, "VWU_UI_TRUSTED_PROXIES": "10.0.0.7"}
    with steward_server(workspace, daemon=False, **untrusted) as url:
        # The request comes from 127.0.0.1, not the proxy: its header is anyone's claim.
        assert request(f"{url}/vwu/whoami", X_Forwarded_User=STEWARD).status == 401
