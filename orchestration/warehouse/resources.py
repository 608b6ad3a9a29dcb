"""The warehouse's places and its one writer connection, as a Dagster resource.

Assets, checks, ops and sensors take this resource instead of reading the settings and
connecting themselves. Its values come from `Settings` (the one reader of the environment)
when Dagster loads the code location, never at import: `build_definitions` makes it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from orchestration.settings import Settings


class WarehouseResource(dg.ConfigurableResource):
    """Paths of the build database, the published database, the inbox, the archive and the
    quality reports; the build database's writer connection."""

    warehouse_db: str = Field(description="The build database, opened by the pipeline only.")
    published_db: str = Field(description="The analysts' database, replaced atomically.")
    inbox: str = Field(description="Where submissions arrive.")
    archive: str = Field(description="Where every received file is kept unchanged.")
    quality_dir: str = Field(description="Quality reports and Great Expectations Data Docs.")

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> WarehouseResource:
        """The resource for the environment as it is now (called at load, not import)."""
        settings = settings or Settings.from_env()
        return cls(
            warehouse_db=str(settings.warehouse_db),
            published_db=str(settings.published_db),
            inbox=str(settings.inbox),
            archive=str(settings.archive),
            quality_dir=str(settings.quality_dir),
        )

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse_db)

    @property
    def published_path(self) -> Path:
        return Path(self.published_db)

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def archive_path(self) -> Path:
        return Path(self.archive)

    @property
    def data_docs_path(self) -> Path:
        return Path(self.quality_dir) / "data_docs"

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The build database's one writer connection, closed on leaving the block: dbt,
        started after it, is the next writer."""
        self.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(self.warehouse_db) as con:
            yield con

    def point_dbt_here(self) -> None:
        """dbt's profile reads the build database's path from the dbt process's environment,
        which dagster-dbt copies from this process when it starts dbt."""
        os.environ["VWU_WAREHOUSE_DB"] = self.warehouse_db
