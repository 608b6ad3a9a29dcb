"""The steward's decisions, made from the Launchpad: a job with typed config.

Who decides is the user the steward server logged in (the run's `vwu/user` tag, stamped by
the server on every launch), never a name typed into the form. The job is tagged like the
nightly job and holds the same pipeline lock, so it never writes the build database while a
nightly run does. The next nightly run honours the decision: a rejected or
sent-back submission leaves the facts (dbt's int_submission_reviews), an accepted one has its
warnings (and its over-time errors, statistical judgements) waived by the quality gate.
"""

import dagster as dg
from pydantic import Field

from expectations.review import ensure_quality_schema
from expectations.stewardship import Decision, DecisionError, record_decision
from orchestration.quality.decision_jobs import (
    authenticated_steward,
    decision_connection,
    decision_job,
    decision_output,
)
from orchestration.warehouse.resources import WarehouseResource

STEWARD_JOB = "steward_decision_job"


class StewardDecisionConfig(dg.Config):
    submission_id: str = Field(
        description="The submission id, or its first 12 characters as listed under "
        "'submissions to review' on the failed check."
    )
    decision: Decision = Field(
        description="accept (despite warnings), reject (leaves the facts), or send_back "
        "(returned to the unit for a corrected revision; leaves the facts)."
    )
    reason: str = Field(default="", description="Why; required to reject or send back.")


@dg.op(description="Record one steward decision in the audit table raw.steward_decisions.")
def record_steward_decision(
    context: dg.OpExecutionContext, config: StewardDecisionConfig, warehouse: WarehouseResource
) -> dg.Output:
    steward = authenticated_steward(context.run)
    with decision_connection(warehouse, DecisionError) as con:
        recorded = record_decision(
            con, config.submission_id, config.decision, config.reason, steward
        )
        ensure_quality_schema(con)  # the decision shows in quality.submission_reviews
    context.log.info(
        f"{recorded.steward} decided to {recorded.decision.value} {recorded.file_name} "
        f"({recorded.submission_id[:12]}): {recorded.reason or 'no reason given'}"
    )
    return decision_output(recorded)


def build_steward_job(tags: dict[str, str]) -> dg.JobDefinition:
    return decision_job(
        STEWARD_JOB,
        record_steward_decision,
        tags,
        "A steward accepts, rejects or sends back one submission, with a reason.",
    )
