"""Atomic publication on real DuckDB files: only the audited tables, read back, read-only,
one publisher at a time, a killed publisher's leftovers cleared by the next one."""

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.publisher import (
    LOCK_NAME,
    TEMP_PREFIX,
    PublishError,
    PublishLockBusy,
    publish_lock,
    publish_marts,
)


def build_db(path: Path, members: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists analytics")
        con.execute("create or replace table analytics.mart_x as select ? as members", [members])
        con.execute("create or replace table analytics.mart_unaudited as select 1 as x")
        con.execute("create schema if not exists core")
        con.execute("create or replace table core.not_published as select 1 as x")
    return path


def published_members(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select members from mart_x").fetchone()[0]


def visible_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != LOCK_NAME)


def test_reader_of_old_version_keeps_it_and_new_readers_see_new(tmp_path):
    build = build_db(tmp_path / "build.duckdb", 100)
    published = tmp_path / "published" / "marts.duckdb"
    first = publish_marts(build, published, "run-1", ["mart_x"])
    assert first.tables == {"mart_x": 1}
    analyst = duckdb.connect(str(published), read_only=True)
    build_db(build, 200)
    (published.parent / f"{TEMP_PREFIX}stale.duckdb").write_bytes(b"half-written")
    publish_marts(build, published, "run-2", ["mart_x"])
    assert analyst.execute("select members from mart_x").fetchone() == (100,)
    analyst.close()
    assert published_members(published) == 200
    with duckdb.connect(str(published), read_only=True) as fresh:
        tables = {r[0] for r in fresh.execute("show tables").fetchall()}
        assert fresh.execute("select run_id from _publication").fetchall() == [("run-2",)]
    # Only the audited table is copied; the stale temporary file is gone.
    assert tables == {"mart_x", "_publication"}
    assert visible_files(published.parent) == ["marts.duckdb"]


def test_published_file_is_read_only(tmp_path):
    build = build_db(tmp_path / "build.duckdb", 100)
    published = tmp_path / "published" / "marts.duckdb"
    publish_marts(build, published, "run-1", ["mart_x"])
    mode = stat.S_IMODE(published.stat().st_mode)
    assert mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0


def test_missing_mart_publishes_nothing_and_names_it(tmp_path):
    build = build_db(tmp_path / "build.duckdb", 100)
    published = tmp_path / "published" / "marts.duckdb"
    publish_marts(build, published, "run-1", ["mart_x"])
    before = published.read_bytes()
    with pytest.raises(PublishError, match="mart_never_built"):
        publish_marts(build, published, "run-2", ["mart_x", "mart_never_built"])
    assert published.read_bytes() == before
    assert visible_files(published.parent) == ["marts.duckdb"]


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from orchestration.publish.publisher import publish_lock
    with publish_lock(Path(sys.argv[1]), "holder in a test"):
        print("locked", flush=True)
        sys.stdin.readline()
    """
)


def test_second_publisher_waits_for_the_lock_and_a_dead_holder_leaves_none(tmp_path):
    build = build_db(tmp_path / "build.duckdb", 100)
    published = tmp_path / "published" / "marts.duckdb"
    published.parent.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(published.parent)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(PublishLockBusy, match="holder in a test"):
            publish_marts(build, published, "run-1", ["mart_x"], lock_wait_seconds=0)
        assert not published.exists()
        holder.kill()  # SIGKILL: the kernel releases the flock of a dead process
        holder.wait()
    finally:
        if holder.poll() is None:
            holder.kill()
    publish_marts(build, published, "run-1", ["mart_x"], lock_wait_seconds=0)
    assert published_members(published) == 100


def test_lock_is_exclusive_within_one_process_too(tmp_path):
    with publish_lock(tmp_path, "first"):
        with pytest.raises(PublishLockBusy, match="first"):
            with publish_lock(tmp_path, "second", wait_seconds=0):
                pass
    with publish_lock(tmp_path, "third", wait_seconds=0):
        assert (tmp_path / LOCK_NAME).read_text().startswith("third")


def test_failed_write_leaves_no_temporary_and_the_old_version(tmp_path):
    build = build_db(tmp_path / "build.duckdb", 100)
    published = tmp_path / "published" / "marts.duckdb"
    publish_marts(build, published, "run-1", ["mart_x"])
    os.remove(build)
    build.write_bytes(b"not a duckdb file")
    with pytest.raises(duckdb.Error):
        publish_marts(build, published, "run-2", ["mart_x"])
    assert published_members(published) == 100
    assert visible_files(published.parent) == ["marts.duckdb"]
