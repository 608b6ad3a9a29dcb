"""Whether the reference data changed since the last successful warehouse build.

The incremental models rebuild only the reports a night's submissions touch; a changed
reference table (an org unit merged, a catalogue fact corrected, a deadline moved) changes
rows of every report, so it calls for a full refresh. The fingerprint is taken of the tables
as landed (raw.ref_*, the registry ingestion.reference.tables), and the fingerprint of the
last successful build is kept in the build database beside them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb

from ingestion.reference.tables import REFERENCE_TABLES

STATE_TABLE = "pipeline.reference_builds"


def _table_fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str:
    # Each row as text (a struct's text names its fields, so a renamed or retyped column
    # counts as a change too), sorted, then hashed whole: no per-row hash is combined.
    (digest,) = con.execute(
        f"select sha256(coalesce(string_agg(row_text, chr(10) order by row_text), '')) "
        f"from (select cast(t as varchar) as row_text from raw.{table} as t)"
    ).fetchone()
    return digest


def reference_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """One fingerprint of every reference table as landed (a missing table is marked absent)."""
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    digest = hashlib.sha256()
    for table in sorted(REFERENCE_TABLES):
        part = _table_fingerprint(con, table) if table in present else "absent"
        digest.update(f"{table}\0{part}\n".encode())
    return digest.hexdigest()


def last_built_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the last successful build, or None before the first."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'pipeline' and table_name = 'reference_builds'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute(
        f"select reference_hash from {STATE_TABLE} order by built_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def record_built_fingerprint(
    con: duckdb.DuckDBPyConnection, fingerprint: str, run_id: str, full_refresh: bool
) -> None:
    """Called after a successful build only: a failed one leaves the old fingerprint, so the
    next run refreshes again."""
    con.execute("create schema if not exists pipeline")
    con.execute(
        f"create table if not exists {STATE_TABLE} (reference_hash varchar not null, "
        "built_at timestamp not null, run_id varchar, full_refresh boolean not null)"
    )
    con.execute(
        f"insert into {STATE_TABLE} values (?, ?, ?, ?)",
        [fingerprint, dt.datetime.now(dt.UTC).replace(tzinfo=None), run_id, full_refresh],
    )
