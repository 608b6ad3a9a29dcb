"""Each check of the gate fails on a crafted submission and passes on a clean one.

Real DuckDB build databases with the checked tables made by hand (the dbt models' names and
columns), real Great Expectations, no Dagster: expectations.gate.run_suite is what the asset
checks call.
"""

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations.gate import prune_docs, run_suite
from expectations.review import prune_failures
from ingestion.landing import ensure_raw_schema
from ingestion.reference.tables import land_reference_tables
from ingestion.stewardship import record_decision
from orchestration.quality.checks import report_metadata

CHECKED_AT = dt.datetime(2026, 3, 1, 2, 0)
UNIT = "P2025-01"


def row(unit, period, indicator, value, submission=None, disaggregation="total", whole=None):
    return {
        "unit_code": unit,
        "period_code": period,
        "indicator_code": indicator,
        "disaggregation": disaggregation,
        "value": value,
        "value_text": str(value),
        "value_whole": whole,
        "submission_id": submission or f"sub-{unit}-{period}-aaaaaaaa",
        "file_name": f"{unit}_{period}.csv",
        "source_row_number": 2,
        "received_at": dt.datetime(2026, 1, 1),
    }


def clean_report(unit=UNIT, period="2025", submission=None) -> list[dict]:
    figures = {
        "women_18_plus": 1000,
        "members_total": 800,
        "members_admitted": 30,
        "members_lost": 10,
        "members_net_growth": 20,
        "members_rate": 80.0,
        "prog_godmother_children": 10,
        "prog_godmother_money": 10 * 500_000 * 12,
    }
    rows = [row(unit, period, i, v, submission) for i, v in figures.items()]
    rows.append(row(unit, period, "members_by_kind", 500, submission, "worker"))
    rows.append(row(unit, period, "members_chairs_certified", 3, submission, whole=5))
    return rows


