"""Landing rules added with the contracts: repeated rows, disaggregation codes, received and
landed times, and revisions kept in history."""

import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ingestion.inbox import record_sightings
from ingestion.landing import land_inbox

HEADER = "unit,period,indicator,value,disaggregation\n"


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        yield connection


def write(inbox: Path, name: str, text: str, mtime: dt.datetime | None = None) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        stamp = mtime.replace(tzinfo=dt.UTC).timestamp()
        os.utime(path, (stamp, stamp))
    return path


def rejections(con) -> list[tuple]:
    return con.execute(
        "select row_number, column_name, cell_text, reason_en, reason_vi "
        "from raw.rejections order by row_number"
    ).fetchall()


def test_exact_repeat_keeps_the_first_row_and_rejects_each_repeat(tmp_path, con):
    write(
        tmp_path / "inbox",
        "repeat.csv",
        HEADER
        + "P2025-01,2025,members_total,1000,\n"
        + "P2025-01,2025,women_18_plus,2000,\n"
        + "P2025-01,2025,members_total,1.000,\n"  # same value, written the Vietnamese way
        + "P2025-01,2025,members_total,1000,\n",
    )
    (outcome,) = land_inbox(tmp_path / "inbox", tmp_path / "archive", con).files
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected) == (4, 2, 2)
    assert [(r[0], r[3], r[4]) for r in rejections(con)] == [
        (4, "duplicate of row 2", "trùng lặp với dòng 2"),
        (5, "duplicate of row 2", "trùng lặp với dòng 2"),
    ]
    kept = con.execute(
        "select row_number, value from raw.submission_values where indicator_code = 'members_total'"
    ).fetchall()
    assert kept == [(2, 1000.0)]


def test_conflicting_repeats_are_all_rejected(tmp_path, con):
    write(
        tmp_path / "inbox",
        "conflict.csv",
        HEADER
        + "P2025-01,2025,members_total,1000,\n"
        + "P2025-01,2025,members_total,1200,\n"
        + "P2025-01,2025,members_lost,7,\n"
        # the same indicator with another disaggregation is not a repeat
        + "P2025-01,2025,prog_poor_households,40,\n"
        + "P2025-01,2025,prog_poor_households,12,Dân tộc thiểu số\n",
    )
    (outcome,) = land_inbox(tmp_path / "inbox", tmp_path / "archive", con).files
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected) == (5, 3, 2)
    rows = rejections(con)
    assert [(r[0], r[2]) for r in rows] == [(2, "1000"), (3, "1200")]
    assert all("rows 2, 3" in r[3] and "dòng 2, 3" in r[4] for r in rows)


def test_a_row_rejected_for_its_cells_does_not_count_as_a_repeat(tmp_path, con):
    write(
        tmp_path / "inbox",
        "bad_then_good.csv",
        HEADER + "P2025-01,2025,members_total,không rõ,\nP2025-01,2025,members_total,1000,\n",
    )
    (outcome,) = land_inbox(tmp_path / "inbox", tmp_path / "archive", con).files
    assert (outcome.rows_accepted, outcome.rows_rejected) == (1, 1)
    assert [r[1] for r in rejections(con)] == ["value"]


@pytest.mark.parametrize(
    ("indicator", "written", "code"),
    [
        ("prog_poor_households", "Dân tộc thiểu số", "ethnic_minority"),
        ("prog_poor_households", "dan toc thieu so", "ethnic_minority"),
        ("prog_poor_households", "DTTS", "ethnic_minority"),
        ("prog_households_out_of_poverty", "Phụ nữ làm chủ hộ", "female_head_of_household"),
        ("prog_households_out_of_poverty", "female head of household", "female_head_of_household"),
        ("members_by_kind", "Theo địa bàn dân cư", "residential"),
        ("members_by_kind", "Công nhân", "worker"),
        ("prog_model_women", "Cấp tỉnh", "level:province"),
        ("prog_model_women", "level:commune", "level:commune"),
        ("prog_gifts", "Trẻ em", "recipient:children"),
        ("prog_activities", "Trẻ em", "topic:child_protection"),
        ("prog_propaganda_sessions", "Dự án 8", "programme:du_an_8"),
        ("target_value", "target:prog_d8_comm_groups", "target:prog_d8_comm_groups"),
        ("members_total", "Tổng số", None),
        ("members_total", "", None),
    ],
)
def test_disaggregations_land_as_canonical_codes(tmp_path, con, indicator, written, code):
    write(tmp_path / "inbox", "d.csv", HEADER + f"P2025-01,2025,{indicator},12,{written}\n")
    assert land_inbox(tmp_path / "inbox", tmp_path / "archive", con).files[0].rows_accepted == 1
    row = con.execute(
        "select disaggregation, disaggregation_text from raw.submission_values"
    ).fetchone()
    assert row == (code, written or None)


