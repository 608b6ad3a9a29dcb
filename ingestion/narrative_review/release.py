"""Accepted figures of a narrative report enter the facts as a submission of their own.

The warehouse's revision models rely on a submission never changing once landed (its values
are built once, incrementally). A report's accepted figures do change, decision by decision,
so each decision that changes them releases a new submission (shape 'narrative_accepted')
holding the report's accepted figures as they now stand, and appends a steward's reject of
the release before it (raw.steward_decisions): that one leaves the facts, and the new one
takes its place. A release carries the report's file name, archive path and time of
receipt, so the facts name the report the figures come from.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb

from expectations.stewardship import Decision, record_decision

RELEASE_SHAPE = "narrative_accepted"
# The figures of a release, as the review stands after the decision.
_ACCEPTED = """
select
    figure_number, unit_code, period_code, period_kind, period_as_of, indicator_code, value,
    value_text, qualifier, value_whole, counted, evidence, start_offset, end_offset
from raw.narrative_figure_reviews
where submission_id = ? and review_status = 'accept'
order by figure_number
"""
# The key of a figure in the facts, and what it says there: releases differ when these do.
_CONTENT = slice(0, 11)


def live_release(con: duckdb.DuckDBPyConnection, report_id: str) -> str | None:
    """The report's latest release, unless a steward has rejected or sent it back since."""
    row = con.execute(
        """
        with

        latest as (
            select submission_id
            from raw.narrative_values
            where report_submission_id = ?
            order by released_at desc, submission_id desc
            limit 1
        ),

        verdict as (
            select decisions.decision
            from raw.steward_decisions as decisions
            inner join latest using (submission_id)
            order by decisions.decided_at desc, decisions.decision_id desc
            limit 1
        )

        select latest.submission_id, (select decision from verdict)
        from latest
        """,
        [report_id],
    ).fetchone()
    if row is None or row[1] in (Decision.reject.value, Decision.send_back.value):
        return None
    return row[0]


def release_accepted(
    con: duckdb.DuckDBPyConnection,
    report_id: str,
    decision_id: str,
    steward: str,
    decided_at: dt.datetime,
) -> str | None:
    """Release the report's accepted figures if they differ from its live release; returns
    the new release's id, or None when the facts need no change."""
    accepted = con.execute(_ACCEPTED, [report_id]).fetchall()
    live = live_release(con, report_id)
    if live is not None and _content(con, live) == [row[_CONTENT] for row in accepted]:
        return None
    if live is not None:
        record_decision(
            con,
            live,
            Decision.reject,
            f"thay bằng quyết định {decision_id[:12]} về báo cáo / replaced by the steward's "
            f"decision {decision_id[:12]} on the report",
            steward,
            decided_at,
        )
    if not accepted:
        return None
    release_id = hashlib.sha256(f"{report_id}\0{decision_id}".encode()).hexdigest()
    _insert_release(con, report_id, release_id, decision_id, decided_at, accepted)
    return release_id


def _content(con: duckdb.DuckDBPyConnection, release_id: str) -> list[tuple]:
    rows = con.execute(
        """
        select
            figure_number, unit_code, period_code, period_kind, period_as_of, indicator_code,
            value, value_text, qualifier, value_whole, counted
        from raw.narrative_values
        where submission_id = ?
        order by figure_number
        """,
        [release_id],
    ).fetchall()
    return [tuple(row) for row in rows]


def _insert_release(
    con: duckdb.DuckDBPyConnection,
    report_id: str,
    release_id: str,
    decision_id: str,
    released_at: dt.datetime,
    accepted: list[tuple],
) -> None:
    con.executemany(
        "insert into raw.narrative_values (submission_id, report_submission_id, decision_id, "
        "released_at, figure_number, unit_code, period_code, period_kind, period_as_of, "
        "indicator_code, value, value_text, qualifier, value_whole, counted, evidence, "
        "start_offset, end_offset) values "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[release_id, report_id, decision_id, released_at, *row] for row in accepted],
    )
    # The release is received when the report was (its one receipt, interface I2):
    # revisions are ordered by receipt.
    n = len(accepted)
    con.execute(
        """
        insert into raw.submissions by name
        select
            ? as submission_id, file_name, archived_path, received_at, file_mtime,
            ? as shape, 'accepted' as status, ? as rows_read, ? as rows_accepted,
            0 as rows_rejected, ? as landed_at
        from raw.submissions
        where submission_id = ?
        """,
        [release_id, RELEASE_SHAPE, n, n, released_at, report_id],
    )
    con.execute(
        """
        insert into raw.submission_receipts
            (submission_id, file_name, received_at, file_mtime, landed_at)
        select ?, file_name, received_at, file_mtime, ?
        from raw.submissions
        where submission_id = ?
        """,
        [release_id, released_at, report_id],
    )
