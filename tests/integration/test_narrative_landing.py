"""Narrative reports from the inbox to the facts: a Word document, a PDF and a web article land
as proposed figures, the steward reviews and decides through the Dagster job, dbt builds the
facts, and only the accepted figures are there, with their provenance.

The reports are written here the way their authors' tools write them (python-docx, fpdf2 with
a Unicode font, a web page with its menus, counters and byline). Which figures the extractor
proposes is its own tests' business; this test finds the figures it decides on by their value.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import docx
import duckdb
import pytest
from fpdf import FPDF

from ingestion.landing import land_inbox, land_reference
from orchestration.definitions import PIPELINE_TAG
from orchestration.quality.narrative_review import (
    NARRATIVE_VALUES,
    build_narrative_job,
    narrative_review,
)
from orchestration.settings import Settings
from orchestration.warehouse.dbt_runner import run_dbt
from orchestration.warehouse.resources import WarehouseResource
from orchestration.webserver import USER_TAG

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FACTS = ("fct_membership", "fct_programme_results", "fct_finance")

DOCX_TITLE = "BÁO CÁO KẾT QUẢ CÔNG TÁC HỘI NĂM 2023"
DOCX_UNIT = "Hội LHPN huyện Thủ Thừa"
DOCX_BODY = [
    "Năm 2023, trong điều kiện còn nhiều khó khăn, các cấp Hội trong huyện đã nỗ lực "
    "thực hiện các nhiệm vụ trọng tâm.",
    "Trong năm, các cơ sở Hội đã kết nạp mới 612 hội viên.",
    "Hội đã vận động xây dựng 14 căn nhà Mái ấm tình thương cho hội viên khó khăn.",
    "Hội đã giúp đỡ khoảng 25 hộ phụ nữ thoát nghèo.",
    "Toàn huyện có 38 tổ truyền thông cộng đồng hoạt động thường xuyên.",
    "Ngày 15/3/2023, Hội tổ chức hội nghị sơ kết với 150 đại biểu tham dự.",
]
PDF_LINES = [
    "BÁO CÁO TỔNG KẾT CÔNG TÁC HỘI NĂM 2022",
    "Hội LHPN huyện Cần Giuộc",
    "Năm 2022, các cơ sở Hội đã kết nạp mới 540 hội viên.",
    "Hội đã vận động xây dựng 9 căn nhà Mái ấm tình thương.",
    "Tổng kinh phí các cấp Hội vận động được hơn 700 triệu đồng.",
]
HTML = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Hội LHPN tỉnh Long An tổng kết công tác Hội năm 2024 - Báo Long An</title>
<meta property="article:published_time" content="2024-12-28T08:00:00+07:00">
</head><body>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li>
<li><a href="/kinh-te">Kinh tế</a></li><li><a href="/xa-hoi">Xã hội</a></li></ul></nav>
<div class="weather">Tân An 32°C</div>
<article>
<h1>Hội LHPN tỉnh Long An tổng kết công tác Hội năm 2024</h1>
<p class="byline">Bài và ảnh: Ngọc Hân - Thứ Bảy, 28/12/2024 08:00</p>
<p>Ngày 27/12, Hội LHPN tỉnh Long An tổ chức hội nghị tổng kết công tác Hội và phong trào
phụ nữ năm 2024.</p>
<p>Trong năm 2024, các cấp Hội trong tỉnh đã kết nạp mới 3.215 hội viên.</p>
<p>Các cấp Hội đã vận động xây dựng 120 căn nhà Mái ấm tình thương cho hội viên nghèo.</p>
</article>
<div class="counter">Lượt xem: 12.345</div>
<footer><p>Báo Long An điện tử. Giấy phép số 123/GP-BTTTT.</p></footer>
</body></html>
"""


def write_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading(DOCX_TITLE, level=1)
    document.add_paragraph(DOCX_UNIT)
    for paragraph in DOCX_BODY:
        document.add_paragraph(paragraph)
    document.save(path)


def write_pdf(path: Path) -> None:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    for line in PDF_LINES:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def figures_of(con: duckdb.DuckDBPyConnection, file_name: str) -> dict[float, tuple]:
    """value → (figure number, indicator, status) of a report's proposed figures."""
    rows = con.execute(
        "select value, figure_number, indicator_code, review_status "
        "from raw.narrative_figure_reviews where file_name = ? order by figure_number",
        [file_name],
    ).fetchall()
    return {value: (number, indicator, status) for value, number, indicator, status in rows}


def report_id(con: duckdb.DuckDBPyConnection, file_name: str) -> str:
    (submission_id,) = con.execute(
        "select submission_id from raw.submissions where file_name = ? and shape = 'narrative'",
        [file_name],
    ).fetchone()
    return submission_id


def decide(instance: dg.DagsterInstance, steward: str, **config) -> dg.ExecuteInProcessResult:
    return build_narrative_job(PIPELINE_TAG).execute_in_process(
        run_config={"ops": {"record_narrative_review": {"config": config}}},
        instance=instance,
        tags={USER_TAG: steward},
        raise_on_error=False,
        resources={"warehouse": WarehouseResource.from_settings()},
    )


