"""The indicator catalogue (danh mục chỉ tiêu), read from the one reviewed file indicators.yml."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd
import yaml

# Which units of measure count whole things is the units module's to say (landing rejects a
# fractional count with it); the catalogue's is_count, which the gate reads, follows it.
from ingestion.normalise.units import COUNT_UNITS

CATALOGUE_COLUMNS = [
    "indicator_code",
    "name_vi",
    "name_en",
    "aliases",
    "subject",
    "programme",
    "unit",
    "kind",
    "time_aggregation",
    "hierarchy_aggregation",
    "numerator",
    "denominator",
    "disaggregations",
    "beneficiary",
    "plausible_per_beneficiary_min_vnd",
    "plausible_per_beneficiary_max_vnd",
    "is_count",
    "may_be_negative",
    "rate_may_exceed_100",
    "compare_per",
]
SUBJECTS = ("members", "programmes", "finances", "targets")
KINDS = ("stock", "flow", "ratio", "part_of_whole")


class CatalogueError(ValueError):
    """The catalogue file itself is wrong; a reviewer must fix indicators.yml."""


@cache
def load_catalogue() -> pd.DataFrame:
    text = resources.files("ingestion.reference").joinpath("indicators.yml").read_text("utf-8")
    entries = yaml.safe_load(text)["indicators"]
    rows = []
    for entry in entries:
        code = entry.get("code")
        if entry.get("subject") not in SUBJECTS or entry.get("kind") not in KINDS:
            raise CatalogueError(
                f"indicators.yml: indicator {code!r} has subject {entry.get('subject')!r} and "
                f"kind {entry.get('kind')!r}; subject must be one of {SUBJECTS}, "
                f"kind one of {KINDS}"
            )
        plausible = entry.get("plausible_per_beneficiary_vnd") or [None, None]
        rows.append(
            {
                "indicator_code": code,
                "name_vi": entry["name_vi"],
                "name_en": entry["name_en"],
                "aliases": "|".join(entry.get("aliases", [])),
                "subject": entry["subject"],
                "programme": entry.get("programme"),
                "unit": entry["unit"],
                "kind": entry["kind"],
                "time_aggregation": entry["time_aggregation"],
                "hierarchy_aggregation": entry["hierarchy_aggregation"],
                "numerator": entry.get("numerator"),
                "denominator": entry.get("denominator"),
                # Pipe-joined like aliases: one flat table for dbt and the resolvers.
                "disaggregations": "|".join(entry.get("disaggregations", [])),
                "beneficiary": entry.get("beneficiary"),
                "plausible_per_beneficiary_min_vnd": plausible[0],
                "plausible_per_beneficiary_max_vnd": plausible[1],
                "is_count": entry["unit"] in COUNT_UNITS,
                "may_be_negative": bool(entry.get("may_be_negative", False)),
                "rate_may_exceed_100": bool(entry.get("may_exceed_100", False)),
                "compare_per": entry.get("compare_per"),
            }
        )
    frame = pd.DataFrame(rows, columns=CATALOGUE_COLUMNS)
    duplicated = frame.loc[frame.indicator_code.duplicated(), "indicator_code"].tolist()
    if duplicated:
        raise CatalogueError(f"indicators.yml: indicator codes listed twice: {duplicated}")
    unknown = sorted(set(frame.compare_per.dropna()) - set(frame.indicator_code))
    if unknown:
        raise CatalogueError(f"indicators.yml: compare_per names unknown indicators: {unknown}")
    return frame
