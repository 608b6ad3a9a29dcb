"""Shared fixtures: every test gets its own data directory; nothing touches ./data."""

import os
from pathlib import Path

import duckdb
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


@pytest.fixture
def con(tmp_path: Path):
    """A build database of the test's own (a module may define its own `con` instead)."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        yield connection


def write(inbox: Path, name: str, text: str) -> Path:
    """A file a clerk sent, as UTF-8 text in the inbox."""
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    return path
