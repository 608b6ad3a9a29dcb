"""A period code's kind and days are stated twice, of necessity: landing reads periods in
Python before dbt runs (ingestion/normalise/periods.py), and the warehouse knows every period
in int_periods. This test holds the two together on every period int_periods makes, those
of submitted "as of" dates and terms included."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from ingestion.landing import ensure_raw_schema
from ingestion.normalise import period_from_code
from ingestion.reference.tables import land_reference_tables
from orchestration.warehouse.dbt_runner import run_dbt

# Written by a clerk, landed as such: an odd term and an "as of" date beside the calendar.
SUBMITTED = [("T2019-2024", "term"), ("2023-10-30", "date"), ("2024-02", "month")]


@pytest.fixture(scope="module")
def periods(tmp_path_factory) -> list[tuple]:
    folder = tmp_path_factory.mktemp("periods")
    db = folder / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        ensure_raw_schema(con)
        land_reference_tables(con)
        for number, (code, kind) in enumerate(SUBMITTED, start=2):
            con.execute(
                "insert into raw.submission_values by name select 'sub-1' as submission_id, "
                "? as row_number, 'P2025-01' as unit_code, ? as period_code, ? as period_kind, "
                "'members_total' as indicator_code, 1.0 as value, '1' as value_text",
                [number, code, kind],
            )
    run_dbt(["run", "--select", "+int_periods"], db, Path(folder) / "target")
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select period_code, period_kind, period_start, period_end, months_covered "
            "from intermediate.int_periods order by period_code"
        ).fetchall()


def test_every_period_of_int_periods_is_the_same_period_to_landing(periods) -> None:
    codes = {code for code, *_ in periods}
    assert {code for code, _ in SUBMITTED} <= codes
    for code, kind, start, end, _ in periods:
        period = period_from_code(code)
        assert (period.kind, period.start, period.end) == (kind, start, end), code


def test_months_covered_counts_whole_months(periods) -> None:
    for code, kind, start, end, months in periods:
        if kind == "date":
            assert months is None, code
            continue
        after_end = end + dt.timedelta(days=1)
        assert start.day == 1 and after_end.day == 1, code
        assert (after_end.year - start.year) * 12 + after_end.month - start.month == months
