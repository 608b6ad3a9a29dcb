"""The frames the rules validate, built from the current values of the build database."""

from __future__ import annotations

import pandas as pd

REPORT_KEYS = ["unit_code", "period_code"]
# The indicators compared within one report by the consistency rules.
REPORT_INDICATORS = ["members_total", "women_18_plus"]


def unit_period_frame(values: pd.DataFrame) -> pd.DataFrame:
    """One row per unit × period with the compared indicators side by side.

    The submission and file of a row are those of its members_total value, the figure a
    steward would send back.
    """
    subset = values[values.indicator_code.isin(REPORT_INDICATORS)]
    wide = subset.pivot_table(
        index=REPORT_KEYS, columns="indicator_code", values="value", aggfunc="first"
    ).reindex(columns=REPORT_INDICATORS)
    origin = subset[subset.indicator_code == REPORT_INDICATORS[0]].set_index(REPORT_KEYS)[
        ["submission_id", "file_name", "source_row_number"]
    ]
    return wide.join(origin).reset_index()


def build_frames(values: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"values": values, "unit_period": unit_period_frame(values)}
