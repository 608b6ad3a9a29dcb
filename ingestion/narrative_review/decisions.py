"""A steward's decisions on the figures proposed from a narrative report.

accept_all        every figure of the report that is a result (targets stay targets)
accept_all_but    the same, except the figures listed, which are rejected
correct           give the listed figures an indicator, unit and/or period
reject            every figure of the report

Only a figure with an indicator, a unit and a period can be accepted, and two accepted
figures of one report may not give the same unit × period × indicator (the facts hold one
value there; the steward says which). A decision that breaks either is refused whole, with
what to change, and nothing is written. Decisions are appended (one row per figure) to
raw.narrative_decisions, never updated; raw.narrative_figure_reviews reads the latest.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

import duckdb

from expectations.stewardship import DecisionError, find_submission
from ingestion.narrative_review.proposals import NARRATIVE_SHAPE
from ingestion.narrative_review.release import RELEASE_SHAPE, release_accepted
from ingestion.normalise.periods import Period, PeriodParseError, parse_period, period_from_code
from ingestion.reference.catalogue import load_catalogue
from ingestion.resolve import ResolutionError, indicator_resolver, unit_resolver


class NarrativeDecision(StrEnum):
    # Member names equal their values: Dagster's Launchpad offers the names.
    accept_all = "accept_all"
    accept_all_but = "accept_all_but"
    correct = "correct"
    reject = "reject"


class NarrativeDecisionError(DecisionError):
    """The decision cannot be recorded; the message (Vietnamese, then English) says what the
    steward should change."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")


@dataclass(frozen=True)
class FigureState:
    """A figure as the review currently stands (raw.narrative_figure_reviews)."""

    number: int
    status: str
    indicator: str | None
    unit: str | None
    period: str | None
    period_kind: str | None
    period_as_of: dt.date | None
    is_target: bool
    value_text: str
    counted: str | None

    def label(self) -> str:
        counted = f" {self.counted}" if self.counted else ""
        return f"số liệu {self.number} («{self.value_text}{counted}»)"


@dataclass(frozen=True)
class RecordedNarrativeDecision:
    decision_id: str
    submission_id: str
    file_name: str
    decision: NarrativeDecision
    accepted: tuple[int, ...]
    rejected: tuple[int, ...]
    corrected: tuple[int, ...]
    reason: str
    steward: str
    decided_at: dt.datetime
    release_id: str | None  # the submission now holding the accepted figures, if new


def record_narrative_decision(
    con: duckdb.DuckDBPyConnection,
    submission: str,
    decision: NarrativeDecision | str,
    steward: str,
    figures: Iterable[int] = (),
    indicator: str = "",
    unit: str = "",
    period: str = "",
    reason: str = "",
    decided_at: dt.datetime | None = None,
) -> RecordedNarrativeDecision:
    decision = NarrativeDecision(decision)
    steward, reason = steward.strip(), reason.strip()
    listed = sorted(set(figures))
    if not steward:
        raise NarrativeDecisionError(
            "hãy ghi người quyết định (tên hoặc tài khoản cán bộ)",
            "say who decides: the steward's name or account is required",
        )
    submission_id, file_name = _find_report(con, submission)
    states = _figure_states(con, submission_id)
    _check_listed(decision, listed, states, file_name)
    accepted: list[int] = []
    rejected: list[int] = []
    corrections: dict[int, FigureState] = {}
    if decision is NarrativeDecision.reject:
        if not reason:
            raise NarrativeDecisionError(
                "từ chối báo cáo cần ghi lý do", "rejecting a report needs a reason"
            )
        rejected = list(states)
    elif decision is NarrativeDecision.correct:
        corrections = _corrections(states, listed, indicator, unit, period)
    else:
        rejected = listed
        accepted = [n for n, s in states.items() if not s.is_target and n not in listed]
    after = {**states, **corrections}
    for number in accepted:
        after[number] = replace(after[number], status="accept")
    for number in rejected:
        after[number] = replace(after[number], status="reject")
    _check_acceptable([after[n] for n in accepted], file_name)
    _check_one_value_per_key(after, file_name)
    _check_no_form_report(con, [s for s in after.values() if s.status == "accept"], file_name)
    recorded = RecordedNarrativeDecision(
        decision_id=uuid.uuid4().hex,
        submission_id=submission_id,
        file_name=file_name,
        decision=decision,
        accepted=tuple(accepted),
        rejected=tuple(rejected),
        corrected=tuple(corrections),
        reason=reason,
        steward=steward,
        decided_at=_after_last(con, submission_id, decided_at),
        release_id=None,
    )
    given = frozenset(
        name
        for name, text in (("indicator", indicator), ("unit", unit), ("period", period))
        if text.strip()
    )
    con.execute("begin transaction")
    try:
        _append(con, recorded, corrections, given)
        release_id = release_accepted(
            con, submission_id, recorded.decision_id, steward, recorded.decided_at
        )
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return replace(recorded, release_id=release_id)


