"""The steward's decisions, made from the Launchpad: a job with typed config.

Who decides is the user the steward server logged in (the run's `vwu/user` tag, stamped by
the server on every launch), never a name typed into the form. The job is tagged like the
nightly job and holds the same pipeline lock, so it never writes the build database while a
nightly run does. The next nightly run honours the decision: a rejected or
sent-back submission leaves the facts (dbt's int_submission_reviews), an accepted one has its
warnings (and its over-time errors, statistical judgements) waived by the quality gate.
"""

import dagster as dg
import duckdb
from pydantic import Field

from expectations.review import ensure_quality_schema
from expectations.stewardship import Decision, DecisionError, record_decision
from ingestion.landing import ensure_raw_schema
from orchestration.pipeline_lock import locked_in_process_executor
from orchestration.settings import Settings
from orchestration.webserver import USER_TAG

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


class NoAuthenticatedSteward(dg.Failure):
    """The run does not name a logged-in steward: it was not launched through the server."""


def authenticated_steward(run: dg.DagsterRun) -> str:
    """Who decides: the user the steward server logged in, never a name typed in the form."""
    user = run.tags.get(USER_TAG, "").strip()
    if not user:
        raise NoAuthenticatedSteward(
            description=(
                "Không ghi quyết định: lần chạy này không mang tên người kiểm duyệt đã đăng "
                "nhập. Hãy quyết định từ giao diện (make ui / make serve) sau khi đăng nhập. / "
                f"Not recorded: this run has no {USER_TAG} tag naming a logged-in steward; "
                "decide from the steward server (make ui / make serve) after logging in."
            ),
            allow_retries=False,
        )
    return user


@dg.op(description="Record one steward decision in the audit table raw.steward_decisions.")
def record_steward_decision(
    context: dg.OpExecutionContext, config: StewardDecisionConfig
) -> dg.Output:
    steward = authenticated_steward(context.run)
    settings = Settings.from_env()
    with duckdb.connect(str(settings.warehouse_db)) as con:
        ensure_raw_schema(con)
        try:
            recorded = record_decision(
                con, config.submission_id, config.decision, config.reason, steward
            )
        except DecisionError as exc:
            raise dg.Failure(description=str(exc)) from exc
        ensure_quality_schema(con)  # the decision shows in quality.submission_reviews
    context.log.info(
        f"{recorded.steward} decided to {recorded.decision.value} {recorded.file_name} "
        f"({recorded.submission_id[:12]}): {recorded.reason or 'no reason given'}"
    )
    return dg.Output(
        recorded.decision_id,
        metadata={
            "submission_id": recorded.submission_id,
            "file_name": recorded.file_name,
            "decision": recorded.decision.value,
            "reason": recorded.reason,
            "steward": recorded.steward,
            "decided_at": recorded.decided_at.isoformat(),
        },
    )


def build_steward_job(tags: dict[str, str]) -> dg.JobDefinition:
    @dg.job(
        name=STEWARD_JOB,
        tags=tags,
        executor_def=locked_in_process_executor,
        description="A steward accepts, rejects or sends back one submission, with a reason.",
    )
    def steward_decision_job() -> None:
        record_steward_decision()

    return steward_decision_job
