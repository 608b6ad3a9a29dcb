"""The limits a received file must keep, checked on its bytes before any reader parses it.

A reader given a hostile file (a zip bomb, an XML entity, a header cell of megabytes, JSON
nested 200,000 deep, a number of a billion digits) can run out of memory or time and take
the whole night's landing with it. Each check here costs a scan of the bytes, or of a zip's
directory and the first bytes of each of its XML parts; a file over a limit is rejected
whole with a reason the clerk can act on (UnreadableFile), and the readers never see it.

The limits are one settings object, LandingLimits; docs/operations.md lists them.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from xml.parsers import expat

import numpy as np

from ingestion.readers.table import UnreadableFile

MIB = 1024 * 1024


@dataclass(frozen=True)
class LandingLimits:
    """Every limit of landing, in one place. Each can be set in the environment as
    VWU_LIMIT_<NAME in capitals> (read when LandingLimits.from_env() is called)."""

    file_bytes: int = 64 * MIB  # one received file, as sent
    unzipped_bytes: int = 512 * MIB  # all parts of an .xlsx / .docx once decompressed
    zip_ratio: int = 500  # one part's decompressed size against its compressed size
    zip_parts: int = 10_000  # parts in one .xlsx / .docx
    rows: int = 1_000_000  # rows (lines) of one file
    line_bytes: int = 1 * MIB  # one line of a CSV or text file (so any one cell)
    header_bytes: int = 16 * 1024  # the first line of a CSV (its header cells)
    json_bytes: int = 8 * MIB  # a JSON document (a web form: one unit x period)
    json_depth: int = 64  # nesting of arrays and objects in a JSON document
    number_chars: int = 60  # one number written in a JSON document (digits, sign, exponent)
    name_bytes: int = 255  # the file's name in UTF-8 (the most a Linux file system stores)
    settle_seconds: float = 5.0  # a file must be unchanged this long before it is taken

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LandingLimits:
        env = os.environ if environ is None else environ
        values = {}
        for spec in dataclasses.fields(cls):
            text = env.get(f"VWU_LIMIT_{spec.name.upper()}")
            if text:
                values[spec.name] = float(text) if spec.type == "float" else int(text)
        return cls(**values)


def _too_big(what_en: str, what_vi: str, found: int | str, limit: int | str) -> UnreadableFile:
    return UnreadableFile(
        f"{what_en} ({found}) is over the limit of {limit}; split the file or send the "
        "report in the agreed template",
        f"{what_vi} ({found}) vượt giới hạn {limit}; hãy tách tệp hoặc gửi theo mẫu quy định",
    )


def check_name(name: str, limits: LandingLimits) -> None:
    size = len(name.encode("utf-8", "surrogateescape"))
    if size > limits.name_bytes:
        raise _too_big(
            "the file name's length in bytes", "độ dài tên tệp (byte)", size, limits.name_bytes
        )


def check_file(name: str, data: bytes, limits: LandingLimits) -> None:
    """Raise UnreadableFile if the file breaks a limit; its reader may then be given it."""
    check_name(name, limits)
    if len(data) > limits.file_bytes:
        raise _too_big(
            "the file's size", "dung lượng tệp", _mib(len(data)), _mib(limits.file_bytes)
        )
    suffix = PurePath(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".docx"):
        check_zip(data, limits)
    elif suffix == ".json":
        _check_lines(data, limits, header=False)
        check_json(data, limits)
    elif suffix in (".csv", ".txt", ".tsv", ".md"):  # a web page is often one long line
        # A .txt may be prose (a narrative report) whose first paragraph is one long line:
        # only its lines are bounded.
        _check_lines(data, limits, header=suffix in (".csv", ".tsv"))


def _mib(size: int) -> str:
    return f"{size / MIB:.1f} MiB"


def _check_lines(data: bytes, limits: LandingLimits, header: bool) -> None:
    """Rows, the header line and the longest line, by C-speed scans of the bytes. UTF-16
    text counts two bytes a character: its limits in characters are half."""
    lines = data.count(b"\n") + 1
    if lines > limits.rows:
        raise _too_big("the number of rows", "số dòng", lines, limits.rows)
    if header:
        end = data.find(b"\n")
        first = len(data) if end < 0 else end
        if first > limits.header_bytes:
            raise UnreadableFile(
                f"the first line (the header) is {first} bytes long, over the limit of "
                f"{limits.header_bytes}; the header holds the column names only",
                f"dòng đầu (dòng tiêu đề) dài {first} byte, vượt giới hạn {limits.header_bytes}; "
                "dòng tiêu đề chỉ ghi tên các cột",
            )
    if len(data) > limits.line_bytes and _longest_line(data) > limits.line_bytes:
        raise _too_big(
            "a line's length in bytes",
            "độ dài một dòng (byte)",
            f"> {limits.line_bytes}",
            limits.line_bytes,
        )


def _longest_line(data: bytes) -> int:
    """The length of the longest line, from the positions of the line breaks (a regular
    expression for "a line longer than N" costs a scan of each line for each of its bytes)."""
    breaks = np.flatnonzero(np.frombuffer(data, np.uint8) == ord("\n"))
    ends = np.concatenate(([-1], breaks, [len(data)]))
    return int(np.diff(ends).max()) - 1


# A JSON string (with its escapes) and a JSON number. Strings are cut out first so that a
# bracket or digit inside one counts for nothing.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_NUMBER = re.compile(rb"-?[0-9][0-9.eE+\-]*")
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")


# +1 for an opening bracket, -1 for a closing one: the running sum is the depth.
_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1
_DEPTH_PIECE = 4 * MIB


def _deepest(brackets: bytes) -> int:
    """The greatest nesting depth of a run of brackets, in pieces of bounded memory."""
    deepest = depth = 0
    for start in range(0, len(brackets), _DEPTH_PIECE):
        piece = np.frombuffer(brackets, np.uint8, min(_DEPTH_PIECE, len(brackets) - start), start)
        running = np.cumsum(_STEP[piece], dtype=np.int64) + depth
        deepest, depth = max(deepest, int(running.max())), int(running[-1])
    return deepest


def check_json(data: bytes, limits: LandingLimits) -> None:
    """Size, nesting depth and the length of each number, before json.loads recurses or
    builds a Decimal of a billion digits. UTF-16 JSON is checked once decoded."""
    if len(data) > limits.json_bytes:
        raise _too_big(
            "the JSON document's size",
            "dung lượng tài liệu JSON",
            _mib(len(data)),
            _mib(limits.json_bytes),
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and 0 in data[:2]):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return  # the reader says it cannot be decoded
    outside = _JSON_STRING.sub(b'""', data)
    deepest = _deepest(outside.translate(None, _BRACKETS))
    if deepest > limits.json_depth:
        raise _too_big(
            "the JSON document's nesting depth",
            "độ sâu lồng nhau của tài liệu JSON",
            deepest,
            limits.json_depth,
        )
    for number in _JSON_NUMBER.finditer(outside):
        text = number.group()
        exponent = re.search(rb"[eE][+\-]?0*([0-9]+)", text)
        if len(text) > limits.number_chars or (exponent and len(exponent.group(1)) > 3):
            shown = text[:40].decode("ascii", "replace") + ("…" if len(text) > 40 else "")
            raise UnreadableFile(
                f"the number {shown} is too long or too large to be a figure of a report",
                f"số {shown} quá dài hoặc quá lớn, không thể là số liệu báo cáo",
            )


def check_zip(data: bytes, limits: LandingLimits) -> None:
    """An .xlsx or .docx is a zip of XML parts. Its directory gives each part's sizes; the
    parts are then decompressed in pieces, never whole, checking the sizes were true, and
    every XML part's prolog is read for a DOCTYPE (which alone can declare entities)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return  # not a zip: the reader gives its own reason
    if len(parts) > limits.zip_parts:
        raise _too_big(
            "the number of parts in the workbook", "số phần trong tệp", len(parts), limits.zip_parts
        )
    declared = sum(part.file_size for part in parts)
    if declared > limits.unzipped_bytes:
        raise _zip_bomb(declared, limits)
    for part in parts:
        if part.file_size > limits.zip_ratio * max(part.compress_size, 1) and part.file_size > MIB:
            raise _zip_bomb(declared, limits)
    total = 0
    for part in parts:
        if part.is_dir():
            continue
        total += _read_part(archive, part, limits, limits.unzipped_bytes - total)