def _after_last(
    con: duckdb.DuckDBPyConnection, submission_id: str, decided_at: dt.datetime | None
) -> dt.datetime:
    """The decision's time, later than every earlier decision on the report: the latest
    decision counts, so two must never tie (a clock set back, two in one microsecond)."""
    decided_at = decided_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    (last,) = con.execute(
        "select max(decided_at) from raw.narrative_decisions where submission_id = ?",
        [submission_id],
    ).fetchone()
    if last is not None and decided_at <= last:
        return last + dt.timedelta(microseconds=1)
    return decided_at


def _find_report(con: duckdb.DuckDBPyConnection, submission: str) -> tuple[str, str]:
    try:
        submission_id, file_name = find_submission(con, submission)
    except DecisionError as exc:
        raise NarrativeDecisionError(
            "không tìm được đúng một báo cáo với mã đã ghi; hãy dán mã (ít nhất 8 ký tự đầu) "
            "trong bảng duyệt số liệu",
            str(exc),
        ) from exc
    (shape,) = con.execute(
        "select shape from raw.submissions where submission_id = ?", [submission_id]
    ).fetchone()
    if shape != NARRATIVE_SHAPE:
        raise NarrativeDecisionError(
            f"{file_name} không phải báo cáo văn bản (dạng {shape}); hãy dùng "
            "steward_decision_job cho tệp biểu mẫu",
            f"{file_name} is not a narrative report ({shape}); use steward_decision_job",
        )
    return submission_id, file_name


def _figure_states(con: duckdb.DuckDBPyConnection, submission_id: str) -> dict[int, FigureState]:
    rows = con.execute(
        """
        select figure_number, review_status, indicator_code, unit_code, period_code,
               period_kind, period_as_of, is_target, value_text, counted
        from raw.narrative_figure_reviews
        where submission_id = ?
        order by figure_number
        """,
        [submission_id],
    ).fetchall()
    return {row[0]: FigureState(*row) for row in rows}


def _check_listed(
    decision: NarrativeDecision, listed: list[int], states: dict[int, FigureState], file_name: str
) -> None:
    if not states:
        raise NarrativeDecisionError(
            f"{file_name}: báo cáo không có số liệu nào để duyệt",
            f"{file_name}: the report has no figures to review",
        )
    unknown = [n for n in listed if n not in states]
    if unknown:
        raise NarrativeDecisionError(
            f"{file_name} không có số liệu số {_numbers(unknown)}; các số liệu là 1 đến "
            f"{max(states)}",
            f"{file_name} has no figure {_numbers(unknown)}; its figures are 1 to {max(states)}",
        )
    needs_list = decision in (NarrativeDecision.accept_all_but, NarrativeDecision.correct)
    if needs_list and not listed:
        raise NarrativeDecisionError(
            f"quyết định {decision.value} cần danh sách số liệu (figures), ví dụ [3, 7]",
            f"{decision.value} needs the figure numbers (figures), e.g. [3, 7]",
        )
    if not needs_list and listed:
        raise NarrativeDecisionError(
            f"quyết định {decision.value} áp dụng cho cả báo cáo; để nhận tất cả trừ một số "
            "số liệu hãy dùng accept_all_but",
            f"{decision.value} applies to the whole report; to leave figures out use "
            "accept_all_but",
        )


