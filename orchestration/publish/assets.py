"""The publish step: its own asset, so that a failed blocking check stops it."""

from collections.abc import Sequence

import dagster as dg

from orchestration.publish.publisher import publish_marts
from orchestration.settings import Settings

PUBLISHED_MARTS = dg.AssetKey("published_marts")


def build_publish_asset(upstream: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """`upstream`: the marts and every asset carrying a blocking check."""

    @dg.asset(
        key=PUBLISHED_MARTS,
        deps=list(upstream),
        group_name="publish",
        description=(
            "The marts copied to the analysts' database, replaced atomically; runs only when "
            "every blocking check passed."
        ),
        kinds={"duckdb"},
    )
    def published_marts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings = Settings.from_env()
        publication = publish_marts(settings.warehouse_db, settings.published_db, context.run_id)
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(publication.path)),
                "tables": dg.MetadataValue.json(publication.tables),
            }
        )

    return published_marts
