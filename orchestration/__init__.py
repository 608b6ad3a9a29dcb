"""The Dagster code location: wires ingestion, dbt, Great Expectations and publishing."""
