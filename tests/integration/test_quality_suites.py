"""Each check of the gate fails on a crafted submission and passes on a clean one.

Real DuckDB build databases with the checked tables made by hand (the dbt models' names and
columns), the history and peer statistics computed from them by int_value_history's and
int_value_peers' own compiled SQL, real Great Expectations, no Dagster:
expectations.gate.screen_submissions and check_aggregates are what the gate asset and the
aggregate checks call.
"""

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations.gate import check_aggregates, holds_from, prune_docs, screen_submissions
from expectations.review import ensure_quality_schema, prune_failures, record_holds
from expectations.stewardship import DecisionError, record_decision
from ingestion.landing import ensure_raw_schema
from ingestion.reference.tables import land_reference_tables
from orchestration.quality.checks import report_metadata
from orchestration.warehouse.dbt_runner import run_dbt

CHECKED_AT = dt.datetime(2026, 3, 1, 2, 0)
UNIT = "P2025-01"
# What the gate reads besides the values: the catalogue and org units through staging, the
# periods, the review state, the history and peer statistics (dbt builds them on the
# template; the statistics are computed again per test from the test's values).
STATISTICS = ["int_value_history", "int_value_peers"]
GATE_INPUTS = [
    "stg_reference__indicators",
    "stg_reference__org_units",
    "int_periods",
    "int_submission_reviews",
    *STATISTICS,
]
COMPILED = "compiled/vwu_warehouse/models/intermediate/{}.sql"


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
def template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A build database with the raw schema, the reference tables and the models the gate
    reads besides the values, built by dbt, copied per test; and the statistics models' SQL
    as dbt compiled it for that database."""
    folder = tmp_path_factory.mktemp("template")
    db = folder / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        ensure_raw_schema(con)
        land_reference_tables(con)
        ensure_quality_schema(con)  # the holds table, as the gate's first run leaves it
    select = [f"+{model}" for model in GATE_INPUTS]
    run_dbt(["run", "--threads", "4", "--select", *select], db, folder / "target")
    with duckdb.connect(str(db)) as con:
        # The tests make the values and the roll-up by hand: plain tables in their place,
        # and the statistics made from them as tables (int_value_history is a view).
        con.execute("drop view intermediate.int_values_rolled_up")
        con.execute("drop table intermediate.int_values_latest_revision")
        con.execute("drop view intermediate.int_value_history")
    compiled = {m: (folder / "target" / COMPILED.format(m)).read_text("utf-8") for m in STATISTICS}
    return db, compiled


@pytest.fixture
def make_db(template):
    return lambda *args, **kwargs: build_db(template, *args, **kwargs)


def rolled_up_table(con: duckdb.DuckDBPyConnection, rows: list[dict] | None) -> None:
    """The roll-up as given; none given: an empty one with the model's columns that read."""
    if rows is not None:
        con.register("t", pd.DataFrame(rows))
        con.execute("create table intermediate.int_values_rolled_up as from t")
        con.unregister("t")
        return
    con.execute(
        "create table intermediate.int_values_rolled_up (borders varchar, unit_code varchar, "
        "period_code varchar, indicator_code varchar, disaggregation varchar, "
        "period_kind varchar, period_end date, value double, value_source varchar, "
        "is_below_coverage boolean)"
    )


def build_db(template, path: Path, values: list[dict], rolled_up=None, expected=None):
    """A copy of the template with these values, roll-up and expected reports, and the
    history and peer statistics dbt's compiled models compute from them. No roll-up given:
    no roll-up table (the aggregates check fails closed)."""
    template_db, compiled = template
    path.mkdir(parents=True, exist_ok=True)
    db = path / "warehouse.duckdb"
    shutil.copyfile(template_db, db)
    frame = pd.DataFrame(values)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists core")
        con.register("v", frame)
        con.execute("create or replace table intermediate.int_values_latest_revision as from v")
        rolled_up_table(con, rolled_up)
        for model, sql in compiled.items():
            con.execute(f"create or replace table intermediate.{model} as {sql}")
        if rolled_up is None:
            con.execute("drop table intermediate.int_values_rolled_up")
        con.execute(
            "insert into raw.submissions by name select distinct submission_id, file_name, "
            "'' as archived_path, received_at, received_at as landed_at, 'long_csv' as shape, "
            "'accepted' as status, 1 as rows_read, 1 as rows_accepted, 0 as rows_rejected "
            "from v"
        )
        if expected is not None:
            con.register("t", pd.DataFrame(expected))
            con.execute("create table core.fct_submissions as from t")
            con.unregister("t")
    return db


