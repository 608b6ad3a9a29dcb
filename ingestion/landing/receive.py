"""Receiving a file, in a reader thread: opened safely, hashed, archived unchanged, checked
against the limits and read. Any failure of a reader is this file's rejection, never the
batch's."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ingestion import inbox as inbox_rules
from ingestion.inbox import Notice, Seen
from ingestion.landing.archive import archive_file, content_hash
from ingestion.limits import LandingLimits, check_file
from ingestion.narrative_review.proposals import Proposals, is_narrative, read_proposals
from ingestion.readers.dispatch import read_file
from ingestion.readers.table import UnreadableFile

log = logging.getLogger(__name__)


@dataclass
class ReceivedFile:
    path: Path
    submission_id: str
    archived: Path
    shape: str
    received_at: dt.datetime  # first seen in the inbox (ingestion/inbox.py)
    seen: Seen  # the file as read: it is removed from the inbox only if still this
    rows: pa.Table | None = None
    error: UnreadableFile | None = None
    notice: Notice | None = None  # not taken after all (not a regular file, or changed)
    proposals: Proposals | None = None  # a narrative report's figures, for review
    skipped: pa.Table | None = None  # skipped sheets and rows (readers/skips.py)


UNEXPECTED_ERROR = (
    "unexpected error reading the file; the administrator has been told",
    "lỗi không xác định khi đọc tệp; đã báo cho quản trị",
)


def receive_file(
    path: Path, listed: Seen, received_at: dt.datetime, archive_dir: Path, limits: LandingLimits
) -> ReceivedFile:
    """Archive a file unchanged and read its rows (in a reader thread).

    The file is opened without following a link and must be the regular file that settled
    (ingestion/inbox.py). Its bytes must keep the limits before a reader sees them; any
    failure of a reader is this file's rejection. A file whose bytes were landed before is
    read here too, and recognised as a duplicate when its chunk is landed: reading it is
    wasted only in that rare case.
    """
    try:
        data, seen = inbox_rules.read_regular(path)
    except inbox_rules.NotARegularFile as refused:
        return not_read(path, listed, received_at, refused.kind)
    except FileNotFoundError:  # taken away since it was listed
        return not_read(path, listed, received_at, "changed")
    except OSError:  # no permission to read it, or the disk failed: this file alone
        log.exception("landing %s: the file cannot be opened", path.name)
        return not_read(path, listed, received_at, "unreadable")
    if seen != listed:
        return not_read(path, listed, received_at, "changed")
    submission_id = content_hash(data)
    archived = archive_file(path, data, submission_id, archive_dir)
    received = ReceivedFile(path, submission_id, archived, "unknown", received_at, seen)
    try:
        check_file(path.name, data, limits)
        if is_narrative(path, data):
            received.shape, received.proposals = read_proposals(path, data, submission_id)
            return received
        read = read_file(path, data)
        received.shape, rows, received.skipped = read.shape, read.rows, read.skipped
        if rows.num_rows == 0:
            raise UnreadableFile(
                "the file has a header but no rows", "tệp có tiêu đề nhưng không có dòng số liệu"
            )
        n = rows.num_rows
        received.rows = rows.append_column(
            "submission_id", pa.repeat(pa.scalar(submission_id, pa.string()), n)
        ).append_column("file_name", pa.repeat(pa.scalar(path.name, pa.string()), n))
    except UnreadableFile as exc:
        received.error = exc
    except Exception:  # MemoryError and RecursionError too: this file's failure alone
        log.exception("landing %s: reading the file failed unexpectedly", path.name)
        received.rows, received.proposals = None, None
        received.error = UnreadableFile(*UNEXPECTED_ERROR)
    return received


def not_read(path: Path, listed: Seen, received_at: dt.datetime, kind: str) -> ReceivedFile:
    notice = inbox_rules.notice_of(path.name, kind)
    return ReceivedFile(path, "", path, "unknown", received_at, listed, notice=notice)
