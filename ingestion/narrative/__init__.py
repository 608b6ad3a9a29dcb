"""Narrative reports (báo cáo dạng văn bản): the figures a careful reader takes from them.

    read_document(path, data)   Word, PDF with a text layer, web page or text → Document
    looks_like_table(data)      a .txt that is a tab-separated table (the table readers take it)
    extract_report(document)    → NarrativeReport: unit, period, figures with evidence

Plain Python, no Dagster; see docs/narrative.md.
"""

from ingestion.narrative.document import (
    NARRATIVE_SUFFIXES,
    Document,
    looks_like_table,
    read_document,
)
from ingestion.narrative.extract import Figure, NarrativeReport, extract_report

__all__ = [
    "NARRATIVE_SUFFIXES",
    "Document",
    "Figure",
    "NarrativeReport",
    "extract_report",
    "looks_like_table",
    "read_document",
]
