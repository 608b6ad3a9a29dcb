"""The gate in front of dagster-webserver: who is asking, and may they do this.

An ASGI middleware around Dagster's own app (Starlette), so the rules live in this project,
in Python, under test, and nothing else has to be installed or kept up to date beside
Dagster. In order, for every request:

1. Identity: a signed session cookie set by the login form (`/vwu/login`), or, in proxy
   mode, a header set by a trusted reverse proxy (only from the proxy's own addresses). The
   user must be in the users file; the role comes from there, read again when it changes,
   so removing a user or changing a password ends their sessions at once.
   No identity: a page is redirected to the login form, anything else gets 401.
2. Only GET and HEAD change nothing. Anything else must come from a page of this server: the
   browser's `Origin` equals the server's own, or, without `Origin`, `Sec-Fetch-Site` says
   same-origin. A request with neither is refused, so a non-browser client must say where it
   comes from. The cookie is also `SameSite=Strict` and `HttpOnly`.
3. GraphQL: never over GET (Dagster would run a mutation from a link or an <img>); a POST must
   be `application/json` (a form on another site cannot send that without the browser asking
   first). A reader's request may hold no mutation at all; a steward's launch mutations get
   the `vwu/user` tag set to the authenticated name, whatever tag was sent, so every run
   says who started it and a steward decision records that name.
4. Websocket (the UI's live updates, which run subscriptions only): the same identity and
   the same origin check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import time
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    parse,
    visit,
)
from graphql.language import Visitor

from orchestration.webserver import USER_TAG
from orchestration.webserver.users import Role, User, authenticate, load_users

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "vwu_session"
# Where the gate leaves the user's role for Dagster (server.py makes a reader's requests
# read-only, so Dagster's UI greys out what a reader may not do, and Dagster refuses it too).
ROLE_SCOPE_KEY = "vwu.role"
LOGIN_PATH = "/vwu/login"
LOGOUT_PATH = "/vwu/logout"
WHOAMI_PATH = "/vwu/whoami"
GRAPHQL_PATH = "/graphql"
SAFE_METHODS = {"GET", "HEAD"}
MAX_BODY_BYTES = 5 * 1024 * 1024
# Mutations the UI sends for its own bookkeeping; a reader may send these and no other.
READER_MUTATIONS = {"logTelemetry", "setNuxSeen"}
# Launch mutation field → its arguments that carry run tags, and where in them.
LAUNCH_ARGUMENTS = {
    "launchRun": ("executionParams",),
    "launchPipelineExecution": ("executionParams",),
    "launchMultipleRuns": ("executionParamsList",),
    "launchRunReexecution": ("executionParams", "reexecutionParams"),
    "launchPipelineReexecution": ("executionParams", "reexecutionParams"),
    "launchPartitionBackfill": ("backfillParams",),
}


class Mode(StrEnum):
    password = "password"  # the login form and a session cookie
    proxy = "proxy"  # a trusted reverse proxy names the user in a header


@dataclass
class GateConfig:
    users_path: Path
    secret: bytes
    mode: Mode = Mode.password
    proxy_header: str = "x-remote-user"
    trusted_proxies: frozenset[str] = frozenset({"127.0.0.1", "::1"})
    public_origin: str | None = None  # e.g. https://kiemduyet.example.vn behind a proxy
    secure_cookie: bool = False
    session_seconds: int = 12 * 3600


class Refused(Exception):
    """The request is refused; `status` and a message in Vietnamese and English."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class UsersCache:
    """The users file, read again whenever it changes on disk."""

    path: Path
    _stamp: tuple[int, int] | None = None
    _users: dict[str, User] = field(default_factory=dict)

    def get(self) -> dict[str, User]:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_ino)
        except FileNotFoundError:
            return {}
        if stamp != self._stamp:
            self._users, self._stamp = load_users(self.path), stamp
        return self._users


# ---- sessions -------------------------------------------------------------------------


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, payload, hashlib.sha256).digest()).decode()


def _password_stamp(user: User) -> str:
    # A session ends when its user's password (or role) changes.
    return hashlib.sha256(user.line().encode()).hexdigest()[:16]


def make_session(secret: bytes, user: User, seconds: int) -> str:
    claims = {
        "u": user.name,
        "p": _password_stamp(user),
        "exp": int(time.time()) + seconds,
        "id": secrets.token_hex(16),
    }
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode())
    return f"{payload.decode()}.{_sign(secret, payload)}"


