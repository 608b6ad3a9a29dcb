"""Each submission shape read into the long table: XLSX long, JSON web form, Excel form."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ingestion.readers.form_workbook import read_form
from ingestion.readers.json_form import read_json_submission
from ingestion.readers.table import LongTable, UnreadableFile
from ingestion.readers.xlsx_long import cell_text, read_long_xlsx
from ingestion.writers.form_workbook import write_form

LONG_COLUMNS = [
    "row_number",
    "unit",
    "period",
    "indicator",
    "value_text",
    "unit_of_measure",
    "programme",
    "disaggregation",
    "note",
]


def _rows(table: LongTable) -> list[dict[str, Any]]:
    return table.rows.to_pylist()


def _xlsx(rows: list[list[Any]], path: Path) -> bytes:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    workbook.save(path)
    return path.read_bytes()


# --- XLSX long ------------------------------------------------------------------------------


def test_xlsx_round_trip_with_vietnamese_shuffled_headers(tmp_path: Path) -> None:
    data = _xlsx(
        [
            ["Giá trị", "Ghi chú", "chi tieu", "Kỳ báo cáo", "Tên đơn vị", "Mã đơn vị", "ĐVT"],
            [12, "", "HV_TONG", "2024", "Lạng Sơn", "20", "người"],
            [0.35, "ước tính", "HV_TYLE", "2024", "Lạng Sơn", "20", "%"],
            [None, None, None, None, None, None, None],  # wholly blank: skipped
            ["1.293 tỷ", None, "TC_QUY", "2024", None, "20", None],
            [1234567.891, None, "TC_CHI", 2024, None, 20, None],
            [None, None, None, None, "chỉ có tên", None, None],  # content: kept
        ],
        tmp_path / "long.xlsx",
    )
    table = read_long_xlsx(data)
    # Plus whether each value cell held a typed number (read the national way).
    assert table.rows.column_names == [*LONG_COLUMNS, "number_convention"]
    assert table.rows.column("number_convention").to_pylist() == [
        "typed",
        "typed",
        "",
        "typed",
        "",
    ]
    rows = [{k: v for k, v in row.items() if k != "number_convention"} for row in _rows(table)]
    assert [r["row_number"] for r in rows] == [2, 3, 5, 6, 7]
    # Typed numbers with a fraction get a decimal comma (see value_text); text stays as typed.
    assert [r["value_text"] for r in rows] == ["12", "0,35", "1.293 tỷ", "1234567,891", ""]
    assert rows[0] == {
        "row_number": 2,
        "unit": "20",
        "period": "2024",
        "indicator": "HV_TONG",
        "value_text": "12",
        "unit_of_measure": "người",
        "programme": "",
        "disaggregation": "",
        "note": "",
    }
    assert rows[1]["note"] == "ước tính"
    # Numbers typed where text was expected still come back without '.0'.
    assert (rows[3]["unit"], rows[3]["period"]) == ("20", "2024")
    assert rows[4]["indicator"] == "" and rows[4]["unit"] == ""


def test_xlsx_float_noise_and_large_numbers(tmp_path: Path) -> None:
    data = _xlsx(
        [
            ["unit", "period", "indicator", "value"],
            ["01", "2024", "A", 0.1 + 0.2],
            ["01", "2024", "B", 19_000_000],
            ["01", "2024", "C", 0.00001],
            ["01", "2024", "D", -2.5],
        ],
        tmp_path / "n.xlsx",
    )
    values = [r["value_text"] for r in _rows(read_long_xlsx(data))]
    assert values == ["0,3", "19000000", "0,00001", "-2,5"]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (0.1 + 0.2, "0.3"),  # float noise beyond Excel's 15 digits is the writer's, dropped
        (12.0, "12"),
        (1e20, "100000000000000000000"),
        (1e-05, "0.00001"),
        (87.6, "87.6"),
        (7, "7"),
        (True, "TRUE"),
        (None, ""),
        ("Ha\u0300 Nô\u0323i", "Hà Nội"),  # NFD text becomes NFC
    ],
)
def test_cell_text(cell: Any, text: str) -> None:
    assert cell_text(cell) == text


def test_xlsx_with_leading_blank_rows_reports_missing_header(tmp_path: Path) -> None:
    data = _xlsx([[None], ["unit", "period", "indicator", "value"]], tmp_path / "h.xlsx")
    with pytest.raises(UnreadableFile, match="row 1"):
        read_long_xlsx(data)


def test_xlsx_missing_columns(tmp_path: Path) -> None:
    data = _xlsx([["Đơn vị", "Kỳ", "Số liệu"], ["01", "2024", 3]], tmp_path / "m.xlsx")
    with pytest.raises(UnreadableFile) as caught:
        read_long_xlsx(data)
    assert "indicator (Mã chỉ tiêu)" in caught.value.reason_en
    assert "Mã chỉ tiêu" in caught.value.reason_vi


@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04broken zip"])
def test_corrupt_xlsx_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_long_xlsx(data)
    assert "Excel" in caught.value.reason_en and "Excel" in caught.value.reason_vi


# --- JSON web form --------------------------------------------------------------------------


def _json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def test_json_valid_submission() -> None:
    raw = (
        '{"unit": "20", "period": "2024-Q2", "form": "HV-01", "submitted_by": "Nguyễn Thị Hà",'
        ' "values": [{"indicator": "HV_TONG", "value": 12345},'
        ' {"indicator": "HV_TYLE", "value": 0.35, "unit_of_measure": "%"},'
        ' {"indicator": "TC_QUY", "value": "1.293 tỷ", "note": "ước tính"},'
        ' {"indicator": "X", "value": 1.50, "disaggregation": "dân tộc thiểu số"}]}'
    ).encode()
    table = read_json_submission(raw)
    assert table.rows.column_names == [*LONG_COLUMNS, "number_convention", "form", "submitted_by"]
    # JSON numbers are typed: read the national way whatever the file's texts say.
    assert table.rows.column("number_convention").to_pylist() == ["typed", "typed", "", "typed"]
    rows = _rows(table)
    assert [r["row_number"] for r in rows] == [1, 2, 3, 4]
    assert [r["value_text"] for r in rows] == ["12345", "0,35", "1.293 tỷ", "1,50"]
    assert {r["unit"] for r in rows} == {"20"} and {r["period"] for r in rows} == {"2024-Q2"}
    assert rows[1]["unit_of_measure"] == "%" and rows[0]["unit_of_measure"] == ""
    assert rows[2]["note"] == "ước tính"
    assert rows[3]["disaggregation"] == "dân tộc thiểu số"
    assert rows[0]["form"] == "HV-01" and rows[0]["submitted_by"] == "Nguyễn Thị Hà"
    assert rows[0]["programme"] == ""


@pytest.mark.parametrize(
    ("document", "path", "reason_en", "reason_vi"),
    [
        (
            {"period": "2024", "values": [{"indicator": "A", "value": 1}]},
            "$.unit",
            "'unit' is a required property",
            "thiếu trường bắt buộc",
        ),
        (
            {"unit": "20", "period": "2024", "values": []},
            "$.values",
            "should be non-empty",
            "trống",
        ),
        (
            {
                "unit": "20",
                "period": "2024",
                "values": [{"indicator": "A", "value": 1}, {"indicator": "B", "value": [3]}],
            },
            "$.values[1].value",
            "is not of type 'number', 'string'",
            "sai kiểu dữ liệu",
        ),
        (
            {"unit": "20", "period": "2024", "values": [{"indicator": "A", "value": True}]},
            "$.values[0].value",
            "is not of type",
            "sai kiểu",
        ),
        (
            {"unit": "20", "period": "2024", "values": [{"value": 1}]},
            "$.values[0].indicator",
            "required",
            "thiếu",
        ),
    ],
)
def test_json_invalid_submission_names_path_and_reason(
    document: Any, path: str, reason_en: str, reason_vi: str
) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_json_submission(_json(document))
    assert f"{path}: " in caught.value.reason_en
    assert reason_en in caught.value.reason_en
    assert f"{path}: " in caught.value.reason_vi
    assert reason_vi in caught.value.reason_vi


@pytest.mark.parametrize("raw", [b"{not json", b'{"unit": NaN}', b""])
def test_json_that_does_not_parse_is_unreadable(raw: bytes) -> None:
    with pytest.raises(UnreadableFile, match="JSON"):
        read_json_submission(raw)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (
            '{"unit": "P2025-04", "period": "2025", "period": "2024", "values": '
            '[{"indicator": "members_total", "value": 12}]}',
            "period",
        ),
        (
            '{"unit": "P2025-04", "period": "2025", "values": '
            '[{"indicator": "members_total", "value": 12, "value": 21}]}',
            "value",
        ),
    ],
)
def test_json_with_a_key_written_twice_is_refused(raw: str, key: str) -> None:
    """A form posted with a key twice: the parser would keep the last one, silently."""
    with pytest.raises(UnreadableFile) as caught:
        read_json_submission(raw.encode("utf-8"))
    assert f"trường '{key}' được ghi hai lần" in caught.value.reason_vi


# --- The reporting form ---------------------------------------------------------------------

INDICATORS = [
    {"code": "HV_TONG", "name_vi": "Tổng số hội viên", "subject": "members", "unit": "người"},
    {"code": "HV_TYLE", "name_vi": "Tỷ lệ tập hợp hội viên", "subject": "members", "unit": "%"},
    {"code": "HV_MOI", "name_vi": "Hội viên kết nạp mới", "subject": "members", "unit": "người"},
    {"code": "MDD_TRE", "name_vi": "Trẻ em được đỡ đầu", "subject": "programmes", "unit": "em"},
    {"code": "TC_QUY", "name_vi": "Quỹ Hội", "subject": "finances", "unit": "đồng"},
    {"code": "CT_HV", "name_vi": "Chỉ tiêu tỷ lệ tập hợp", "subject": "targets", "unit": "%"},
]


def test_form_layout(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    write_form(path, "020", "Hội LHPN tỉnh Lạng Sơn", "2024", INDICATORS)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Hội viên", "Chương trình", "Tài chính", "Chỉ tiêu"]
    ws = workbook["Hội viên"]
    assert [ws[f"A{r}"].value for r in (1, 2, 3)] == ["Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo"]
    assert [ws[f"B{r}"].value for r in (1, 2, 3)] == ["020", "Hội LHPN tỉnh Lạng Sơn", "2024"]
    assert [c.value for c in ws[5]] == [
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Đơn vị tính",
        "Giá trị",
        "Ghi chú",
    ]
    assert [ws[f"A{r}"].value for r in (6, 7, 8)] == ["HV_TONG", "HV_TYLE", "HV_MOI"]
    assert ws["A9"].value is None
    assert ws.protection.sheet is True
    assert ws["D6"].protection.locked is False and ws["E8"].protection.locked is False
    assert ws["A6"].protection.locked is True and ws["B1"].protection.locked is True
    assert workbook["Tài chính"]["A6"].value == "TC_QUY"


def test_form_rejects_unknown_subject(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown subject"):
        write_form(
            tmp_path / "f.xlsx",
            "020",
            "x",
            "2024",
            [{"code": "A", "name_vi": "A", "subject": "other", "unit": ""}],
        )


def test_filled_form_reads_back_exactly_what_was_typed(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    write_form(path, "020", "Hội LHPN tỉnh Lạng Sơn", "2024", INDICATORS)
    workbook = openpyxl.load_workbook(path)
    workbook["Hội viên"]["D6"] = 152340  # a number
    workbook["Hội viên"]["D7"] = 87.6  # a decimal
    workbook["Hội viên"]["E7"] = "ước tính đến 30/11"
    workbook["Hội viên"]["E8"] = "chưa có số liệu"  # a note without a value: not submitted
    workbook["Tài chính"]["D6"] = "1.293 tỷ"  # Vietnamese-written text value
    workbook["Chỉ tiêu"]["D6"] = "  "  # blank: not submitted
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_form(buffer.getvalue())
    assert table.rows.column_names == [*LONG_COLUMNS, "sheet"]
    assert _rows(table) == [
        {
            "row_number": 6,
            "unit": "020",
            "period": "2024",
            "indicator": "HV_TONG",
            "value_text": "152340",
            "unit_of_measure": "người",
            "programme": "",
            "disaggregation": "",
            "note": "",
            "sheet": "Hội viên",
        },
        {
            "row_number": 7,
            "unit": "020",
            "period": "2024",
            "indicator": "HV_TYLE",
            "value_text": "87,6",
            "unit_of_measure": "%",
            "programme": "",
            "disaggregation": "",
            "note": "ước tính đến 30/11",
            "sheet": "Hội viên",
        },
        {
            "row_number": 6,
            "unit": "020",
            "period": "2024",
            "indicator": "TC_QUY",
            "value_text": "1.293 tỷ",
            "unit_of_measure": "đồng",
            "programme": "",
            "disaggregation": "",
            "note": "",
            "sheet": "Tài chính",
        },
    ]


def test_empty_form_has_no_values(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    write_form(path, "020", "Hội LHPN tỉnh Lạng Sơn", "2024", INDICATORS)
    assert read_form(path.read_bytes()).rows.num_rows == 0


def test_workbook_that_is_not_the_form_is_unreadable(tmp_path: Path) -> None:
    data = _xlsx([["unit", "period", "indicator", "value"]], tmp_path / "long.xlsx")
    with pytest.raises(UnreadableFile, match="reporting form"):
        read_form(data)
