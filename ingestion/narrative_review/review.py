"""The steward's review of narrative reports: per report, the table of its proposed figures.

Dagster shows these tables as metadata (orchestration/quality/narrative_review.py); they read
raw.narrative_figure_reviews, the one definition of where each figure stands.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion.reference.catalogue import load_catalogue
from ingestion.resolve import unit_resolver

QUOTE_CHARS = 220
STATUS_VI = {"proposed": "chờ duyệt", "accept": "đã nhận", "reject": "không nhận"}
QUALIFIER_VI = {
    "exact": "",
    "more_than": "trên / hơn",
    "less_than": "dưới",
    "nearly": "gần",
    "about": "khoảng",
}


@dataclass(frozen=True)
class ReportToReview:
    submission_id: str
    file_name: str
    unit_code: str | None
    period_code: str | None
    figures: int
    open_figures: int  # results still waiting for a verdict (targets never get one)
    damaged_passages: str | None

    @property
    def heading(self) -> str:
        unit = _unit(self.unit_code) if self.unit_code else "đơn vị chưa xác định"
        period = self.period_code or "kỳ chưa xác định"
        return f"{self.file_name} ({self.submission_id[:12]}): {unit}, {period}"


def reports_to_review(
    con: duckdb.DuckDBPyConnection, only_open: bool = True
) -> list[ReportToReview]:
    """Narrative reports with their counts, those with figures waiting first, newest first."""
    rows = con.execute(
        f"""
        select
            reports.submission_id,
            reports.file_name,
            reports.unit_code,
            reports.period_code,
            count(reviews.figure_number) as figures,
            count(*) filter (
                where reviews.review_status = 'proposed' and not reviews.is_target
            ) as open_figures,
            reports.damaged_passages
        from raw.narrative_reports as reports
        inner join raw.submissions as submissions using (submission_id)
        left join raw.narrative_figure_reviews as reviews using (submission_id)
        group by
            reports.submission_id, reports.file_name, reports.unit_code, reports.period_code,
            reports.damaged_passages, submissions.landed_at
        {"having open_figures > 0" if only_open else ""}
        order by open_figures > 0 desc, submissions.landed_at desc, reports.file_name
        """
    ).fetchall()
    return [ReportToReview(*row) for row in rows]


REVIEW_HEADER = (
    "#",
    "trạng thái",
    "giá trị",
    "ước lượng",
    "chỉ tiêu",
    "đơn vị",
    "kỳ",
    "trích dẫn",
)


def review_rows(con: duckdb.DuckDBPyConnection, submission_id: str) -> list[tuple[str, ...]]:
    """The report's figures, one row of REVIEW_HEADER each: what the steward decides on.
    Plain text; the caller escapes it for Markdown."""
    catalogue = load_catalogue()
    names = dict(zip(catalogue.indicator_code, catalogue.name_vi, strict=True))
    rows = con.execute(
        """
        select
            reviews.figure_number, reviews.review_status, reviews.value_text, reviews.value,
            reviews.value_whole, reviews.qualifier, reviews.counted, reviews.indicator_code,
            reviews.unit_code, reviews.period_code, reviews.is_target, reviews.is_corrected,
            reviews.evidence
        from raw.narrative_figure_reviews as reviews
        where reviews.submission_id = ?
        order by reviews.figure_number
        """,
        [submission_id],
    ).fetchall()
    return [_review_row(row, names) for row in rows]


def _review_row(row: tuple, names: dict[str, str]) -> tuple[str, ...]:
    (
        number,
        status,
        text,
        value,
        whole,
        qualifier,
        counted,
        indicator,
        unit,
        period,
        is_target,
        is_corrected,
        evidence,
    ) = row
    status_vi = STATUS_VI[status] + (" (mục tiêu)" if is_target else "")
    status_vi += " (đã sửa)" if is_corrected else ""
    amount = f"{value:,.10g}" + (f" / {whole:,.10g}" if whole is not None else "")
    shown = f"{amount} {counted or ''}".strip()
    return (
        str(number),
        status_vi,
        f"{shown} («{text}»)",
        QUALIFIER_VI.get(qualifier, qualifier),
        f"{indicator} {names.get(indicator, '')}".strip() if indicator else "—",
        _unit(unit),
        period or "—",
        _quote(evidence, text),
    )


def _unit(code: str | None) -> str:
    """The unit's code with its name and parents, as the resolver describes it."""
    if not code:
        return "—"
    try:
        return unit_resolver().describe(code)
    except KeyError:  # a code the reference no longer holds: shown as it is
        return code


def _quote(evidence: str, text: str) -> str:
    """The sentence, cut around the number when it is long."""
    if len(evidence) <= QUOTE_CHARS:
        return evidence
    at = max(evidence.find(text), 0)
    start = max(0, at - QUOTE_CHARS // 2)
    end = start + QUOTE_CHARS
    return ("…" if start else "") + evidence[start:end] + ("…" if end < len(evidence) else "")
