"""A steward's decisions on the figures proposed from a narrative report, on a real DuckDB.

The figures are written as landing writes them (insert_proposals), without the extractor, so
each decision rule is tested on figures whose fields the test chooses.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from expectations.stewardship import record_decision
from ingestion.landing import ensure_raw_schema
from ingestion.narrative_review.decisions import NarrativeDecisionError, record_narrative_decision
from ingestion.narrative_review.proposals import Proposals, insert_proposals
from ingestion.narrative_review.release import RELEASE_SHAPE
from ingestion.narrative_review.review import reports_to_review, review_rows
from ingestion.resolve import unit_resolver

REPORT = "ab" * 32
DAY = dt.datetime(2024, 2, 1)


def _figure(number, value, indicator, *, unit, period="2023", qualifier="exact", target=False):
    kind = None if period is None else "term" if period.startswith("T") else "year"
    return (
        REPORT,
        number,
        float(value),
        f"{value:g}",
        number * 100,
        number * 100 + 3,
        qualifier,
        None,
        "hội viên",
        indicator,
        unit,
        period,
        kind,
        None,
        f"Câu số {number} có {value:g} hội viên.",
        target,
    )


@pytest.fixture
def district() -> str:
    return unit_resolver().resolve("Huyện Thủ Thừa, Long An", on=dt.date(2023, 12, 31))


@pytest.fixture
def con(tmp_path, district):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        ensure_raw_schema(connection)
        connection.execute(
            "insert into raw.submissions by name select ? as submission_id, "
            "'bao-cao.docx' as file_name, '/archive/x' as archived_path, "
            "timestamp '2024-01-10' as received_at, timestamp '2024-01-10' as landed_at, "
            "'narrative' as shape, 'accepted' as status, 5 as rows_read, 5 as rows_accepted, "
            "0 as rows_rejected",
            [REPORT],
        )
        figures = [
            _figure(1, 612, "members_admitted", unit=district),
            _figure(2, 300, None, unit=district, qualifier="about"),
            _figure(3, 18450, "women_18_plus", unit=district),
            _figure(4, 95, "members_rate", unit=district, period="T2026-2031", target=True),
            _figure(5, 14, "prog_houses_built", unit=None, period=None),
        ]
        report = (REPORT, "bao-cao.docx", "Báo cáo", None, district, "huyện Thủ Thừa", "2023")
        insert_proposals(connection, [Proposals((*report, "năm 2023", 5, None), figures)])
        yield connection


def _decide(con, decision, **kwargs):
    return record_narrative_decision(
        con, REPORT[:12], decision, kwargs.pop("steward", "lan"), decided_at=DAY, **kwargs
    )


def _statuses(con) -> dict[int, str]:
    rows = con.execute(
        "select figure_number, review_status from raw.narrative_figure_reviews "
        "where submission_id = ? order by 1",
        [REPORT],
    ).fetchall()
    return dict(rows)


def test_a_figure_without_indicator_unit_or_period_is_refused_and_nothing_written(con):
    with pytest.raises(NarrativeDecisionError) as refused:
        _decide(con, "accept_all")
    message = str(refused.value)
    assert "chỉ nhận được số liệu có đủ chỉ tiêu, đơn vị và kỳ" in message
    assert "số liệu 2" in message and "thiếu chỉ tiêu" in message
    assert "số liệu 5" in message and "thiếu đơn vị, kỳ" in message
    assert con.execute("select count(*) from raw.narrative_decisions").fetchone() == (0,)
    assert con.execute("select count(*) from raw.narrative_values").fetchone() == (0,)


def test_accept_all_but_rejects_the_listed_and_releases_the_rest(con):
    recorded = _decide(con, "accept_all_but", figures=[2, 5])
    # Figure 4 is a target: it stays a target, never accepted as a result.
    assert (recorded.accepted, recorded.rejected) == ((1, 3), (2, 5))
    assert _statuses(con) == {1: "accept", 2: "reject", 3: "accept", 4: "proposed", 5: "reject"}
    released = con.execute(
        "select figure_number, indicator_code, value, report_submission_id from "
        "raw.narrative_values where submission_id = ? order by 1",
        [recorded.release_id],
    ).fetchall()
    assert released == [
        (1, "members_admitted", 612.0, REPORT),
        (3, "women_18_plus", 18450.0, REPORT),
    ]
    release = con.execute(
        "select shape, file_name, received_at, rows_read, rows_accepted, rows_rejected "
        "from raw.submissions where submission_id = ?",
        [recorded.release_id],
    ).fetchone()
    assert release == (RELEASE_SHAPE, "bao-cao.docx", dt.datetime(2024, 1, 10), 2, 2, 0)
    receipts = con.execute(
        "select file_name, received_at from raw.submission_receipts where submission_id = ?",
        [recorded.release_id],
    ).fetchall()
    assert receipts == [("bao-cao.docx", dt.datetime(2024, 1, 10))]


def test_correct_then_accept_replaces_the_release_before(con, district):
    first = _decide(con, "accept_all_but", figures=[2, 5])
    corrected = _decide(con, "correct", figures=[3], indicator="Tổng số hội viên")
    assert corrected.corrected == (3,)
    # The correction changes an accepted figure: a new release, the old one rejected.
    assert corrected.release_id not in (None, first.release_id)
    rejected = con.execute(
        "select decision, steward from raw.steward_decisions where submission_id = ?",
        [first.release_id],
    ).fetchall()
    assert rejected == [("reject", "lan")]
    _decide(con, "correct", figures=[2], indicator="prog_households_out_of_poverty", steward="minh")
    _decide(con, "correct", figures=[5], unit="Huyện Thủ Thừa, Long An", period="năm 2023")
    last = _decide(con, "accept_all")
    assert last.accepted == (1, 2, 3, 5)
    values = con.execute(
        "select figure_number, indicator_code, unit_code, period_code, qualifier "
        "from raw.narrative_values where submission_id = ? order by 1",
        [last.release_id],
    ).fetchall()
    assert values == [
        (1, "members_admitted", district, "2023", "exact"),
        (2, "prog_households_out_of_poverty", district, "2023", "about"),
        (3, "members_total", district, "2023", "exact"),
        (5, "prog_houses_built", district, "2023", "exact"),
    ]
    # Decisions are appended: every one is still there, with who and when.
    log = con.execute(
        "select decision, count(*), min(steward), max(steward) from raw.narrative_decisions "
        "group by decision order by decision"
    ).fetchall()
    assert log == [
        ("accept", 6, "lan", "lan"),
        ("correct", 3, "lan", "minh"),
        ("reject", 2, "lan", "lan"),
    ]


def test_reject_needs_a_reason_and_takes_the_release_out(con):
    accepted = _decide(con, "accept_all_but", figures=[2, 5])
    with pytest.raises(NarrativeDecisionError, match="cần ghi lý do"):
        _decide(con, "reject")
    rejected = _decide(con, "reject", reason="báo cáo của năm khác")
    assert rejected.release_id is None
    assert set(_statuses(con).values()) == {"reject"}
    (decision,) = con.execute(
        "select decision from raw.steward_decisions where submission_id = ?",
        [accepted.release_id],
    ).fetchone()
    assert decision == "reject"


def test_two_accepted_figures_for_one_unit_period_and_indicator_are_refused(con):
    _decide(con, "correct", figures=[3], indicator="members_admitted")
    with pytest.raises(NarrativeDecisionError, match="chỉ nhận một số liệu") as refused:
        _decide(con, "accept_all_but", figures=[2, 5])
    assert "số liệu 1" in str(refused.value) and "số liệu 3" in str(refused.value)


@pytest.mark.parametrize(
    ("decision", "kwargs", "message"),
    [
        ("accept_all_but", {"figures": [9]}, "không có số liệu số 9"),
        ("accept_all_but", {}, "cần danh sách số liệu"),
        ("accept_all", {"figures": [1]}, "áp dụng cho cả báo cáo"),
        ("correct", {"figures": [2]}, "cần ít nhất một trong"),
        ("correct", {"figures": [2], "indicator": "không có chỉ tiêu này"}, "không có chỉ tiêu"),
        ("correct", {"figures": [2], "period": "mùa xuân"}, "không nhận ra kỳ báo cáo"),
        ("correct", {"figures": [2], "unit": "Xã Không Tồn Tại"}, "đơn vị 'Xã Không Tồn Tại'"),
        ("accept_all", {"steward": " "}, "người quyết định"),
    ],
)
def test_unusable_decisions_say_what_to_change(con, decision, kwargs, message):
    with pytest.raises(NarrativeDecisionError, match=message):
        _decide(con, decision, **kwargs)
    assert con.execute("select count(*) from raw.narrative_decisions").fetchone() == (0,)


def test_a_form_submission_is_not_decided_here(con):
    con.execute(
        "insert into raw.submissions by name select ? as submission_id, 'bieu-mau.csv' as "
        "file_name, '' as archived_path, now() as received_at, 'long_csv' as shape, "
        "'accepted' as status, 1 as rows_read, 1 as rows_accepted, 0 as rows_rejected",
        ["cd" * 32],
    )
    with pytest.raises(NarrativeDecisionError, match="không phải báo cáo văn bản"):
        record_narrative_decision(con, "cd" * 6, "accept_all", "lan")


def test_a_release_a_steward_rejected_elsewhere_is_released_again(con):
    first = _decide(con, "accept_all_but", figures=[2, 5])
    record_decision(con, first.release_id, "reject", "held by the gate", "lan", DAY)
    again = _decide(con, "accept_all_but", figures=[2, 5])
    assert again.release_id not in (None, first.release_id)


def test_the_review_lists_each_figure_with_its_indicator_name_and_status(con):
    (report,) = reports_to_review(con)
    assert (report.figures, report.open_figures) == (5, 4)
    rows = review_rows(con, REPORT)
    assert rows[0][1] == "chờ duyệt"
    assert rows[0][4] == "members_admitted Hội viên kết nạp mới"
    assert rows[1][3] == "khoảng"
    assert rows[3][1] == "chờ duyệt (mục tiêu)"
    assert rows[4][5] == "—" and rows[4][6] == "—"
    _decide(con, "accept_all_but", figures=[2, 5])
    assert reports_to_review(con) == []
    assert review_rows(con, REPORT)[1][1] == "không nhận"
