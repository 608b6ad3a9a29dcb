"""Submissions as a unit sends them, and the files they become in the inbox.

A `Submission` is one file: its rows as written (text, or numbers where a spreadsheet holds
numbers), its shape, encoding and header, and the time it reached the inbox. Each row carries
what landing must make of it (`Expected`), or None when landing must reject it; the writers
number the rows exactly as the readers will, so a test can hold landing to every row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from ingestion.inbox import record_sightings
from ingestion.normalise import decode_bytes, encode_cp1258
from ingestion.normalise.text import without_marks
from ingestion.reference.catalogue import load_catalogue
from ingestion.synthetic.spelling import COLUMNS, HEADERS
from ingestion.writers.form_workbook import SHEET_TITLES, write_form

SHAPES = ("long_csv", "long_xlsx", "reporting_form", "json_form")
SUFFIX = {"long_csv": ".csv", "long_xlsx": ".xlsx", "reporting_form": ".xlsx", "json_form": ".json"}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "windows-1258")


@dataclass(frozen=True)
class Expected:
    """A value as it must land in raw.submission_values."""

    unit_code: str
    period_code: str
    indicator_code: str
    disaggregation: str | None
    value: float
    whole: float | None = None


@dataclass
class Row:
    unit: str
    period: str
    indicator: str
    value: str | int
    disaggregation: str = ""
    expected: Expected | None = None
    number: int = 0  # the row number landing gives it; set when the file is written


@dataclass
class Submission:
    name: str
    shape: str
    unit_code: str
    period_code: str
    rows: list[Row]
    received_at: dt.datetime
    form: str | None = None  # the subject area of a web-form or reporting-form submission
    encoding: str = "utf-8"
    header: str = "english"
    column_order: tuple[int, ...] = (0, 1, 2, 3, 4)
    damaged: bool = False  # Vietnamese text damaged in the file: must be rejected whole
    damage: str = "mojibake"  # how: one of DAMAGES
    nfd: bool = False  # written in decomposed Unicode


@dataclass(frozen=True)
class InjectedDefect:
    kind: str
    file_name: str
    rows: tuple[int, ...]  # row numbers concerned; empty for a defect of the whole file
    outcome: str
    detail: str = ""  # a fragment of the reason landing must give, or what was done
    column: str | None = None  # the column a rejected row is rejected on


@dataclass
class NationalBatch:
    files: list[Path] = field(default_factory=list)
    defects: list[InjectedDefect] = field(default_factory=list)
    rows_written: int = 0
    # (file name, row number) → what must land; rows absent here must be rejected.
    expected: dict[tuple[str, int], Expected] = field(default_factory=dict)
    received_at: dict[str, dt.datetime] = field(default_factory=dict)
    submissions: list[Submission] = field(default_factory=list)


def _form_order() -> dict[str, int]:
    """Indicator → its position in a filled form's reading order (sheets, then rows)."""
    catalogue = load_catalogue()
    order = [
        code
        for subject in SHEET_TITLES
        for code in catalogue.loc[catalogue.subject == subject, "indicator_code"]
    ]
    return {code: i for i, code in enumerate(order)}


def number_rows(submission: Submission) -> None:
    """Give each row the number the reader will give it."""
    if submission.shape == "reporting_form":
        order = _form_order()
        submission.rows.sort(
            key=lambda r: order[r.expected.indicator_code if r.expected else r.indicator]
        )
        first = 1
    elif submission.shape == "json_form":
        first = 1
    else:
        first = 2  # the header is row 1
    for i, row in enumerate(submission.rows):
        row.number = first + i


def _cells(submission: Submission, row: Row) -> list[str | int]:
    cells: list[str | int] = [row.unit, row.period, row.indicator, row.value, row.disaggregation]
    if submission.nfd:
        cells = [unicodedata.normalize("NFD", c) if isinstance(c, str) else c for c in cells]
    return cells


def _has_disaggregation(submission: Submission) -> bool:
    return any(r.disaggregation for r in submission.rows)


def _ordered(submission: Submission, values: list) -> list:
    order = [i for i in submission.column_order if i < 4 or _has_disaggregation(submission)]
    return [values[i] for i in order]


