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
                "insert into raw.submissions values (?, ?, '', now(), 'long_csv', 'accepted', "
                "1, 1, 0, null, null)",
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
