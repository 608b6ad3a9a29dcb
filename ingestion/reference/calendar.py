"""The reporting calendar (lịch báo cáo), read from the one reviewed file reporting_calendar.yml."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

import pandas as pd
import yaml

from ingestion.reference.catalogue import SUBJECTS, CatalogueError

CALENDAR_COLUMNS = ["form", "unit_level", "frequency", "deadline_days", "expected_from"]
FREQUENCIES = ("month", "quarter", "half", "year", "term")
LEVELS = ("province", "district", "commune")


@cache
def load_reporting_calendar() -> pd.DataFrame:
    """One row per form × level × frequency that units must report."""
    text = (
        resources.files("ingestion.reference").joinpath("reporting_calendar.yml").read_text("utf-8")
    )
    rows = []
    for entry in yaml.safe_load(text)["reports"]:
        form, frequency = entry.get("form"), entry.get("frequency")
        levels = entry.get("levels") or []
        if form not in SUBJECTS or frequency not in FREQUENCIES or not set(levels) <= set(LEVELS):
            raise CatalogueError(
                f"reporting_calendar.yml: entry {entry!r}: form must be one of {SUBJECTS}, "
                f"frequency one of {FREQUENCIES}, levels among {LEVELS}"
            )
        expected_from = entry["expected_from"]
        if not isinstance(expected_from, dt.date):
            expected_from = dt.date.fromisoformat(str(expected_from))
        for level in levels:
            rows.append((form, level, frequency, int(entry["deadline_days"]), expected_from))
    frame = pd.DataFrame(rows, columns=CALENDAR_COLUMNS)
    duplicated = frame.duplicated(["form", "unit_level", "frequency"])
    if duplicated.any():
        raise CatalogueError(
            "reporting_calendar.yml: form × level × frequency listed twice: "
            f"{frame.loc[duplicated, ['form', 'unit_level', 'frequency']].values.tolist()}"
        )
    return frame
