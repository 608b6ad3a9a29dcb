"""Write-audit-publish, the publish part: copy audited marts to the analysts' database.

The new database is written beside the published one under a temporary name and renamed over
it in one step. An analyst holding the old file open keeps reading the complete old version;
a run killed at any point leaves the published file as it was (at worst a stray temporary
file, which the next publish removes).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("analytics",)
TEMP_PREFIX = ".publishing-"


@dataclass(frozen=True)
class Publication:
    path: Path
    tables: dict[str, int]  # table name → row count


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(directory: Path) -> None:
    for stale in directory.glob(f"{TEMP_PREFIX}*"):
        stale.unlink(missing_ok=True)


def publish_marts(build_db: Path, published_db: Path, run_id: str) -> Publication:
    published_db.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(published_db.parent)
    temporary = published_db.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex}.duckdb"
    tables: dict[str, int] = {}
    with duckdb.connect(str(temporary)) as con:
        con.execute(f"attach '{build_db}' as build (read_only)")
        listed = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'build' and table_schema in "
            f"({', '.join('?' for _ in PUBLISHED_SCHEMAS)}) order by table_name",
            list(PUBLISHED_SCHEMAS),
        ).fetchall()
        for schema, name in listed:
            # Rows in a fixed order, so two publications of the same marts are equal.
            con.execute(
                f"create table main.{name} as select * from build.{schema}.{name} order by all"
            )
            tables[name] = con.execute(f"select count(*) from main.{name}").fetchone()[0]
        con.execute(
            "create table main._publication as select ? as run_id, ? as published_at",
            [run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )
        con.execute("detach build")
        con.execute("checkpoint")
    _fsync(temporary)
    os.replace(temporary, published_db)
    _fsync(published_db.parent)
    return Publication(published_db, tables)
