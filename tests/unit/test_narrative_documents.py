"""Reading each kind of narrative report, built through the library that writes it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from PIL import Image

from ingestion.narrative import (
    NARRATIVE_SUFFIXES,
    extract_report,
    looks_like_table,
    read_document,
)
from ingestion.narrative.__main__ import main as cli
from ingestion.normalise import encode_cp1258
from ingestion.readers.table import UnreadableFile

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TITLE = "Hội LHPN huyện Thủ Thừa tổng kết công tác Hội năm 2023"
PARAGRAPHS = [
    "Năm 2023, Hội LHPN huyện Thủ Thừa đã vận động kết nạp mới 1.250 hội viên.",
    "Các cấp Hội đã giúp 57 hộ phụ nữ thoát nghèo, xây dựng 12 mái ấm tình thương trị giá "
    "720 triệu đồng.",
    "Dự hội nghị có 120 đại biểu là cán bộ Hội chủ chốt các xã, thị trấn.",
]
EXPECTED = [1250, 57, 12, 720_000_000]


def _values(path: Path, data: bytes) -> list[float]:
    report = extract_report(read_document(path, data))
    return [f.value for f in report.figures if not f.is_target]


def test_suffixes_of_the_interface():
    assert NARRATIVE_SUFFIXES == (".docx", ".pdf", ".html", ".htm", ".txt", ".md")


def test_word_document():
    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for paragraph in PARAGRAPHS:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Ghi chú"
    table.rows[0].cells[1].text = "Báo cáo gửi Ban Thường vụ"
    buffer = io.BytesIO()
    document.save(buffer)
    read = read_document(Path("bao-cao.docx"), buffer.getvalue())
    assert read.kind == "docx"
    assert read.text.startswith(TITLE)
    assert _values(Path("bao-cao.docx"), buffer.getvalue()) == EXPECTED
    report = extract_report(read)
    assert (report.unit_code, report.period_code) == ("D804", "2023")


def test_a_broken_word_file_is_rejected_in_vietnamese():
    with pytest.raises(UnreadableFile) as raised:
        read_document(Path("bao-cao.docx"), b"PK\x03\x04 not really a zip")
    assert "Word" in raised.value.reason_vi


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line)
        pdf.ln(2)
    return bytes(pdf.output())


@pytest.mark.skipif(not DEJAVU.exists(), reason="make system-deps installs DejaVu")
def test_pdf_with_a_text_layer():
    data = _pdf([TITLE, *PARAGRAPHS])
    read = read_document(Path("bao-cao.pdf"), data)
    assert read.kind == "pdf"
    assert "kết nạp mới 1.250 hội viên" in " ".join(read.text.split())
    report = extract_report(read)
    assert [f.value for f in report.figures] == EXPECTED
    for figure in report.figures:
        assert read.text[figure.start : figure.end] == figure.text


def test_scanned_pdf_without_text_is_rejected_saying_so():
    image = Image.new("RGB", (400, 560), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=10, y=10, w=190)
    with pytest.raises(UnreadableFile) as raised:
        read_document(Path("ban-quet.pdf"), bytes(pdf.output()))
    assert "ảnh quét" in raised.value.reason_vi
    assert "scanned" in raised.value.reason_en


def test_web_article_without_menus_counters_and_byline():
    page = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{TITLE}</title>
    <meta property="article:published_time" content="2023-12-20T08:00:00+07:00"></head><body>
    <nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin">Tin tức 24</a></li></ul></nav>
    <div class="weather">Hà Nội 28°C</div>
    <article><h1>{TITLE}</h1><p class="byline">Nguyễn Thị Lan - 20/12/2023 08:00</p>
    {"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</article>
    <aside><h3>Thống kê truy cập</h3><ul><li>Đang truy cập: 35</li><li>Hôm nay: 4.912</li>
    <li>Tổng lượt truy cập: 1.257.142</li></ul></aside>
    <footer>Bản quyền 2023. Điện thoại: 0272 3856 123</footer></body></html>"""
    read = read_document(Path("bai-viet.html"), page.encode("utf-8"))
    assert read.kind == "html"
    assert read.published is not None and read.published.isoformat() == "2023-12-20"
    assert "Trang chủ" not in read.text and "truy cập" not in read.text
    report = extract_report(read)
    assert [f.value for f in report.figures] == EXPECTED
    assert report.unit_code == "D804"


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("utf-8-sig", lambda t: t.encode("utf-8-sig")),
        ("utf-16", lambda t: t.encode("utf-16")),
        ("cp1258", encode_cp1258),
    ],
)
def test_text_files_in_the_encodings_csv_accepts(encoding, encode):
    text = "\r\n".join([TITLE, "", *PARAGRAPHS]) + "\r\n"
    read = read_document(Path("bao-cao.txt"), encode(text))
    # Offsets are in the decoded, NFC text with '\n' line ends.
    assert "\r" not in read.text
    report = extract_report(read)
    assert [f.value for f in report.figures] == EXPECTED
    assert [read.text[f.start : f.end] for f in report.figures][:2] == ["1.250", "57"]


