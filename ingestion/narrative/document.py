"""Reading a narrative report (Word, PDF with a text layer, web page, plain text) into one text.

Every reader gives the same thing: the report's text, decoded and NFC-normalised, with line
ends as '\\n', its title and, when the file says so, its publication date. Offsets of the
figures found later are offsets in this text. Nothing here downloads anything: trafilatura
runs on the bytes it is given and python-docx, pdfplumber and pypdf read local files only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ingestion.normalise import decode_bytes, to_nfc
from ingestion.readers.table import UnreadableFile

__all__ = [
    "NARRATIVE_SUFFIXES",
    "Document",
    "looks_like_table",
    "read_document",
]

log = logging.getLogger(__name__)

NARRATIVE_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt", ".md")

# A PDF page with fewer letters than this in its text layer is an image of a page.
_MIN_LETTERS_PER_PAGE = 20
# A .txt is a table when most of its first lines have the same number (≥ 2) of tabs.
_TABLE_SNIFF_LINES = 20
_TABLE_MIN_SHARE = 0.8


@dataclass(frozen=True)
class Document:
    """A report's text and what the file says about it."""

    name: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    kind: str = "text"  # docx | pdf | html | text


def read_document(path: Path, data: bytes) -> Document:
    """The text of one report; raises UnreadableFile (English and Vietnamese reason)."""
    suffix = path.suffix.lower()
    title: str | None = None
    published: dt.date | None = None
    if suffix == ".docx":
        text, kind = _read_docx(data), "docx"
    elif suffix == ".pdf":
        text, kind = _read_pdf(data), "pdf"
    elif suffix in (".html", ".htm"):
        text, title, published = _read_html(data)
        kind = "html"
    elif suffix in (".txt", ".md"):
        text, kind = _read_text(data), "text"
    else:
        raise UnreadableFile(
            f"files ending in {suffix or '(no extension)'} are not narrative reports; "
            f"send {', '.join(NARRATIVE_SUFFIXES)}",
            f"không nhận báo cáo dạng tệp có đuôi {suffix or '(không có đuôi)'}; "
            f"hãy gửi {', '.join(NARRATIVE_SUFFIXES)}",
        )
    text = _uniform_lines(to_nfc(text))
    if not re.search(r"[^\W\d_]", text):
        raise UnreadableFile(
            "the report has no text",
            "báo cáo không có nội dung chữ",
        )
    header_title, header_date = _header(text)
    return Document(
        name=path.name,
        text=text,
        title=title or header_title or _first_line(text),
        published=published or header_date,
        kind=kind,
    )


def looks_like_table(data: bytes) -> bool:
    """Whether a .txt is really a tab-separated table (Excel's "Unicode Text" and the like)."""
    text = decode_bytes(data[:65536]).text
    # Records, not lines: a quoted cell may hold line ends (a note over several lines).
    records = [
        row for row in csv.reader(io.StringIO(text), delimiter="\t") if any(c.strip() for c in row)
    ][:_TABLE_SNIFF_LINES]
    if len(records) < 2:
        return False
    fields = [len(row) for row in records]
    common = max(set(fields), key=fields.count)
    return common >= 3 and fields.count(common) / len(records) >= _TABLE_MIN_SHARE


def _uniform_lines(text: str) -> str:
    # Python's text mode reads '\r\n' and '\r' as '\n'; offsets are given in that text.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("# source:"):
            return line.strip()
    return None


# Web copies of reports open with '# source: <address>' and a line ' date 2025-10-03 <title>'.
_DATE_LINE = re.compile(r"^\s*date (\d{4})-(\d{2})(?:-(\d{2}))?\b[ \t]*(.*)$", re.MULTILINE)
# A dated byline: 'Thứ tư - 20/03/2024 11:23', '04/03/2020'.
_BYLINE_DATE = re.compile(r"^\W*(?:Thứ \w+|Chủ nhật)?\W*(\d{1,2})/(\d{1,2})/(\d{4})\b", re.M)


def _header(text: str) -> tuple[str | None, dt.date | None]:
    head = text[:2000]
    if match := _DATE_LINE.search(head):
        year, month, day, title = match.groups()
        return title.strip() or None, _date(int(year), int(month), int(day or 1))
    if match := _BYLINE_DATE.search(head):
        day, month, year = (int(g) for g in match.groups())
        return None, _date(year, month, day)
    return None, None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- The readers ------------------------------------------------------------------------


def _read_text(data: bytes) -> str:
    # The CSV reader's decoding (BOM, UTF-16, UTF-8, Windows-1258); damaged passages are
    # judged one by one later, so a damaged file is not rejected here as a table would be.
    return decode_bytes(data).text


def _read_docx(data: bytes) -> str:
    import docx  # python-docx; imported here so the text path does not load it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a broken zip, a missing part, a file that is not Word
        log.info("docx unreadable: %s", exc)
        raise UnreadableFile(
            f"the Word file cannot be opened ({exc}); save it again as .docx",
            "không mở được tệp Word; hãy lưu lại dạng .docx và gửi lại",
        ) from None
    parts: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                        for cell in row.iterchildren()
                        if cell.tag.endswith("}tc")
                    ]
                    parts.append("\t".join(cells))
    return "\n".join(parts)


def _read_pdf(data: bytes) -> str:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many kinds for a broken file
        log.info("pdf unreadable: %s", exc)
        raise UnreadableFile(
            f"the PDF file cannot be opened ({type(exc).__name__}); export it again as PDF",
            "không mở được tệp PDF; hãy xuất lại tệp PDF và gửi lại",
        ) from None
    letters = sum(len(re.findall(r"[^\W\d_]", page)) for page in pages)
    if not pages or letters < _MIN_LETTERS_PER_PAGE * len(pages):
        raise UnreadableFile(
            "the PDF has no text layer (a scanned image); send the Word file or a PDF "
            "exported from Word, not a scan",
            "tệp PDF không có lớp chữ (là ảnh quét); hãy gửi tệp Word hoặc tệp PDF xuất "
            "từ Word, không gửi bản quét",
        )
    return "\n\n".join(pages)


def _read_html(data: bytes) -> tuple[str, str | None, dt.date | None]:
    import trafilatura

    html = decode_bytes(data).text
    # No URL is given, so trafilatura fetches nothing; it strips menus, counters and bylines.
    extracted = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        with_metadata=True,
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text:
        raise UnreadableFile(
            "no article text was found in the web page",
            "không tìm thấy nội dung bài viết trong trang web",
        )
    title = getattr(extracted, "title", None)
    date_text = getattr(extracted, "date", None) or ""
    published = None
    if match := re.match(r"(\d{4})-(\d{2})-(\d{2})", date_text):
        published = _date(*(int(g) for g in match.groups()))
    # The title opens the text: the unit and period are often named only there.
    return (f"{title}\n\n{text}" if title else text), title, published
