"""Landing the inbox into the build database: the first asset of the nightly run."""

import dagster as dg

from ingestion.landing import DiskFull, land_inbox, land_reference, landed_tables
from ingestion.limits import LandingLimits
from orchestration.markdown import md_table
from orchestration.warehouse.resources import WarehouseResource

LANDED_SUBMISSIONS = dg.AssetKey(["inbox", "submissions"])
# The raw tables dbt reads, from the landing's registry (ingestion/landing/schema.py), keyed
# as their dbt sources declare (meta.dagster.asset_key): [source, table].
RAW_TABLES = {dg.AssetKey(list(table.asset_key)): table.description for table in landed_tables()}


@dg.multi_asset(
    name="land_inbox",
    specs=[
        dg.AssetSpec(
            key, description=description, group_name="ingestion", kinds={"python", "duckdb"}
        )
        for key, description in RAW_TABLES.items()
    ],
    description=(
        "Every file in the inbox archived unchanged and landed into the raw schema of the "
        "build database, with the reference data (org units, indicator catalogue, reporting "
        "calendar)."
    ),
)
def landed_submissions(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    try:
        with warehouse.connect() as con:
            land_reference(con)
            result = land_inbox(
                warehouse.inbox_path, warehouse.archive_path, con, limits=LandingLimits.from_env()
            )
    except DiskFull as full:
        # Said in words to the operator; the database's own traceback stays in the log.
        raise dg.Failure(description=full.strerror) from full
    for outcome in result.files:
        if outcome.status in ("rejected", "partially_accepted", "not_taken"):
            context.log.warning(f"{outcome.file_name}: {outcome.status}: {outcome.reason}")
    table = md_table(
        ["file", "status", "rows read", "accepted", "rejected"],
        [
            (f.file_name, f.status, f.rows_read, f.rows_accepted, f.rows_rejected)
            for f in result.files
        ],
    )
    for key in RAW_TABLES:
        if key != LANDED_SUBMISSIONS:
            yield dg.MaterializeResult(asset_key=key)
    yield dg.MaterializeResult(
        asset_key=LANDED_SUBMISSIONS,
        metadata={
            "taken_in": result.taken_in,
            "rejected": result.rejected,
            "duplicates": result.duplicates,
            "resent": result.count("resent"),
            # Left in the inbox: links, special files, folders, hidden names, unfinished
            # uploads (raw.inbox_notices says why).
            "not_taken": result.not_taken,
            "files": dg.MetadataValue.md(table),
        },
    )
