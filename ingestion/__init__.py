"""Plain-Python ingestion of union submissions: readers, normalisers, reference data, landing.

Nothing here imports Dagster; orchestration/ wires these functions into assets.
"""
