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


def _legacy_bases(seed: int) -> dict[str, np.ndarray]:
    """Each legacy leaf's sizes (women, members, poor households, loans...), drawn once."""
    leaves = era_units("legacy").leaves
    n = len(leaves)
    rng = np.random.default_rng(_stable_seed(seed, "bases"))
    scale = np.array([25.0 if c in UNION_ONLY else 1.0 for c in leaves])
    women = rng.uniform(1_200, 5_500, n) * scale
    children = rng.poisson(1.8 * scale).astype(float)
    sessions = rng.uniform(1.5, 6, n) * np.sqrt(scale)
    poor = rng.uniform(20, 300, n) * scale
    households = rng.uniform(150, 1_200, n) * scale
    cadres = rng.integers(12, 40, n) * np.ceil(scale)
    return {
        "women": women,
        "members": np.floor(women * rng.uniform(0.45, 0.8, n)),
        "children": children,
        # 200,000-1,000,000 đồng a month per child (DOMAIN.md)
        "godmother_money": children * rng.integers(2, 11, n) * 100_000,
        "sessions": sessions,
        "participants": sessions * rng.integers(25, 80, n),
        "poor": poor,
        "poor_ethnic_minority": poor * rng.beta(0.6, 1.2, n),
        "poor_female_head_of_household": poor * rng.uniform(0.2, 0.5, n),
        "households": households,
        "loans": households * rng.integers(35, 60, n) * MILLION,
        "savings_groups": rng.poisson(3 * scale).astype(float),
        "honorary": rng.poisson(4 * scale).astype(float),
        "mobilised": rng.uniform(5, 60, n) * scale,
        "houses": np.full(n, 0.04) * scale,
        "women_939": np.full(n, 0.3) * scale,
        "cadres": cadres,
        "trained": cadres - rng.integers(0, 4, n),
    }


def _successor_index() -> np.ndarray:
    """For each legacy leaf, the position of its 2025 leaf (the default successor of a
    commune; the police and army unions are their own), or -1 when it has none."""
    legacy, new = era_units("legacy"), era_units("2025")
    position = {code: i for i, code in enumerate(new.leaves)}
    units = load_org_units().units
    successor = dict(zip(units.unit_code, units.successor_code, strict=True))
    return np.array(
        [position.get(c if c in UNION_ONLY else successor.get(c), -1) for c in legacy.leaves]
    )


@cache
def era_bases(seed: int, era: str) -> dict[str, np.ndarray]:
    """The leaves' sizes on the era's map. A 2025 commune is the sum of the legacy communes
    merged into it, so history restated into 2025 borders continues into 2025's figures."""
    bases = _legacy_bases(seed)
    if era == "legacy":
        return bases
    index = _successor_index()
    kept = index >= 0
    size = len(era_units("2025").leaves)
    merged = {
        name: np.bincount(index[kept], weights=values[kept], minlength=size)
        for name, values in bases.items()
    }
    # A few 2025 communes (new special zones) have no legacy predecessor in the mapping:
    # they get the sizes of a typical 2025 commune.
    empty = merged["women"] == 0
    for values in merged.values():
        values[empty] = np.median(values[~empty])
    return merged


def _constant(values: np.ndarray) -> np.ndarray:
    return np.outer(np.floor(values), np.ones(MONTHS)).astype(np.int64)


class FigureModel:
    """Every leaf's monthly figures for one era: sizes from the bases, months drawn once."""

    def __init__(self, seed: int, era: str) -> None:
        self.era = era
        self.units = era_units(era)
        base = era_bases(seed, era)
        rng = np.random.default_rng(_stable_seed(seed, era, "months"))
        months = np.arange(MONTHS)
        season = 1 + 0.25 * np.sin(2 * np.pi * (months % 12) / 12)  # more activity mid-year
        growth = 1 + 0.0004 * months  # women 18+ and borrowers grow slowly
        decline = np.clip(1 - 0.004 * months, 0.5, None)  # poverty falls over the years
        self._stock: dict[str, np.ndarray] = {}
        self._flow: dict[str, np.ndarray] = {}

        def monthly(mean: np.ndarray) -> np.ndarray:
            return rng.poisson(np.outer(mean, season)).astype(np.int64)

        flow, stock = self._flow, self._stock
        flow["members_admitted"] = monthly(base["members"] * 0.0025)
        flow["members_lost"] = monthly(base["members"] * 0.0011)
        net = np.cumsum(flow["members_admitted"] - flow["members_lost"], axis=1)
        stock["members_total"] = base["members"][:, None].astype(np.int64) + net
        stock["women_18_plus"] = np.floor(np.outer(base["women"], growth)).astype(np.int64)
        stock["members_honorary"] = _constant(base["honorary"])
        stock["prog_godmother_children"] = _constant(base["children"])
        flow["prog_godmother_money"] = _constant(base["godmother_money"])
        flow["prog_houses_built"] = monthly(base["houses"])
        flow["fin_houses_value"] = flow["prog_houses_built"] * 60 * MILLION
        flow["prog_propaganda_sessions"] = monthly(base["sessions"])
        per_session = np.divide(
            base["participants"],
            base["sessions"],
            out=np.zeros_like(base["sessions"]),
            where=base["sessions"] > 0,
        )
        flow["prog_propaganda_participants"] = np.floor(
            flow["prog_propaganda_sessions"] * per_session[:, None]
        ).astype(np.int64)
        flow["prog_939_women_supported"] = monthly(base["women_939"])
        stock["prog_poor_households"] = np.floor(np.outer(base["poor"], decline)).astype(np.int64)
        flow["prog_households_out_of_poverty"] = monthly(base["poor"] * 0.004)
        self._share = {
            subset: np.divide(
                base[f"poor_{subset}"],
                base["poor"],
                out=np.zeros_like(base["poor"]),
                where=base["poor"] > 0,
            )
            for subset in ("ethnic_minority", "female_head_of_household")
        }
        stock["fin_borrowing_households"] = np.floor(np.outer(base["households"], growth)).astype(
            np.int64
        )
        loan = np.divide(
            base["loans"],
            base["households"],
            out=np.zeros_like(base["loans"]),
            where=base["households"] > 0,
        )
        loan = np.floor(loan / MILLION) * MILLION  # an average loan in whole millions
        stock["fin_trust_loan_balance"] = (
            stock["fin_borrowing_households"] * loan.astype(np.int64)[:, None]
        )
        stock["fin_savings_groups"] = _constant(base["savings_groups"])
        flow["fin_money_mobilised"] = monthly(base["mobilised"]) * MILLION
        stock["members_cadres"] = _constant(base["cadres"])
        stock["members_cadres_trained"] = _constant(base["trained"])

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
