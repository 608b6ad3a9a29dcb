"""What in the inbox may be taken, when, and how it is read and removed.

Only a regular file is taken, opened without following a link (a symlink to /etc/passwd
must never be read, archived or quoted). A file is taken once it is complete: unchanged for
the settle time, and not under an upload's temporary name. It is removed from the inbox only
if it is still exactly what was archived. Everything else in the inbox is reported, never
silently skipped.

When a file was first seen is recorded in a small ledger (SQLite, beside the inbox and
readable by the pipeline's user only): the inbox sensor and landing both record what they
see, and a file's received time is its first sighting, never its modification time, which
the sender controls.
"""

from __future__ import annotations

import datetime as dt
import errno
import fnmatch
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Names that uploads, browsers and office programs use while a file is still being written.
TEMPORARY_NAMES = ("*.partial", "*.tmp", "~$*", "*.crdownload", "*.part", "*.download")


@dataclass(frozen=True)
class Notice:
    """Something in the inbox that is not taken (now): reported in the run and raw.inbox_notices."""

    file_name: str
    # symlink | special | directory | hidden | temporary | settling | changed | unreadable
    kind: str
    reason_en: str
    reason_vi: str


@dataclass(frozen=True)
class Seen:
    """A regular file's identity as stat gave it; equal Seen means the file did not change."""

    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, status: os.stat_result) -> Seen:
        return cls(status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)

    @property
    def mtime(self) -> dt.datetime:
        return _utc(self.mtime_ns / 1e9)


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)


def notice_of(name: str, kind: str) -> Notice:
    en, vi = NOTICE_REASONS[kind]
    return Notice(name, kind, en, vi)


NOTICE_REASONS = {
    "symlink": (
        "a symbolic link, not a file: not read; send the file itself",
        "đây là liên kết (symlink), không phải tệp: không được đọc; hãy gửi chính tệp đó",
    ),
    "special": (
        "not a regular file (a pipe, socket or device): not read",
        "không phải tệp thông thường (pipe, socket hoặc thiết bị): không được đọc",
    ),
    "directory": (
        "a folder: files inside folders are not taken; put each file in the inbox itself",
        "đây là thư mục: tệp trong thư mục con không được nhận; hãy đặt từng tệp vào hộp thư đến",
    ),
    "hidden": (
        "a hidden name (starting with '.'): not taken; rename it without the leading dot",
        "tên ẩn (bắt đầu bằng '.'): không được nhận; hãy đổi tên bỏ dấu chấm ở đầu",
    ),
    "temporary": (
        "an upload still under its temporary name: taken once renamed",
        "tệp đang tải lên (tên tạm): sẽ được nhận khi đổi sang tên chính thức",
    ),
    "settling": (
        "still being written (changed within the settle time): taken on a later run",
        "tệp đang được ghi (vừa thay đổi): sẽ được nhận ở lần chạy sau",
    ),
    "changed": (
        "changed while it was being read: taken on a later run, once complete",
        "tệp thay đổi trong khi đang đọc: sẽ được nhận ở lần chạy sau, khi đã ghi xong",
    ),
    "unreadable": (
        "cannot be opened (no permission, or a disk error): left in the inbox; see the log",
        "không mở được tệp (không có quyền đọc hoặc lỗi đĩa): tệp được giữ lại trong hộp thư",
    ),
}


@dataclass
class InboxListing:
    candidates: list[Path]  # regular files under their final names, in name order
    notices: list[Notice]


def list_inbox(inbox: Path) -> InboxListing:
    """Every entry of the inbox, sorted into candidates and notices; nothing is followed."""
    listing = InboxListing([], [])
    if not inbox.exists():
        return listing
    with os.scandir(inbox) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            kind = _kind(entry)
            if kind is None:
                listing.candidates.append(Path(entry.path))
            else:
                listing.notices.append(notice_of(entry.name, kind))
    return listing


def _kind(entry: os.DirEntry) -> str | None:
    """Why the entry is not a candidate, or None when it is one."""
    if entry.is_symlink():
        return "symlink"
    if entry.is_dir(follow_symlinks=False):
        return "directory"
    if not entry.is_file(follow_symlinks=False):
        return "special"
    if entry.name.startswith("."):
        return "hidden"
    if any(fnmatch.fnmatchcase(entry.name.lower(), pattern) for pattern in TEMPORARY_NAMES):
        return "temporary"
    return None


def settled(
    paths: list[Path], settle_seconds: float, wait: bool = True
) -> tuple[dict[Path, Seen], list[Notice]]:
    """The files unchanged for `settle_seconds`, by their status-change time (ctime), which
    any write or touch moves and no copy tool can set back. Files changed more recently are
    waited for once, up to the settle time, and looked at again; any still changing, or
    changed in between, is left for a later run. Returns path → Seen, and the notices."""
    seen: dict[Path, Seen] = {}
    young: dict[Path, Seen] = {}
    now = time.time()
    for path in paths:
        status = _lstat(path)
        if status is None:
            continue
        (seen if now - status.st_ctime >= settle_seconds else young)[path] = Seen.of(status)
    if not young:
        return seen, []
    if wait:
        newest = max(s.ctime_ns for s in young.values()) / 1e9
        time.sleep(max(0.0, min(settle_seconds, newest + settle_seconds - time.time())))
    notices = []
    now = time.time()
    for path, before in young.items():
        status = _lstat(path)
        if status is None:
            continue
        after = Seen.of(status)
        if after == before and now - status.st_ctime >= settle_seconds:
            seen[path] = after
        else:
            notices.append(notice_of(path.name, "settling"))
    return dict(sorted(seen.items())), notices