def _zip_bomb(size: int, limits: LandingLimits) -> UnreadableFile:
    return UnreadableFile(
        f"the file expands to {_mib(size)} or more once decompressed (limit "
        f"{_mib(limits.unzipped_bytes)}, and at most {limits.zip_ratio} times a part's packed "
        "size); it is not a workbook a person made, or far too large",
        f"tệp giải nén ra từ {_mib(size)} trở lên (giới hạn {_mib(limits.unzipped_bytes)}); "
        "đây không phải bảng tính bình thường hoặc quá lớn",
    )


_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
_PIECE = 1 * MIB


def _read_part(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: LandingLimits, room: int
) -> int:
    """Decompress one part in pieces; returns its size. zipfile stops a part at its declared
    size and checks its CRC, so a part that says less than it holds fails here."""
    prolog = _Prolog() if _XML_PART.search(part.filename) else None
    is_sheet = part.filename.startswith("xl/worksheets/")
    size = rows = 0
    try:
        with archive.open(part) as stream:
            while piece := stream.read(_PIECE):
                size += len(piece)
                if size > room:
                    raise _zip_bomb(limits.unzipped_bytes - room + size, limits)
                if prolog is not None and not prolog.done:
                    prolog.feed(piece)
                if is_sheet:
                    rows += piece.count(b"<row ") + piece.count(b"<row>")
                    if rows > limits.rows:
                        raise _too_big("the number of rows", "số dòng", f"> {rows}", limits.rows)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
        raise UnreadableFile(
            f"part {part.filename} of the workbook is damaged",
            "tệp bảng tính bị hỏng (một phần của tệp không đọc được); hãy lưu lại và gửi lại",
        ) from None
    return size


class _StopProlog(Exception):
    pass


class _Prolog:
    """expat fed the start of an XML part until its root element opens: a document type
    declaration can only come before it, so the rest of the part need not be parsed."""

    def __init__(self) -> None:
        self.done = False
        self._parser = expat.ParserCreate()
        self._parser.StartDoctypeDeclHandler = self._doctype
        self._parser.EntityDeclHandler = self._doctype
        self._parser.StartElementHandler = self._root

    def _doctype(self, *_: object) -> None:
        raise UnreadableFile(
            "the workbook's XML declares a document type or entities, which Excel never "
            "writes; the file was altered or made by an unsafe tool",
            "tệp có khai báo DOCTYPE/ENTITY trong XML, điều Excel không bao giờ ghi; tệp đã "
            "bị sửa hoặc tạo bằng công cụ không an toàn, hãy lưu lại bằng Excel và gửi lại",
        )

    def _root(self, *_: object) -> None:
        raise _StopProlog

    def feed(self, piece: bytes) -> None:
        try:
            self._parser.Parse(piece, False)
        except _StopProlog:
            self.done = True
        except expat.ExpatError:
            self.done = True  # not well-formed: the reader gives its own reason
