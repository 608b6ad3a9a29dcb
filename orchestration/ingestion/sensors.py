"""Start the nightly job when files wait in the inbox."""

import hashlib

import dagster as dg

from ingestion.inbox import record_sightings, settled
from ingestion.landing import inbox_files
from ingestion.limits import LandingLimits
from orchestration.warehouse.resources import WarehouseResource


def inbox_run_key(files) -> str:
    """The same waiting files give the same key; any new or changed file a new one.

    Landing is idempotent, so a key that recurs after a failed run is harmless: the nightly
    schedule takes the files in then.
    """
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def build_inbox_sensor(job: dg.JobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name="inbox_sensor",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts the nightly job when submissions wait in the inbox.",
    )
    def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        inbox = warehouse.inbox_path
        files = inbox_files(inbox)
        if not files:
            return dg.SkipReason("the inbox is empty")
        # A file's received time is when the pipeline first saw it: the sensor's look every
        # minute, not the run that lands it later (ingestion/inbox.py).
        record_sightings(inbox, files)
        # A run for files still being written would take nothing (landing waits for them to
        # settle): ask for one once they have.
        ready, _ = settled(files, LandingLimits.from_env().settle_seconds, wait=False)
        if not ready:
            return dg.SkipReason("the files in the inbox are still being written")
        files = list(ready)
        return dg.RunRequest(run_key=inbox_run_key(files), tags={"vwu/trigger": "inbox"})

    return inbox_sensor