def _csv_bytes(submission: Submission) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_ordered(submission, list(HEADERS[submission.header])))
    for row in submission.rows:
        writer.writerow(_ordered(submission, _cells(submission, row)))
    text = buffer.getvalue()
    if submission.damaged:
        return damaged_bytes(text, submission.damage)
    if submission.encoding == "windows-1258":
        return encode_cp1258(text)
    data = text.encode(submission.encoding)
    if submission.header == "unaccented" and decode_bytes(data).damaged:
        # A clean file must read back clean; an unaccented header beside unaccented names
        # reads as lost diacritics, so such a file is titled in Vietnamese instead.
        submission.header = "vietnamese"
        return _csv_bytes(submission)
    return data


DAMAGES = ("mojibake", "question_marks", "dropped_diacritics")


def damaged_bytes(text: str, how: str) -> bytes:
    """The file as the damage leaves it. A damage too slight to tell in this text (a short
    file) becomes mojibake, which always shows, so the defect is always a real one."""
    if how == "question_marks":
        # Saved through a code page without Vietnamese: 'Hội' becomes 'H?i'.
        data = text.encode("cp1252", errors="replace")
    elif how == "dropped_diacritics":
        # Retyped or converted without marks: 'Kỳ báo cáo' becomes 'Ky bao cao'.
        data = without_marks(text).encode("utf-8")
    else:
        data = b""
    if data and decode_bytes(data).damaged:
        return data
    # What a spreadsheet does to UTF-8 it opened as Windows-1252 and saved again.
    return text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")


def _xlsx_save(submission: Submission, path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Số liệu")
    sheet.append(_ordered(submission, list(HEADERS[submission.header])))
    for row in submission.rows:
        sheet.append(_ordered(submission, _cells(submission, row)))
    book.save(path)


def _json_bytes(submission: Submission) -> bytes:
    first = submission.rows[0]
    values = []
    for row in submission.rows:
        item: dict[str, object] = {"indicator": row.indicator, "value": row.value}
        if row.disaggregation:
            item["disaggregation"] = row.disaggregation
        values.append(item)
    document = {
        "unit": first.unit,
        "period": first.period,
        "form": submission.form or "all",
        "submitted_by": "synthetic",
        "values": values,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if submission.nfd:
        text = unicodedata.normalize("NFD", text)
    return text.encode(submission.encoding)


def _form_save(submission: Submission, path: Path, unit_name: str) -> None:
    catalogue = load_catalogue()
    indicators = [
        {"code": r.indicator_code, "name_vi": r.name_vi, "subject": r.subject, "unit": r.unit}
        for r in catalogue.itertuples()
    ]
    values = {
        (r.expected.indicator_code if r.expected else r.indicator): r.value for r in submission.rows
    }
    first = submission.rows[0]
    write_form(path, first.unit, unit_name, first.period, indicators, values)


def write_submission(submission: Submission, inbox: Path, unit_name: str = "") -> Path:
    """Write the file into the inbox with its arrival time as modification time."""
    inbox.mkdir(parents=True, exist_ok=True)
    number_rows(submission)
    path = inbox / submission.name
    if submission.shape == "long_csv":
        path.write_bytes(_csv_bytes(submission))
    elif submission.shape == "json_form":
        path.write_bytes(_json_bytes(submission))
    elif submission.shape == "long_xlsx":
        _xlsx_save(submission, path)
    elif submission.shape == "reporting_form":
        _form_save(submission, path, unit_name)
    else:
        raise ValueError(f"unknown shape {submission.shape!r}; expected one of {SHAPES}")
    stamp = submission.received_at.replace(tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    # The simulated unit sent it then, and the pipeline saw it then (received_at is the
    # first sighting, never the mtime: ingestion/inbox.py).
    record_sightings(inbox, {path: stamp})
    return path


def record(batch: NationalBatch, submission: Submission, path: Path) -> None:
    batch.files.append(path)
    batch.submissions.append(submission)
    batch.rows_written += len(submission.rows)
    batch.received_at[submission.name] = submission.received_at
    if submission.damaged:
        return
    for row in submission.rows:
        if row.expected is not None:
            batch.expected[(submission.name, row.number)] = row.expected


def shuffled_columns(rng: random.Random) -> tuple[int, ...]:
    order = list(range(len(COLUMNS)))
    if rng.random() < 0.5:
        rng.shuffle(order)
    return tuple(order)
