"""Steward decisions on submissions: accept despite warnings, reject, or send back.

Every decision is appended, never updated, with who, when and why: the audit table is the
history. The latest decision on a submission is the one that counts. A revision is a new
submission (new content, new id), so it needs its own review.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

import duckdb

MIN_PREFIX = 8


class Decision(StrEnum):
    # Member names equal their values: Dagster's Launchpad offers the names.
    accept = "accept"  # accept despite warnings
    reject = "reject"  # the submission leaves the facts
    send_back = "send_back"  # returned to the unit for a corrected revision; leaves the facts


class DecisionError(ValueError):
    """The decision cannot be recorded; the message says what the steward should change."""


@dataclass(frozen=True)
class RecordedDecision:
    decision_id: str
    submission_id: str
    file_name: str
    decision: Decision
    reason: str
    steward: str
    decided_at: dt.datetime


def find_submission(con: duckdb.DuckDBPyConnection, submission: str) -> tuple[str, str]:
    """(id, file name) from a full id or a unique prefix of at least 8 characters."""
    key = submission.strip().lower()
    if len(key) < MIN_PREFIX:
        raise DecisionError(
            f"give the submission id, or at least its first {MIN_PREFIX} characters, "
            f"as shown under 'submissions to review' (got {submission!r})"
        )
    matches = con.execute(
        "select submission_id, file_name from raw.submissions where starts_with(submission_id, ?)",
        [key],
    ).fetchall()
    if not matches:
        raise DecisionError(f"no submission has an id starting with {key!r}")
    if len(matches) > 1:
        listed = ", ".join(f"{sid[:16]} ({name})" for sid, name in matches[:10])
        raise DecisionError(f"{len(matches)} submissions start with {key!r}: {listed}; give more")
    return matches[0]


def record_decision(
    con: duckdb.DuckDBPyConnection,
    submission: str,
    decision: Decision | str,
    reason: str,
    steward: str,
    decided_at: dt.datetime | None = None,
) -> RecordedDecision:
    decision = Decision(decision)
    reason, steward = reason.strip(), steward.strip()
    if not steward:
        raise DecisionError("say who decides: the steward's name or account is required")
    if decision is not Decision.accept and not reason:
        raise DecisionError(
            f"a decision to {decision.value.replace('_', ' ')} needs a reason the unit can act on"
        )
    submission_id, file_name = find_submission(con, submission)
    recorded = RecordedDecision(
        decision_id=uuid.uuid4().hex,
        submission_id=submission_id,
        file_name=file_name,
        decision=decision,
        reason=reason,
        steward=steward,
        decided_at=decided_at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
    con.execute(
        "insert into raw.steward_decisions values (?, ?, ?, ?, ?, ?)",
        [recorded.decision_id, submission_id, decision.value, reason, steward, recorded.decided_at],
    )
    return recorded
