"""Shared fixtures: every test gets its own data directory; nothing touches ./data."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# Files written by a test are complete at once: no settle time (tests of it set their own).
os.environ.setdefault("VWU_LIMIT_SETTLE_SECONDS", "0")
# Test data are small: dbt's own per-node work dominates, so several models and tests at once.
os.environ.setdefault("VWU_DBT_THREADS", "4")

# Settings that would point a test at another data directory than its own.
PATH_SETTINGS = (
    "VWU_INBOX",
    "VWU_ARCHIVE",
    "VWU_WAREHOUSE_DB",
    "VWU_PUBLISHED_DB",
    "VWU_QUALITY_DIR",
)


def use_data_root(mp: pytest.MonkeyPatch, root: Path) -> Path:
    """Point every setting and Dagster's home below `root`; returns the data directory."""
    mp.setenv("VWU_DATA_DIR", str(root / "data"))
    for name in (*PATH_SETTINGS, "VWU_DEMO_SEED"):
        mp.delenv(name, raising=False)
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    mp.setenv("DAGSTER_HOME", str(home))
    return root / "data"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_data_root(monkeypatch, tmp_path)
