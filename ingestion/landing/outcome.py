"""What landing says of each file and of a run, and the one failure that stops a run."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field


@dataclass
class FileOutcome:
    file_name: str
    submission_id: str
    # accepted | partially_accepted | rejected | duplicate | resent (the same bytes again
    # after another revision: current again) | not_taken (see the reason; left in the inbox)
    status: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    reason: str | None = None
    rows_skipped: int = 0  # section, total, signature and title rows (counted in rows_read)


@dataclass
class LandingResult:
    files: list[FileOutcome] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for f in self.files if f.status in statuses)

    @property
    def taken_in(self) -> int:
        return self.count("accepted", "partially_accepted")

    @property
    def rejected(self) -> int:
        return self.count("rejected")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")

    @property
    def not_taken(self) -> int:
        return self.count("not_taken")


class DiskFull(OSError):
    """The disk holding the archive or the build database is full: said in words."""

    def __init__(self, detail: str):
        super().__init__(
            errno.ENOSPC,
            "Đĩa đầy: không còn chỗ để lưu tệp nhận được hoặc cơ sở dữ liệu; hãy giải phóng "
            "dung lượng rồi chạy lại (các tệp vẫn nằm trong hộp thư đến). / Disk full: no space "
            "left to archive the received files or write the build database; free some space "
            f"and run again (the files stay in the inbox). ({detail})",
        )


def is_disk_full(error: BaseException) -> bool:
    """True for a failure to write for want of space, whoever raised it (the OS, DuckDB)."""
    while error is not None:
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(error).lower()
        if "no space left on device" in text or "disk is full" in text or "disk quota" in text:
            return True
        error = error.__cause__ or error.__context__
    return False