def screen(db: Path, docs: Path | None = None, run_id: str = "run-1"):
    """One round of the submissions stage, as the gate asset runs it."""
    with duckdb.connect(str(db)) as con:
        reports = screen_submissions(con, run_id, docs, CHECKED_AT)
    return {r.spec.name: r for r in reports}


def aggregates(db: Path, docs: Path | None = None):
    with duckdb.connect(str(db)) as con:
        reports = check_aggregates(con, "run-1", docs, CHECKED_AT)
    return {r.spec.name: r for r in reports}


def failed_rules(report) -> set[str]:
    return set(report.open_rows.rule)


@pytest.fixture
def clean_db(tmp_path, make_db):
    return make_db(tmp_path, clean_report() + monthly_history([1000, 1010, 990, 1005, 1002]))


def test_a_clean_report_passes_every_check(clean_db, tmp_path):
    reports = screen(clean_db, tmp_path / "docs")
    assert reports and all(r.passed for r in reports.values()), {
        n: r.open_rows.to_dict("records") for n, r in reports.items()
    }
    assert all(r.docs_index and r.docs_index.is_file() for r in reports.values())
    for report in reports.values():
        metadata = report_metadata(report, "run-1")
        assert metadata["failing_rows"].value == 0
        assert metadata["submissions_to_review"].value == "none"
        assert metadata["held_submissions"].value == "none"
    assert holds_from(list(reports.values())).empty


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
    report = screen(db)["contract_errors"]
    assert not report.passed and report.spec.blocking
    assert failed_rules(report) == {rule}
    (failing,) = report.open_rows.to_dict("records")
    assert (failing["unit_code"], failing["period_code"]) == (bad["unit_code"], bad["period_code"])
    assert failing["file_name"] == bad["file_name"] and failing["expected"]
    assert failing["expected_vi"] and failing["expected_vi"] != failing["expected"]


def test_net_growth_may_be_negative_and_target_achievement_may_exceed_100(tmp_path, make_db):
    rows = [r for r in clean_report() if r["indicator_code"] != "members_net_growth"]
    rows += [
        row(UNIT, "2025", "members_net_growth", -5),
        row(UNIT, "2026", "target_achievement_pct", 130.0),
    ]
    rows = [r for r in rows if r["indicator_code"] not in ("members_admitted", "members_lost")]
    assert screen(make_db(tmp_path, rows))["contract_errors"].passed


def test_catalogue_facts_come_from_the_catalogue_through_staging(tmp_path, make_db):
    """The gate reads may_be_negative from stg_reference__indicators, not from a list of its
    own: a catalogue that says so lets members_lost be negative too."""
    db = make_db(tmp_path, [*clean_report(), row(UNIT, "2024", "members_lost", -3)])
    assert not screen(db)["contract_errors"].passed
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create or replace table raw.ref_indicators as select * replace "
            "(may_be_negative or indicator_code = 'members_lost' as may_be_negative) "
            "from raw.ref_indicators"
        )
    assert screen(db, run_id="run-2")["contract_errors"].passed


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
    report = screen(db)["consistency_errors"]
    assert not report.passed
    assert failed_rules(report) == {rule}
    (failing,) = report.open_rows.to_dict("records")
    assert failing["indicator_code"] == indicator and failing["value"] == value