def _corrections(
    states: dict[int, FigureState], listed: list[int], indicator: str, unit: str, period: str
) -> dict[int, FigureState]:
    """The listed figures with the fields the steward gave, resolved to codes."""
    if not (indicator.strip() or unit.strip() or period.strip()):
        raise NarrativeDecisionError(
            "sửa số liệu cần ít nhất một trong: chỉ tiêu (indicator), đơn vị (unit), kỳ (period)",
            "a correction needs an indicator, a unit or a period",
        )
    indicator_code = _resolve(indicator_resolver().resolve, indicator, "chỉ tiêu", "indicator")
    new_period = _period(period) if period.strip() else None
    corrected = {}
    for number in listed:
        state = states[number]
        fields: dict[str, object] = {}
        if indicator_code:
            fields["indicator"] = indicator_code
        if new_period is not None:
            fields.update(
                period=new_period.code, period_kind=new_period.kind, period_as_of=new_period.as_of
            )
        if unit.strip():
            on = new_period.end if new_period else _period_end(state.period)
            fields["unit"] = _resolve(
                lambda text, on=on: unit_resolver().resolve(text, on=on), unit, "đơn vị", "unit"
            )
        corrected[number] = replace(state, **fields)
    return corrected


def _resolve(resolve, text: str, what_vi: str, what_en: str) -> str | None:
    if not text.strip():
        return None
    try:
        return resolve(text)
    except ResolutionError as exc:
        raise NarrativeDecisionError(
            f"{what_vi} {text.strip()!r}: {exc.reason_vi}", f"{what_en}: {exc}"
        ) from exc


def _period(text: str) -> Period:
    try:
        return period_from_code(text.strip())
    except PeriodParseError:
        pass
    try:
        return parse_period(text)
    except PeriodParseError as exc:
        raise NarrativeDecisionError(f"kỳ {text.strip()!r}: {exc.reason_vi}", str(exc)) from exc


def _period_end(code: str | None) -> dt.date | None:
    if not code:
        return None
    try:
        return period_from_code(code).end
    except PeriodParseError:
        return None


def _check_acceptable(to_accept: list[FigureState], file_name: str) -> None:
    missing = []
    for state in to_accept:
        gaps = [
            name
            for name, field in (
                ("chỉ tiêu", state.indicator),
                ("đơn vị", state.unit),
                ("kỳ", state.period),
            )
            if not field
        ]
        if gaps:
            missing.append((state, gaps))
    if missing:
        listed = "; ".join(f"{s.label()} thiếu {', '.join(gaps)}" for s, gaps in missing)
        numbers = _numbers(s.number for s, _ in missing)
        raise NarrativeDecisionError(
            f"{file_name}: chỉ nhận được số liệu có đủ chỉ tiêu, đơn vị và kỳ: {listed}. "
            f"Hãy sửa (correct) hoặc loại ra (accept_all_but) số liệu {numbers}",
            f"{file_name}: only a figure with an indicator, unit and period can be accepted; "
            f"correct or leave out figures {numbers}",
        )


