"""Workbooks read as Excel shows them: every sheet, every cell with its number format.

Clerks' workbooks are not the plain table the fast readers expect (xlsx_fast, xlsx_long):
a title merged across the top rows, the header in row 4, a unit merged down the rows it
covers, values formatted as percentages, cells Excel turned into dates, formulas, several
sheets of which some are hidden. This reader (openpyxl, which sees formats, merges and
sheet states) is the definition; dispatch uses the fast readers only for a workbook that
`is_plain` shows has none of these.

Rules:
- Every visible sheet is read: a reporting-form sheet (its title is one of the form's
  subject areas, its unit and period in the block at the top), or a sheet whose header is
  found in its first rows (HEADER_SEARCH_ROWS) below any title. A hidden sheet is never
  read; it and any other sheet are named in the submitter report. Rows above the header
  are skipped, each traced.
- A merged cell's value applies to every cell it covers.
- A number is what the cell holds, as Excel shows it: a %-formatted 0.792 is '79,2%'.
  A value cell Excel turned into a date (typing '8/8' or '12/12' makes one) is rejected:
  the figure cannot be recovered from the date. A formula whose result was never saved
  (a workbook written by a program, not saved by Excel) is rejected, saying so.
- In the period column, a date Excel made of '8/2024' (a month) is that month, and a full
  date is an as-of date.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyarrow as pa
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from ingestion.normalise.numbers import typed_number_text
from ingestion.normalise.text import fold, to_nfc
from ingestion.readers.headers import canonical_column, map_header
from ingestion.readers.skips import TITLE_EN, TITLE_VI
from ingestion.readers.table import (
    LONG_COLUMNS,
    REQUIRED_COLUMNS,
    UnreadableFile,
    not_a_workbook,
)
from ingestion.readers.xlsx_long import (
    cell_text,
    open_workbook,
    sheet_values,
    value_text,
)

__all__ = [
    "FORM_LABELS",
    "FORM_TITLES",
    "HEADER_SEARCH_ROWS",
    "WorkbookRead",
    "is_plain",
    "read_workbook",
]

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 30
# The reporting form's sheets and its header block (form_workbook.py writes them).
FORM_TITLES = ("Hội viên", "Chương trình", "Tài chính", "Chỉ tiêu")
FORM_LABELS = ("Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo")
_FOLDED_TITLES = {fold(t) for t in FORM_TITLES}
_FOLDED_LABELS = tuple(fold(label) for label in FORM_LABELS)


@dataclass
class WorkbookRead:
    """The rows of every sheet read, and what was skipped (skips.SKIPPED_COLUMNS tuples)."""

    rows: pa.Table
    skipped: list[tuple] = field(default_factory=list)
    form_sheets: list[str] = field(default_factory=list)


@dataclass
class _Shown:
    text: str
    typed: bool = False  # a number the cell holds (read the national way, never guessed)
    reason_en: str | None = None
    reason_vi: str | None = None


# --- The cheap look at a workbook's parts, for the fast path ------------------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_HIDDEN = re.compile(rb"\bstate=\"(?:hidden|veryHidden)\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_XF_FORMAT = re.compile(rb"<(?:\w+:)?xf\b[^>]*\bnumFmtId=\"(\d+)\"")
_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*numFmtId=\"(\d+)\"[^>]*formatCode=\"([^\"]*)\"")
# Built-in formats that change what a number means: percentages, dates and times.
_SHOWN_DIFFERENTLY = frozenset({9, 10, *range(14, 23), *range(45, 48)})
_DATE_OR_PERCENT = re.compile(r"%|[dmyhs]", re.I)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def is_plain(data: bytes, single_sheet: bool = True) -> bool:
    """Whether the workbook is one visible sheet (with `single_sheet`; else any number of
    sheets, all visible) with no merged cells, no formulas and no number format that
    changes a number's meaning (percent, date), so that calamine, which sees none of these,
    reads it as Excel shows it. False when unsure."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            book = archive.read("xl/workbook.xml")
            sheets = _SHEET_TAG.findall(book)
            if not sheets or (single_sheet and len(sheets) != 1):
                return False
            if any(_HIDDEN.search(sheet) for sheet in sheets):
                return False
            parts = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            for part in parts:
                xml = archive.read(part)
                if _has_formula(xml) or b"mergeCell" in xml or _has_hidden_rows(xml):
                    return False
            if "xl/styles.xml" in names and not _plain_styles(archive.read("xl/styles.xml")):
                return False
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return False
    return True