def test_a_disaggregated_value_above_its_total_fails(tmp_path, make_db):
    rows = [*clean_report(), row(UNIT, "2025", "members_rate", 81.0, disaggregation="worker")]
    rows += [row(UNIT, "2025", "prog_poor_households", 10)]
    rows += [row(UNIT, "2025", "prog_poor_households", 11, disaggregation="ethnic_minority")]
    report = screen(make_db(tmp_path, rows))["consistency_errors"]
    assert set(report.open_rows.indicator_code) == {"members_rate", "prog_poor_households"}
    assert failed_rules(report) == {"part_not_above_whole"}


def test_implausible_money_per_beneficiary_is_only_a_warning(tmp_path, make_db):
    db = make_db(tmp_path, replaced(clean_report(), "prog_godmother_money", 10 * 1_500_000 * 12))
    reports = screen(db)
    assert reports["consistency_errors"].passed
    warning = reports["consistency_warnings"]
    assert not warning.passed and not warning.spec.blocking
    (failing,) = warning.open_rows.to_dict("records")
    assert failing["rule"] == "money_per_beneficiary_plausible"
    assert "1,500,000" in failing["expected"] and "1.500.000" in failing["expected_vi"]


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
    report = screen(db)[check]
    assert not report.passed
    (failing,) = report.open_rows.to_dict("records")
    assert (failing["rule"], failing["period_code"], failing["value"]) == (rule, "2025-06", current)
    assert "median 1,002 of 5 earlier values" in failing["expected"]
    assert "trung vị 1.002 của 5 kỳ trước" in failing["expected_vi"]


def test_the_z_score_warning_needs_four_earlier_values(tmp_path, make_db):
    db = make_db(tmp_path, monthly_history([1000, 1010, 990, 1500]))
    assert screen(db)["over_time_warnings"].passed


def test_a_unit_error_needs_only_one_earlier_value(tmp_path, make_db):
    """A province's trust loans 1,000 times its previous year: one year of history is enough."""
    loans = [
        row("P2025-05", "2024", "fin_trust_loan_balance", 2.1e12, "sub-loans-2024-aaaaaaaa"),
        row("P2025-05", "2025", "fin_trust_loan_balance", 2.3e15, "sub-loans-2025-aaaaaaaa"),
    ]
    report = screen(make_db(tmp_path, loans))["over_time_errors"]
    (failing,) = report.open_rows.to_dict("records")
    assert (failing["rule"], failing["period_code"]) == ("probable_unit_error", "2025")
    assert "of 1 earlier values" in failing["expected"]


def test_over_time_compares_only_the_same_period_kind(tmp_path, make_db):
    yearly = row(UNIT, "2025", "members_total", 12_000_000)
    db = make_db(tmp_path, [*monthly_history(HISTORY), yearly])
    assert all(r.passed for r in screen(db).values())


@pytest.mark.parametrize(("current", "flagged"), [(101, False), (130, False), (200, True)])
def test_over_time_fallback_when_the_history_is_constant(tmp_path, current, flagged, make_db):
    db = make_db(tmp_path, monthly_history([100, 100, 100, 100, current]))
    warnings = screen(db)["over_time_warnings"]
    assert warnings.passed is not flagged


def test_over_time_fallback_when_mad_is_zero_but_not_all_equal(tmp_path, make_db):
    # MAD is 0 (most values equal); the mean absolute deviation takes over.
    db = make_db(tmp_path, monthly_history([100, 100, 100, 104, 100, 400]))
    (failing,) = screen(db)["over_time_warnings"].open_rows.to_dict("records")
    assert failing["value"] == 400


PROVINCES = ["P2025-01", "P2025-04", "P2025-08", "P2025-11", "P2025-12", "P2025-14", "P2025-15"]


def provinces_loans(per_household: list[float], households: float = 10_000) -> list[dict]:
    """Province trust-loan balances of one year: per borrowing household as given."""
    rows = []
    for unit, per in zip(PROVINCES, per_household, strict=False):
        submission = f"sub-{unit}-fin-aaaaaaaa"
        rows.append(row(unit, "2025", "fin_borrowing_households", households, submission))
        rows.append(row(unit, "2025", "fin_trust_loan_balance", per * households, submission))
    return rows


