"""Recording steward decisions on a real DuckDB build database."""

import datetime as dt

import duckdb
import pytest

from ingestion.landing import ensure_raw_schema
from ingestion.stewardship import DecisionError, record_decision


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        ensure_raw_schema(connection)
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
        ("abcdef01", "reject", "x", "lan", "2 submissions start with"),
        ("ffffffff", "reject", "x", "lan", "no submission has an id"),
        ("abc", "reject", "x", "lan", "at least its first 8"),
        ("abcdef0123", "reject", "  ", "lan", "needs a reason"),
        ("abcdef0123", "accept", "", " ", "say who decides"),
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

    from expectations.review import ensure_quality_schema, record_check

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
        ("a.csv", 1, "send_back", "lan", "send_back"),
        ("b.csv", 1, None, None, "to review: warnings"),
    ]
    record_decision(con, "abcdef0199", "accept", "", "minh", dt.datetime(2026, 1, 3))
    status = con.execute(
        "select review_status from quality.submission_reviews where file_name = 'b.csv'"
    ).fetchone()
    assert status == ("accept",)
    log = con.execute(
        "select file_name, decision, reason, steward from quality.steward_decision_log "
        "order by decided_at"
    ).fetchall()
    assert log == [("a.csv", "send_back", "resend Q3", "lan"), ("b.csv", "accept", "", "minh")]
