"""`make dashboard`: the analysts' dashboard on 127.0.0.1 (default port 8501).

python -m orchestration.dashboard [--port 8501]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from orchestration.settings import REPO_ROOT, Settings

APP = Path(__file__).with_name("app.py")
HOST = "127.0.0.1"
DEFAULT_PORT = 8501


def streamlit_command(port: int) -> list[str]:
    """Streamlit bound to this machine only, without telemetry or a browser of its own."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--theme.base",
        "light",
        "--client.toolbarMode",
        "viewer",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    published_db = Settings.from_env().published_db
    print(f"Bảng điều khiển: http://{HOST}:{args.port}/  (CSDL công bố: {published_db})")
    # The app finds the published database through the same setting, in its own process.
    os.environ["VWU_PUBLISHED_DB"] = str(published_db)
    # Streamlit puts only the app's folder on sys.path; the app imports the project.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    os.execv(sys.executable, streamlit_command(args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
