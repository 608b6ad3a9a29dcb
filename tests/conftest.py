"""Shared fixtures: every test gets its own data directory; nothing touches ./data."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VWU_DATA_DIR", str(tmp_path / "data"))
    for name in (
        "VWU_INBOX",
        "VWU_ARCHIVE",
        "VWU_WAREHOUSE_DB",
        "VWU_PUBLISHED_DB",
        "VWU_QUALITY_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return tmp_path / "data"
