"""Recording steward decisions on a real DuckDB build database, with the review state dbt
defines (int_submission_reviews) built by dbt."""

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from expectations.review import ensure_quality_schema
from expectations.stewardship import DecisionError, record_decision
from ingestion.landing import ensure_raw_schema
from orchestration.warehouse.dbt_runner import run_dbt


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("stewardship")
    db = folder / "w.duckdb"
    with duckdb.connect(str(db)) as connection:
        ensure_raw_schema(connection)
        ensure_quality_schema(connection)
    run_dbt(["run", "--select", "+int_submission_reviews"], db, folder / "target")
    return db


@pytest.fixture
def con(tmp_path, template):
    shutil.copyfile(template, tmp_path / "w.duckdb")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        for sid, name in [("abcdef0123456789", "a.csv"), ("abcdef0199999999", "b.csv")]:
            connection.execute(
                "insert into raw.submissions by name select ? as submission_id, "
                "? as file_name, '' as archived_path, now() as received_at, now() as landed_at, "
                "'long_csv' as shape, 'accepted' as status, 1 as rows_read, "
                "1 as rows_accepted, 0 as rows_rejected",
                [sid, name],
            )
        yield connection


def test_decisions_are_appended_with_who_when_and_why(con):
    first = record_decision(
        con, "abcdef0123", "send_back", "members above women", "lan", dt.datetime(2026, 1, 1)
    )
    second = record_decision(con, "abcdef0123456789", "accept", "", "minh", dt.datetime(2026, 1, 2))
    assert (first.file_name, second.decision.value) == ("a.csv", "accept")
    rows = con.execute(
        "select submission_id, decision, reason, steward, decided_at from raw.steward_decisions "
        "order by decided_at"
    ).fetchall()
    assert rows == [
        ("abcdef0123456789", "send_back", "members above women", "lan", dt.datetime(2026, 1, 1)),
        ("abcdef0123456789", "accept", "", "minh", dt.datetime(2026, 1, 2)),
    ]


@pytest.mark.parametrize(
    ("submission", "decision", "reason", "steward", "message"),
    [
        ("abcdef01", "reject", "x", "lan", "có 2 báo cáo có mã bắt đầu bằng"),
        ("ffffffff", "reject", "x", "lan", "không có báo cáo nào có mã"),
        ("abc", "reject", "x", "lan", "ít nhất 8 ký tự đầu"),
        ("abcdef0123", "reject", "  ", "lan", "quyết định từ chối cần ghi lý do"),
        ("abcdef0123", "send_back", "", "lan", "quyết định trả lại cần ghi lý do"),
        ("abcdef0123", "accept", "", " ", "chưa rõ ai quyết định"),
    ],
)
def test_unusable_decisions_are_refused_with_what_to_change(
    con, submission, decision, reason, steward, message
):
    with pytest.raises(DecisionError, match=message):
        record_decision(con, submission, decision, reason, steward)
    assert con.execute("select count(*) from raw.steward_decisions").fetchone() == (0,)


def test_decisions_show_in_the_review_views_and_a_revision_needs_its_own_review(con):
    import pandas as pd

    from expectations.review import record_check

    ensure_quality_schema(con)
    findings = pd.DataFrame(
        [
            {"submission_id": sid, "file_name": name, "rule": "far_from_own_history"}
            | {"severity": "warning", "waivable": True, "source_row_number": 2}
            for sid, name in [("abcdef0123456789", "a.csv"), ("abcdef0199999999", "b.csv")]
        ]
    )
    record_check(
        con,
        "run-1",
        "over_time_warnings",
        "over_time",
        "int_values_latest_revision",
        findings,
        False,
        None,
        None,
        dt.datetime(2026, 1, 1),
    )
    record_decision(con, "abcdef0123", "send_back", "resend Q3", "lan", dt.datetime(2026, 1, 2))
    reviews = con.execute(
        "select file_name, warnings, decision, steward, review_status "
        "from quality.submission_reviews order by file_name"
    ).fetchall()
    assert reviews == [
        ("a.csv", 1, "send_back", "lan", "sent_back"),
        ("b.csv", 1, None, None, "to review: warnings"),
    ]
    record_decision(con, "abcdef0199", "accept", "", "minh", dt.datetime(2026, 1, 3))
    status = con.execute(
        "select review_status from quality.submission_reviews where file_name = 'b.csv'"
    ).fetchone()
    assert status == ("accepted",)
    log = con.execute(
        "select file_name, decision, reason, steward from quality.steward_decision_log "
        "order by decided_at"
    ).fetchall()
    assert log == [("a.csv", "send_back", "resend Q3", "lan"), ("b.csv", "accept", "", "minh")]


def test_a_steward_message_starts_in_vietnamese(con):
    with pytest.raises(DecisionError) as refused:
        record_decision(con, "ffffffff", "reject", "x", "lan")
    vietnamese, english = str(refused.value).split(" / ")
    assert vietnamese.startswith("không có báo cáo") and english.startswith("no submission")