PEERS = [52e6, 48e6, 61e6, 55e6, 45e6, 58e6]  # đồng per borrowing household


@pytest.mark.parametrize(
    ("outlier", "check", "rule"),
    [
        (53e9, "cross_section_errors", "probable_unit_error_among_peers"),
        (53e3, "cross_section_errors", "probable_unit_error_among_peers"),
        (200e6, "cross_section_warnings", "far_from_peers"),
    ],
)
def test_cross_section_flags_a_value_per_household_far_from_its_peers(
    tmp_path, outlier, check, rule, make_db
):
    db = make_db(tmp_path, provinces_loans([*PEERS, outlier]))
    reports = screen(db)
    (failing,) = reports[check].open_rows.to_dict("records")
    assert (failing["rule"], failing["unit_code"]) == (rule, "P2025-15")
    assert "7 province units" in failing["expected"]
    assert "bình quân mỗi fin_borrowing_households" in failing["expected_vi"]
    other = "cross_section_warnings" if check == "cross_section_errors" else "cross_section_errors"
    assert set(reports[other].open_rows.unit_code) <= {"P2025-15"}


def test_cross_section_is_quiet_among_similar_peers_and_with_too_few(tmp_path, make_db):
    similar = make_db(tmp_path / "a", provinces_loans([*PEERS, 70e6]))
    few = make_db(tmp_path / "b", provinces_loans([*PEERS[:3], 53e9]))
    for db in (similar, few):
        reports = screen(db)
        assert reports["cross_section_errors"].passed and reports["cross_section_warnings"].passed


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
            "value_source": "derived",
            "is_below_coverage": False,
        }
        for m, v in enumerate(values, start=1)
    ]


def test_rolled_up_aggregates_are_judged_over_time(tmp_path, make_db):
    on_time = [expected_report(UNIT, dt.date(2026, 1, 20), dt.datetime(2026, 1, 10), True)]
    db = make_db(
        tmp_path, clean_report(), rolled_up=rolled([*HISTORY, 1_002_000]), expected=on_time
    )
    errors = aggregates(db)["rolled_up_over_time_errors"]
    assert not errors.passed and errors.missing is None and errors.spec.blocking
    (failing,) = errors.open_rows.to_dict("records")
    assert failing["period_code"] == "2025-06" and "children's submissions" in failing["expected"]
    assert "đơn vị trực thuộc" in failing["expected_vi"]
    clean = make_db(
        tmp_path / "c", clean_report(), rolled_up=rolled([*HISTORY, 1003]), expected=on_time
    )
    assert all(r.passed for r in aggregates(clean).values())


def test_a_check_whose_table_is_missing_fails(clean_db, tmp_path, make_db):
    """Fail closed: a blocking check that cannot read its table does not pass."""
    reports = aggregates(clean_db)
    for name, table in (
        ("rolled_up_over_time_errors", "intermediate.int_values_rolled_up"),
        ("completeness_warnings", "core.fct_submissions"),
    ):
        assert not reports[name].passed
        assert table in reports[name].missing and "không kiểm tra được" in reports[name].missing
        assert report_metadata(reports[name], "run-1")["missing_table"].value
    with duckdb.connect(str(clean_db)) as con:
        con.execute("drop table intermediate.int_values_latest_revision")
    screened = screen(clean_db, run_id="run-2")
    assert not screened["contract_errors"].passed
    assert "int_values_latest_revision" in screened["contract_errors"].missing
    with duckdb.connect(str(clean_db), read_only=True) as con:
        recorded = con.execute(
            "select check_name, passed from quality.check_runs where skipped is not null "
            "and check_name in ('rolled_up_over_time_errors', 'contract_errors') order by 1"
        ).fetchall()
    assert recorded == [("contract_errors", False), ("rolled_up_over_time_errors", False)]


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
    db = make_db(tmp_path, clean_report(), rolled_up=rolled(HISTORY), expected=expected)
    report = aggregates(db)["completeness_warnings"]
    assert not report.passed and not report.spec.blocking
    listed = report.open_rows.sort_values("unit_code").to_dict("records")
    assert [r["unit_code"] for r in listed] == ["P2025-02", "P2025-03"]
    assert listed[0]["expected"] == "members report due 2026-01-20: not received"
    assert (
        listed[1]["expected"] == "members report due 2026-01-20: received 2026-01-25, 5 days late"
    )
    assert (
        listed[1]["expected_vi"]
        == "báo cáo members hạn 20/01/2026: nhận ngày 25/01/2026, trễ 5 ngày"
    )
    on_time = make_db(
        tmp_path / "c", clean_report(), rolled_up=rolled(HISTORY), expected=expected[:1]
    )
    assert aggregates(on_time)["completeness_warnings"].passed


