"""What the steward's decision jobs share: one op that records one decision, run under the
pipeline lock, by the logged-in steward, its outcome as the op's output.

The steward job (stewardship.py) and the narrative decision job (narrative_review.py) differ
only in what they record; how they connect, refuse and report is here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import dagster as dg
import duckdb

from ingestion.landing import ensure_raw_schema
from orchestration.pipeline_lock import locked_in_process_executor
from orchestration.warehouse.resources import WarehouseResource
from orchestration.webserver import USER_TAG


class RecordedDecision(Protocol):
    """What every recorded decision says (expectations.stewardship, narrative_review)."""

    decision_id: str
    submission_id: str
    file_name: str
    reason: str
    steward: str

    @property
    def decided_at(self) -> Any: ...

    @property
    def decision(self) -> Any: ...


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


@contextmanager
def decision_connection(
    warehouse: WarehouseResource, refused: type[Exception]
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The build database, its raw schema present; a refused decision (`refused`, whose
    message is in words for the steward) fails the run without retries."""
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        try:
            yield con
        except refused as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from exc


def decision_output(
    recorded: RecordedDecision, extra: Mapping[str, str] | None = None
) -> dg.Output:
    """The op's output: the decision's id, with who decided what, when and why."""
    return dg.Output(
        recorded.decision_id,
        metadata={
            "submission_id": recorded.submission_id,
            "file_name": recorded.file_name,
            "decision": recorded.decision.value,
            **(extra or {}),
            "reason": recorded.reason,
            "steward": recorded.steward,
            "decided_at": recorded.decided_at.isoformat(),
        },
    )


def decision_job(
    name: str, record: dg.OpDefinition, tags: Mapping[str, str], description: str
) -> dg.JobDefinition:
    """A job of the one op `record`, tagged like the nightly job and holding the same
    pipeline lock, so that it never writes the build database while a nightly run does."""

    @dg.job(
        name=name,
        tags=dict(tags),
        executor_def=locked_in_process_executor,
        description=description,
    )
    def decide() -> None:
        record()

    return decide