def _has_hidden_rows(xml: bytes) -> bool:
    """Whether a sheet hides rows or columns (calamine reads them as any other)."""
    return b' hidden="1"' in xml or b' hidden="true"' in xml


def _has_formula(xml: bytes) -> bool:
    """Whether a sheet's XML holds a formula element (substring tests first: a regular
    expression over a province's sheet costs ten times more)."""
    if b"<f>" in xml or b"<f " in xml or b"<f/>" in xml:
        return True
    return b":f" in xml and _FORMULA.search(xml) is not None


def _plain_styles(styles: bytes) -> bool:
    custom = {
        int(number): code.decode("utf-8", "replace") for number, code in _NUM_FMT.findall(styles)
    }
    block = _CELL_XFS.search(styles)
    used = {int(n) for n in _XF_FORMAT.findall(block.group())} if block else set()
    for number in used:
        if number in _SHOWN_DIFFERENTLY:
            return False
        code = custom.get(number)
        if code is not None and _DATE_OR_PERCENT.search(_QUOTED.sub("", code)):
            return False
    return True


# --- Cells as Excel shows them ---------------------------------------------------------


_DATE_EN = (
    "Excel turned this value cell into the date {date} (typing '{day}/{month}' makes one); "
    "format the cell as Text and type the figure again"
)
_DATE_VI = (
    "Excel đã tự đổi ô giá trị thành ngày {date} (gõ '{day}/{month}' sẽ bị đổi như vậy); "
    "hãy định dạng ô là Văn bản (Text) rồi gõ lại số liệu"
)
_FORMULA_EN = (
    "the cell holds a formula ({formula}) whose result was never saved; open the file in "
    "Excel, save it, and send it again (or type the figure)"
)
_FORMULA_VI = (
    "ô có công thức ({formula}) chưa có kết quả được lưu; hãy mở tệp bằng Excel, lưu lại "
    "rồi gửi lại (hoặc gõ số liệu)"
)


def _shown(cell: Cell | _Value | None, role: str | None, formula: str | None) -> _Shown:
    """A cell as Excel shows it, for the column it stands in (`role`: a canonical column)."""
    value = None if cell is None else cell.value
    if value is None:
        if formula:
            return _Shown(
                "",
                reason_en=_FORMULA_EN.format(formula=formula),
                reason_vi=_FORMULA_VI.format(formula=formula),
            )
        return _Shown("")
    number_format = (cell.number_format or "") if cell is not None else ""
    if isinstance(value, dt.datetime | dt.date) and not isinstance(value, dt.time):
        return _date(value, role, number_format)
    if role != "value":
        return _Shown(cell_text(value))
    if isinstance(value, bool):
        return _Shown(cell_text(value))
    if isinstance(value, int | float):
        if "%" in _QUOTED.sub("", number_format):
            return _Shown(typed_number_text(float(value), percent=True), typed=True)
        return _Shown(value_text(value), typed=True)
    return _Shown(cell_text(value))


