"""The demo batch: modest enough to land in seconds, full enough for every mart.

- 2025, yearly: the 34 provinces, one long CSV each (`demo_<unit>_2025.csv`: members,
  programmes, finances and targets, with breakdowns and 'a/b' values); the police and army
  unions send the reporting form (members, programmes, finances) and a web-form JSON for
  their targets. A few provinces report late.
- July-December 2025, monthly: every commune of three provinces: Lai Châu in one long
  workbook a month, Điện Biên in one long CSV a month (Vietnamese headers, Windows-1258 or
  UTF-8 with BOM), Cao Bằng one CSV per commune and month, names written as people write them.
- 2023 and 2024, yearly, on the legacy map: the 63 provinces, one CSV each, names and
  Vietnamese numbers, so that restating history into the 2025 borders shows.

No defects: the demo lands with no rejection.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache
from pathlib import Path

from ingestion.normalise import period_from_code
from ingestion.synthetic.batch import NationalBatch, Row, Submission, record, write_submission
from ingestion.synthetic.content import figures, late, make_rows, on_time
from ingestion.synthetic.model import FigureModel, era_units, figure_model
from ingestion.synthetic.national import FORMS, forms_for, reporting_units
from ingestion.synthetic.spelling import period_texts, unit_texts

DEMO_YEAR = "2025"
DEMO_MONTHS = tuple(f"2025-{m:02d}" for m in range(7, 13))
DEMO_HISTORY = ("2023", "2024")
# Province → how its communes send their monthly reports.
DEMO_COMMUNE_PROVINCES = {
    "P2025-12": "workbook",  # Lai Châu, 38 communes
    "P2025-11": "province_csv",  # Điện Biên, 45 communes
    "P2025-04": "commune_csv",  # Cao Bằng, 56 communes
}
LATE_PROVINCES = ("P2025-08", "P2025-19", "P2025-33")


def generate_demo_batch(inbox: Path, seed: int = 2025) -> list[Path]:
    """Fill the inbox with the demo batch; returns the files written."""
    return generate_demo(inbox, seed).files


def generate_demo(inbox: Path, seed: int = 2025) -> NationalBatch:
    """The demo batch with its manifest: what every row must land as."""
    batch = NationalBatch()
    new, legacy = figure_model(seed, "2025"), figure_model(seed, "legacy")
    rng = random.Random(f"demo|{seed}")
    _provinces_2025(batch, inbox, new, rng)
    _union_only_2025(batch, inbox, new, rng)
    for province, style in DEMO_COMMUNE_PROVINCES.items():
        for month in DEMO_MONTHS:
            _communes_month(batch, inbox, new, rng, province, month, style)
    for year in DEMO_HISTORY:
        _legacy_provinces(batch, inbox, legacy, rng, year)
    return batch


def period_end(period_code: str) -> dt.date:
    return period_from_code(period_code).end


def _save(batch: NationalBatch, inbox: Path, submission: Submission, unit_name: str = "") -> None:
    record(batch, submission, write_submission(submission, inbox, unit_name))


def _provinces_2025(
    batch: NationalBatch, inbox: Path, model: FigureModel, rng: random.Random
) -> None:
    for unit in reporting_units("2025", ["province"]):
        if not unit.startswith("P2025-"):
            continue
        rows: list[Row] = []
        for form in forms_for("province", "year"):
            rows += make_rows(
                figures(model, rng, unit, "province", DEMO_YEAR, form),
                unit,
                unit,
                DEMO_YEAR,
                DEMO_YEAR,
                rng,
                plain=True,
                indicator_as_code=True,
            )
        arrived = (late if unit in LATE_PROVINCES else on_time)(rng, "province", DEMO_YEAR)
        _save(
            batch,
            inbox,
            Submission(f"demo_{unit}_{DEMO_YEAR}.csv", "long_csv", unit, DEMO_YEAR, rows, arrived),
        )


def _union_only_2025(
    batch: NationalBatch, inbox: Path, model: FigureModel, rng: random.Random
) -> None:
    names = era_units("2025").name
    for unit in ("CA", "QD"):
        found = [
            f
            for form in FORMS
            for f in figures(model, rng, unit, "province", DEMO_YEAR, form)
            if f.subset is None
        ]
        rows = make_rows(found, unit, unit, DEMO_YEAR, DEMO_YEAR, rng, indicator_as_code=True)
        arrived = on_time(rng, "province", DEMO_YEAR)
        _save(
            batch,
            inbox,
            Submission(
                f"form_{unit}_{DEMO_YEAR}.xlsx", "reporting_form", unit, DEMO_YEAR, rows, arrived
            ),
            names[unit],
        )
        targets = make_rows(
            figures(model, rng, unit, "province", DEMO_YEAR, "targets"),
            unit,
            unit,
            DEMO_YEAR,
            DEMO_YEAR,
            rng,
        )
        _save(
            batch,
            inbox,
            Submission(
                f"web_{unit}_{DEMO_YEAR}_targets.json",
                "json_form",
                unit,
                DEMO_YEAR,
                targets,
                arrived + dt.timedelta(hours=1),
                form="targets",
            ),
        )


def _commune_rows(
    model: FigureModel, rng: random.Random, unit: str, month: str, named: bool, plain: bool
) -> list[Row]:
    texts = unit_texts(unit, period_end(month))
    unit_text = texts[-1] if named and len(texts) > 1 else unit
    period_text = rng.choice(period_texts(month))
    rows: list[Row] = []
    for form in FORMS:
        rows += make_rows(
            figures(model, rng, unit, "commune", month, form),
            unit_text,
            unit,
            period_text,
            month,
            rng,
            plain=plain,
        )
    return rows


@cache
def communes_of(province: str) -> tuple[str, ...]:
    parent = era_units("2025").parent
    return tuple(c for c in reporting_units("2025", ["commune"]) if parent[c] == province)


def _communes_month(
    batch: NationalBatch,
    inbox: Path,
    model: FigureModel,
    rng: random.Random,
    province: str,
    month: str,
    style: str,
) -> None:
    communes = communes_of(province)
    arrived = on_time(rng, "commune", month)
    if style == "commune_csv":
        for unit in communes:
            rows = _commune_rows(model, rng, unit, month, named=True, plain=False)
            _save(
                batch,
                inbox,
                Submission(
                    f"{unit}_{month}.csv",
                    "long_csv",
                    unit,
                    month,
                    rows,
                    on_time(rng, "commune", month),
                    header=rng.choice(["vietnamese", "unaccented", "upper"]),
                    encoding=rng.choice(["utf-8", "utf-16", "utf-8-sig"]),
                ),
            )
        return
    rows = [
        r
        for unit in communes
        for r in _commune_rows(
            model, rng, unit, month, named=style == "workbook", plain=style == "workbook"
        )
    ]
    if style == "workbook":
        _save(
            batch,
            inbox,
            Submission(
                f"{province}_{month}_communes.xlsx",
                "long_xlsx",
                province,
                month,
                rows,
                arrived,
                header="vietnamese",
            ),
        )
    else:
        _save(
            batch,
            inbox,
            Submission(
                f"{province}_{month}_communes.csv",
                "long_csv",
                province,
                month,
                rows,
                arrived,
                header="vietnamese_codes",
                encoding=rng.choice(["windows-1258", "utf-8-sig"]),
                column_order=(2, 0, 1, 4, 3),
            ),
        )


def _legacy_provinces(
    batch: NationalBatch, inbox: Path, model: FigureModel, rng: random.Random, year: str
) -> None:
    end = period_end(year)
    for unit in reporting_units("legacy", ["province"]):
        if not unit.startswith("P"):
            continue
        texts = unit_texts(unit, end)
        unit_text = texts[1] if len(texts) > 1 else unit
        period_text = f"năm {year}"
        rows: list[Row] = []
        for form in forms_for("province", "year"):
            rows += make_rows(
                figures(model, rng, unit, "province", year, form),
                unit_text,
                unit,
                period_text,
                year,
                rng,
            )
        _save(
            batch,
            inbox,
            Submission(
                f"lich_su_{unit}_{year}.csv",
                "long_csv",
                unit,
                year,
                rows,
                on_time(rng, "province", year),
                header="vietnamese",
            ),
        )
