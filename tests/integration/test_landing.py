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
    assert "month" in rejections[2][3]
    assert all(r[3] and r[4] for r in rejections)
    (report,) = (tmp_path / "archive").rglob("mixed.csv.report.txt")
    text = report.read_text(encoding="utf-8")
    assert "mixed.csv" in text and "dòng / row 3" in text and "không có" in text
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
        ("damaged.csv", None, "damaged"),
        ("report.pdf", "%PDF-1.4", "not accepted"),
        ("header_only.csv", HEADER, "no rows"),
    ],
)
def test_unreadable_file_rejected_whole_with_reason(tmp_path, con, name, content, reason):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    if content is None:
        # UTF-8 read as Windows-1252 and saved again: the classic mojibake of 'Hội viên'.
        mojibake = "Hội viên".encode().decode("cp1252", errors="replace")
        (inbox / name).write_bytes((HEADER + f"P01,2024,{mojibake},5\n").encode())
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


@pytest.mark.parametrize(
    ("text", "value", "approximate", "whole"),
    [
        ("180.833", 180833, False, None),
        ("4,2", 4.2, False, None),
        ("536 triệu", 536_000_000, False, None),
        ("1.293 tỷ đồng", 1_293_000_000_000, False, None),
        ("trên 1.800", 1800, True, None),
        ("231/235", 231, False, 235),
        ("04", 4, False, None),
    ],
)
def test_vietnamese_values_are_normalised_and_original_kept(
    tmp_path, con, text, value, approximate, whole
):
    inbox = tmp_path / "inbox"
    write(inbox, "v.csv", HEADER + f'P2025-01,năm 2025,members_total,"{text}"\n')
    land_inbox(inbox, tmp_path / "archive", con)
    row = con.execute(
        "select value, value_text, value_approximate, value_whole, period_code, period_text "
        "from raw.submission_values"
    ).fetchone()
    assert row == (pytest.approx(value), text, approximate, whole, "2025", "năm 2025")


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("utf-8", b"")]
)
def test_encodings_are_read(tmp_path, con, encoding, bom):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    body = HEADER + "P2025-01,quý III/2024,members_total,12\n"
    (inbox / "e.csv").write_bytes(bom + body.encode(encoding))
    assert land_inbox(inbox, tmp_path / "archive", con).taken_in == 1
    assert con.execute("select period_code from raw.submission_values").fetchone() == ("2024-Q3",)


def test_windows_1258_file_is_read(tmp_path, con):
    from ingestion.normalise import encode_cp1258

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    body = HEADER + 'P2025-01,tháng 7/2024,members_total,"1.234"\n'
    (inbox / "w.csv").write_bytes(encode_cp1258(body))
    assert land_inbox(inbox, tmp_path / "archive", con).taken_in == 1
    assert con.execute("select period_code, value from raw.submission_values").fetchone() == (
        "2024-07",
        1234.0,
    )
