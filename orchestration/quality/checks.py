"""The Great Expectations gate: blocking asset checks on the current values.

The checks read the build database (the pipeline's own), validate pandas frames with the
suites of expectations/, and report every failing row with the submissions to review.
"""

import dagster as dg
import duckdb
import pandas as pd

from expectations.frames import build_frames
from expectations.runner import ValidationOutcome, validate
from expectations.suites import consistency_rules, contract_rules
from orchestration.settings import Settings

CHECKED_MODEL = "int_values_latest_revision"
FIRST_ROWS_SHOWN = 20


def load_current_values(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, list, list]:
    values = con.sql(f"select * from intermediate.{CHECKED_MODEL}").df()
    units = [r[0] for r in con.execute("select unit_code from core.dim_org_unit").fetchall()]
    indicators = [
        r[0] for r in con.execute("select indicator_code from core.dim_indicator").fetchall()
    ]
    return values, units, indicators


def outcome_metadata(outcome: ValidationOutcome) -> dict[str, dg.MetadataValue]:
    rows = outcome.failing_rows
    submissions = sorted(
        set(zip(rows.file_name.astype(str), rows.submission_id.astype(str), strict=True))
    )
    per_rule = "\n".join(
        f"| {o.rule.name} | {o.rule.severity} | {'passed' if o.success else 'FAILED'} "
        f"| {o.failing_count} |"
        for o in outcome.outcomes
    )
    return {
        "failing_rows": dg.MetadataValue.int(len(rows)),
        "rules": dg.MetadataValue.md(
            "| rule | severity | result | failing rows |\n|---|---|---|---|\n" + per_rule
        ),
        "submissions_to_review": dg.MetadataValue.md(
            "\n".join(f"- {name} ({sid[:12]})" for name, sid in submissions) or "none"
        ),
        "first_failing_rows": dg.MetadataValue.md(
            rows.head(FIRST_ROWS_SHOWN).to_markdown(index=False) if len(rows) else "none"
        ),
    }


def build_quality_checks(checked_asset: dg.AssetKey) -> list[dg.AssetChecksDefinition]:
    @dg.asset_check(
        asset=checked_asset,
        name="gx_values_contract_and_consistency",
        blocking=True,
        description=(
            "Great Expectations: values not negative, units and indicators known, members "
            "not above women aged 18+. An error-severity failure blocks publishing."
        ),
    )
    def gx_values_contract_and_consistency() -> dg.AssetCheckResult:
        settings = Settings.from_env()
        with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
            values, units, indicators = load_current_values(con)
        outcome = validate(
            build_frames(values), contract_rules(units, indicators) + consistency_rules()
        )
        return dg.AssetCheckResult(
            passed=not outcome.blocking_failed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata=outcome_metadata(outcome),
        )

    return [gx_values_contract_and_consistency]
