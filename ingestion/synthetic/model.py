"""A deterministic model of what every union unit would report, commune by commune.

Figures are drawn per commune (and for the police and army unions, which have none) and
added up the hierarchy, so a province's members are the sum of its communes' and a year's
admissions the sum of its months'. Stocks move by their flows: members at a month's end are
the members at the start plus those admitted, minus those lost, so the figures a unit reports
for different periods agree with one another, as a careful unit's would.

Magnitudes follow DOMAIN.md: over 19 million members nationally, a province from about
100,000 to several hundred thousand, trust loans of a province in the thousands of billions
of đồng, Mẹ đỡ đầu paying 200,000-1,000,000 đồng a month per child.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from ingestion.normalise import period_from_code
from ingestion.reference.org_units import MERGER_DATE, load_org_units

FIRST_YEAR = 2019
LAST_YEAR = 2026
MONTHS = (LAST_YEAR - FIRST_YEAR + 1) * 12
UNION_ONLY = ("CA", "QD")
MILLION = 1_000_000

# Indicators the model produces, by how they move. A flow is drawn per commune and month and
# summed over a period; a stock is the value at the period's last month.
FLOWS = (
    "members_admitted",
    "members_lost",
    "prog_houses_built",
    "prog_propaganda_sessions",
    "prog_propaganda_participants",
    "prog_godmother_money",
    "prog_939_women_supported",
    "prog_households_out_of_poverty",
    "fin_money_mobilised",
    "fin_houses_value",
)
STOCKS = (
    "members_total",
    "women_18_plus",
    "members_honorary",
    "prog_godmother_children",
    "prog_poor_households",
    "fin_trust_loan_balance",
    "fin_borrowing_households",
    "fin_savings_groups",
    "members_cadres",  # the whole of members_cadres_trained; not an indicator of its own
    "members_cadres_trained",
)
# Share of a value that falls in a subset (phân tổ), fixed per commune.
SUBSETS = {
    "prog_poor_households": ("ethnic_minority", "female_head_of_household"),
    "prog_households_out_of_poverty": ("ethnic_minority", "female_head_of_household"),
}


def month_index(day: dt.date) -> int:
    return (day.year - FIRST_YEAR) * 12 + day.month - 1


def era_of(period_end: dt.date) -> str:
    """Which map of units a period reports on: its last day decides, as in the resolver."""
    return "2025" if period_end >= MERGER_DATE else "legacy"


@dataclass(frozen=True)
class EraUnits:
    """The reporting units of one era, and which leaf (commune or union) each one sums."""

    leaves: list[str]
    members: dict[str, np.ndarray]  # unit code → indexes of its leaves
    level: dict[str, str]
    parent: dict[str, str | None]
    name: dict[str, str]


def _era_frame(era: str) -> pd.DataFrame:
    units = load_org_units().units
    if era == "2025":
        mask = units.valid_from.notna()
    else:
        mask = units.valid_to.notna()
    return units[mask | units.unit_code.isin(UNION_ONLY)]


@cache
def era_units(era: str) -> EraUnits:
    frame = _era_frame(era).sort_values("unit_code")
    parent = dict(
        zip(frame.unit_code, frame.parent_code.where(frame.parent_code.notna()), strict=True)
    )
    level = dict(zip(frame.unit_code, frame.level, strict=True))
    leaves = [c for c in frame.unit_code if level[c] == "commune" or c in UNION_ONLY]
    position = {code: i for i, code in enumerate(leaves)}
    groups: dict[str, list[int]] = {}
    for code in leaves:
        unit: str | None = code
        while unit is not None and unit in level:
            groups.setdefault(unit, []).append(position[code])
            unit = parent.get(unit)
    return EraUnits(
        leaves=leaves,
        members={code: np.array(sorted(ix)) for code, ix in groups.items()},
        level=level,
        parent=parent,
        name=dict(zip(frame.unit_code, frame.name_vi, strict=True)),
    )


def _stable_seed(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


class FigureModel:
    """Every leaf's monthly figures for one era, drawn once from the seed."""

    def __init__(self, seed: int, era: str) -> None:
        self.era = era
        self.units = era_units(era)
        n = len(self.units.leaves)
        rng = np.random.default_rng(_stable_seed(seed, era))
        # A 2025 commune merges about three of the old ones.
        size = 3.2 if era == "2025" else 1.0
        scale = np.array([25.0 if c in UNION_ONLY else size for c in self.units.leaves])
        women = rng.uniform(1_200, 5_500, n) * scale
        rate = rng.uniform(0.45, 0.8, n)
        months = np.arange(MONTHS)
        season = 1 + 0.25 * np.sin(2 * np.pi * (months % 12) / 12)  # more activity mid-year
        self._stock: dict[str, np.ndarray] = {}
        self._flow: dict[str, np.ndarray] = {}

        def monthly(mean: np.ndarray) -> np.ndarray:
            return rng.poisson(np.outer(mean, season)).astype(np.int64)

        members0 = np.floor(women * rate)
        self._flow["members_admitted"] = monthly(members0 * 0.0025)
        self._flow["members_lost"] = monthly(members0 * 0.0011)
        net = np.cumsum(self._flow["members_admitted"] - self._flow["members_lost"], axis=1)
        self._stock["members_total"] = members0[:, None].astype(np.int64) + net
        growth = 1 + 0.0004 * months  # women 18+ grow slowly with the population
        self._stock["women_18_plus"] = np.floor(np.outer(women, growth)).astype(np.int64)
        self._stock["members_honorary"] = np.outer(rng.poisson(4 * scale), np.ones(MONTHS)).astype(
            np.int64
        )

        children = rng.poisson(1.8 * scale)
        self._stock["prog_godmother_children"] = np.outer(children, np.ones(MONTHS)).astype(
            np.int64
        )
        per_child = rng.integers(2, 11, n) * 100_000  # 200,000-1,000,000 đồng a month
        self._flow["prog_godmother_money"] = np.outer(children * per_child, np.ones(MONTHS)).astype(
            np.int64
        )
        self._flow["prog_houses_built"] = monthly(np.full(n, 0.04) * scale)
        self._flow["fin_houses_value"] = self._flow["prog_houses_built"] * 60 * MILLION
        sessions = rng.uniform(1.5, 6, n) * np.sqrt(scale)
        self._flow["prog_propaganda_sessions"] = monthly(sessions)
        self._flow["prog_propaganda_participants"] = (
            self._flow["prog_propaganda_sessions"] * rng.integers(25, 80, n)[:, None]
        )
        self._flow["prog_939_women_supported"] = monthly(np.full(n, 0.3) * scale)

        poor = rng.uniform(20, 300, n) * scale
        decline = np.clip(1 - 0.004 * months, 0.5, None)  # poverty falls over the years
        self._stock["prog_poor_households"] = np.floor(np.outer(poor, decline)).astype(np.int64)
        self._flow["prog_households_out_of_poverty"] = monthly(poor * 0.004)
        self._share = {
            "ethnic_minority": rng.beta(0.6, 1.2, n),
            "female_head_of_household": rng.uniform(0.2, 0.5, n),
        }

        households = rng.uniform(150, 1_200, n) * scale
        self._stock["fin_borrowing_households"] = np.floor(np.outer(households, growth)).astype(
            np.int64
        )
        loan = rng.integers(35, 60, n) * MILLION  # average loan per household
        self._stock["fin_trust_loan_balance"] = (
            self._stock["fin_borrowing_households"] * loan[:, None]
        )
        self._stock["fin_savings_groups"] = np.outer(
            rng.poisson(3 * scale), np.ones(MONTHS)
        ).astype(np.int64)
        self._flow["fin_money_mobilised"] = monthly(rng.uniform(5, 60, n) * scale) * MILLION

        cadres = rng.integers(12, 40, n) * np.ceil(scale).astype(np.int64)
        trained = cadres - rng.integers(0, 4, n)
        self._stock["members_cadres"] = np.outer(cadres, np.ones(MONTHS)).astype(np.int64)
        self._stock["members_cadres_trained"] = np.outer(trained, np.ones(MONTHS)).astype(np.int64)

    def value(
        self, unit_code: str, indicator: str, period_code: str, subset: str | None = None
    ) -> int:
        """The unit's figure for the period: flows summed over its months, stocks at its end."""
        period = period_from_code(period_code)
        leaves = self.units.members[unit_code]
        first, last = month_index(period.start), month_index(period.end)
        if indicator in self._flow:
            per_leaf = self._flow[indicator][leaves, first : last + 1].sum(axis=1)
        else:
            per_leaf = self._stock[indicator][leaves, last]
        if subset is not None:
            per_leaf = np.floor(per_leaf * self._share[subset][leaves])
        return int(per_leaf.sum())

    def leaf_count(self, unit_code: str) -> int:
        """How many communes a unit has (1 for a commune or a union without communes)."""
        return len(self.units.members[unit_code])


@cache
def figure_model(seed: int, era: str) -> FigureModel:
    return FigureModel(seed, era)