def test_every_failing_row_is_recorded_beyond_gx_sample_caps(tmp_path, make_db):
    bad = [{**row(UNIT, "2025", "members_lost", -1), "source_row_number": n} for n in range(2, 752)]
    db = make_db(tmp_path, bad)
    report = screen(db)["contract_errors"]
    assert len(report.open_rows) == 750
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            "select count(*), min(row_number), max(row_number), any_value(severity) "
            "from quality.check_failures where run_id = 'run-1' and check_name = 'contract_errors'"
        ).fetchone()
    assert stored == (750, 2, 751, "error")


def hold(db: Path, run_id: str = "run-1") -> pd.DataFrame:
    """One round of the gate: screen, then append the holds, as gate_submissions does."""
    reports = screen(db, run_id=run_id)
    holds = holds_from(list(reports.values()))
    with duckdb.connect(str(db)) as con:
        record_holds(con, holds, run_id, CHECKED_AT + dt.timedelta(minutes=1))
    return holds


def review(db: Path, submission: str) -> tuple:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select review_state, is_held, is_excluded_from_facts, latest_decision "
            "from intermediate.int_submission_reviews where submission_id = ?",
            [submission],
        ).fetchone()


def test_an_error_holds_its_submission_and_only_it(tmp_path, make_db):
    bad = "sub-bad-P2025-04-aaaaaaaa"
    rows = [
        *clean_report(),
        *replaced(clean_report("P2025-04", submission=bad), "members_total", 1200),
    ]
    db = make_db(tmp_path, rows)
    holds = hold(db)
    (held,) = holds.to_dict("records")
    assert (held["submission_id"], held["rules"]) == (bad, "members_not_above_women_18_plus")
    assert held["is_waivable"] is False
    assert held["reason_vi"].startswith("dòng 2: P2025-04 2025 members_total = 1.200: tổng số")
    assert "không quá số phụ nữ từ 18 tuổi (women_18_plus) = 1.000" in held["reason_vi"]
    assert review(db, bad) == ("held", True, True, None)
    assert review(db, clean_report()[0]["submission_id"]) == ("not_reviewed", False, False, None)
    with duckdb.connect(str(db)) as con:
        with pytest.raises(DecisionError, match="không thể chấp nhận .* từ chối"):
            record_decision(con, bad[:12], "accept", "", "lan")
        assert con.execute("select count(*) from raw.steward_decisions").fetchone() == (0,)
        record_decision(con, bad[:12], "send_back", "members above women 18+", "lan")
    assert review(db, bad) == ("sent_back", False, True, "send_back")


def test_an_accept_lets_a_waivable_hold_in_and_waives_its_findings(tmp_path, make_db):
    outlier = "sub-outlier-bbbbbbbb"
    db = make_db(
        tmp_path,
        [*monthly_history(HISTORY), row(UNIT, "2025-06", "members_total", 1_003_000, outlier)],
    )
    (held,) = hold(db).to_dict("records")
    assert (held["rules"], held["is_waivable"]) == ("probable_unit_error", True)
    assert review(db, outlier)[:3] == ("held", True, True)
    with duckdb.connect(str(db)) as con:
        record_decision(con, outlier[:12], "accept", "a real merger", "lan")
    assert review(db, outlier) == ("accepted", False, False, "accept")
    again = screen(db, run_id="run-2")
    assert again["over_time_errors"].passed and again["over_time_warnings"].passed
    assert len(again["over_time_errors"].waived_rows) == 1  # still recorded, marked waived
    with duckdb.connect(str(db), read_only=True) as con:
        waived = con.execute(
            "select rule, waived_by_decision from quality.check_failures "
            "where run_id = 'run-2' and waived_by_decision is not null order by rule"
        ).fetchall()
        status = con.execute(
            "select review_status, decision, steward from quality.submission_reviews "
            "where submission_id = ?",
            [outlier],
        ).fetchone()
    assert waived == [("far_from_own_history", "accept"), ("probable_unit_error", "accept")]
    assert status == ("accepted", "accept", "lan")


