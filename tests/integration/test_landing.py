"""Landing on a real DuckDB file: idempotence, rejections with reasons, nothing lost."""

import datetime as dt
import os
from pathlib import Path

import pytest

import ingestion.inbox as inbox_rules
import ingestion.landing.pipeline as pipeline
from ingestion.landing import archive_file, content_hash, land_inbox
from ingestion.landing.report import write_missing_reports
from tests.conftest import write

HEADER = "unit,period,indicator,value\n"


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
    # The bytes are kept once, unchanged, named by their hash and ending only: the name as
    # sent is in the database.
    (kept,) = archive.rglob("*.csv")
    assert (kept.name, kept.parent.name) == (content_hash(body.encode()) + ".csv", kept.name[:2])
    (archived_path,) = con.execute("select archived_path from raw.submissions").fetchone()
    assert Path(archived_path).read_text(encoding="utf-8") == body


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
    (archived,) = con.execute("select archived_path from raw.submissions").fetchone()
    report = Path(archived + ".report.txt")
    text = report.read_text(encoding="utf-8")
    assert "mixed.csv" in text and "dòng / row 3" in text and "không có" in text
    # Each rejected row named by its unit and period as written, and its column in Vietnamese.
    (line,) = [x for x in text.splitlines() if "dòng / row 3" in x]
    assert "đơn vị / unit 'P2025-01'" in line and "kỳ / period '2025'" in line
    assert "cột / column Giá trị (value)" in line
    (line,) = [x for x in text.splitlines() if "dòng / row 5" in x]
    assert "kỳ / period '2025-13'" in line
    row = con.execute(
        "select rows_read, rows_accepted + rows_rejected from raw.submissions"
    ).fetchone()
    assert row[0] == row[1]


def test_skipped_rows_are_counted_in_the_submission(tmp_path, con):
    """Rows read = accepted + rejected + skipped, in raw.submissions as in the outcome: a
    title line above the header and a total row are skipped, each traced."""
    inbox = tmp_path / "inbox"
    write(
        inbox,
        "titled.csv",
        "BÁO CÁO SỐ LIỆU HỘI VIÊN NĂM 2025\n"
        + HEADER
        + "P2025-01,2025,members_total,1000\n"
        + "P2025-01,2025,women_18_plus,không có\n"
        + "Tổng cộng,2025,members_total,1000\n",
    )
    (outcome,) = land_inbox(inbox, tmp_path / "archive", con).files
    assert (outcome.rows_accepted, outcome.rows_rejected, outcome.rows_skipped) == (1, 1, 2)
    stored = con.execute(
        "select rows_read, rows_accepted, rows_rejected, rows_skipped from raw.submissions"
    ).fetchone()
    assert stored == (outcome.rows_read, 1, 1, 2)
    assert stored[0] == stored[1] + stored[2] + stored[3]
    (traced,) = con.execute("select count(*) from raw.skipped_rows where counted").fetchone()
    assert traced == 2
    # Both languages count the data rows: '1 of 2' is '1 trên 2', not '1 trên 4'.
    reasons = con.execute(
        "select rejection_reason_en, rejection_reason_vi from raw.submissions"
    ).fetchone()
    assert reasons[0].startswith("1 of 2 rows rejected")
    assert reasons[1].startswith("1 trên 2 dòng số liệu bị từ chối")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "wrong_header.csv",
            "don_vi,ky,chi_tieu\nP01,2024,x\n",
            "lacks the column(s) value",
        ),
        ("empty.csv", "", "empty"),
        ("damaged.csv", None, "damaged"),
        # A .pdf is a narrative report now (tests/integration/test_narrative_landing.py).
        ("report.odt", "PK", "not accepted"),
        ("header_only.csv", HEADER, "no rows"),
        # Saved without a final line end: still a header with no rows, not a broken file.
        ("header_only_no_line_end.csv", HEADER.rstrip("\n"), "no rows"),
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
    archived, submission_id = con.execute(
        "select archived_path, submission_id from raw.submissions"
    ).fetchone()
    assert Path(archived).is_file() and Path(archived).name.startswith(submission_id)


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
    # Money, so that 4,2 is a value it can take (a count must be whole).
    write(inbox, "v.csv", HEADER + f'P2025-01,năm 2025,fin_money_mobilised,"{text}"\n')
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