def _date(value: dt.date, role: str | None, number_format: str) -> _Shown:
    day = value if isinstance(value, dt.date) else value
    if role == "value":
        shown = f"{day.day:02d}/{day.month:02d}/{day.year}"
        words = {"date": shown, "day": day.day, "month": day.month}
        return _Shown(shown, reason_en=_DATE_EN.format(**words), reason_vi=_DATE_VI.format(**words))
    if role == "period":
        # As Excel shows it: 'mm/yyyy' a month, 'yyyy' the year alone, else the day.
        shown = _QUOTED.sub("", number_format).lower()
        if "d" not in shown and "m" in shown:
            return _Shown(f"tháng {day.month}/{day.year}")
        if "d" not in shown and "m" not in shown and "y" in shown:
            return _Shown(f"năm {day.year}")
        return _Shown(f"{day.day:02d}/{day.month:02d}/{day.year}")
    return _Shown(cell_text(value))


# --- Sheets -----------------------------------------------------------------------------


class _Value(NamedTuple):
    """A cell of a plain workbook read by calamine: no format changes what it holds."""

    value: Any
    number_format: str = "General"


class _Grid:
    """A sheet's cells by (row, column), merged ranges filled with their first cell."""

    @classmethod
    def of_sheet(cls, ws: Worksheet, formulas: dict[tuple[int, int], str]) -> _Grid:
        cells: dict[tuple[int, int], Cell | _Value] = {
            key: cell for key, cell in ws._cells.items() if cell.value is not None
        }
        covered: dict[tuple[int, int], int] = {}
        for merged in ws.merged_cells.ranges:
            first = ws.cell(merged.min_row, merged.min_col)
            if first.value is None:
                continue
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    cells[(row, column)] = first
                    if row != merged.min_row:
                        covered[(row, column)] = merged.min_row
        hidden = {row for row, dimension in ws.row_dimensions.items() if dimension.hidden}
        grid = cls(cells, formulas, hidden)
        grid.merged_down = covered
        return grid

    def __init__(
        self,
        cells: dict[tuple[int, int], Cell | _Value],
        formulas: dict[tuple[int, int], str],
        hidden_rows: set[int] | None = None,
    ) -> None:
        self.cells = cells
        self.formulas = formulas
        keys = set(self.cells) | set(formulas)
        self.last_row = max((r for r, _ in keys), default=0)
        self.last_column = max((c for _, c in keys), default=0)
        content = {r for r, _ in keys}
        # A hidden row is never read, as a hidden sheet is not: it is traced instead.
        self.hidden_with_content = sorted(content & (hidden_rows or set()))
        self.rows_with_content = sorted(content - (hidden_rows or set()))
        # Cells a merge covers below its first row → that first row: a unit written once for
        # its rows applies to each, but a value merged down is one figure, not one a row.
        self.merged_down: dict[tuple[int, int], int] = {}

    def shown(self, row: int, column: int, role: str | None) -> _Shown:
        return _shown(self.cells.get((row, column)), role, self.formulas.get((row, column)))

    def texts(self, row: int) -> list[str]:
        return [self.shown(row, c, None).text for c in range(1, self.last_column + 1)]


