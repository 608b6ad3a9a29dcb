"""Start the steward server: dagster-webserver's app behind the login gate, and Dagster's daemon.

    python -m orchestration.webserver [--host 127.0.0.1] [--port 3000] [--no-daemon]

`make ui` and `make serve` start it. The daemon runs the run queue (one pipeline run at a
time), the inbox sensor and the nightly schedule; it is started as a child and stopped with
the server. Settings, read when the server starts:

VWU_USERS_FILE          the users file (default $VWU_DATA_DIR/ui_users; see users.py)
VWU_UI_AUTH             `password` (the login form; default) or `proxy`
VWU_UI_PROXY_HEADER     proxy mode: the header naming the user (default X-Remote-User)
VWU_UI_TRUSTED_PROXIES  proxy mode: addresses the header is believed from (default 127.0.0.1,::1)
VWU_UI_ORIGIN           the address users type, when it differs from what the server sees
                        (behind a proxy: e.g. https://kiemduyet.example.vn)
VWU_UI_SECURE_COOKIE    1: the session cookie is sent over HTTPS only (set it behind HTTPS)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.settings import REPO_ROOT
from orchestration.webserver.auth import ROLE_SCOPE_KEY, Gate, GateConfig, Mode, new_secret
from orchestration.webserver.users import Role, load_users, users_file

WORKSPACE = REPO_ROOT / "workspace.yaml"


def gate_config(environ: dict[str, str] | None = None) -> GateConfig:
    env = os.environ if environ is None else environ
    path = users_file(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    trusted = env.get("VWU_UI_TRUSTED_PROXIES", "127.0.0.1,::1")
    return GateConfig(
        users_path=path,
        # Made afresh at each start and never written down: a restart ends every session.
        secret=new_secret(),
        mode=Mode(env.get("VWU_UI_AUTH", Mode.password.value)),
        proxy_header=env.get("VWU_UI_PROXY_HEADER", "X-Remote-User").lower(),
        trusted_proxies=frozenset(a.strip() for a in trusted.split(",") if a.strip()),
        public_origin=env.get("VWU_UI_ORIGIN") or None,
        secure_cookie=env.get("VWU_UI_SECURE_COOKIE", "") in ("1", "true", "yes"),
    )


def no_users_message(config: GateConfig) -> str:
    return (
        f"Chưa có người dùng nào trong {config.users_path}; hãy thêm người kiểm duyệt: / "
        f"No users in {config.users_path}; add a steward first:\n"
        "  .venv/bin/python -m orchestration.webserver.users add NAME --role steward"
    )


@contextmanager
def dagster_daemon(enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", str(WORKSPACE)],
        cwd=REPO_ROOT,
    )
    try:
        yield
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def role_aware_context(instance, version: str, target):
    """Dagster's workspace context, read-only for every request the gate did not mark as a
    steward's: Dagster then disables what a reader may not do in its UI, and refuses it."""
    from dagster._core.workspace.context import WorkspaceProcessContext, WorkspaceRequestContext

    class RoleAwareContext(WorkspaceProcessContext):
        def create_request_context(self, source: object | None = None) -> WorkspaceRequestContext:
            scope = getattr(source, "scope", None) or {}
            return WorkspaceRequestContext(
                instance=self.instance,
                current_workspace=self.get_current_workspace(),
                process_context=self,
                version=self.version,
                source=source,
                read_only=scope.get(ROLE_SCOPE_KEY) != Role.steward.value,
            )

    return RoleAwareContext(
        instance, version=version, read_only=False, workspace_load_target=target
    )


def serve(host: str, port: int, with_daemon: bool) -> int:
    import dagster as dg
    import uvicorn
    from dagster._core.workspace.load_target import WorkspaceFileTarget
    from dagster_webserver.app import create_app_from_workspace_process_context
    from dagster_webserver.version import __version__

    from orchestration.cli import prepare_dagster_home

    config = gate_config()
    if not load_users(config.users_path):
        print(no_users_message(config), file=sys.stderr)
        return 2
    prepare_dagster_home()
    target = WorkspaceFileTarget(paths=[str(WORKSPACE)])
    with (
        dagster_daemon(with_daemon),
        dg.DagsterInstance.get() as instance,
        role_aware_context(instance, __version__, target) as context,
    ):
        app = create_app_from_workspace_process_context(context, "")
        print(
            f"Steward server on http://{host}:{port} ({config.mode.value} login, users in "
            f"{config.users_path})",
            flush=True,
        )
        uvicorn.run(Gate(app, config), host=host, port=port, log_level="warning")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.webserver")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument(
        "--no-daemon", action="store_true", help="do not start dagster-daemon (one runs already)"
    )
    args = parser.parse_args(argv)
    return serve(args.host, args.port, not args.no_daemon)
