"""The steward's review of narrative reports in the Dagster UI, and the job that decides.

The asset `inbox/narrative_values` (the accepted figures dbt reads) is materialised by every
nightly run after landing: its metadata holds, per report waiting for a decision, the table
of proposed figures. The steward decides in `narrative_decision_job` from the Launchpad;
the job records the decision, releases the accepted figures, and materialises the asset
again so the UI shows the report as it now stands. The next nightly run takes the accepted
figures into the facts. Who decides is the logged-in user (the run's `vwu/user` tag).
"""

import dagster as dg
import duckdb
from pydantic import Field

from ingestion.landing import ensure_raw_schema
from ingestion.narrative_review.decisions import (
    NarrativeDecision,
    NarrativeDecisionError,
    record_narrative_decision,
)
from ingestion.narrative_review.review import REVIEW_HEADER, reports_to_review, review_rows
from orchestration.ingestion.assets import LANDED_SUBMISSIONS
from orchestration.markdown import md_table, md_text
from orchestration.quality.decision_jobs import (
    authenticated_steward,
    decision_connection,
    decision_job,
    decision_output,
)
from orchestration.warehouse.resources import WarehouseResource

NARRATIVE_JOB = "narrative_decision_job"
NARRATIVE_VALUES = dg.AssetKey(["inbox", "narrative_values"])
# Reports shown with their table in one materialisation; the others are counted, and every
# report can be listed with the query in `all_reports`.
REPORTS_SHOWN = 20
ALL_REPORTS_QUERY = (
    "select * from raw.narrative_figure_reviews order by submission_id, figure_number"
)


def report_markdown(con: duckdb.DuckDBPyConnection, report) -> str:
    heading = md_text(report.heading)
    damaged = (
        f"\n\nĐoạn hỏng dấu, không lấy số liệu (vị trí): {md_text(report.damaged_passages)}"
        if report.damaged_passages
        else ""
    )
    table = md_table(REVIEW_HEADER, review_rows(con, report.submission_id))
    return f"**{heading}**: {report.open_figures} chờ duyệt / {report.figures}{damaged}\n\n{table}"


def review_metadata(
    con: duckdb.DuckDBPyConnection, submission_id: str | None = None
) -> dict[str, dg.MetadataValue]:
    """The review as metadata: one Markdown table per report waiting for a decision (or the
    one report given), keyed by the report's file and id."""
    reports = reports_to_review(con, only_open=submission_id is None)
    if submission_id is not None:
        reports = [r for r in reports if r.submission_id == submission_id]
    metadata: dict[str, dg.MetadataValue] = {
        "reports_waiting": dg.MetadataValue.int(sum(1 for r in reports if r.open_figures)),
        "figures_waiting": dg.MetadataValue.int(sum(r.open_figures for r in reports)),
        "all_reports": dg.MetadataValue.md(f"```sql\n{ALL_REPORTS_QUERY}\n```"),
    }
    for report in reports[:REPORTS_SHOWN]:
        key = f"report {report.submission_id[:12]}"
        metadata[key] = dg.MetadataValue.md(report_markdown(con, report))
    return metadata


@dg.asset(
    key=NARRATIVE_VALUES,
    deps=[LANDED_SUBMISSIONS],
    group_name="ingestion",
    kinds={"python", "duckdb"},
    description=(
        "Figures of narrative reports (báo cáo văn bản) a steward accepted. Its metadata: per "
        "report waiting for a decision, the table of proposed figures (value, qualifier, "
        "indicator, unit, period, quote); decide with narrative_decision_job."
    ),
)
def narrative_review(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        metadata = review_metadata(con)
    context.log.info(
        f"{metadata['reports_waiting'].value} narrative reports wait for a steward's decision"
    )
    return dg.MaterializeResult(metadata=metadata)


class NarrativeDecisionConfig(dg.Config):
    submission_id: str = Field(
        description="The report's id, or its first 12 characters, as shown in the review "
        "(Assets → inbox/narrative_values)."
    )
    decision: NarrativeDecision = Field(
        description="accept_all (every result figure), accept_all_but (all but `figures`, "
        "which are rejected), correct (give `figures` an indicator, unit and/or period), "
        "reject (every figure; a reason is required)."
    )
    figures: list[int] = Field(
        default=[], description="Figure numbers (# in the review), for accept_all_but and correct."
    )
    indicator: str = Field(default="", description="correct: the indicator's code or name.")
    unit: str = Field(default="", description="correct: the unit's code or name.")
    period: str = Field(
        default="", description="correct: the period, e.g. 2023, 2023-H1 or 'năm 2023'."
    )
    reason: str = Field(default="", description="Why; required to reject.")


@dg.op(
    description="Record a steward's decision on a narrative report's figures and release "
    "the accepted ones."
)
def record_narrative_review(
    context: dg.OpExecutionContext, config: NarrativeDecisionConfig, warehouse: WarehouseResource
) -> dg.Output:
    steward = authenticated_steward(context.run)
    with decision_connection(warehouse, NarrativeDecisionError) as con:
        recorded = record_narrative_decision(
            con,
            config.submission_id,
            config.decision,
            steward,
            figures=config.figures,
            indicator=config.indicator,
            unit=config.unit,
            period=config.period,
            reason=config.reason,
        )
        review = review_metadata(con, recorded.submission_id)
    context.log_event(
        dg.AssetMaterialization(
            asset_key=NARRATIVE_VALUES,
            description=f"{steward}: {recorded.decision.value} {recorded.file_name}",
            metadata=review,
        )
    )
    context.log.info(
        f"{steward} decided {recorded.decision.value} on {recorded.file_name}: accepted "
        f"{list(recorded.accepted)}, rejected {list(recorded.rejected)}, corrected "
        f"{list(recorded.corrected)}"
    )
    return decision_output(
        recorded,
        {
            "accepted": str(list(recorded.accepted)),
            "rejected": str(list(recorded.rejected)),
            "corrected": str(list(recorded.corrected)),
            "release_id": recorded.release_id or "",
        },
    )


def build_narrative_job(tags: dict[str, str]) -> dg.JobDefinition:
    return decision_job(
        NARRATIVE_JOB,
        record_narrative_review,
        tags,
        "A steward accepts, corrects or rejects the figures of a narrative report.",
    )