def test_an_accepted_submission_with_an_impossible_figure_is_held_again(tmp_path, make_db):
    accepted = "sub-accepted-bbbbbbbb"
    negative = row(UNIT, "2025-06", "members_lost", -1, accepted)
    db = make_db(tmp_path, [*monthly_history(HISTORY), negative])
    with duckdb.connect(str(db)) as con:
        record_decision(con, accepted, "accept", "looked fine", "lan", CHECKED_AT)
    (held,) = hold(db).to_dict("records")
    assert (held["rules"], held["is_waivable"]) == ("amount_not_negative", False)
    assert review(db, accepted)[:3] == ("held", True, True)


def test_a_table_level_failure_names_no_submission_and_holds_nothing(tmp_path, make_db):
    rows = [{**r, "value": str(r["value"])} for r in clean_report()]
    db = make_db(tmp_path, rows)
    report = screen(db)["contract_errors"]
    assert "value_is_a_number" in failed_rules(report)
    assert holds_from([report]).empty  # nothing to quarantine: the check blocks publishing


def test_old_runs_are_pruned_but_their_summaries_kept(tmp_path, make_db):
    db = make_db(tmp_path, [*clean_report(), row(UNIT, "2025", "members_lost", -3)])
    docs = tmp_path / "docs"
    with duckdb.connect(str(db)) as con:
        for n in range(3):
            screen_submissions(con, f"run-{n}", docs, CHECKED_AT + dt.timedelta(hours=n))
        prune_failures(con, "contract_errors", keep_runs=2)
        kept = con.execute(
            "select distinct run_id from quality.check_failures "
            "where check_name = 'contract_errors' order by 1"
        ).fetchall()
        summaries = con.execute(
            "select count(*) from quality.check_runs where check_name = 'contract_errors'"
        ).fetchone()
    assert kept == [("run-1",), ("run-2",)] and summaries == (3,)
    prune_docs(docs, keep=1)
    assert [p.name for p in docs.iterdir()] == ["run-2"]


def test_the_holds_table_and_its_dbt_stand_in_have_the_same_columns(template):
    """stg_quality__submission_holds reads quality.submission_holds, or an empty stand-in
    with its columns before the gate first runs (the template was built before it)."""
    from expectations.review import HOLD_COLUMNS

    with duckdb.connect(str(template[0]), read_only=True) as con:
        columns = con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'staging' and table_name = 'stg_quality__submission_holds' "
            "order by ordinal_position"
        ).fetchall()
    assert [c for (c,) in columns] == list(HOLD_COLUMNS)


def test_a_conflict_between_two_submissions_holds_the_later_one(tmp_path, make_db):
    """With revisions at the level of the value, a resend of one figure can conflict with a
    figure an earlier submission sent: the later submission brought the conflict."""
    earlier = clean_report(submission="sub-first-aaaaaaaa")
    later = {
        **row(UNIT, "2025", "women_18_plus", 700, "sub-resend-bbbbbbbb"),
        "received_at": dt.datetime(2026, 2, 1),
    }
    rows = [r for r in earlier if r["indicator_code"] != "women_18_plus"] + [later]
    (held,) = hold(make_db(tmp_path, rows)).to_dict("records")
    assert (held["submission_id"], held["rules"]) == (
        "sub-resend-bbbbbbbb",
        "members_not_above_women_18_plus",
    )