@pytest.mark.parametrize(
    ("indicator", "written", "reason"),
    [
        ("members_total", "Dân tộc thiểu số", "members_total is not broken down by"),
        ("prog_poor_households", "Cấp tỉnh", "the catalogue allows: ethnic_minority"),
        ("prog_poor_households", "người cao tuổi", "not a known disaggregation"),
    ],
)
def test_disaggregation_not_allowed_or_unknown_is_a_rejected_row(
    tmp_path, con, indicator, written, reason
):
    write(tmp_path / "inbox", "d.csv", HEADER + f"P2025-01,2025,{indicator},12,{written}\n")
    (outcome,) = land_inbox(tmp_path / "inbox", tmp_path / "archive", con).files
    assert (outcome.rows_accepted, outcome.rows_rejected) == (0, 1)
    ((row, column, cell, reason_en, reason_vi),) = rejections(con)
    assert (row, column, cell) == (2, "disaggregation", written)
    assert reason in reason_en and reason_vi


def test_received_at_is_when_the_pipeline_first_saw_the_file_not_its_mtime(tmp_path, con):
    """A copy tool keeps a file's modification time, so a back-dated file would look on time:
    the received time is the first sighting of the file in the inbox (by the sensor or by
    landing), and the mtime is kept beside it as information only."""
    landed_at = dt.datetime(2026, 1, 20, 2, 0)
    inbox = tmp_path / "inbox"
    seen = write(
        inbox, "seen.csv", HEADER + "P2025-01,2025,members_total,1,\n", dt.datetime(2026, 1, 5)
    )
    record_sightings(inbox, {seen: dt.datetime(2026, 1, 9, tzinfo=dt.UTC).timestamp()})
    write(
        inbox, "backdated.csv", HEADER + "P2025-04,2025,members_total,1,\n", dt.datetime(2025, 6, 1)
    )
    land_inbox(inbox, tmp_path / "archive", con, landed_at=landed_at)
    rows = con.execute(
        "select s.file_name, s.received_at, s.file_mtime, r.received_at, r.file_mtime, "
        "s.landed_at from raw.submissions s join raw.submission_receipts r using (submission_id) "
        "order by s.file_name"
    ).fetchall()
    assert rows == [
        # Not seen before this landing (whose clock says 20 January): received then, not in June.
        (
            "backdated.csv",
            landed_at,
            dt.datetime(2025, 6, 1),
            landed_at,
            dt.datetime(2025, 6, 1),
            landed_at,
        ),
        (
            "seen.csv",
            dt.datetime(2026, 1, 9),
            dt.datetime(2026, 1, 5),
            dt.datetime(2026, 1, 9),
            dt.datetime(2026, 1, 5),
            landed_at,
        ),
    ]


def arrive(inbox: Path, name: str, text: str, when: dt.datetime) -> Path:
    """A file that arrived, and was seen by the pipeline, at `when`."""
    path = write(inbox, name, text, when)
    record_sightings(inbox, {path: when.replace(tzinfo=dt.UTC).timestamp()})
    return path