def session_claims(secret: bytes, cookie: str) -> dict[str, Any] | None:
    payload, _, signature = cookie.partition(".")
    if not hmac.compare_digest(_sign(secret, payload.encode()), signature):
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def read_session(
    secret: bytes, cookie: str, users: dict[str, User], ended: set[str]
) -> User | None:
    claims = session_claims(secret, cookie)
    if claims is None or claims.get("id") in ended:
        return None
    user = users.get(claims.get("u", ""))
    if user is None or claims.get("exp", 0) < time.time():
        return None
    return user if hmac.compare_digest(claims.get("p", ""), _password_stamp(user)) else None


# ---- requests -------------------------------------------------------------------------


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    found = {}
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        found[name] = value
    return found


def own_origin(scope: Scope, headers: dict[str, str], config: GateConfig) -> str:
    if config.public_origin:
        return config.public_origin.rstrip("/")
    scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope["scheme"])
    return f"{scheme}://{headers.get('host', '')}"


def check_same_origin(scope: Scope, headers: dict[str, str], config: GateConfig) -> None:
    origin = headers.get("origin")
    if origin is not None:
        if origin == own_origin(scope, headers, config):
            return
        raise Refused(
            403,
            f"Từ chối: yêu cầu đến từ trang khác ({origin}). / Refused: a request from "
            f"another origin ({origin}) may not change anything here.",
        )
    if headers.get("sec-fetch-site") == "same-origin":
        return
    raise Refused(
        403,
        "Từ chối: không rõ yêu cầu đến từ đâu (thiếu Origin). / Refused: a request that "
        "changes something must carry an Origin header naming this server.",
    )


