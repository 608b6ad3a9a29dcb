"""Section, total and signature rows are skipped; data rows that look like them are not."""

import pyarrow as pa
import pytest

from ingestion.readers.skips import classify, split_skipped


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (("I. CÔNG TÁC HỘI VIÊN",) * 4, "section"),  # merged across the row
        (("", "", "II/ Tài chính", ""), "section"),
        (("", "", "PHONG TRÀO THI ĐUA", ""), "section"),
        (("Tổng cộng", "", "", "812.349"), "total"),
        (("TỔNG CỘNG:", "năm 2025", "", "12"), "total"),
        (("", "", "Người lập biểu", "TM. BAN THƯỜNG VỤ"), "signature"),
        (("", "", "(Ký, ghi rõ họ tên)", "CHỦ TỊCH"), "signature"),
        (("", "", "", "Tuyên Quang, ngày 15 tháng 12 năm 2025"), "signature"),
        # The header again: a printed page's, or a second table's.
        (("Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị"), "header"),
        (("Đơn vị", "Kỳ", "Chỉ tiêu", "Số liệu"), "header"),
        # Data rows that share words with those: never skipped.
        (("P2025-08", "năm 2025", "Chủ tịch Hội cơ sở có chứng chỉ", "9/9"), ""),
        (("P2025-08", "năm 2025", "Tổng số hội viên", "812.345"), ""),
        (("P2025-08", "năm 2025", "members_total", ""), ""),  # a missing value: rejected
        (("P2025-08", "", "", ""), ""),  # a code alone is not a heading
        (("P2025-08", "năm 2025", "members_total", "Giá trị"), ""),  # a bad value: rejected
    ],
)
def test_rows_are_classified(cells: tuple[str, str, str, str], kind: str) -> None:
    assert classify(*cells, in_signature=False) == kind


def test_names_below_a_signature_title_belong_to_the_block_and_figures_do_not() -> None:
    assert classify("", "", "Nguyễn Thị Hoa", "Lê Thị Mai", in_signature=True) == "signature"
    assert classify("P2025-08", "2025", "members_total", "232.496 triệu", True) == ""
    assert classify("", "", "members_total", "12", in_signature=True) == ""


def test_split_keeps_data_rows_and_traces_each_skip() -> None:
    rows = [
        ("I. HỘI VIÊN", "", "", ""),
        ("P2025-08", "2025", "Chủ tịch Hội cơ sở có chứng chỉ", "9/9"),
        ("P2025-08", "2025", "fin_trust_loan_balance", "232.496 triệu"),
        ("Tổng cộng", "", "", "9"),
        ("", "", "Người lập biểu", ""),
        ("", "", "Nguyễn Thị Hoa", ""),
    ]
    table = pa.table(
        {
            "row_number": pa.array(range(2, 2 + len(rows)), pa.int64()),
            "source_location": pa.nulls(len(rows), pa.string()),
            **{
                name: [row[i] for row in rows]
                for i, name in enumerate(("unit", "period", "indicator", "value_text"))
            },
        }
    )
    kept, skipped = split_skipped(table)
    assert kept.column("row_number").to_pylist() == [3, 4]
    assert [(s[0], s[4]) for s in skipped] == [
        (2, "dòng tiêu đề mục, không phải số liệu"),
        (5, "dòng tổng cộng: kho dữ liệu tự cộng các số liệu, không nhận dòng tổng"),
        (6, "phần chữ ký cuối bảng"),
        (7, "phần chữ ký cuối bảng"),
    ]