def test_a_revision_lands_beside_its_original_and_both_stay_in_history(tmp_path, con):
    inbox = tmp_path / "inbox"
    original = HEADER + "P2025-01,2025,members_total,1000,\nP2025-01,2025,women_18_plus,2000,\n"
    arrive(inbox, "v1.csv", original, dt.datetime(2026, 1, 5))
    land_inbox(inbox, tmp_path / "archive", con, landed_at=dt.datetime(2026, 1, 6))
    arrive(inbox, "v2.csv", original.replace("1000", "1100"), dt.datetime(2026, 1, 9))
    land_inbox(inbox, tmp_path / "archive", con, landed_at=dt.datetime(2026, 1, 10))
    history = con.execute(
        "select s.file_name, s.received_at, v.value from raw.submission_values v "
        "join raw.submissions s using (submission_id) "
        "where v.indicator_code = 'members_total' order by s.received_at"
    ).fetchall()
    assert history == [
        ("v1.csv", dt.datetime(2026, 1, 5), 1000.0),
        ("v2.csv", dt.datetime(2026, 1, 9), 1100.0),
    ]
    # The rule of the facts (contract 3): the latest received submission for the key wins.
    latest = con.execute(
        "select v.value from raw.submission_values v join raw.submissions s using "
        "(submission_id) where v.indicator_code = 'members_total' "
        "order by s.received_at desc, s.submission_id desc limit 1"
    ).fetchone()
    assert latest == (1100.0,)
    archived = con.execute("select archived_path from raw.submissions").fetchall()
    assert all(Path(path).is_file() for (path,) in archived) and len(archived) == 2


def test_typed_numbers_land_as_the_number_and_text_is_read_the_vietnamese_way(tmp_path, con):
    """A number typed in a workbook cell or sent as a JSON number is unambiguous: 12.345 typed
    is twelve and a bit. The same characters sent as text are Vietnamese, twelve thousand."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["unit", "period", "indicator", "value"])
    sheet.append(["P2025-01", "2025", "members_total", "12.345"])  # text
    # Typed numbers with a fraction, for indicators that take one (money, a rate; a count
    # must be whole).
    sheet.append(["P2025-01", "2025", "fin_money_mobilised", 12.345])
    sheet.append(["P2025-01", "2025", "members_rate", 7.5])
    workbook.save(inbox / "typed.xlsx")
    document = {
        "unit": "P2025-04",
        "period": "2025",
        "values": [
            {"indicator": "members_total", "value": "12.345"},
            {"indicator": "fin_money_mobilised", "value": 12.345},
        ],
    }
    (inbox / "web.json").write_text(json.dumps(document), encoding="utf-8")
    result = land_inbox(inbox, tmp_path / "archive", con)
    assert [(f.status, f.reason) for f in result.files] == [("accepted", None)] * 2
    landed = con.execute(
        "select unit_code, indicator_code, value_text, value from raw.submission_values "
        "order by unit_code, row_number"
    ).fetchall()
    assert landed == [
        ("P2025-01", "members_total", "12.345", 12_345.0),
        ("P2025-01", "fin_money_mobilised", "12,345", 12.345),
        ("P2025-01", "members_rate", "7,5", 7.5),
        ("P2025-04", "members_total", "12.345", 12_345.0),
        ("P2025-04", "fin_money_mobilised", "12,345", 12.345),
    ]


def test_a_repeat_written_two_ways_is_found_by_the_resolved_key(tmp_path, con):
    """The same province by code and by name, the same period written two ways: one key.
    (A clean file skips the rules in SQL; the check that lets it do so compares the resolved
    codes, never the texts.)"""
    write(
        tmp_path / "inbox",
        "two_ways.csv",
        HEADER
        + "P2025-01,2025,members_total,1000,\n"
        + "Thành phố Hà Nội,năm 2025,members_total,1000,Tổng số\n"
        + "P2025-01,2025,members_lost,7,\n",
    )
    (outcome,) = land_inbox(tmp_path / "inbox", tmp_path / "archive", con).files
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected) == (3, 2, 1)
    assert [(r[0], r[3]) for r in rejections(con)] == [(3, "duplicate of row 2")]


def test_a_clean_file_lands_every_row(tmp_path, con):
    write(
        tmp_path / "inbox",
        "clean.csv",
        HEADER
        + "P2025-01,2025,members_total,1000,\n"
        + "P2025-01,2025,prog_poor_households,40,\n"
        + "P2025-01,2025,prog_poor_households,12,Dân tộc thiểu số\n"
        + "P2025-01,2024,members_total,990,\n",
    )
    (outcome,) = land_inbox(tmp_path / "inbox", tmp_path / "archive", con).files
    assert (outcome.status, outcome.rows_read, outcome.rows_accepted) == ("accepted", 4, 4)
    assert rejections(con) == []
    assert con.execute("select count(*) from raw.submission_values").fetchone() == (4,)