def _formulas(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet title → the cells holding a formula, and its text; only read when the
    workbook has formulas at all."""
    book = load_workbook(io.BytesIO(data), data_only=False)
    found: dict[str, dict[tuple[int, int], str]] = {}
    for ws in book.worksheets:
        cells = {
            key: str(cell.value)
            for key, cell in ws._cells.items()
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value[:1] == "=")
        }
        if cells:
            found[ws.title] = cells
    return found


def _open(data: bytes) -> Any:
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        log.info("openpyxl cannot open the workbook: %r", exc)
        raise not_a_workbook() from exc


def _sheets(data: bytes) -> list[tuple[str, bool, Any]]:
    """(title, visible, the sheet's _Grid or a function making it) of every sheet, in order.
    A workbook plain but for having several sheets (a filled reporting form, as a rule) is
    read by calamine, about twenty times faster than openpyxl; any other by openpyxl."""
    if is_plain(data, single_sheet=False):
        workbook = open_workbook(data)
        found = []
        for name in workbook.sheet_names:
            rows = sheet_values(workbook.get_sheet_by_name(name))
            cells: dict[tuple[int, int], Cell | _Value] = {
                (r, c): _Value(value)
                for r, row in enumerate(rows, start=1)
                for c, value in enumerate(row, start=1)
                if value is not None and value != ""
            }
            found.append((to_nfc(name), True, _Grid(cells, {})))
        return found
    book = _open(data)
    formulas = _formulas(data) if _any_formula(data) else {}
    return [
        (
            to_nfc(ws.title),
            ws.sheet_state == "visible",
            lambda ws=ws: _Grid.of_sheet(ws, formulas.get(ws.title, {})),
        )
        for ws in book.worksheets
    ]


def _any_formula(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(
                _has_formula(archive.read(n))
                for n in archive.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")
            )
    except (zipfile.BadZipFile, OSError):
        return False


def read_workbook(data: bytes) -> WorkbookRead:
    """Every visible sheet's rows (row_number, source_location, LONG_COLUMNS, the reader's
    reason for a value cell, and whether the value was typed), and the skipped sheets and
    rows."""
    sheets = _sheets(data)
    collected: list[dict[str, Any]] = []
    skipped: list[tuple] = []
    form_sheets: list[str] = []
    form_subjects: dict[str, tuple[str, str]] = {}
    sheets_read: list[str] = []
    first_problem: UnreadableFile | None = None
    for title, visible, grid_of in sheets:
        if not visible:
            skipped.append(
                (
                    None,
                    title,
                    "",
                    f"the sheet {title!r} is hidden and was not read; unhide it if it holds "
                    "figures to send",
                    f"trang tính {title!r} bị ẩn nên không được đọc; nếu trang có số liệu cần "
                    "gửi, hãy bỏ ẩn rồi gửi lại",
                    False,
                )
            )
            continue
        grid = grid_of if isinstance(grid_of, _Grid) else grid_of()
        if not grid.rows_with_content:
            skipped.append(
                (
                    None,
                    title,
                    "",
                    f"the sheet {title!r} is empty",
                    f"trang tính {title!r} trống",
                    False,
                )
            )
            continue
        try:
            if fold(title) in _FOLDED_TITLES:
                rows, skips = _read_form_sheet(grid, title)
                form_sheets.append(title)
                form_subjects[title] = (
                    fold(grid.shown(1, 2, "unit").text),
                    fold(grid.shown(3, 2, "period").text),
                )
            else:
                rows, skips = _read_long_sheet(grid, title)
        except UnreadableFile as exc:
            first_problem = first_problem or exc
            skipped.append((None, title, "", exc.reason_en, exc.reason_vi, False))
            continue
        sheets_read.append(title)
        collected.extend(rows)
        skipped.extend(skips)
        skipped.extend(
            (
                row,
                f"{title}!{row}",
                " | ".join(dict.fromkeys(t.strip() for t in grid.texts(row) if t.strip())),
                _HIDDEN_ROW_EN,
                _HIDDEN_ROW_VI,
                True,
            )
            for row in grid.hidden_with_content
        )
    if not sheets_read:
        hidden = [s[1] for s in skipped if s[0] is None and "bị ẩn" in s[4]]
        if hidden:
            names = ", ".join(repr(name) for name in hidden)
            raise UnreadableFile(
                f"no visible sheet holds a table; the hidden sheet(s) {names} are never read: "
                "unhide the sheet that holds the figures and send the file again",
                f"không có trang tính nào đang hiện chứa bảng số liệu; trang bị ẩn ({names}) "
                "không được đọc: hãy bỏ ẩn trang có số liệu rồi gửi lại",
            )
        if first_problem is not None:
            raise first_problem
        raise UnreadableFile(
            "the workbook has no sheet with a table", "sổ tính không có bảng số liệu nào"
        )
    if len(set(form_subjects.values())) > 1:
        # Each form sheet says whose and which period's figures it holds; a workbook's
        # sheets that differ are a copy edited in part, not two reports.
        listed = ", ".join(repr(title) for title in form_subjects)
        raise UnreadableFile(
            f"the form sheets {listed} give different units or periods in rows 1-3; one "
            "workbook is one unit's report for one period: make them the same, or send "
            "separate files",
            f"các trang biểu mẫu {listed} ghi đơn vị hoặc kỳ báo cáo khác nhau ở dòng 1-3; mỗi "
            "tệp là báo cáo của một đơn vị cho một kỳ: hãy sửa cho giống nhau, hoặc gửi thành "
            "các tệp riêng",
        )
    return WorkbookRead(_table(collected, len(sheets_read) > 1), skipped, form_sheets)


_NOTE_ONLY_EN = (
    "the value cell is blank and only the note is written: a figure in the note is not read; "
    "write it in the value column"
)
_NOTE_ONLY_VI = (
    "ô Giá trị trống, chỉ ghi ở cột Ghi chú: số liệu ghi trong Ghi chú không được nhận; hãy "
    "ghi vào cột Giá trị"
)
_HIDDEN_ROW_EN = "a hidden row, not read; unhide it if it holds figures to send"
_HIDDEN_ROW_VI = "dòng bị ẩn nên không được đọc; nếu dòng có số liệu cần gửi, hãy bỏ ẩn rồi gửi lại"


def _find_header(grid: _Grid, required: tuple[str, ...]) -> tuple[int, dict[int, str]] | None:
    """(row, column → canonical name) of the first row within HEADER_SEARCH_ROWS that names
    every required column; map_header's checks apply to it (a repeated column is an error)."""
    for row in grid.rows_with_content:
        if row > HEADER_SEARCH_ROWS:
            break
        texts = grid.texts(row)
        named = {canonical_column(t) for t in texts if t.strip()}
        if all(c in named for c in required):
            mapping = map_header(texts, required)
            return row, {index + 1: canonical for index, canonical in mapping.items()}
    return None


def _title_skips(grid: _Grid, title: str, header_row: int, after: int = 0) -> list[tuple]:
    rows = [r for r in grid.rows_with_content if after < r < header_row]
    return [
        (
            r,
            f"{title}!{r}",
            " | ".join(dict.fromkeys(t.strip() for t in grid.texts(r) if t.strip())),
            TITLE_EN,
            TITLE_VI,
            True,
        )
        for r in rows
    ]


def _read_long_sheet(grid: _Grid, title: str) -> tuple[list[dict[str, Any]], list[tuple]]:
    found = _find_header(grid, REQUIRED_COLUMNS)
    if found is None:
        first = grid.texts(grid.rows_with_content[0])
        # A first row that names any column is a header with something wrong: map_header
        # says what. Otherwise the sheet holds no table (a cover, notes, a chart's data).
        if any(canonical_column(text) for text in first if text.strip()):
            map_header(first)
        raise UnreadableFile(
            f"the sheet {title!r} holds no table: no header with the columns unit, period, "
            f"indicator, value in its first {HEADER_SEARCH_ROWS} rows",
            f"trang {title!r} không có bảng số liệu: không tìm thấy dòng tiêu đề có các cột Mã "
            f"đơn vị, Kỳ báo cáo, Mã chỉ tiêu, Giá trị trong {HEADER_SEARCH_ROWS} dòng đầu",
        )
    header_row, columns = found
    rows = [_row(grid, title, r, columns, {}) for r in grid.rows_with_content if r > header_row]
    return [r for r in rows if r is not None], _title_skips(grid, title, header_row)


def _read_form_sheet(grid: _Grid, title: str) -> tuple[list[dict[str, Any]], list[tuple]]:
    labels = tuple(fold(grid.shown(r, 1, None).text) for r in (1, 2, 3))
    unit = grid.shown(1, 2, "unit").text.strip()
    period = grid.shown(3, 2, "period").text.strip()
    if labels != _FOLDED_LABELS or not unit or not period:
        raise UnreadableFile(
            f"sheet {title!r}: rows 1-3 must give {', '.join(FORM_LABELS)} in column B; "
            "use the form as it was sent",
            f"trang {title!r}: dòng 1-3 phải ghi {', '.join(FORM_LABELS)} ở cột B; "
            "hãy dùng đúng mẫu đã gửi",
        )
    found = _find_header(grid, ("indicator", "value"))
    if found is None:
        raise UnreadableFile(
            f"sheet {title!r}: the table header (Mã chỉ tiêu, Giá trị) was not found",
            f"trang {title!r}: không tìm thấy dòng tiêu đề bảng (Mã chỉ tiêu, Giá trị)",
        )
    header_row, columns = found
    fixed = {"unit": unit, "period": period}
    rows = []
    skips = _title_skips(grid, title, header_row, after=3)
    for r in grid.rows_with_content:
        if r <= header_row:
            continue
        row = _row(grid, title, r, columns, fixed)
        if row is None:
            continue
        # A blank value cell is an indicator the unit did not report, not a zero; but a
        # note written beside it may hold the figure, so that row is traced.
        if row["value_text"].strip() or row["cell_reason_en"]:
            rows.append(row)
        elif row.get("note", "").strip():
            skips.append(
                (r, f"{title}!{r}", row["note"].strip(), _NOTE_ONLY_EN, _NOTE_ONLY_VI, True)
            )
    return rows, skips


def _row(
    grid: _Grid, title: str, r: int, columns: dict[int, str], fixed: dict[str, str]
) -> dict[str, Any] | None:
    """One data row as the long columns, or None when every cell of it is blank."""
    if all(not t.strip() for t in grid.texts(r)):
        return None
    out: dict[str, Any] = {name: "" for name in LONG_COLUMNS}
    out.update(fixed)
    out |= {"row_number": r, "source_location": f"{title}!{r}"}
    out |= {"cell_reason_en": None, "cell_reason_vi": None, "number_convention": ""}
    for column, canonical in columns.items():
        shown = grid.shown(r, column, canonical)
        name = "value_text" if canonical == "value" else canonical
        if canonical in fixed:
            continue
        out[name] = shown.text
        above = grid.merged_down.get((r, column)) if canonical == "value" else None
        if above is not None and out["cell_reason_en"] is None:
            out["cell_reason_en"] = (
                f"the value cell is merged with row {above}'s: one figure cannot be each "
                "row's; unmerge the cells and write each row's figure"
            )
            out["cell_reason_vi"] = (
                f"ô Giá trị bị gộp với ô của dòng {above}: một số liệu không thể là của từng "
                "dòng; hãy bỏ gộp ô và ghi số liệu cho từng dòng"
            )
        if shown.reason_en and out["cell_reason_en"] is None:
            out["cell_reason_en"], out["cell_reason_vi"] = shown.reason_en, shown.reason_vi
        if canonical == "value" and shown.typed:
            out["number_convention"] = "typed"
    return out


_ROW_TYPES: dict[str, pa.DataType] = {
    "row_number": pa.int64(),
    "source_location": pa.string(),
    **{name: pa.string() for name in LONG_COLUMNS},
    "cell_reason_en": pa.string(),
    "cell_reason_vi": pa.string(),
    "number_convention": pa.string(),
}


def _table(rows: list[dict[str, Any]], several_sheets: bool) -> pa.Table:
    """The rows as a table. Rows of several sheets are numbered in reading order (a row
    number alone would not say which sheet); the sheet and its row stay in
    source_location."""
    if several_sheets:
        for number, row in enumerate(rows, start=1):
            row["row_number"] = number
    return pa.table(
        {name: pa.array([row[name] for row in rows], kind) for name, kind in _ROW_TYPES.items()}
    )