def _lstat(path: Path) -> os.stat_result | None:
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    return status if stat.S_ISREG(status.st_mode) else None


class NotARegularFile(Exception):
    """The inbox entry turned out not to be a regular file when opened."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def read_regular(path: Path) -> tuple[bytes, Seen]:
    """The file's bytes, read through a descriptor opened without following a link and
    without blocking on a pipe, and its identity from that descriptor."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # the name is a symbolic link
            raise NotARegularFile("symlink") from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile("special")
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read()
        return data, Seen.of(os.fstat(descriptor))
    finally:
        os.close(descriptor)


def remove_if_unchanged(path: Path, archived: Seen) -> bool:
    """Remove the inbox file only if it is still the file that was read (same inode, size,
    modification and change times); a file rewritten since stays for the next run."""
    status = _lstat(path)
    if status is None:
        return True
    if Seen.of(status) != archived:
        return False
    path.unlink()
    return True


# --- the sightings ledger -------------------------------------------------------------------

SIGHTINGS_SUFFIX = ".sightings.sqlite3"


def sightings_path(inbox: Path) -> Path:
    """The ledger sits beside the inbox, not in it: uploaders may write the inbox only."""
    return inbox.with_name(inbox.name + SIGHTINGS_SUFFIX)


# One connection a ledger for the process, kept open: opening one and closing it again
# checkpoints the ledger each time (about 20 ms, as much as writing a small file), and the
# synthetic batches record a sighting a file. The lock serialises the process's threads.
_LEDGERS: dict[Path, tuple[sqlite3.Connection, int]] = {}
_LEDGERS_LOCK = threading.Lock()


@contextmanager
def _ledger(inbox: Path) -> Iterator[sqlite3.Connection]:
    path = sightings_path(inbox)
    with _LEDGERS_LOCK:
        con = _open_ledger(path)
        yield con


def _open_ledger(path: Path) -> sqlite3.Connection:
    inode = path.stat().st_ino if path.exists() else None
    cached = _LEDGERS.get(path)
    if cached is not None and cached[1] == inode:
        return cached[0]
    if cached is not None:  # the ledger was removed or replaced since
        cached[0].close()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    if inode is None:
        os.chmod(path, 0o600)
    con.execute("pragma journal_mode = wal")
    con.execute("pragma synchronous = normal")
    con.execute(
        "create table if not exists sightings (name text primary key, inode integer not null,"
        " first_seen real not null)"
    )
    _LEDGERS[path] = (con, path.stat().st_ino)
    return con


def record_sightings(inbox: Path, seen: Mapping[Path, float | None] | Iterable[Path]) -> None:
    """Record that these inbox files were seen now (or at the given POSIX time, for a
    simulated arrival). A name seen before keeps its first sighting while it is the same
    file (inode); a new file under an old name is a new sighting."""
    items = seen.items() if isinstance(seen, Mapping) else ((p, None) for p in seen)
    now = time.time()  # one time for every file seen at one look
    rows = []
    for path, when in items:
        status = _lstat(path)
        if status is not None:
            rows.append((path.name, status.st_ino, now if when is None else when))
    if not rows:
        return
    with _ledger(inbox) as con:
        con.execute("begin immediate")
        try:
            con.executemany(
                "insert into sightings values (?, ?, ?) on conflict (name) do update set "
                "inode = excluded.inode, first_seen = excluded.first_seen "
                "where sightings.inode <> excluded.inode",
                rows,
            )
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")


def first_sightings(inbox: Path, files: Mapping[Path, Seen]) -> dict[Path, dt.datetime]:
    """When each file was first seen (naive UTC); recorded now for a file never seen."""
    if not files:
        return {}
    record_sightings(inbox, list(files))
    with _ledger(inbox) as con:
        known = {
            name: (inode, first)
            for name, inode, first in con.execute("select name, inode, first_seen from sightings")
        }
    now = time.time()
    result = {}
    for path, seen in files.items():
        inode, first = known.get(path.name, (seen.inode, now))
        result[path] = _utc(min(first if inode == seen.inode else now, now))
    return result


def forget_sightings(inbox: Path, names: Iterable[str]) -> None:
    """Drop the sightings of files removed from the inbox (a later file of the same name,
    perhaps on the same reused inode, is a new arrival)."""
    names = list(names)
    if not names or not sightings_path(inbox).exists():
        return
    with _ledger(inbox) as con:
        con.execute("begin immediate")
        try:
            con.executemany("delete from sightings where name = ?", [(n,) for n in names])
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
