"""The one place that decides paths, read from the environment when called, never at import.

VWU_DATA_DIR       root of all data (default: <repo>/data)
VWU_INBOX          where submissions arrive (default: $VWU_DATA_DIR/inbox)
VWU_ARCHIVE        where every received file is kept unchanged ($VWU_DATA_DIR/archive)
VWU_WAREHOUSE_DB   the build database, opened by the pipeline only ($VWU_DATA_DIR/warehouse.duckdb)
VWU_PUBLISHED_DB   the analysts' database ($VWU_DATA_DIR/published/marts.duckdb)
VWU_QUALITY_DIR    per-run quality reports, Great Expectations Data Docs ($VWU_DATA_DIR/quality)
VWU_DEMO_SEED      seed of the demo batch written on first use (default 2025)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    inbox: Path
    archive: Path
    warehouse_db: Path
    published_db: Path
    quality_dir: Path
    demo_seed: int

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def path(name: str, default: Path) -> Path:
            return Path(env[name]).resolve() if env.get(name) else default

        data_dir = path("VWU_DATA_DIR", REPO_ROOT / "data")
        return cls(
            data_dir=data_dir,
            inbox=path("VWU_INBOX", data_dir / "inbox"),
            archive=path("VWU_ARCHIVE", data_dir / "archive"),
            warehouse_db=path("VWU_WAREHOUSE_DB", data_dir / "warehouse.duckdb"),
            published_db=path("VWU_PUBLISHED_DB", data_dir / "published" / "marts.duckdb"),
            quality_dir=path("VWU_QUALITY_DIR", data_dir / "quality"),
            demo_seed=int(env.get("VWU_DEMO_SEED", "2025")),
        )
