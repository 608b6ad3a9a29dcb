"""Landing: every file in the inbox becomes a submission in the build database's raw schema.

The order of steps makes a crash at any point safe to repeat: the file is first archived
unchanged (content-addressed, never overwritten), then its rows are written in one
transaction, and only then is it removed from the inbox (if it is still what was archived).
A file whose content was landed before is recognised by its hash and not landed twice; the
same bytes sent again after another revision of their report are a new receipt.

Each file is landed in isolation: a file over a limit (ingestion/limits.py), one a reader
cannot read, or one that makes a reader fail in any way is that file's rejection, never the
batch's. What the inbox holds besides complete regular files is reported (ingestion/inbox.py).

One job per module:
    schema      the raw tables, their migrations, and the registry of raw and reference tables
    archive     the archived copy of every file, durability, removal from the inbox
    receive     a file opened, hashed, archived and read, in a reader thread
    rules       the rules every landed row keeps; when a file sent again is current again
    writer      a chunk's rows, rejections, skips, submissions and receipts written
    report      the submitter report, beside the archived copy
    outcome     what landing says of each file and of a run
    pipeline    land_inbox: the stages, the chunks, the transactions
"""

from ingestion.landing.archive import archive_file, archived_name, content_hash, make_private
from ingestion.landing.outcome import DiskFull, FileOutcome, LandingResult, is_disk_full
from ingestion.landing.pipeline import (
    CHUNK_FILES,
    CHUNK_ROWS,
    inbox_files,
    land_inbox,
)
from ingestion.landing.report import (
    REPORT_SUFFIX,
    write_missing_reports,
    write_submitter_report,
)
from ingestion.landing.rules import every_row_kept
from ingestion.landing.schema import (
    RAW_DDL,
    RAW_TABLES,
    RawTable,
    ensure_raw_schema,
    land_reference,
    landed_tables,
)

__all__ = [
    "CHUNK_FILES",
    "CHUNK_ROWS",
    "RAW_DDL",
    "RAW_TABLES",
    "REPORT_SUFFIX",
    "DiskFull",
    "FileOutcome",
    "LandingResult",
    "RawTable",
    "archive_file",
    "archived_name",
    "content_hash",
    "ensure_raw_schema",
    "every_row_kept",
    "inbox_files",
    "is_disk_full",
    "land_inbox",
    "land_reference",
    "landed_tables",
    "make_private",
    "write_missing_reports",
    "write_submitter_report",
]
