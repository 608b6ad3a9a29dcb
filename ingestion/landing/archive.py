"""The archive: every file received kept byte for byte, content-addressed, readable by the
pipeline's user only; made durable before the inbox copy is removed."""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import duckdb

from ingestion import inbox as inbox_rules
from ingestion.inbox import Seen

log = logging.getLogger(__name__)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The ending kept on an archived file's name, so that it opens in the right program; any
# other ending (or none) is dropped. The name as sent is kept in the database only.
_ARCHIVE_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


def archived_name(submission_id: str, file_name: str) -> str:
    """<hash><ending>: as long whatever the sender's name (a name of 152 Vietnamese letters
    is over 255 bytes once prefixed, more than a file system stores)."""
    suffix = Path(file_name).suffix.lower()
    return submission_id + (suffix if _ARCHIVE_SUFFIX.fullmatch(suffix) else "")


def archive_file(source: Path, data: bytes, submission_id: str, archive_dir: Path) -> Path:
    """Copy the file, byte for byte, to archive/<hash prefix>/<hash><ending>, readable by the
    pipeline's user only (it may hold a unit's personal data).

    One directory per hash prefix (256 in all), not one per file: creating a directory for
    every submission cost about 1 ms a file on the build machine's disk, half the time of
    landing a commune's CSV. Files archived before under <hash>/<original name> or
    <hash prefix>/<hash>__<original name> stay there; raw.submissions.archived_path gives
    each file's place.

    A new file is created in its place at once (exclusively, so two writers never share
    it), not written beside and renamed: each entry made in a directory costs the file
    system a journal write, and the rename was one of two (archiving 3,321 commune CSVs on
    two threads: 2.20 s to 1.82 s at best, 2.68 s to 2.30 s at the median). A file already
    in its place is kept only if it holds exactly `data`; one cut short by a crash is written
    again whole, beside and renamed over.
    """
    target = archive_dir / submission_id[:2] / archived_name(submission_id, source.name)
    try:
        out = create_new(target)
    except FileExistsError:
        if target.read_bytes() != data:
            partial = target.with_name(target.name + ".partial")
            partial.unlink(missing_ok=True)
            with create_new(partial) as out:
                out.write(data)
            partial.replace(target)
        return target
    with out:
        out.write(data)
    return target


def create_new(path: Path) -> BinaryIO:
    """`path` opened for writing, created now; FileExistsError if it is there already."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileNotFoundError:  # the first file of its prefix
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, flags, 0o600)
    return os.fdopen(descriptor, "wb")


def make_private(archive_dir: Path, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """The archive, and the build database `con` writes, readable by the pipeline's user only:
    the archive's root closed to others is enough, whatever the modes below it (archives
    made before this rule kept 0o755)."""
    archive_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(archive_dir, 0o700)
    if con is None:
        return
    (database,) = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    for path in (database, f"{database}.wal") if database else ():
        if os.path.exists(path):
            os.chmod(path, 0o600)


def flush_file_system(path: Path) -> None:
    """Everything written to the file system holding `path` made durable, before the inbox
    copies are removed: one syncfs(2) for a chunk's archived files rather than an fsync a
    file (each a wait on the journal). Where syncfs is missing, sync(2)."""
    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        if syncfs(descriptor) != 0:
            raise OSError(ctypes.get_errno(), f"syncfs {path.parent}")
    finally:
        os.close(descriptor)


# Removing a file that is on disk waits on the file system's journal (about 2.4 ms a file on
# the build machine's disk, 3.3 s of landing 1,000 commune CSVs); the waits overlap when
# several removals are in flight (0.26 ms a file with 16).
_REMOVALS_IN_FLIGHT = 16


def remove_from_inbox(files: list[tuple[Path, Seen]]) -> list[str]:
    """Remove landed files from the inbox, each only if it is still the file that was read
    and archived (a file rewritten since is left for the next run); returns the names
    removed. Every removal is done or tried before this returns."""

    def remove(item: tuple[Path, Seen]) -> str | None:
        path, seen = item
        if inbox_rules.remove_if_unchanged(path, seen):
            return path.name
        log.warning("%s changed after it was archived: left in the inbox", path.name)
        return None

    if len(files) < 2:
        names = [remove(item) for item in files]
    else:
        with ThreadPoolExecutor(max_workers=_REMOVALS_IN_FLIGHT) as pool:
            # list(): an error removing any file is raised here, after the others are tried.
            names = list(pool.map(remove, files))
    return [name for name in names if name is not None]
