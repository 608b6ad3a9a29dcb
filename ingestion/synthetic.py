"""Synthetic submissions, deterministic by seed, for the demo, the tests and the benchmarks.

Magnitudes follow DOMAIN.md: a province has 100,000 to several hundred thousand members, a
membership rate well under 100% of women aged 18+, trust loans in the thousands of billions
of đồng.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from ingestion.reference.org_units import load_org_units

HEADER = ["unit", "period", "indicator", "value"]


@dataclass(frozen=True)
class ProvinceFigures:
    unit_code: str
    period: str
    values: dict[str, float]


def province_figures(rng: random.Random, unit_code: str, period: str) -> ProvinceFigures:
    women = rng.randrange(150_000, 1_500_000)
    members = int(women * rng.uniform(0.55, 0.92))
    admitted = int(members * rng.uniform(0.015, 0.04))
    lost = int(members * rng.uniform(0.005, 0.015))
    return ProvinceFigures(
        unit_code,
        period,
        {
            "women_18_plus": women,
            "members_total": members,
            "members_admitted": admitted,
            "members_lost": lost,
            "prog_godmother_children": rng.randrange(150, 1_500),
            "prog_houses_built": rng.randrange(20, 300),
            "fin_trust_loan_balance": rng.randrange(800, 8_000) * 1_000_000_000,
            "fin_borrowing_households": rng.randrange(15_000, 120_000),
            "fin_money_mobilised": rng.randrange(2_000, 60_000) * 1_000_000,
        },
    )


def write_long_csv(path: Path, figures: list[ProvinceFigures]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for fig in figures:
            for indicator, value in fig.values.items():
                writer.writerow([fig.unit_code, fig.period, indicator, f"{value:.0f}"])


def generate_demo_batch(inbox: Path, seed: int = 2025, period: str = "2025") -> list[Path]:
    """One long-shape CSV per 2025 province for one year: the demo batch of `make run`."""
    units = load_org_units().units
    provinces = sorted(
        units.loc[
            (units.level == "province") & units.unit_code.str.startswith("P2025-"), "unit_code"
        ]
    )
    rng = random.Random(seed)
    paths = []
    for code in provinces:
        path = inbox / f"demo_{code}_{period}.csv"
        write_long_csv(path, [province_figures(rng, code, period)])
        paths.append(path)
    return paths


# --- National batches with realistic defects ----------------------------------------------

COMMUNE_INDICATORS = [
    "women_18_plus",
    "members_total",
    "members_admitted",
    "members_lost",
    "prog_houses_built",
    "fin_borrowing_households",
    "fin_trust_loan_balance",
]
# What the pipeline does with each kind of defect; the test of the national batch holds
# landing to it.
DEFECT_OUTCOMES = {
    "missing_value": "rejected_row",  # empty value cell
    "non_numeric_value": "rejected_row",  # 'không có'
    "invalid_period": "rejected_row",  # 'tháng 13/2025'
    "damaged_diacritics": "rejected_file",  # UTF-8 saved again as Windows-1252
    "nfd_text": "corrected",  # decomposed Vietnamese, normalised to NFC
    "vietnamese_number": "corrected",  # '12.345' read by the Vietnamese rule
    "duplicated_row": "corrected",  # the same row twice: one value in the facts
    "amount_x1000": "flagged_by_check",  # a value 1,000 times its history
    "impossible_ratio": "flagged_by_check",  # members above women 18+
    "unknown_unit": "rejected_row",  # a unit code not in the reference
    "revised_submission": "supersedes",  # a later file for the same unit and period
}


@dataclass(frozen=True)
class InjectedDefect:
    kind: str
    file_name: str
    row_number: int | None  # the data row in the file (header is row 1); None: whole file

    @property
    def outcome(self) -> str:
        return DEFECT_OUTCOMES[self.kind]


@dataclass
class NationalBatch:
    files: list[Path]
    defects: list[InjectedDefect]
    rows_written: int


def commune_figures(rng: random.Random) -> dict[str, float]:
    women = rng.randrange(1_500, 15_000)
    members = int(women * rng.uniform(0.5, 0.95))
    return {
        "women_18_plus": women,
        "members_total": members,
        "members_admitted": int(members * rng.uniform(0.0, 0.01)),
        "members_lost": int(members * rng.uniform(0.0, 0.005)),
        "prog_houses_built": rng.randrange(0, 4),
        "fin_borrowing_households": rng.randrange(100, 1_200),
        "fin_trust_loan_balance": rng.randrange(5_000, 60_000) * 1_000_000,
    }


def vietnamese_thousands(value: int) -> str:
    """12345 → '12.345': '.' groups thousands in Vietnamese."""
    return f"{value:,}".replace(",", ".")


def _month_label(period: str) -> str:
    year, month = period.split("-")
    return f"tháng {int(month)}/{year}"


def generate_national_batch(
    inbox: Path,
    seed: int = 7,
    period: str = "2025-09",
    defect_rate: float = 0.0,
    max_units: int | None = None,
) -> NationalBatch:
    """One CSV per 2025 commune for one month, with defects injected at `defect_rate`.

    Defects are drawn per file, so a rate of 0.05 damages about one file in twenty; the
    returned list says which defect went where and what the pipeline must do with it.
    """
    import unicodedata

    units = load_org_units().units
    communes = sorted(
        units.loc[
            (units.level == "commune") & units.unit_code.str.startswith("C2025-"), "unit_code"
        ]
    )[:max_units]
    rng = random.Random(seed)
    kinds = sorted(DEFECT_OUTCOMES)
    batch = NationalBatch([], [], 0)
    for code in communes:
        name = f"{code}_{period}.csv"
        figures = commune_figures(rng)
        rows = [[code, period, k, f"{v:.0f}"] for k, v in figures.items()]
        kind = rng.choice(kinds) if rng.random() < defect_rate else None
        row_number = rng.randrange(len(rows))
        encoding = "utf-8"
        if kind == "missing_value":
            rows[row_number][3] = ""
        elif kind == "non_numeric_value":
            rows[row_number][3] = "không có"
        elif kind == "invalid_period":
            rows[row_number][1] = _month_label(period).replace(period[-2:].lstrip("0"), "13", 1)
        elif kind == "nfd_text":
            rows[row_number][1] = unicodedata.normalize("NFD", _month_label(period))
        elif kind == "vietnamese_number":
            row_number = COMMUNE_INDICATORS.index("women_18_plus")  # always ≥ 1,000
            rows[row_number][3] = vietnamese_thousands(int(rows[row_number][3]))
        elif kind == "duplicated_row":
            rows.append(list(rows[row_number]))
        elif kind == "amount_x1000":
            row_number = COMMUNE_INDICATORS.index("fin_trust_loan_balance")
            rows[row_number][3] = str(int(rows[row_number][3]) * 1000)
        elif kind == "impossible_ratio":
            row_number = COMMUNE_INDICATORS.index("members_total")
            rows[row_number][3] = str(int(figures["women_18_plus"]) + rng.randrange(1, 500))
        elif kind == "unknown_unit":
            rows[row_number][0] = "C2025-99999"
        elif kind == "damaged_diacritics":
            for row in rows:
                row[1] = _month_label(period)
            encoding = "mojibake"
            row_number = None
        path = inbox / name
        _write_rows(path, rows, encoding)
        batch.files.append(path)
        batch.rows_written += len(rows)
        if kind == "revised_submission":
            revised = [list(r) for r in rows]
            revised[0][3] = str(int(revised[0][3]) + 1)
            revision = inbox / f"{code}_{period}_revised.csv"
            _write_rows(revision, revised, "utf-8")
            batch.files.append(revision)
            batch.rows_written += len(revised)
            name, row_number = revision.name, 0
        if kind:
            data_row = None if row_number is None else row_number + 2
            batch.defects.append(InjectedDefect(kind, name, data_row))
    return batch


def _write_rows(path: Path, rows: list[list[str]], encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "mojibake":
        # What a spreadsheet does to UTF-8 it opened as Windows-1252 and saved again.
        path.write_bytes(text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"))
    else:
        path.write_bytes(text.encode(encoding))
