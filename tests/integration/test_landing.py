"""Landing on a real DuckDB file: idempotence, rejections with reasons, nothing lost."""

from pathlib import Path

import duckdb
import pytest

from ingestion.landing import land_inbox

HEADER = "unit,period,indicator,value\n"


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        yield connection


def write(inbox: Path, name: str, text: str) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    return path


def test_same_file_twice_is_one_submission(tmp_path, con):
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    body = HEADER + "P2025-01,2025,members_total,1000\n"
    write(inbox, "a.csv", body)
    first = land_inbox(inbox, archive, con)
    write(inbox, "a-copy.csv", body)
    second = land_inbox(inbox, archive, con)
    assert (first.taken_in, second.taken_in, second.duplicates) == (1, 0, 1)
    assert con.execute("select count(*) from raw.submissions").fetchone()[0] == 1
    assert con.execute("select count(*) from raw.submission_values").fetchone()[0] == 1
    assert list(inbox.iterdir()) == []
    archived = sorted(p.name for p in archive.rglob("*.csv"))
    assert archived == ["a-copy.csv", "a.csv"]  # every file received is kept unchanged


def test_bad_rows_rejected_with_reasons_and_counts_add_up(tmp_path, con):
    inbox = tmp_path / "inbox"
    write(
        inbox,
        "mixed.csv",
        HEADER
        + "P2025-01,2025,members_total,1000\n"
        + "P2025-01,2025,women_18_plus,không có\n"
        + ",2025,members_lost,5\n"
        + "P2025-01,2025-13,members_admitted,7\n",
    )
    result = land_inbox(inbox, tmp_path / "archive", con)
    (outcome,) = result.files
    assert outcome.status == "partially_accepted"
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected) == (4, 1, 3)
    rejections = con.execute(
        "select row_number, column_name, cell_text, reason_en, reason_vi "
        "from raw.rejections order by row_number"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rejections] == [
        (3, "value", "không có"),
        (4, "unit", ""),
        (5, "period", "2025-13"),
    ]
    assert all(r[3] and r[4] for r in rejections)
    row = con.execute(
        "select rows_read, rows_accepted + rows_rejected from raw.submissions"
    ).fetchone()
    assert row[0] == row[1]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "wrong_header.csv",
            "don_vi,ky,chi_tieu\nP01,2024,x\n",
            "lacks the column(s) unit, period, indicator, value",
        ),
        ("empty.csv", "", "empty"),
        ("latin1.csv", None, "not UTF-8"),
        ("report.pdf", "%PDF-1.4", "not accepted"),
        ("header_only.csv", HEADER, "no rows"),
    ],
)
def test_unreadable_file_rejected_whole_with_reason(tmp_path, con, name, content, reason):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    if content is None:
        (inbox / name).write_bytes(HEADER.encode() + "P01,2024,Hà Giang,5\n".encode("cp1258"))
    else:
        (inbox / name).write_text(content, encoding="utf-8")
    result = land_inbox(inbox, tmp_path / "archive", con)
    assert result.rejected == 1
    stored = con.execute(
        "select s.file_name, s.status, r.reason_en, r.reason_vi from raw.submissions s "
        "join raw.rejections r using (submission_id)"
    ).fetchall()
    assert stored[0][:2] == (name, "rejected")
    assert reason in stored[0][2] and stored[0][3]
    assert any(p.name == name for p in (tmp_path / "archive").rglob("*"))
