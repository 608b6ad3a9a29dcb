"""Helpers for the warehouse tests: a build database with the reviewed reference tables and
hand-written submissions landed straight into raw, and dbt run on it for real."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.landing import ensure_raw_schema, land_reference
from orchestration.warehouse.dbt_runner import run_dbt


@dataclass
class Submission:
    """One file as landing would have taken it in: rows of (unit, period, indicator,
    disaggregation or None, value, whole or None); a value of None is a withdrawn figure
    (the cell said 'rút', architecture contract 3)."""

    submission_id: str
    received_at: dt.datetime
    rows: list[tuple[str, str, str, str | None, float | None, float | None]] = field(
        default_factory=list
    )


def new_build_db(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        ensure_raw_schema(con)
        land_reference(con)
    return path


def land(path: Path, submissions: list[Submission]) -> None:
    """Insert submissions as accepted files with their values."""
    with duckdb.connect(str(path)) as con:
        for sub in submissions:
            n = len(sub.rows)
            con.execute(
                "insert into raw.submissions (submission_id, file_name, archived_path, "
                "received_at, shape, status, rows_read, rows_accepted, rows_rejected, landed_at) "
                "values (?, ?, ?, ?, 'long_csv', 'accepted', ?, ?, 0, ?)",
                [
                    sub.submission_id,
                    f"{sub.submission_id}.csv",
                    "archive",
                    sub.received_at,
                    n,
                    n,
                    sub.received_at,
                ],
            )
            con.executemany(
                "insert into raw.submission_values (submission_id, row_number, unit_code, "
                "period_code, indicator_code, disaggregation, value, value_whole, value_text, "
                "value_withdrawn) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        sub.submission_id,
                        i + 2,
                        u,
                        p,
                        ind,
                        dis,
                        v,
                        w,
                        "rút" if v is None else str(v),
                        v is None,
                    )
                    for i, (u, p, ind, dis, v, w) in enumerate(sub.rows)
                ],
            )


def decide(
    path: Path, decision_id: str, submission_id: str, decision: str, at: dt.datetime
) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(
            "insert into raw.steward_decisions values (?, ?, ?, 'test: figures wrong', "
            "'test.steward', ?)",
            [decision_id, submission_id, decision, at],
        )


def build(path: Path, tmp_path: Path, *extra: str) -> str:
    return run_dbt(
        ["build", *extra, "--vars", "{reporting_as_of: '2025-09-30'}"],
        path,
        target_path=tmp_path / "dbt_target",
    )


def read(path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).df()
