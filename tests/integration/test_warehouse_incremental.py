"""An incremental run over new submissions gives exactly the tables of a full rebuild.

A first build, then new submissions arrive: a new period, a revision that corrects one
figure and withdraws another (the figures it does not resend stay: contract 3, revisions by
value), a revision a steward then rejects (the original comes back), a report sent back
(it leaves the facts) and a file received before the last build but landed after it. The
incremental build must equal a full rebuild of a copy of the same database, table by table.
tests/property/ checks the same over random sequences of nights.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from tests.integration.test_warehouse_support import (
    Submission,
    build,
    decide,
    land,
    new_build_db,
    read,
)

pytestmark = pytest.mark.slow

SCHEMAS = ("intermediate", "core", "analytics")


def members(unit: str, period: str, total: float, admitted: float) -> list[tuple]:
    return [
        (unit, period, "members_total", None, total, None),
        (unit, period, "members_admitted", None, admitted, None),
        (unit, period, "women_18_plus", None, 3 * total, None),
    ]


def finances(unit: str, period: str, balance: float) -> list[tuple]:
    return [(unit, period, "fin_trust_loan_balance", None, balance, None)]


FIRST_BATCH = [
    Submission("a-0507-01", dt.datetime(2024, 2, 3), members("C10507", "2024-01", 1000, 5)),
    Submission("a-0507-02", dt.datetime(2024, 3, 3), members("C10507", "2024-02", 1010, 6)),
    Submission("a-0507-03", dt.datetime(2024, 4, 3), members("C10507", "2024-03", 1020, 7)),
    Submission("a-0510-03", dt.datetime(2024, 4, 4), members("C10510", "2024-03", 800, 2)),
    Submission("a-P30-03", dt.datetime(2024, 4, 9), members("P30", "2024-03", 90_000, 300)),
    Submission("a-P30-fin", dt.datetime(2024, 4, 9), finances("P30", "2024-H1", 5e9)),
    Submission(
        "a-2025-07",
        dt.datetime(2025, 8, 5),
        members("C2025-10507", "2025-07", 2500, 20) + finances("C2025-10507", "2025-07", 1e9),
    ),
]

SECOND_BATCH = [
    # A new period.
    Submission("b-2025-08", dt.datetime(2025, 9, 5), members("C2025-10507", "2025-08", 2510, 15)),
    # A revision: members_total corrected, members_admitted withdrawn ('rút'); women_18_plus
    # is not resent and stays.
    Submission(
        "b-0507-02-rev",
        dt.datetime(2024, 5, 1),
        [
            ("C10507", "2024-02", "members_total", None, 1015.0, None),
            ("C10507", "2024-02", "members_admitted", None, None, None),
        ],
    ),
    # A revision the steward will reject: the original comes back.
    Submission("b-0510-03-rev", dt.datetime(2024, 5, 2), members("C10510", "2024-03", 8000, 2)),
    # Received (file mtime) long ago, landed only now.
    Submission("b-late-H1", dt.datetime(2024, 7, 15), finances("C10507", "2024-H1", 2e8)),
]


def tables(db) -> list[str]:
    frame = read(
        db,
        "select table_schema || '.' || table_name as name from information_schema.tables "
        f"where table_schema in {SCHEMAS} order by 1",
    )
    return frame.name.tolist()


def snapshot(db, name: str) -> pd.DataFrame:
    frame = read(db, f"select * from {name}")
    # Bookkeeping: a full build stamps every row with the log's last batch.
    frame = frame.drop(columns=["change_batch"], errors="ignore")
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    db = new_build_db(tmp / "incremental.duckdb")
    land(db, FIRST_BATCH)
    build(db, tmp)
    first = read(db, "select * from intermediate.int_values_latest_revision")

    land(db, SECOND_BATCH)
    decide(db, "d1", "b-0510-03-rev", "reject", dt.datetime(2025, 9, 20))
    decide(db, "d2", "a-P30-03", "send_back", dt.datetime(2025, 9, 20))
    build(db, tmp)
    nightly = night_test_scope(db, tmp)

    full = tmp / "full.duckdb"
    shutil.copy(db, full)
    build(full, tmp, "--full-refresh")
    return db, full, first, nightly


def night_test_scope(db, tmp) -> dict:
    """What the incremental run rebuilt (the reports of the log's last batch, and the rows
    stamped with it) and the SQL its data tests ran."""
    ran = tmp / "dbt_target" / "run"
    tests_sql = [p.read_text(encoding="utf-8") for p in ran.rglob("*models.yml/*.sql")]
    return {
        "reports": read(
            db,
            "select distinct unit_code, period_code, form from intermediate.int_changed_reports "
            "where change_batch = (select max(change_batch) from intermediate.int_changed_reports) "
            "order by all",
        ),
        "rebuilt_values": read(
            db,
            "select distinct unit_code, period_code, form "
            "from intermediate.int_values_latest_revision where change_batch = "
            "(select max(change_batch) from intermediate.int_values_latest_revision) order by all",
        ),
        "years": read(
            db,
            "select distinct year(period_end) as period_year "
            "from intermediate.int_values_over_units where change_batch = "
            "(select max(change_batch) from intermediate.int_values_over_units)",
        ),
        "tests_sql": "\n".join(tests_sql),
        "batch": read(
            db, "select max(change_batch) as batch from intermediate.int_changed_reports"
        ).batch.item(),
    }


def test_incremental_run_equals_a_full_rebuild(built):
    incremental, full, *_ = built
    names = tables(incremental)
    assert "core.fct_membership" in names and "intermediate.int_values_rolled_up" in names
    assert names == tables(full)
    for name in names:
        if name == "intermediate.int_changed_reports":
            continue  # the log itself: a full refresh keeps it
        pd.testing.assert_frame_equal(
            snapshot(incremental, name), snapshot(full, name), check_exact=False, obj=name
        )


def test_the_incremental_run_applied_each_change(built):
    incremental, _, first, _ = built
    values = read(incremental, "select * from core.fct_membership")

    def current(unit: str, period: str) -> dict[str, tuple[float, str]]:
        hit = values[(values.unit_code == unit) & (values.period_code == period)]
        return {r.indicator_code: (r.value, r.submission_id) for r in hit.itertuples()}

    # Revisions by value: the corrected figure is the revision's, the withdrawn one is gone,
    # the one not resent stays from the first submission.
    assert current("C10507", "2024-02") == {
        "members_total": (1015.0, "b-0507-02-rev"),
        "women_18_plus": (3030.0, "a-0507-02"),
    }
    assert current("C10510", "2024-03")["members_total"] == (800.0, "a-0510-03")
    assert current("P30", "2024-03") == {}
    assert current("C2025-10507", "2025-08")["members_total"] == (2510.0, "b-2025-08")
    assert len(first[(first.unit_code == "P30") & (first.period_code == "2024-03")]) == 3
    money = read(incremental, "select * from core.fct_finance where unit_code = 'C10507'")
    assert money.value.tolist() == [2e8]


def test_a_second_incremental_run_with_nothing_new_changes_nothing(built, tmp_path):
    incremental, *_ = built
    before = {name: snapshot(incremental, name) for name in tables(incremental)}
    build(incremental, tmp_path)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(snapshot(incremental, name), frame, obj=name)


def test_expected_reports_show_revisions_and_the_rejection(built):
    incremental, *_ = built
    with duckdb.connect(str(incremental), read_only=True) as con:
        p30 = con.sql(
            "select is_received, latest_submission_id from core.fct_submissions "
            "where unit_code = 'P30' and period_code = '2024-H1' and form = 'finances'"
        ).fetchone()
        commune = con.sql(
            "select is_received, is_on_time, revision_count from core.fct_submissions "
            "where unit_code = 'C2025-10507' and period_code = '2025-08' and form = 'members'"
        ).fetchone()
    assert p30 == (True, "a-P30-fin")
    assert commune == (True, True, 0)


def test_the_nightly_data_tests_check_only_the_rebuilt_reports(built):
    _, full, _, nightly = built
    rebuilt = [tuple(row) for row in nightly["reports"].itertuples(index=False)]
    # New, revised, rejected, sent back and late reports: the night's submissions and
    # decisions, nothing else.
    assert rebuilt == [
        ("C10507", "2024-02", "members"),
        ("C10507", "2024-H1", "finances"),
        ("C10510", "2024-03", "members"),
        ("C2025-10507", "2025-08", "members"),
        ("P30", "2024-03", "members"),
    ]
    # Rows written this night carry its batch (P30's sent-back report left no row).
    written = [tuple(row) for row in nightly["rebuilt_values"].itertuples(index=False)]
    assert written == [r for r in rebuilt if r[0] != "P30"]
    assert sorted(nightly["years"].period_year) == [2024, 2025]
    # The night's stamp is a literal in the tests' filter, so DuckDB skips older row groups.
    assert f"where change_batch = {nightly['batch']})" in nightly["tests_sql"]
    # After a full build every row carries the same batch, so its tests read whole tables.
    stamps = read(
        full,
        "select count(distinct change_batch) as n from intermediate.int_values_latest_revision",
    )
    assert stamps.n.tolist() == [1]