def monthly_history(values: list[float], indicator="members_total", unit=UNIT) -> list[dict]:
    return [
        row(unit, f"2025-{m:02d}", indicator, v, f"sub-{unit}-2025-{m:02d}-aaaaaaaa")
        for m, v in enumerate(values, start=1)
    ]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A build database with the raw schema and the reference tables, copied per test."""
    db = tmp_path_factory.mktemp("template") / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        ensure_raw_schema(con)
        land_reference_tables(con)
    return db


@pytest.fixture
def make_db(template):
    return lambda *args, **kwargs: build_db(template, *args, **kwargs)


def build_db(template: Path, path: Path, values: list[dict], rolled_up=None, expected=None):
    path.mkdir(parents=True, exist_ok=True)
    db = path / "warehouse.duckdb"
    shutil.copyfile(template, db)
    frame = pd.DataFrame(values)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists intermediate")
        con.execute("create schema if not exists core")
        con.register("v", frame)
        con.execute("create or replace table intermediate.int_values_latest_revision as from v")
        con.execute(
            "insert into raw.submissions by name select distinct submission_id, file_name, "
            "'' as archived_path, received_at, received_at as landed_at, 'long_csv' as shape, "
            "'accepted' as status, 1 as rows_read, 1 as rows_accepted, 0 as rows_rejected "
            "from v"
        )
        for name, table, schema in (
            ("int_values_rolled_up", rolled_up, "intermediate"),
            ("fct_submissions", expected, "core"),
        ):
            if table is not None:
                con.register("t", pd.DataFrame(table))
                con.execute(f"create table {schema}.{name} as from t")
                con.unregister("t")
    return db


def run(db: Path, suite: str, docs: Path | None = None):
    with duckdb.connect(str(db)) as con:
        reports = run_suite(con, suite, "run-1", docs, CHECKED_AT)
    return {r.spec.name: r for r in reports}


def failed_rules(report) -> set[str]:
    return set(report.open_rows.rule)


@pytest.fixture
def clean_db(tmp_path, make_db):
    return make_db(tmp_path, clean_report() + monthly_history([1000, 1010, 990, 1005, 1002]))


@pytest.mark.parametrize("suite", ["contract", "consistency", "over_time"])
def test_a_clean_report_passes_every_check(clean_db, tmp_path, suite):
    reports = run(clean_db, suite, tmp_path / "docs")
    assert reports and all(r.passed for r in reports.values()), {
        n: r.open_rows.to_dict("records") for n, r in reports.items()
    }
    assert all(r.docs_index and r.docs_index.is_file() for r in reports.values())
    for report in reports.values():
        metadata = report_metadata(report, "run-1")
        assert metadata["failing_rows"].value == 0
        assert metadata["submissions_to_review"].value == "none"


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        (row(UNIT, "2025", "members_lost", -3), "amount_not_negative"),
        (row("P99", "2025", "members_lost", 3), "unit_known"),
        (row(UNIT, "2025", "members_adopted", 3), "indicator_known"),
        (row(UNIT, "Q3/2025", "members_lost", 3), "period_known"),
        (row(UNIT, "2025", "prog_houses_built", 2.5), "count_is_whole_number"),
        (row(UNIT, "2025", "fin_d8_disbursement_rate", 120.0), "rate_within_0_100"),
        (row(UNIT, "2025", "members_lost", None), "value_present"),
    ],
)
def test_contract_errors_fail_on_a_crafted_row(tmp_path, bad, rule, make_db):
    db = make_db(tmp_path, [*clean_report(), bad])
    report = run(db, "contract")["contract_errors"]
    assert not report.passed and report.spec.blocking
    assert failed_rules(report) == {rule}
    (failing,) = report.open_rows.to_dict("records")
    assert (failing["unit_code"], failing["period_code"]) == (bad["unit_code"], bad["period_code"])
    assert failing["file_name"] == bad["file_name"] and failing["expected"]


def test_net_growth_may_be_negative_and_target_achievement_may_exceed_100(tmp_path, make_db):
    rows = [r for r in clean_report() if r["indicator_code"] != "members_net_growth"]
    rows += [
        row(UNIT, "2025", "members_net_growth", -5),
        row(UNIT, "2026", "target_achievement_pct", 130.0),
    ]
    rows = [r for r in rows if r["indicator_code"] not in ("members_admitted", "members_lost")]
    assert run(make_db(tmp_path, rows), "contract")["contract_errors"].passed


def replaced(rows: list[dict], indicator: str, value, disaggregation="total") -> list[dict]:
    return [
        {**r, "value": value}
        if (r["indicator_code"], r["disaggregation"]) == (indicator, disaggregation)
        else r
        for r in rows
    ]


@pytest.mark.parametrize(
    ("indicator", "value", "disaggregation", "rule"),
    [
        ("members_net_growth", 25, "total", "net_growth_is_admitted_minus_lost"),
        ("members_total", 1200, "total", "members_not_above_women_18_plus"),
        ("members_by_kind", 900, "worker", "members_by_kind_not_above_total"),
        ("members_chairs_certified", 7, "total", "part_not_above_whole"),
        ("prog_godmother_money", 10 * 500 * 12, "total", "money_per_beneficiary_unit_error"),
    ],
)
def test_consistency_errors_fail_on_a_crafted_report(
    tmp_path, indicator, value, disaggregation, rule, make_db
):
    db = make_db(tmp_path, replaced(clean_report(), indicator, value, disaggregation))
    report = run(db, "consistency")["consistency_errors"]
    assert not report.passed
    assert failed_rules(report) == {rule}
    (failing,) = report.open_rows.to_dict("records")
    assert failing["indicator_code"] == indicator and failing["value"] == value


def test_a_disaggregated_value_above_its_total_fails(tmp_path, make_db):
    rows = [*clean_report(), row(UNIT, "2025", "members_rate", 81.0, disaggregation="worker")]
    rows += [row(UNIT, "2025", "prog_poor_households", 10)]
    rows += [row(UNIT, "2025", "prog_poor_households", 11, disaggregation="ethnic_minority")]
    report = run(make_db(tmp_path, rows), "consistency")["consistency_errors"]
    assert set(report.open_rows.indicator_code) == {"members_rate", "prog_poor_households"}
    assert failed_rules(report) == {"part_not_above_whole"}


def test_implausible_money_per_beneficiary_is_only_a_warning(tmp_path, make_db):
    db = make_db(tmp_path, replaced(clean_report(), "prog_godmother_money", 10 * 1_500_000 * 12))
    reports = run(db, "consistency")
    assert reports["consistency_errors"].passed
    warning = reports["consistency_warnings"]
    assert not warning.passed and not warning.spec.blocking
    (failing,) = warning.open_rows.to_dict("records")
    assert failing["rule"] == "money_per_beneficiary_plausible"
    assert "1,500,000" in failing["expected"]


HISTORY = [1000, 1010, 990, 1005, 1002]


@pytest.mark.parametrize(
    ("current", "check", "rule"),
    [
        (1500, "over_time_warnings", "far_from_own_history"),
        (1_003_000, "over_time_errors", "probable_unit_error"),
        (1.003, "over_time_errors", "probable_unit_error"),
    ],
)
def test_over_time_fails_on_a_value_far_from_its_history(tmp_path, current, check, rule, make_db):
    db = make_db(tmp_path, monthly_history([*HISTORY, current]))
    report = run(db, "over_time")[check]
    assert not report.passed
    (failing,) = report.open_rows.to_dict("records")
    assert (failing["rule"], failing["period_code"], failing["value"]) == (rule, "2025-06", current)
    assert "median 1,002 of 5 earlier values" in failing["expected"]


def test_over_time_needs_four_earlier_values_before_judging(tmp_path, make_db):
    db = make_db(tmp_path, monthly_history([1000, 1010, 990, 1_000_000]))
    assert all(r.passed for r in run(db, "over_time").values())


def test_over_time_compares_only_the_same_period_kind(tmp_path, make_db):
    yearly = row(UNIT, "2025", "members_total", 12_000_000)
    db = make_db(tmp_path, [*monthly_history(HISTORY), yearly])
    assert all(r.passed for r in run(db, "over_time").values())


@pytest.mark.parametrize(("current", "flagged"), [(101, False), (130, False), (200, True)])
def test_over_time_fallback_when_the_history_is_constant(tmp_path, current, flagged, make_db):
    db = make_db(tmp_path, monthly_history([100, 100, 100, 100, current]))
    warnings = run(db, "over_time")["over_time_warnings"]
    assert warnings.passed is not flagged


def test_over_time_fallback_when_mad_is_zero_but_not_all_equal(tmp_path, make_db):
    # MAD is 0 (most values equal); the mean absolute deviation takes over.
    db = make_db(tmp_path, monthly_history([100, 100, 100, 104, 100, 400]))
    (failing,) = run(db, "over_time")["over_time_warnings"].open_rows.to_dict("records")
    assert failing["value"] == 400


def rolled(values: list[float], unit="P2025-01") -> list[dict]:
    return [
        {
            "borders": "2025",
            "unit_code": unit,
            "unit_level": "province",
            "period_code": f"2025-{m:02d}",
            "period_kind": "month",
            "period_end": dt.date(2025, m, 28),
            "indicator_code": "members_total",
            "disaggregation": "total",
            "value": v,
            "value_reported": None,
            "value_from_children": v,
            "difference": None,
        }
        for m, v in enumerate(values, start=1)
    ]


def test_rolled_up_aggregates_are_judged_over_time(tmp_path, make_db):
    db = make_db(tmp_path, clean_report(), rolled_up=rolled([*HISTORY, 1_002_000]))
    reports = run(db, "over_time")
    errors = reports["rolled_up_over_time_errors"]
    assert not errors.passed and errors.skipped is None
    (failing,) = errors.open_rows.to_dict("records")
    assert failing["period_code"] == "2025-06" and "children's submissions" in failing["expected"]
    clean = make_db(tmp_path / "c", clean_report(), rolled_up=rolled([*HISTORY, 1003]))
    assert all(r.passed for r in run(clean, "over_time").values())


def test_missing_tables_are_reported_as_skipped_not_crashed(clean_db):
    rolled_up = run(clean_db, "over_time")["rolled_up_over_time_errors"]
    completeness = run(clean_db, "completeness")["completeness_warnings"]
    for report, table in (
        (rolled_up, "intermediate.int_values_rolled_up"),
        (completeness, "core.fct_submissions"),
    ):
        assert report.passed
        assert report.skipped == f"skipped: {table} is not in the build database " + (
            "(not built by this project yet)"
        )
    with duckdb.connect(str(clean_db), read_only=True) as con:
        skipped = con.execute(
            "select check_name from quality.check_runs where skipped is not null order by 1"
        ).fetchall()
    assert ("completeness_warnings",) in skipped and ("rolled_up_over_time_errors",) in skipped


def expected_report(unit, deadline, received=None, on_time=None) -> dict:
    return {
        "unit_code": unit,
        "period_code": "2025-H2",
        "form": "members",
        "deadline": deadline,
        "is_received": received is not None,
        "is_on_time": on_time,
        "first_received_at": received,
        "latest_submission_id": None,
        "revision_count": 1 if received else 0,
    }


def test_completeness_lists_reports_not_received_by_the_deadline(tmp_path, make_db):
    expected = [
        expected_report("P2025-01", dt.date(2026, 1, 20), dt.datetime(2026, 1, 10), True),
        expected_report("P2025-02", dt.date(2026, 1, 20)),
        expected_report("P2025-03", dt.date(2026, 1, 20), dt.datetime(2026, 1, 25), False),
        expected_report("P2025-04", dt.date(2026, 6, 20)),  # not due yet
    ]
    db = make_db(tmp_path, clean_report(), expected=expected)
    report = run(db, "completeness")["completeness_warnings"]
    assert not report.passed and not report.spec.blocking
    listed = report.open_rows.sort_values("unit_code").to_dict("records")
    assert [r["unit_code"] for r in listed] == ["P2025-02", "P2025-03"]
    assert listed[0]["expected"] == "members report due 2026-01-20: not received"
    assert (
        listed[1]["expected"] == "members report due 2026-01-20: received 2026-01-25, 5 days late"
    )
    on_time = make_db(tmp_path / "c", clean_report(), expected=expected[:1] + expected[3:])
    assert run(on_time, "completeness")["completeness_warnings"].passed


def test_every_failing_row_is_recorded_beyond_gx_sample_caps(tmp_path, make_db):
    bad = [{**row(UNIT, "2025", "members_lost", -1), "source_row_number": n} for n in range(2, 752)]
    db = make_db(tmp_path, bad)
    report = run(db, "contract")["contract_errors"]
    assert len(report.open_rows) == 750
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            "select count(*), min(row_number), max(row_number), any_value(severity) "
            "from quality.check_failures where run_id = 'run-1' and check_name = 'contract_errors'"
        ).fetchone()
    assert stored == (750, 2, 751, "error")


def test_a_stewards_accept_waives_warnings_and_over_time_errors_but_not_contract_errors(
    tmp_path, make_db
):
    outlier = row(UNIT, "2025-06", "members_total", 1_003_000, "sub-accepted-bbbbbbbb")
    negative = row(UNIT, "2025-06", "members_lost", -1, "sub-accepted-bbbbbbbb")
    db = make_db(tmp_path, [*monthly_history(HISTORY), outlier, negative])
    with duckdb.connect(str(db)) as con:
        record_decision(con, "sub-accepted-bbbbbbbb", "accept", "a real merger", "lan")
    over_time = run(db, "over_time")
    contract = run(db, "contract")
    assert over_time["over_time_errors"].passed and over_time["over_time_warnings"].passed
    assert len(over_time["over_time_errors"].rows) == 1  # still recorded, marked waived
    assert not contract["contract_errors"].passed
    with duckdb.connect(str(db), read_only=True) as con:
        waived = con.execute(
            "select rule, waived_by_decision from quality.check_failures "
            "where waived_by_decision is not null order by rule"
        ).fetchall()
        review = con.execute(
            "select review_status, decision, steward from quality.submission_reviews "
            "where submission_id = 'sub-accepted-bbbbbbbb'"
        ).fetchone()
    assert waived == [("far_from_own_history", "accept"), ("probable_unit_error", "accept")]
    assert review == ("to review: errors", "accept", "lan")


def test_old_runs_are_pruned_but_their_summaries_kept(tmp_path, make_db):
    db = make_db(tmp_path, [*clean_report(), row(UNIT, "2025", "members_lost", -3)])
    docs = tmp_path / "docs"
    with duckdb.connect(str(db)) as con:
        for n in range(3):
            run_suite(con, "contract", f"run-{n}", docs, CHECKED_AT + dt.timedelta(hours=n))
        prune_failures(con, "contract_errors", keep_runs=2)
        kept = con.execute(
            "select distinct run_id from quality.check_failures order by 1"
        ).fetchall()
        summaries = con.execute("select count(*) from quality.check_runs").fetchone()
    assert kept == [("run-1",), ("run-2",)] and summaries == (3,)
    prune_docs(docs, keep=1)
    assert [p.name for p in docs.iterdir()] == ["run-2"]
