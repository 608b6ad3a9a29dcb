"""Dagster's instance lives under the data directory it describes, whoever starts it: the
Makefile (`make run`, `make ui`) and the CLI agree, with or without VWU_DATA_DIR."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.pipeline_process import REPO_ROOT

pytestmark = pytest.mark.reliability


def make_dagster_home(tmp_path: Path, env: dict[str, str]) -> str:
    probe = tmp_path / "probe.mk"
    probe.write_text(f'include {REPO_ROOT / "Makefile"}\nprobe-home:\n\t@echo "$$DAGSTER_HOME"\n')
    done = subprocess.run(
        ["make", "-s", "-f", str(probe), "probe-home"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def cli_dagster_home(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "prepare-home"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().removeprefix("DAGSTER_HOME=")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("data_dir", ["elsewhere", None])
def test_dagster_home_follows_the_data_directory(tmp_path, data_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "VWU_DATA_DIR")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    expected = REPO_ROOT / "data" / "dagster_home"
    if data_dir:
        env["VWU_DATA_DIR"] = str(tmp_path / data_dir)
        expected = tmp_path / data_dir / "dagster_home"
    from_make = make_dagster_home(tmp_path, env)
    assert from_make == str(expected)
    if data_dir:  # the CLI writes dagster.yaml there: only into the temporary directory
        assert cli_dagster_home(env) == from_make
        assert (expected / "dagster.yaml").is_file()
