"""Hostile and unlucky inbox files, made by the tests at run time (never committed as
payloads): each is what an attacker or bad luck would put in the inbox, with the words its
Vietnamese rejection must contain."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

HEADER = "unit,period,indicator,value"
# A marker no landed table, archived file or report may ever quote: it stands for the
# content of /etc/passwd or /proc/self/environ behind a symlink.
SECRET = "SECRET-0f3c9a-do-not-copy"


@dataclass(frozen=True)
class Hostile:
    name: str
    write: Callable[[Path], None]
    reason_vi: str  # a fragment of the Vietnamese reason the file must be rejected with


def workbook_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Số liệu"
    for row in rows:
        sheet.append(row)
    sheet["D2"].number_format = "#,##0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_WORKBOOK_ROWS = [
    ["Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Giá trị"],
    ["P2025-01", "2025", "members_total", 1000],
]


def rezipped(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The workbook's zip written again with each part passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            changed = change(part.filename, source.read(part.filename))
            if changed is not None:
                target.writestr(part.filename, changed)
    return out.getvalue()


def entity_workbook(path: Path) -> None:
    """A workbook whose shared strings declare an entity (the "billion laughs" shape)."""
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            body = data[data.index(b"?>") + 2 :] if data.startswith(b"<?xml") else data
            return laughs + body
        return data

    path.write_bytes(rezipped(workbook_bytes(GOOD_WORKBOOK_ROWS), change))


def zip_bomb_workbook(path: Path, expands_to: int = 640 * 1024 * 1024) -> None:
    """A real workbook with one extra part of zeros that expands over 1,000 times (a few
    hundred kilobytes on disk, over the decompressed limit once unpacked)."""
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes(GOOD_WORKBOOK_ROWS)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in base.infolist():
            target.writestr(part.filename, base.read(part.filename))
        info = zipfile.ZipInfo("xl/media/padding.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as stream:
            zeros = bytes(8 * 1024 * 1024)
            for _ in range(expands_to // len(zeros)):
                stream.write(zeros)
    path.write_bytes(out.getvalue())


def lying_bomb_workbook(path: Path) -> None:
    """A workbook with a part of 100 MiB of zeros whose zip headers claim it holds 1,000
    bytes: a reader trusting the headers would be surprised by what it unpacks."""
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes(GOOD_WORKBOOK_ROWS)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in base.infolist():
            target.writestr(part.filename, base.read(part.filename))
        target.writestr("xl/media/padding.bin", bytes(100 * 1024 * 1024))
    data = bytearray(out.getvalue())
    name = b"xl/media/padding.bin"
    # The uncompressed size in the part's local header and in the central directory.
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = data.find(signature)
        while data[start + name_at : start + name_at + len(name)] != name:
            start = data.find(signature, start + 4)
        data[start + size_at : start + size_at + 4] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def broken_sheet_workbook(path: Path) -> None:
    """A workbook whose sheet XML has a cell reference no reader expects: the reader fails
    with an error of its own, not a reason (the "unexpected error" path)."""

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return (
                b"<worksheet><sheetData><row r='x'><c r='ZZZZZZZZ1'><v>1</v></c></row>"
                b"</sheetData></worksheet>"
            )
        return data

    path.write_bytes(rezipped(workbook_bytes(GOOD_WORKBOOK_ROWS), change))


def missing_sheet_workbook(path: Path) -> None:
    """A workbook listing a sheet whose part is missing."""
    path.write_bytes(
        rezipped(
            workbook_bytes(GOOD_WORKBOOK_ROWS),
            lambda name, data: None if name.startswith("xl/worksheets/") else data,
        )
    )


def long_header_csv(path: Path) -> None:
    path.write_text(HEADER + "," + "x" * (130 * 1024) + "\nP2025-01,2025,members_total,5,\n")


def deep_json(path: Path) -> None:
    path.write_bytes(b"[" * 200_000 + b"]" * 200_000)


def huge_number_json(path: Path) -> None:
    document = (
        '{"unit":"P2025-01","period":"2025",'
        '"values":[{"indicator":"members_total","value":1E+999999999}]}'
    )
    path.write_text(document)


def wide_line_csv(path: Path) -> None:
    """A value cell of two megabytes in an otherwise ordinary CSV."""
    path.write_text(f"{HEADER}\nP2025-01,2025,members_total,{'9' * (2 * 1024 * 1024)}\n")


HOSTILE = [
    Hostile("entity.xlsx", entity_workbook, "DOCTYPE/ENTITY"),
    Hostile("bomb.xlsx", zip_bomb_workbook, "giải nén"),
    Hostile("lying_bomb.xlsx", lying_bomb_workbook, "bị hỏng"),
    Hostile("broken_sheet.xlsx", broken_sheet_workbook, "lỗi không xác định khi đọc tệp"),
    Hostile("missing_sheet.xlsx", missing_sheet_workbook, "lỗi không xác định khi đọc tệp"),
    Hostile("long_header.csv", long_header_csv, "dòng tiêu đề"),
    Hostile("deep.json", deep_json, "độ sâu lồng nhau"),
    Hostile("huge_number.json", huge_number_json, "quá dài hoặc quá lớn"),
    Hostile("wide_line.csv", wide_line_csv, "độ dài một dòng"),
]

# 152 Vietnamese letters and spaces: under 255 bytes as a name, over it once prefixed by a
# 64-character hash in the archive (the layout before this rule).
LONG_NAME_STEM = (
    "Báo cáo tổng hợp kết quả công tác Hội và phong trào phụ nữ tỉnh Tuyên Quang "
    "sáu tháng đầu năm hai nghìn hai mươi lăm của Hội Liên hiệp Phụ nữ cấp tỉnh gửi"
)[:152]


def good_files() -> dict[str, str]:
    """Ordinary files of the same batch, each for its own province, name → CSV text."""
    files = {
        f"p{n:02d}_2025.csv": f"{HEADER}\nP2025-{n:02d},2025,members_total,{1000 + n}\n"
        for n in (1, 4, 8)
    }
    files[LONG_NAME_STEM + ".csv"] = f"{HEADER}\nP2025-11,2025,members_total,2011\n"
    return files


def write_corpus(inbox: Path) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for hostile in HOSTILE:
        hostile.write(inbox / hostile.name)
    for name, text in good_files().items():
        (inbox / name).write_text(text, encoding="utf-8")


def landing_summary(result, con) -> dict:
    """What a landing did, as JSON-ready data (for the subprocess that lands the corpus)."""
    return {
        "files": [
            {"file_name": f.file_name, "status": f.status, "rows_accepted": f.rows_accepted}
            for f in result.files
        ],
        "reasons_vi": dict(
            con.execute(
                "select file_name, rejection_reason_vi from raw.submissions "
                "where status = 'rejected'"
            ).fetchall()
        ),
    }


LAND_IN_A_CAPPED_PROCESS = """
import json, resource, sys
cap = int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from pathlib import Path
import duckdb
from ingestion.landing import land_inbox
from tests.reliability.hostile_files import landing_summary
with duckdb.connect(sys.argv[3]) as con:
    result = land_inbox(Path(sys.argv[1]), Path(sys.argv[2]), con)
    summary = landing_summary(result, con)
# The peak resident size of this program's own memory (VmHWM). Not getrusage's ru_maxrss:
# Linux carries that across exec, so it would hold the forking test process's size.
peak_kib = next(
    int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")
)
summary["max_rss_bytes"] = peak_kib * 1024
print(json.dumps(summary))
"""


def json_line(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def deflate_ratio_of(path: Path) -> float:
    """Decompressed over compressed size of a zip's largest part (to show a bomb is one)."""
    with zipfile.ZipFile(path) as archive:
        part = max(archive.infolist(), key=lambda p: p.file_size)
        return part.file_size / max(part.compress_size, 1)