@pytest.mark.slow
def test_reports_from_the_inbox_reach_the_facts_only_as_the_steward_decides(data_dir, tmp_path):
    settings = Settings.from_env()
    settings.inbox.mkdir(parents=True)
    write_docx(settings.inbox / "thu-thua-2023.docx")
    write_pdf(settings.inbox / "can-giuoc-2022.pdf")
    (settings.inbox / "long-an-2024.html").write_text(HTML, encoding="utf-8")
    # A scanned report has no text layer: a rejected submission, saying so in Vietnamese.
    scanned = FPDF()
    scanned.add_page()
    scanned.rect(20, 20, 100, 60, style="F")
    scanned.output(str(settings.inbox / "scan.pdf"))

    with duckdb.connect(str(settings.warehouse_db)) as con:
        land_reference(con)
        landed = land_inbox(settings.inbox, settings.archive, con)
        outcomes = {f.file_name: f.status for f in landed.files}
        assert outcomes == {
            "thu-thua-2023.docx": "accepted",
            "can-giuoc-2022.pdf": "accepted",
            "long-an-2024.html": "accepted",
            "scan.pdf": "rejected",
        }
        (reason_vi,) = con.execute(
            "select rejection_reason_vi from raw.submissions where file_name = 'scan.pdf'"
        ).fetchone()
        assert reason_vi
        # The same bytes again are no new submission.
        (archived,) = con.execute(
            "select archived_path from raw.submissions where file_name = 'thu-thua-2023.docx'"
        ).fetchone()
        shutil.copy(archived, settings.inbox / "thu-thua-2023.docx")
        again = land_inbox(settings.inbox, settings.archive, con)
        assert [f.status for f in again.files] == ["duplicate"]
        narrative = con.execute(
            "select count(*) from raw.submissions where shape = 'narrative'"
        ).fetchone()
        assert narrative == (3,)
        docx_figures = figures_of(con, "thu-thua-2023.docx")
        pdf_figures = figures_of(con, "can-giuoc-2022.pdf")
        html_figures = figures_of(con, "long-an-2024.html")
        ids = {name: report_id(con, name) for name in ("thu-thua-2023.docx", "can-giuoc-2022.pdf")}
        ids["long-an-2024.html"] = report_id(con, "long-an-2024.html")
        # Evidence is kept: the quote holds the number at its offsets in the report's text.
        evidence = con.execute(
            "select evidence, value_text from raw.narrative_figures "
            "where submission_id = ? and value = 612",
            [ids["thu-thua-2023.docx"]],
        ).fetchone()
    assert {612.0, 14.0, 25.0, 38.0} <= set(docx_figures)
    assert {540.0, 9.0, 700_000_000.0} <= set(pdf_figures)
    assert {3215.0, 120.0} <= set(html_figures)
    # Page furniture and meeting counts are not figures.
    assert 12345.0 not in html_figures and 32.0 not in html_figures
    assert 150.0 not in docx_figures
    assert evidence[1] in evidence[0] and "kết nạp mới" in evidence[0]
    assert {status for _, _, status in docx_figures.values()} == {"proposed"}

    with dg.instance_for_test() as instance:
        # The review in the UI: the asset's metadata has a table per report waiting.
        review = dg.materialize(
            [narrative_review],
            instance=instance,
            resources={"warehouse": WarehouseResource.from_settings()},
        )
        assert review.success
        (event,) = review.get_asset_materialization_events()
        materialization = event.materialization
        tables = {
            key: entry.value
            for key, entry in materialization.metadata.items()
            if key.startswith("report ")
        }
        assert set(tables) == {f"report {sid[:12]}" for sid in ids.values()}
        docx_table = tables[f"report {ids['thu-thua-2023.docx'][:12]}"]
        assert "thu-thua-2023.docx" in docx_table
        assert "Hội viên kết nạp mới" in docx_table and "kết nạp mới 612 hội viên" in docx_table
        assert "| chờ duyệt |" in docx_table

        # A figure without an indicator cannot be accepted: refused, nothing written.
        money = pdf_figures[700_000_000.0]
        if money[1] is None:
            refused = decide(
                instance, "lan", submission_id=ids["can-giuoc-2022.pdf"], decision="accept_all"
            )
            assert not refused.success
            failure = refused.get_step_failure_events()[0].step_failure_data.error.message
            assert "chỉ nhận được số liệu có đủ chỉ tiêu, đơn vị và kỳ" in failure

        # Word: all but the community groups (and whatever has no indicator).
        leave_out = [docx_figures[38.0][0]] + [
            number
            for value, (number, indicator, _) in docx_figures.items()
            if indicator is None and value != 38.0
        ]
        accepted = decide(
            instance,
            "lan",
            submission_id=ids["thu-thua-2023.docx"][:12],
            decision="accept_all_but",
            figures=leave_out,
        )
        assert accepted.success, accepted.all_events
        # PDF: the money gets its indicator from the steward, then the report is accepted.
        corrected = decide(
            instance,
            "minh",
            submission_id=ids["can-giuoc-2022.pdf"],
            decision="correct",
            figures=[money[0]],
            indicator="Kinh phí vận động",
        )
        assert corrected.success, corrected.all_events
        pdf_rest = [
            number
            for value, (number, indicator, _) in pdf_figures.items()
            if indicator is None and value != 700_000_000.0
        ]
        decision = "accept_all_but" if pdf_rest else "accept_all"
        extra = {"figures": pdf_rest} if pdf_rest else {}
        assert decide(
            instance, "minh", submission_id=ids["can-giuoc-2022.pdf"], decision=decision, **extra
        ).success
        # The web article: rejected, with a reason.
        assert decide(
            instance,
            "lan",
            submission_id=ids["long-an-2024.html"],
            decision="reject",
            reason="bài báo, không phải báo cáo của Hội",
        ).success
        # The job shows the report as it now stands on the asset.
        events = instance.fetch_materializations(NARRATIVE_VALUES, limit=10).records
        latest = events[0].asset_materialization
        (html_table,) = (e.value for k, e in latest.metadata.items() if k.startswith("report "))
        assert "không nhận" in html_table and "chờ duyệt |" not in html_table

    with duckdb.connect(str(settings.warehouse_db)) as con:
        log = con.execute(
            "select submission_id, steward, decision, count(*) from raw.narrative_decisions "
            "group by all order by all"
        ).fetchall()
    assert (ids["can-giuoc-2022.pdf"], "minh", "correct", 1) in log
    assert (ids["long-an-2024.html"], "lan", "reject", len(html_figures)) in log

    run_dbt(
        ["build", "--threads", "4"],
        settings.warehouse_db,
        target_path=tmp_path / "dbt_target",
        extra_env={"DBT_LOG_PATH": str(tmp_path / "dbt_logs")},
    )
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        facts = con.execute(
            " union all ".join(
                f"select indicator_code, value, value_is_approximate, value_source_kind, "
                f"file_name, evidence_quote from core.{fact}"
                for fact in FACTS
            )
        ).fetchall()
    by_value = {row[1]: row for row in facts if row[3] == "narrative"}
    assert by_value[612.0][:5] == (
        "members_admitted",
        612.0,
        False,
        "narrative",
        "thu-thua-2023.docx",
    )
    assert "kết nạp mới 612 hội viên" in by_value[612.0][5]
    assert by_value[14.0][4] == "thu-thua-2023.docx"
    # An approximate value is marked.
    assert by_value[25.0][2] is True
    # The steward's correction holds in the facts.
    assert by_value[700_000_000.0][0] == "fin_money_mobilised"
    assert by_value[700_000_000.0][2] is True
    assert by_value[540.0][4] == "can-giuoc-2022.pdf"
    # Left out, and the rejected article: not in the facts.
    assert 38.0 not in by_value
    assert not {3215.0, 120.0} & set(by_value)
    assert all(row[4] != "long-an-2024.html" for row in facts)