def _client_host(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


class Gate:
    """The ASGI middleware; `app` is dagster-webserver's Starlette app."""

    def __init__(self, app: ASGIApp, config: GateConfig) -> None:
        self.app = app
        self.config = config
        self.users = UsersCache(config.users_path)
        # Sessions logged out. Kept in memory: the signing key lives only in this process
        # too (a restart ends every session), so nothing outlives what it protects.
        self.ended_sessions: set[str] = set()

    def identify(self, scope: Scope, headers: dict[str, str]) -> User | None:
        users = self.users.get()
        if self.config.mode is Mode.proxy:
            if _client_host(scope) not in self.config.trusted_proxies:
                return None
            return users.get(headers.get(self.config.proxy_header, "").strip().lower())
        cookie = _cookies(headers).get(COOKIE)
        if not cookie:
            return None
        return read_session(self.config.secret, cookie, users, self.ended_sessions)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        user = self.identify(scope, headers)
        try:
            if user is None:
                raise Refused(401, "not logged in")
            check_same_origin(scope, headers, self.config)
        except Refused:
            await send({"type": "websocket.close", "code": 4403})
            return
        await self.app(with_role(scope, user), receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        method = scope["method"]
        # Starlette redirects /graphql/ to /graphql: the same rules for both.
        path = scope["path"].rstrip("/") or "/"
        try:
            if path in (LOGIN_PATH, LOGOUT_PATH):
                await self.login_pages(scope, receive, send, headers)
                return
            user = self.identify(scope, headers)
            if user is None:
                await self.unauthenticated(scope, send, headers)
                return
            if path == WHOAMI_PATH:
                body = {"user": user.name, "role": user.role.value}
                await respond(send, 200, json.dumps(body), "application/json")
                return
            if method in SAFE_METHODS:
                if path == GRAPHQL_PATH and "query" in _query(scope):
                    raise Refused(
                        405,
                        "Từ chối: GraphQL qua GET không được phép. / Refused: GraphQL over "
                        "GET is not allowed here; send a same-origin POST.",
                    )
                await self.app(with_role(scope, user), receive, send)
                return
            check_same_origin(scope, headers, self.config)
            if path == GRAPHQL_PATH:
                await self.graphql(scope, receive, send, headers, user)
                return
            if user.role is not Role.steward:
                raise reader_refused(user)
            await self.app(with_role(scope, user), receive, send)
        except Refused as refused:
            if path == GRAPHQL_PATH:
                # As GraphQL errors, so the UI can show the reason where it shows errors.
                body = json.dumps({"errors": [{"message": refused.message}]}, ensure_ascii=False)
                await respond(send, refused.status, body, "application/json")
            else:
                await respond(send, refused.status, refused.message)

    async def unauthenticated(self, scope: Scope, send: Send, headers: dict[str, str]) -> None:
        if scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
            query = scope["query_string"].decode("latin-1")
            target = scope["path"] + (f"?{query}" if query else "")
            location = f"{LOGIN_PATH}?{urllib.parse.urlencode({'next': target})}"
            await respond(send, 303, "", extra=[(b"location", location.encode())])
            return
        message = (
            "Chưa đăng nhập. / Not logged in: log in at " + LOGIN_PATH
            if self.config.mode is Mode.password
            else "Không rõ người dùng. / No user known to this server came from the proxy."
        )
        await respond(send, 401, message)

    async def graphql(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str], user: User
    ) -> None:
        if "application/json" not in headers.get("content-type", ""):
            raise Refused(
                415,
                "Từ chối: GraphQL chỉ nhận application/json. / Refused: GraphQL requests must "
                "be application/json.",
            )
        body = await read_body(receive)
        try:
            request = json.loads(body)
        except ValueError:
            raise Refused(400, "GraphQL request is not JSON") from None
        if not isinstance(request, dict):
            raise Refused(400, "GraphQL request is not a JSON object")
        authorise_graphql(request, user)
        checked = json.dumps(request).encode()
        await self.app(with_role(with_body(scope, checked), user), replay(checked), send)

    async def login_pages(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> None:
        method = scope["method"]
        if self.config.mode is Mode.proxy:
            title = "Đăng nhập qua máy chủ trung gian / log in through the proxy"
            await respond(send, 200, page(title, ""), "text/html")
            return
        if scope["path"].rstrip("/") == LOGOUT_PATH:
            if method in SAFE_METHODS:
                await respond(send, 200, logout_page(), "text/html")
                return
            check_same_origin(scope, headers, self.config)
            claims = session_claims(self.config.secret, _cookies(headers).get(COOKIE, ""))
            if claims and isinstance(claims.get("id"), str):
                self.ended_sessions.add(claims["id"])
            await respond(
                send, 303, "", extra=[(b"location", LOGIN_PATH.encode()), clear_cookie(self.config)]
            )
            return
        target = _local_target(_query(scope).get("next", "/"))
        if method in SAFE_METHODS:
            await respond(send, 200, login_page(target, ""), "text/html")
            return
        check_same_origin(scope, headers, self.config)
        form = urllib.parse.parse_qs((await read_body(receive)).decode("utf-8", "replace"))
        name = form.get("username", [""])[0]
        target = _local_target(form.get("next", [target])[0])
        user = authenticate(self.users.get(), name, form.get("password", [""])[0])
        if user is None:
            wrong = "Sai tên đăng nhập hoặc mật khẩu. / Wrong user name or password."
            await respond(send, 401, login_page(target, wrong), "text/html")
            return
        cookie = make_session(self.config.secret, user, self.config.session_seconds)
        await respond(
            send,
            303,
            "",
            extra=[(b"location", target.encode()), set_cookie(self.config, cookie)],
        )


def reader_refused(user: User) -> Refused:
    return Refused(
        403,
        f"Từ chối: {user.name} chỉ có quyền xem, không được chạy hay thay đổi gì. / Refused: "
        f"{user.name} is a reader and may look but not launch or change anything.",
    )


def _query(scope: Scope) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1")))


def _local_target(target: str) -> str:
    """Where to go after logging in: a path of this server only, never another site."""
    parsed = urllib.parse.urlsplit(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


# ---- GraphQL --------------------------------------------------------------------------


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if name is None or (o.name and o.name.value == name)]
    if len(chosen) != 1:
        raise Refused(400, "GraphQL request names no single operation")
    return chosen[0]


def _fields(document: DocumentNode) -> list[FieldNode]:
    found: list[FieldNode] = []

    class Collect(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            found.append(node)

    visit(document, Collect())
    return found


def authorise_graphql(request: dict[str, Any], user: User) -> None:
    """Refuse what the user may not do; stamp the user on every launch. Changes `request`."""
    query = request.get("query")
    if not isinstance(query, str):
        raise Refused(400, "GraphQL request has no query")
    try:
        document = parse(query)
    except GraphQLError as exc:
        raise Refused(400, f"GraphQL request does not parse: {exc.message}") from None
    operation = _operation(document, request.get("operationName"))
    if operation.operation is not OperationType.MUTATION:
        return
    # Mutation fields exist only at the top of a mutation; a fragment spread there could hold
    # any of them, so a reader's mutation must list its fields plainly.
    if user.role is not Role.steward and not all(
        isinstance(s, FieldNode) and s.name.value in READER_MUTATIONS
        for s in operation.selection_set.selections
    ):
        raise reader_refused(user)
    variables = request.get("variables") or {}
    if not isinstance(variables, dict):
        raise Refused(400, "GraphQL variables must be a JSON object")
    for node in _fields(document):
        for argument in node.arguments:
            if argument.name.value in LAUNCH_ARGUMENTS.get(node.name.value, ()):
                stamp_argument(argument.name.value, argument.value, variables, user)
    request["variables"] = variables


def stamp_argument(argument: str, value: Any, variables: dict[str, Any], user: User) -> None:
    if not isinstance(value, VariableNode):
        raise Refused(
            400,
            "Từ chối: tham số chạy phải gửi qua biến GraphQL. / Refused: launch parameters "
            "must be passed as GraphQL variables, so the server can record who launched.",
        )
    name = value.name.value
    if variables.get(name) is None:
        raise Refused(400, f"Refused: launch variable ${name} is missing")
    params = variables[name]
    for one in params if isinstance(params, list) else [params]:
        if not isinstance(one, dict):
            raise Refused(400, f"Refused: launch variable ${name} is not an object")
        stamp_tags(argument, one, user)


def _with_user(tags: Any, user: User) -> list[dict[str, str]]:
    kept = [t for t in tags or [] if isinstance(t, dict) and t.get("key") != USER_TAG]
    return [*kept, {"key": USER_TAG, "value": user.name}]


def stamp_tags(argument: str, params: dict[str, Any], user: User) -> None:
    """Set the user tag where this launch argument's type carries a run's tags."""
    if argument == "reexecutionParams":  # its extraTags win over the parent run's tags
        params["extraTags"] = _with_user(params.get("extraTags"), user)
    elif argument == "backfillParams":
        params["tags"] = _with_user(params.get("tags"), user)
    else:  # ExecutionParams
        metadata = params.get("executionMetadata") or {}
        metadata["tags"] = _with_user(metadata.get("tags"), user)
        params["executionMetadata"] = metadata


# ---- ASGI plumbing --------------------------------------------------------------------


async def read_body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Refused(400, "client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refused(413, "request too large")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def with_role(scope: Scope, user: User) -> Scope:
    return {**scope, ROLE_SCOPE_KEY: user.role.value}


def with_body(scope: Scope, body: bytes) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    return {**scope, "headers": headers}


def replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _cookie_attributes(config: GateConfig) -> str:
    return "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if config.secure_cookie else "")


def set_cookie(config: GateConfig, value: str) -> tuple[bytes, bytes]:
    header = f"{COOKIE}={value}; Max-Age={config.session_seconds}{_cookie_attributes(config)}"
    return (b"set-cookie", header.encode())


def clear_cookie(config: GateConfig) -> tuple[bytes, bytes]:
    return (b"set-cookie", f"{COOKIE}=; Max-Age=0{_cookie_attributes(config)}".encode())


async def respond(
    send: Send,
    status: int,
    body: str,
    content_type: str = "text/plain",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    data = body.encode("utf-8")
    headers = [
        (b"content-type", f"{content_type}; charset=utf-8".encode()),
        (b"content-length", str(len(data)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-frame-options", b"DENY"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


# ---- pages ----------------------------------------------------------------------------


STYLE = (
    "body{font-family:sans-serif;max-width:28em;margin:4em auto}"
    "label,input,button{display:block;margin:.4em 0;width:100%}.error{color:#b00}"
)


def page(title: str, content: str) -> str:
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{content}</body></html>"
    )


def login_page(target: str, error: str) -> str:
    shown = f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else ""
    return page(
        "Kho số liệu Hội LHPN — đăng nhập / log in",
        f"{shown}<form method='post' action='{LOGIN_PATH}'>"
        f"<input type='hidden' name='next' value='{html.escape(target, quote=True)}'>"
        "<label for='username'>Tên đăng nhập / user name</label>"
        "<input id='username' name='username' autocomplete='username' required>"
        "<label for='password'>Mật khẩu / password</label>"
        "<input id='password' name='password' type='password' "
        "autocomplete='current-password' required>"
        "<button type='submit'>Đăng nhập / Log in</button></form>",
    )


def logout_page() -> str:
    return page(
        "Đăng xuất / log out",
        f"<form method='post' action='{LOGOUT_PATH}'>"
        "<button type='submit'>Đăng xuất / Log out</button></form>",
    )


def new_secret() -> bytes:
    return secrets.token_bytes(32)
