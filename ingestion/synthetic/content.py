"""What a unit reports for a period: the indicators of its level, their values from the model,
written the way units write them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache

from ingestion.normalise import period_from_code
from ingestion.reference.calendar import load_reporting_calendar
from ingestion.reference.catalogue import load_catalogue
from ingestion.synthetic.batch import Expected, Row
from ingestion.synthetic.model import FigureModel
from ingestion.synthetic.spelling import (
    SUBSET_TEXTS,
    count_text,
    indicator_texts,
    money_text,
)

# (indicator, subset) a commune reports every month, by subject area (form).
COMMUNE_INDICATORS: dict[str, list[tuple[str, str | None]]] = {
    "members": [
        ("members_total", None),
        ("women_18_plus", None),
        ("members_admitted", None),
        ("members_lost", None),
        ("members_cadres_trained", None),  # 'a/b': cadres trained of all cadres
    ],
    "programmes": [
        ("prog_propaganda_sessions", None),
        ("prog_propaganda_participants", None),
        ("prog_houses_built", None),
        ("prog_godmother_children", None),
        ("prog_poor_households", None),
        ("prog_poor_households", "ethnic_minority"),
        ("prog_poor_households", "female_head_of_household"),
    ],
    "finances": [
        ("fin_trust_loan_balance", None),
        ("fin_borrowing_households", None),
        ("fin_money_mobilised", None),
    ],
}
# What a province, district or non-territorial union adds in its half-yearly and yearly reports.
UPPER_EXTRA: dict[str, list[tuple[str, str | None]]] = {
    "members": [
        ("members_honorary", None),
        ("members_grassroots_units", None),
        ("members_chairs_certified", None),  # 'a/b': chairwomen certified of all
    ],
    "programmes": [
        ("prog_godmother_money", None),
        ("prog_939_women_supported", None),
        ("prog_households_out_of_poverty", None),
        ("prog_households_out_of_poverty", "ethnic_minority"),
        ("prog_households_out_of_poverty", "female_head_of_household"),
    ],
    "finances": [("fin_savings_groups", None), ("fin_houses_value", None)],
}
# Targets a province registers for the 13th congress resolution, reported yearly: the target
# (mức đăng ký) and the result, by the indicator the target is set on.
TARGETED = ("members_admitted", "prog_households_out_of_poverty", "prog_939_women_supported")
TARGETS_SET = 8


@cache
def _units_of_measure() -> dict[str, str]:
    catalogue = load_catalogue()
    return dict(zip(catalogue.indicator_code, catalogue.unit, strict=True))


@cache
def _deadlines() -> dict[tuple[str, str], int]:
    calendar = load_reporting_calendar()
    return {
        (r.unit_level, r.frequency): int(r.deadline_days) for r in calendar.itertuples(index=False)
    }


def deadline(level: str, period_code: str) -> dt.date:
    """The day a report is due: the calendar's days after the period's last day."""
    period = period_from_code(period_code)
    # Period kinds are the calendar's frequencies; a level the calendar does not ask for
    # that kind (a district's year) gets the half-year's 20 days.
    days = _deadlines().get((level, period.kind), 20)
    return period.end + dt.timedelta(days=days)


def on_time(rng: random.Random, level: str, period_code: str) -> dt.datetime:
    """An arrival time before the deadline, after the period's end."""
    end = period_from_code(period_code).end
    due = deadline(level, period_code)
    span = max((due - end).days - 1, 1)
    day = end + dt.timedelta(days=rng.randrange(1, span + 1))
    return dt.datetime.combine(day, dt.time(rng.randrange(7, 18), rng.randrange(60)))


def late(rng: random.Random, level: str, period_code: str) -> dt.datetime:
    due = deadline(level, period_code)
    day = due + dt.timedelta(days=rng.randrange(3, 40))
    return dt.datetime.combine(day, dt.time(rng.randrange(7, 18), rng.randrange(60)))


@dataclass(frozen=True)
class Figure:
    indicator: str
    subset: str | None
    value: int
    whole: int | None = None  # for a part of a whole ('231/235')


def figures(
    model: FigureModel, rng: random.Random, unit: str, level: str, period_code: str, form: str
) -> list[Figure]:
    """The figures of one form (subject area) of a unit's report for a period."""
    wanted = list(COMMUNE_INDICATORS.get(form, []))
    if level != "commune":
        wanted += UPPER_EXTRA.get(form, [])
    out = []
    for indicator, subset in wanted:
        if indicator == "members_cadres_trained":
            whole = model.value(unit, "members_cadres", period_code)
            out.append(Figure(indicator, None, model.value(unit, indicator, period_code), whole))
        elif indicator in ("members_grassroots_units", "members_chairs_certified"):
            communes = model.leaf_count(unit)
            if indicator == "members_grassroots_units":
                out.append(Figure(indicator, None, communes))
            else:
                certified = communes - rng.randrange(0, max(communes // 10, 1) + 1)
                out.append(Figure(indicator, None, certified, communes))
        else:
            out.append(Figure(indicator, subset, model.value(unit, indicator, period_code, subset)))
    if form == "targets":
        out += target_figures(model, rng, unit, period_code)
    return out


def target_figures(
    model: FigureModel, rng: random.Random, unit: str, period_code: str
) -> list[Figure]:
    achieved = rng.randrange(TARGETS_SET - 2, TARGETS_SET + 1)
    exceeded = rng.randrange(0, achieved + 1)
    out = [
        Figure("target_set", None, TARGETS_SET),
        Figure("target_achieved", None, achieved),
        Figure("target_exceeded", None, exceeded),
        Figure("target_not_met", None, TARGETS_SET - achieved),
    ]
    for indicator in TARGETED:
        result = model.value(unit, indicator, period_code)
        target = max(int(result * rng.uniform(0.8, 1.15)), 1)
        out.append(Figure("target_value", f"target:{indicator}", target))
        out.append(Figure("target_result", f"target:{indicator}", result))
    return out


def value_text(figure: Figure, rng: random.Random, plain: bool) -> str | int:
    """The value as written. `plain`: digits only (a spreadsheet's number cell)."""
    if figure.whole is not None:
        return (
            f"{figure.value:02d}/{figure.whole:02d}"
            if rng.random() < 0.3
            else (f"{figure.value}/{figure.whole}")
        )
    if plain:
        return figure.value
    if _units_of_measure().get(figure.indicator) == "vnd":
        return money_text(figure.value, rng)
    return count_text(figure.value, rng)


def subset_text(subset: str | None, rng: random.Random) -> str:
    if subset is None:
        return ""
    if subset.startswith("target:"):
        return subset
    return rng.choice(SUBSET_TEXTS[subset])


def make_rows(
    figures_: list[Figure],
    unit_text: str,
    unit_code: str,
    period_text: str,
    period_code: str,
    rng: random.Random,
    plain: bool = False,
    indicator_as_code: bool = False,
) -> list[Row]:
    rows = []
    for figure in figures_:
        texts = indicator_texts(figure.indicator)
        indicator = texts[0] if indicator_as_code or rng.random() < 0.6 else rng.choice(texts)
        rows.append(
            Row(
                unit=unit_text,
                period=period_text,
                indicator=indicator,
                value=value_text(figure, rng, plain),
                disaggregation=subset_text(figure.subset, rng),
                expected=Expected(
                    unit_code,
                    period_code,
                    figure.indicator,
                    figure.subset,
                    float(figure.value),
                    None if figure.whole is None else float(figure.whole),
                ),
            )
        )
    return rows
