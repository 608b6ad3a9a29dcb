"""Synthetic submissions, deterministic by seed, for the demo, the tests and the benchmarks.

Magnitudes follow DOMAIN.md: a province has 100,000 to several hundred thousand members, a
membership rate well under 100% of women aged 18+, trust loans in the thousands of billions
of đồng.
"""

from __future__ import annotations

import csv
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
