"""Steward decisions on submissions: accept, reject, or send back.

Every decision is appended, never updated, with who, when and why: the audit table
raw.steward_decisions is the history. What a decision does (the latest counts; reject and
send back take the submission out of the facts; accept lets a held submission in and waives
its waivable findings) is defined once, in dbt's int_submission_reviews. This module only
records decisions, and refuses one that cannot have the effect the steward wants: an accept
of a submission held for a rule no accept can waive (impossible figures). A revision is a new
submission (new content, new id), so it needs its own review.

Messages are for the steward: Vietnamese, then English after " / ".
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

import duckdb

from expectations.review import REVIEWS_VIEW, relation_exists

MIN_PREFIX = 8
DECISION_VI = {"accept": "chấp nhận", "reject": "từ chối", "send_back": "trả lại"}


class Decision(StrEnum):
    # Member names equal their values: Dagster's Launchpad offers the names.
    accept = "accept"  # in the facts; its waivable findings waived
    reject = "reject"  # the submission leaves the facts
    send_back = "send_back"  # returned to the unit for a corrected revision; leaves the facts


class DecisionError(ValueError):
    """The decision cannot be recorded; the message says what the steward should change."""


def refused(vi: str, en: str) -> DecisionError:
    return DecisionError(f"{vi} / {en}")


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
        raise refused(
            f"hãy nhập mã báo cáo, hoặc ít nhất {MIN_PREFIX} ký tự đầu của mã, như trong mục "
            f"'held_submissions' hoặc 'submissions_to_review' (đã nhập {submission!r})",
            f"give the submission id, or at least its first {MIN_PREFIX} characters "
            f"(got {submission!r})",
        )
    matches = con.execute(
        "select submission_id, file_name from raw.submissions "
        "where starts_with(lower(submission_id), ?)",
        [key],
    ).fetchall()
    if not matches:
        raise refused(
            f"không có báo cáo nào có mã bắt đầu bằng {key!r}",
            f"no submission has an id starting with {key!r}",
        )
    if len(matches) > 1:
        listed = ", ".join(f"{sid[:16]} ({name})" for sid, name in matches[:10])
        raise refused(
            f"có {len(matches)} báo cáo có mã bắt đầu bằng {key!r}: {listed}; hãy nhập thêm ký tự",
            f"{len(matches)} submissions start with {key!r}; give more characters",
        )
    return matches[0]


def unwaivable_hold(con: duckdb.DuckDBPyConnection, submission_id: str) -> tuple[str, str] | None:
    """(rules, reason in Vietnamese) when the gate holds the submission for a rule no accept
    can waive; None otherwise (int_submission_reviews; no such view yet: no hold either)."""
    if not relation_exists(con, REVIEWS_VIEW):
        return None
    row = con.execute(
        f"select hold_rules, hold_reason_vi from {REVIEWS_VIEW} "
        "where submission_id = ? and is_held and not hold_is_waivable",
        [submission_id],
    ).fetchone()
    return (row[0], row[1]) if row else None


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
        raise refused(
            "chưa rõ ai quyết định: cần tên hoặc tài khoản của cán bộ kiểm duyệt",
            "say who decides: the steward's name or account is required",
        )
    if decision is not Decision.accept and not reason:
        raise refused(
            f"quyết định {DECISION_VI[decision.value]} cần ghi lý do để đơn vị biết phải sửa gì",
            f"a decision to {decision.value.replace('_', ' ')} needs a reason the unit can act on",
        )
    submission_id, file_name = find_submission(con, submission)
    if decision is Decision.accept:
        held = unwaivable_hold(con, submission_id)
        if held:
            rules, reason_vi = held
            raise refused(
                f"không thể chấp nhận {file_name} ({submission_id[:12]}): cổng kiểm tra tạm giữ "
                f"báo cáo vì số liệu không thể đúng ({rules}): {reason_vi}. Quy tắc này không "
                "được bỏ qua; hãy từ chối (reject) hoặc trả lại (send_back) để đơn vị gửi bản "
                "sửa",
                f"accept refused: {file_name} is held for rules no accept can waive ({rules}); "
                "reject it or send it back",
            )
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
