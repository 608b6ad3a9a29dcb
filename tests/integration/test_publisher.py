"""Atomic publication on real DuckDB files."""

from pathlib import Path

import duckdb

from orchestration.publish.publisher import TEMP_PREFIX, publish_marts


def build_db(path: Path, members: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists analytics")
        con.execute("create or replace table analytics.mart_x as select ? as members", [members])
        con.execute("create schema if not exists core")
        con.execute("create or replace table core.not_published as select 1 as x")
    return path


def test_reader_of_old_version_keeps_it_and_new_readers_see_new(tmp_path):
    build = build_db(tmp_path / "build.duckdb", 100)
    published = tmp_path / "published" / "marts.duckdb"
    first = publish_marts(build, published, "run-1")
    assert first.tables == {"mart_x": 1}
    analyst = duckdb.connect(str(published), read_only=True)
    build_db(build, 200)
    (published.parent / f"{TEMP_PREFIX}stale.duckdb").write_bytes(b"half-written")
    publish_marts(build, published, "run-2")
    assert analyst.execute("select members from mart_x").fetchone() == (100,)
    analyst.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select members from mart_x").fetchone() == (200,)
        tables = {r[0] for r in fresh.execute("show tables").fetchall()}
    assert tables == {"mart_x", "_publication"}
    assert [p.name for p in published.parent.iterdir()] == ["marts.duckdb"]