def test_a_text_file_is_a_report_unless_it_is_a_table(data_dir):
    """A .txt or .md in prose is a narrative report; a .txt that is a tab-separated table
    (Excel's "Unicode Text": UTF-16, tabs, CRLF) goes to the table readers."""
    settings = Settings.from_env()
    settings.inbox.mkdir(parents=True)
    table = "unit\tperiod\tindicator\tvalue\r\nTỉnh Long An\t2023\tmembers_total\t1200\r\n"
    (settings.inbox / "bang.txt").write_text(table, encoding="utf-16")
    prose = f"{DOCX_UNIT}\n{DOCX_TITLE}\n{DOCX_BODY[1]}\n"
    (settings.inbox / "bao-cao.txt").write_text(prose, encoding="utf-8")
    (settings.inbox / "tin.md").write_text(f"# {DOCX_TITLE}\n\n{DOCX_UNIT}. {DOCX_BODY[2]}\n")
    # A report that does not say whose it is still lands its figures, for the steward.
    (settings.inbox / "khong-ro.txt").write_text(DOCX_BODY[1] + "\n", encoding="utf-8")
    with duckdb.connect(str(settings.warehouse_db)) as con:
        land_reference(con)
        land_inbox(settings.inbox, settings.archive, con)
        shapes = dict(con.execute("select file_name, shape from raw.submissions").fetchall())
        figures = con.execute(
            "select file_name, value from raw.narrative_figure_reviews order by all"
        ).fetchall()
        unknown = con.execute(
            "select value, unit_code, review_status from raw.narrative_figure_reviews "
            "where file_name = 'khong-ro.txt'"
        ).fetchall()
        values = con.execute("select indicator_code, value from raw.submission_values").fetchall()
    assert shapes == {
        "bang.txt": "long_csv",
        "bao-cao.txt": "narrative",
        "tin.md": "narrative",
        "khong-ro.txt": "narrative",
    }
    assert unknown == [(612.0, None, "proposed")]
    assert ("bao-cao.txt", 612.0) in figures and ("tin.md", 14.0) in figures
    assert values == [("members_total", 1200.0)]