def test_each_shape_lands_through_the_inbox(tmp_path, con):
    import json

    import openpyxl

    from ingestion.writers.form_workbook import write_form

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Giá trị", "Chỉ tiêu", "Kỳ báo cáo", "Đơn vị", "Ghi chú"])
    sheet.append([812345, "members_total", "2025", "P2025-01", "ước tính"])
    book.save(inbox / "long.xlsx")
    (inbox / "form.json").write_text(
        json.dumps(
            {
                "unit": "P2025-04",
                "period": "6 tháng đầu năm 2025",
                "values": [{"indicator": "women_18_plus", "value": "1.203.400"}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    form = inbox / "form.xlsx"
    write_form(
        form,
        "P2025-08",
        "Tỉnh X",
        "2025",
        [
            {
                "code": "members_total",
                "name_vi": "Tổng số hội viên",
                "subject": "members",
                "unit": "person",
            },
            {
                "code": "fin_trust_loan_balance",
                "name_vi": "Dư nợ ủy thác",
                "subject": "finances",
                "unit": "vnd",
            },
        ],
    )
    filled = openpyxl.load_workbook(form)
    filled["Hội viên"]["D6"] = 5000
    filled["Tài chính"]["D6"] = "1.293 tỷ"
    filled.save(form)

    result = land_inbox(inbox, tmp_path / "archive", con)
    assert result.taken_in == 3, [(f.file_name, f.reason) for f in result.files]
    shapes = dict(con.execute("select file_name, shape from raw.submissions").fetchall())
    assert shapes == {
        "long.xlsx": "long_xlsx",
        "form.json": "json_form",
        "form.xlsx": "reporting_form",
    }
    values = con.execute(
        "select unit_code, period_code, indicator_code, value, note, source_location "
        "from raw.submission_values order by unit_code, indicator_code"
    ).fetchall()
    assert values == [
        ("P2025-01", "2025", "members_total", 812345.0, "ước tính", None),
        ("P2025-04", "2025-H1", "women_18_plus", 1203400.0, None, None),
        ("P2025-08", "2025", "fin_trust_loan_balance", 1.293e12, None, "Tài chính!6"),
        ("P2025-08", "2025", "members_total", 5000.0, None, "Hội viên!6"),
    ]


def test_units_and_indicators_by_name_resolve_by_the_era_of_the_period(tmp_path, con):
    inbox = tmp_path / "inbox"
    write(
        inbox,
        "names.csv",
        "Đơn vị,Kỳ báo cáo,Chỉ tiêu,Giá trị\n"
        "Tỉnh Hải Dương,năm 2024,Tổng số hội viên,100\n"
        "TP. Hải Phòng,năm 2025,tong so hoi vien,200\n"
        "Xã Tân Thành,năm 2025,members_total,5\n"
        "Tỉnh Không Có,năm 2025,members_total,5\n",
    )
    (outcome,) = land_inbox(inbox, tmp_path / "archive", con).files
    assert (outcome.rows_accepted, outcome.rows_rejected) == (2, 2)
    values = con.execute(
        "select unit_text, unit_code, indicator_text, indicator_code from raw.submission_values "
        "order by row_number"
    ).fetchall()
    assert values == [
        ("Tỉnh Hải Dương", "P30", "Tổng số hội viên", "members_total"),
        ("TP. Hải Phòng", "P2025-31", "tong so hoi vien", "members_total"),
    ]
    reasons = dict(
        con.execute(
            "select row_number, reason_en from raw.rejections where column_name = 'unit'"
        ).fetchall()
    )
    assert "C2025-" in reasons[4]  # an ambiguous commune name lists its candidates
    assert "no union unit" in reasons[5]


def test_a_run_of_many_chunks_lands_each_file_once_in_name_order(tmp_path, con):
    """One file per chunk: the stages overlap, and the outcomes are still per file and in
    order, a copy later in the same run is a duplicate, and nothing is left in the inbox."""
    inbox = tmp_path / "inbox"
    good = HEADER + "P2025-01,2025,members_total,1000\n"
    write(inbox, "a.csv", good)
    write(inbox, "b.csv", HEADER + "P2025-01,2025,women_18_plus,1.800\nP2025-01,2025,x,1\n")
    write(inbox, "c.csv", "")
    write(inbox, "d.csv", good)  # the bytes of a.csv, two chunks later
    write(inbox, "e.csv", HEADER + 'P2025-01,2025,fin_money_mobilised,"4,2"\n')
    threads = con.execute("select current_setting('threads')").fetchone()
    result = land_inbox(inbox, tmp_path / "archive", con, chunk_rows=1)
    # Landing runs DuckDB on one thread while it works, and gives the setting back.
    assert con.execute("select current_setting('threads')").fetchone() == threads
    assert [(f.file_name, f.status, f.rows_read, f.rows_accepted) for f in result.files] == [
        ("a.csv", "accepted", 1, 1),
        ("b.csv", "partially_accepted", 2, 1),
        ("c.csv", "rejected", 0, 0),
        ("d.csv", "duplicate", 0, 0),
        ("e.csv", "accepted", 1, 1),
    ]
    assert con.execute(
        "select indicator_code, value from raw.submission_values order by indicator_code"
    ).fetchall() == [
        ("fin_money_mobilised", 4.2),
        ("members_total", 1000.0),
        ("women_18_plus", 1800.0),
    ]
    assert con.execute("select count(*) from raw.submissions").fetchone()[0] == 4
    assert list(inbox.iterdir()) == []


def test_archive_writes_each_file_whole_once_and_mends_one_cut_short(tmp_path: Path):
    archive = tmp_path / "archive"
    data = (HEADER + "Xã A,2024-07,members_total,12\n").encode()
    source = write(tmp_path / "inbox", "a.csv", data.decode())
    sid = content_hash(data)

    target = archive_file(source, data, sid, archive)
    assert target == archive / sid[:2] / f"{sid}.csv"
    assert target.read_bytes() == data

    # The same bytes again: the archived file is left as it is, not written again.
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    inode = target.stat().st_ino
    assert archive_file(source, data, sid, archive) == target
    assert (target.stat().st_ino, target.stat().st_mtime_ns) == (inode, 1_000_000_000)

    # A copy cut short (a crash during the write) is written again whole.
    target.write_bytes(data[:10])
    assert archive_file(source, data, sid, archive) == target
    assert target.read_bytes() == data
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # nothing left beside


def test_a_file_the_inbox_will_not_let_go_is_landed_once(tmp_path, con, monkeypatch):
    """Removing a landed file from the inbox fails (an inbox where the uploader owns the
    file): the landing stands, nothing is landed twice, and the next run takes the file
    left behind as a duplicate and removes it."""
    inbox = tmp_path / "inbox"
    write(inbox, "bao_cao.csv", HEADER + "P2025-01,2025,members_total,1000\n")
    write(inbox, "bao_cao_2.csv", HEADER + "P2025-08,2025,members_total,2000\n")

    def refuse(path, seen):
        raise PermissionError(13, "Operation not permitted", str(path))

    with monkeypatch.context() as refused:
        refused.setattr(inbox_rules, "remove_if_unchanged", refuse)
        first = land_inbox(inbox, tmp_path / "archive", con)
    assert sorted(o.status for o in first.files) == ["accepted", "accepted"]
    assert sorted(p.name for p in inbox.iterdir()) == ["bao_cao.csv", "bao_cao_2.csv"]
    second = land_inbox(inbox, tmp_path / "archive", con)
    assert sorted(o.status for o in second.files) == ["duplicate", "duplicate"]
    assert list(inbox.iterdir()) == []
    assert con.execute(
        "select status, rows_read, rows_accepted from raw.submissions order by file_name"
    ).fetchall() == [("accepted", 1, 1), ("accepted", 1, 1)]
    assert con.execute("select count(*) from raw.submission_values").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.rejections").fetchone()[0] == 0


@pytest.mark.parametrize("one_chunk", [True, False])
def test_the_same_bytes_under_a_wrong_then_a_right_name_land_once(
    tmp_path, con, monkeypatch, one_chunk
):
    """'bao_cao.cs' (a wrong ending: rejected whole) and 'bao_cao.csv', the same bytes, in
    one run: the readable one lands its figures, in the same chunk or a later one. A refusal
    stays in the history under the name it came with, never in the fixed file's report."""
    if not one_chunk:
        monkeypatch.setattr(pipeline, "CHUNK_FILES", 1)
    inbox = tmp_path / "inbox"
    body = HEADER + "P2025-01,2025,members_total,1000\n"
    write(inbox, "bao_cao.cs", body)
    write(inbox, "bao_cao.csv", body)
    result = land_inbox(inbox, tmp_path / "archive", con)
    by_name = {o.file_name: o.status for o in result.files}
    assert by_name["bao_cao.csv"] == "accepted"
    assert con.execute("select value from raw.submission_values").fetchall() == [(1000.0,)]
    assert con.execute("select file_name, status from raw.submissions").fetchall() == [
        ("bao_cao.csv", "accepted")
    ]
    refused = "select distinct file_name from raw.rejections where row_number is null"
    assert con.execute(refused).fetchall() == ([] if one_chunk else [("bao_cao.cs",)])
    for report in (tmp_path / "archive").rglob("*.csv.report.txt"):
        assert "cả tệp" not in report.read_text(encoding="utf-8")
    assert list(inbox.iterdir()) == []


def test_a_report_lost_to_a_crash_is_written_for_a_file_with_skipped_rows(tmp_path, con):
    """An accepted file with a total row gets a report (the unit should know what was not
    read); lost between the commit and the report, the next run writes it."""
    inbox = tmp_path / "inbox"
    write(
        inbox,
        "tong.csv",
        HEADER + "P2025-01,2025,members_total,1000\n" + "Tổng cộng,2025,members_total,1000\n",
    )
    (outcome,) = land_inbox(inbox, tmp_path / "archive", con).files
    assert outcome.status == "accepted" and outcome.rows_skipped == 1
    (path,) = con.execute("select report_path from raw.submitter_reports").fetchone()
    first = Path(path).read_text(encoding="utf-8")
    assert "bỏ qua / skipped: 1" in first and "dòng tổng cộng" in first
    Path(path).unlink()
    con.execute("delete from raw.submitter_reports")
    # An earlier landing of these bytes under this name that failed unexpectedly left its
    # whole-file reason: history, not what became of this landing.
    con.execute(
        "insert into raw.rejections (submission_id, file_name, reason_en, reason_vi) "
        "select submission_id, file_name, 'unexpected error', 'lỗi không xác định' "
        "from raw.submissions"
    )
    assert write_missing_reports(con, dt.datetime(2026, 1, 1)) == 1
    assert Path(path).read_text(encoding="utf-8") == first