def _check_one_value_per_key(after: dict[int, FigureState], file_name: str) -> None:
    keys: dict[tuple, list[FigureState]] = {}
    for state in after.values():
        if state.status == "accept":
            keys.setdefault((state.unit, state.period, state.indicator), []).append(state)
    repeats = [states for states in keys.values() if len(states) > 1]
    if repeats:
        listed = "; ".join(
            f"{', '.join(s.label() for s in states)} cùng là {states[0].indicator} của "
            f"{states[0].unit}, kỳ {states[0].period}"
            for states in repeats
        )
        numbers = "; ".join(_numbers(s.number for s in states) for states in repeats)
        raise NarrativeDecisionError(
            f"{file_name}: mỗi chỉ tiêu của một đơn vị trong một kỳ chỉ nhận một số liệu: "
            f"{listed}. Hãy loại ra (accept_all_but) hoặc sửa (correct) cho còn một",
            f"{file_name}: two accepted figures give the same unit, period and indicator "
            f"(figures {numbers}); leave out or correct all but one",
        )


def _check_no_form_report(
    con: duckdb.DuckDBPyConnection, accepted: list[FigureState], file_name: str
) -> None:
    """A narrative release is a revision of every unit × period × form it brings values for
    (contract 3): accepted over a form's report, a few figures would replace the whole form
    in the facts. Refused: the form, sent as a form, is the better source."""
    if not accepted:
        return
    subjects = dict(zip(load_catalogue().indicator_code, load_catalogue().subject, strict=True))
    wanted = {(s.unit, s.period, subjects.get(s.indicator)): s for s in accepted}
    rows = con.execute(
        """
        with keys as (select unnest(?::struct(u varchar, p varchar)[], recursive := true))
        select distinct sent.unit_code, sent.period_code, sent.indicator_code,
            submissions.file_name
        from raw.submission_values as sent
        inner join raw.submissions as submissions using (submission_id)
        semi join keys on sent.unit_code = keys.u and sent.period_code = keys.p
        where submissions.shape <> ?
        """,
        [[{"u": s.unit, "p": s.period} for s in accepted], RELEASE_SHAPE],
    ).fetchall()
    clashes = {}
    for unit, period, indicator, form_file in rows:
        state = wanted.get((unit, period, subjects.get(indicator)))
        if state is not None:
            clashes.setdefault(state.number, (state, form_file))
    if clashes:
        listed = "; ".join(
            f"{state.label()}: {state.unit}, kỳ {state.period} đã có biểu mẫu {form_file}"
            for state, form_file in clashes.values()
        )
        numbers = _numbers(sorted(clashes))
        raise NarrativeDecisionError(
            f"{file_name}: số liệu từ báo cáo văn bản sẽ thay cả biểu mẫu đã gửi của cùng đơn "
            f"vị, kỳ: {listed}. Hãy loại ra (accept_all_but) số liệu {numbers}",
            f"{file_name}: figures {numbers} would replace a form report of the same unit, "
            "period and form in the facts; leave them out",
        )


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _append(
    con: duckdb.DuckDBPyConnection,
    recorded: RecordedNarrativeDecision,
    corrections: dict[int, FigureState],
    given_fields: frozenset[str],
) -> None:
    base = [recorded.decision_id, recorded.submission_id]
    tail = [recorded.reason, recorded.steward, recorded.decided_at]
    rows = [[*base, n, "accept", None, None, None, None, None, *tail] for n in recorded.accepted]
    rows += [[*base, n, "reject", None, None, None, None, None, *tail] for n in recorded.rejected]
    for n, state in corrections.items():
        # Only the fields the steward gave: the others keep following the proposal.
        rows.append(
            [
                *base,
                n,
                "correct",
                state.indicator if "indicator" in given_fields else None,
                state.unit if "unit" in given_fields else None,
                *(
                    (state.period, state.period_kind, state.period_as_of)
                    if "period" in given_fields
                    else (None, None, None)
                ),
                *tail,
            ]
        )
    con.executemany(
        "insert into raw.narrative_decisions (decision_id, submission_id, figure_number, "
        "decision, indicator_code, unit_code, period_code, period_kind, period_as_of, reason, "
        "steward, decided_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
