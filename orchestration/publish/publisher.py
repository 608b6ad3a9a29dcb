"""Write-audit-publish, the publish part: copy audited marts to the analysts' database.

The new database is written beside the published one under a temporary name, read back and
compared with the build database, made read-only, fsynced and renamed over the old file in
one step, then the folder is fsynced so the rename survives a power cut. An analyst holding
the old file open keeps reading the complete old version (Linux keeps the old inode alive
while it is open); a run killed at any point leaves the published file as it was, at worst
with a stray temporary file, which the next publisher removes.

One publisher at a time: an exclusive `flock` on a lock file in the same folder. The kernel
drops the lock when its holder dies, so a killed run never leaves a lock behind.

The database describes itself: each table and column keeps the comment dbt wrote from its
description in the build database (persist_docs), copied here, since `create table as`
carries no comments.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import stat
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.fault_points import fault_point

# The layers dbt builds published models in (macros/generate_schema_name.sql); which models
# are published is the dbt tag `published`, resolved by the caller.
PUBLISHED_SCHEMAS = ("core", "analytics")
TEMP_PREFIX = ".publishing-"
LOCK_NAME = ".publish.lock"
PUBLICATION_TABLE = "_publication"
PUBLICATION_COMMENTS = {
    None: "This publication (lần công bố): the run that wrote the database and when.",
    "run_id": "The Dagster run that published the database (mã lần chạy).",
    "published_at": "When it was published, UTC (thời điểm công bố).",
}
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
LOCK_WAIT_SECONDS = 600.0
HOLD_WAIT_SECONDS = 600.0


class PublishError(RuntimeError):
    """Publishing was refused or failed; the published database was left as it was."""


class PublishLockBusy(PublishError):
    """Another publisher holds the lock."""


@dataclass(frozen=True)
class Publication:
    path: Path
    run_id: str
    tables: dict[str, int]  # table name → row count


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    content_hash: int  # sum of the row hashes: independent of row order


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _describe_holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace").strip()
    return text or "an unknown process"


@contextmanager
def publish_lock(
    directory: Path, holder: str, wait_seconds: float = LOCK_WAIT_SECONDS
) -> Iterator[None]:
    """Hold the folder's publish lock; wait up to `wait_seconds` for another holder."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishLockBusy(
                        f"{directory / LOCK_NAME} is held by {_describe_holder(fd)}; another "
                        "publication is in progress. The published database was left as it "
                        "was; run again when it has finished."
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{holder} (pid {os.getpid()})\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Temporary files of publishers that died; call only while holding the publish lock."""
    removed = []
    for stale in directory.glob(f"{TEMP_PREFIX}*"):
        stale.unlink(missing_ok=True)
        removed.append(stale)
    return removed


def fingerprint(con: duckdb.DuckDBPyConnection, qualified_table: str) -> TableFingerprint:
    rows, content_hash = con.execute(
        f"select count(*), coalesce(sum(hash(t)), 0) from {qualified_table} as t"
    ).fetchone()
    return TableFingerprint(int(rows), int(content_hash))


def build_catalog(build_db: Path) -> str:
    """The name the build database is attached under: its own catalog name (the file's stem),
    because dbt's views name their tables with it (warehouse.intermediate.x)."""
    return build_db.stem


def locate_tables(
    con: duckdb.DuckDBPyConnection, catalog: str, tables: Sequence[str]
) -> dict[str, str]:
    """Each requested table or view → its schema in the attached build database."""
    found = dict(
        con.execute(
            "select table_name, table_schema from information_schema.tables "
            "where table_catalog = ? and table_schema in "
            f"({', '.join('?' for _ in PUBLISHED_SCHEMAS)})",
            [catalog, *PUBLISHED_SCHEMAS],
        ).fetchall()
    )
    missing = sorted(set(tables) - set(found))
    if missing:
        raise PublishError(
            f"the build database has no table {', '.join(missing)} in the schemas "
            f"{', '.join(PUBLISHED_SCHEMAS)}; nothing was published."
        )
    return {name: found[name] for name in tables}


def sql_text(text: str) -> str:
    """A SQL string literal (DuckDB's COMMENT ON takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def build_comments(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, name: str
) -> dict[str | None, str]:
    """The table's comment (key None) and its columns' comments in the attached build db."""
    relation = con.execute(
        "select comment from duckdb_tables() where database_name = ? "
        "and schema_name = ? and table_name = ? "
        "union all select comment from duckdb_views() where database_name = ? "
        "and schema_name = ? and view_name = ?",
        [catalog, schema, name, catalog, schema, name],
    ).fetchall()
    columns = con.execute(
        "select column_name, comment from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ?",
        [catalog, schema, name],
    ).fetchall()
    comments: dict[str | None, str] = {None: relation[0][0]} if relation else {}
    comments.update(columns)
    return {key: text for key, text in comments.items() if text}


def write_comments(
    con: duckdb.DuckDBPyConnection, name: str, comments: dict[str | None, str]
) -> None:
    for column, text in comments.items():
        target = f'table main."{name}"' if column is None else f'column main."{name}"."{column}"'
        con.execute(f"comment on {target} is {sql_text(text)}")


def write_copy(
    build_db: Path, temporary: Path, run_id: str, tables: Sequence[str]
) -> dict[str, TableFingerprint]:
    expected: dict[str, TableFingerprint] = {}
    with duckdb.connect(str(temporary)) as con:
        catalog = build_catalog(build_db)
        con.execute(f"attach '{build_db}' as \"{catalog}\" (read_only)")
        for name, schema in locate_tables(con, catalog, tables).items():
            # Rows in a fixed order, so two publications of the same marts are equal.
            con.execute(
                f'create table main."{name}" as '
                f'select * from "{catalog}".{schema}."{name}" order by all'
            )
            write_comments(con, name, build_comments(con, catalog, schema, name))
            expected[name] = fingerprint(con, f'"{catalog}".{schema}."{name}"')
            fault_point("publish.copy", f"{temporary} after {name}")  # reliability tests
        con.execute(
            f"create table main.{PUBLICATION_TABLE} as select ? as run_id, ? as published_at",
            [run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )
        write_comments(con, PUBLICATION_TABLE, PUBLICATION_COMMENTS)
        con.execute(f'detach "{catalog}"')
        con.execute("checkpoint")
    return expected


def verify_copy(temporary: Path, run_id: str, expected: dict[str, TableFingerprint]) -> None:
    """Read the written file back, as an analyst will, and compare it with the build."""
    with duckdb.connect(str(temporary), read_only=True) as con:
        for name, wanted in expected.items():
            got = fingerprint(con, f'main."{name}"')
            if got != wanted:
                raise PublishError(
                    f"read-back of {name} in {temporary.name} gave {got.rows} rows (hash "
                    f"{got.content_hash}) where the build has {wanted.rows} (hash "
                    f"{wanted.content_hash}); nothing was published."
                )
        written = con.execute(f"select run_id from {PUBLICATION_TABLE}").fetchall()
    if written != [(run_id,)]:
        raise PublishError(f"read-back of {temporary.name} names run {written}, not {run_id}.")


def hold_before_rename(hold: Path | None, temporary: Path) -> None:
    """Test hook: announce the finished temporary file in `hold`, wait while `hold` exists.

    The reliability tests kill the run during this pause, between the write and the rename.
    """
    if hold is None:
        return
    announced = hold.with_name(hold.name + ".writing")
    announced.write_text(str(temporary))
    announced.replace(hold)
    deadline = time.monotonic() + HOLD_WAIT_SECONDS
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def publish_marts(
    build_db: Path,
    published_db: Path,
    run_id: str,
    tables: Sequence[str],
    *,
    hold: Path | None = None,
    lock_wait_seconds: float = LOCK_WAIT_SECONDS,
) -> Publication:
    """Replace `published_db` with the `tables` of the build database, or leave it as it was."""
    folder = published_db.parent
    with publish_lock(folder, f"run {run_id}", lock_wait_seconds):
        remove_stale_temporaries(folder)
        temporary = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex}.duckdb"
        try:
            expected = write_copy(build_db, temporary, run_id, tables)
            verify_copy(temporary, run_id, expected)
            os.chmod(temporary, READ_ONLY)
            _fsync(temporary)
            hold_before_rename(hold, temporary)
            os.replace(temporary, published_db)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _fsync(folder)
    return Publication(published_db, run_id, {name: fp.rows for name, fp in expected.items()})