def test_markdown_report():
    text = f"# {TITLE}\n\n" + "\n\n".join(f"- {p}" for p in PARAGRAPHS)
    assert _values(Path("bao-cao.md"), text.encode("utf-8")) == EXPECTED
    emphasised = f"# {TITLE}\n\n- Các cấp Hội đã giúp **57** hộ phụ nữ thoát nghèo.\n"
    assert _values(Path("bao-cao.md"), emphasised.encode("utf-8")) == [57]


def test_a_tab_separated_txt_is_a_table_for_the_table_readers():
    table = "unit\tperiod\tindicator\tvalue\r\nD804\t2023\tmembers_total\t18.430\r\n"
    assert looks_like_table(table.encode("utf-16"))
    prose = "\n".join([TITLE, *PARAGRAPHS]).encode("utf-8")
    assert not looks_like_table(prose)


def test_other_files_are_rejected_in_vietnamese():
    with pytest.raises(UnreadableFile) as raised:
        read_document(Path("anh.jpg"), b"\xff\xd8\xff")
    assert "không nhận" in raised.value.reason_vi


def test_command_prints_one_json_line_per_figure(tmp_path, capsys):
    path = tmp_path / "bao-cao.txt"
    text = "\n".join([TITLE, "", *PARAGRAPHS, "Năm 2024, Hội phấn đấu kết nạp 1.500 hội viên."])
    path.write_text(text, encoding="utf-8")
    assert cli(["extract", "--json", str(path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["value"] for row in rows] == EXPECTED  # the target is not a result
    keys = {"file", "value", "start", "end", "qualifier", "whole", "indicator", "counted"}
    assert keys | {"unit", "period", "evidence"} <= set(rows[0])
    assert rows[0]["file"] == str(path)
    assert text[rows[0]["start"] : rows[0]["end"]] == "1.250"
    assert rows[0]["indicator"] == "members_admitted"
    assert rows[0]["unit"] == "D804" and rows[0]["period"] == "2023"


def test_command_reports_an_unreadable_file_and_carries_on(tmp_path, capsys):
    good = tmp_path / "bao-cao.txt"
    good.write_text("\n".join([TITLE, *PARAGRAPHS]), encoding="utf-8")
    bad = tmp_path / "anh.jpg"
    bad.write_bytes(b"\xff\xd8\xff")
    assert cli(["extract", "--json", str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert "anh.jpg" in captured.err
    assert len(captured.out.splitlines()) == len(EXPECTED)


def test_word_table_rows_with_a_label_and_one_value():
    document = docx.Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph("Kết quả thực hiện các chỉ tiêu chủ yếu:")
    table = document.add_table(rows=4, cols=2)
    rows = [
        ("Tổng số hội viên", "18.430"),
        ("Hộ phụ nữ thoát nghèo", "57"),
        ("Ghi chú", "Số liệu đến 31/12/2023"),
        ("Kết nạp mới (kế hoạch / thực hiện)", "1.000 / 1.250"),
    ]
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    buffer = io.BytesIO()
    document.save(buffer)
    report = extract_report(read_document(Path("bang.docx"), buffer.getvalue()))
    assert [(f.value, f.indicator) for f in report.figures] == [
        (18430, "members_total"),
        (57, "prog_households_out_of_poverty"),
    ]


def test_readers_work_offline(monkeypatch):
    """No model or data is fetched at run time: every connection attempt fails here."""
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network use during narrative reading")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    page = (
        f"<html><head><title>{TITLE}</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article></body></html>"
    )
    assert _values(Path("bai-viet.html"), page.encode("utf-8")) == EXPECTED
    document = docx.Document()
    for paragraph in [TITLE, *PARAGRAPHS]:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    assert _values(Path("bao-cao.docx"), buffer.getvalue()) == EXPECTED
    if DEJAVU.exists():
        assert _values(Path("bao-cao.pdf"), _pdf([TITLE, *PARAGRAPHS])) == EXPECTED
