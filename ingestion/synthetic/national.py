"""National batches: every unit of the period's map reporting, in any of the four shapes,
with defects injected at a chosen rate and recorded in a manifest."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingestion.normalise import period_from_code
from ingestion.synthetic.batch import (
    ENCODINGS,
    SHAPES,
    SUFFIX,
    InjectedDefect,
    NationalBatch,
    Row,
    Submission,
    record,
    shuffled_columns,
    write_submission,
)
from ingestion.synthetic.content import figures, make_rows, on_time
from ingestion.synthetic.defects import (
    DEFECT_OUTCOMES,
    DEFECT_SHAPES,
    FILE_DEFECTS,
    Injection,
    inject,
)
from ingestion.synthetic.model import FigureModel, era_of, era_units, figure_model
from ingestion.synthetic.spelling import HEADERS, period_texts, unit_texts

FORMS = ("members", "programmes", "finances")


def default_levels(kind: str, era: str) -> tuple[str, ...]:
    """Who reports a period of this kind (the reporting calendar, plus legacy districts)."""
    if kind == "month":
        return ("commune",)
    if kind == "quarter":
        return ("district",) if era == "legacy" else ("province",)
    return ("province", "district") if era == "legacy" else ("province",)


def forms_for(level: str, kind: str) -> tuple[str, ...]:
    return (*FORMS, "targets") if level == "province" and kind == "year" else FORMS


def reporting_units(era: str, levels: Iterable[str]) -> list[str]:
    units = era_units(era)
    wanted = set(levels)
    # A few island districts list no commune; the model has no figures to give them.
    return sorted(
        code for code, level in units.level.items() if level in wanted and code in units.members
    )


def spread(units: list[str], limit: int | None) -> list[str]:
    """At most `limit` units, evenly spaced over the sorted list, so a small batch still spans
    the provinces (and, on the legacy map, districts and provinces alike)."""
    if limit is None or limit >= len(units):
        return units
    return [units[i * len(units) // limit] for i in range(limit)]


class _Writer:
    """Turns a unit's figures into submissions of a shape, with their text variations."""

    def __init__(
        self,
        model: FigureModel,
        period_code: str,
        rng: random.Random,
        encodings: Sequence[str] = ENCODINGS,
    ):
        self.encodings = list(encodings)
        self.model = model
        self.period_code = period_code
        self.period = period_from_code(period_code)
        self.rng = rng

    def rows(self, unit: str, level: str, forms: Sequence[str], shape: str) -> list[Row]:
        rng = self.rng
        plain = shape == "long_xlsx" and rng.random() < 0.7
        if shape in ("long_csv", "long_xlsx"):
            texts = unit_texts(unit, self.period.end)
            unit_text = texts[0] if rng.random() < 0.5 else rng.choice(texts)
            period_text = rng.choice(period_texts(self.period_code))
        else:
            unit_text, period_text = unit, self.period_code
        out: list[Row] = []
        for form in forms:
            found = figures(self.model, rng, unit, level, self.period_code, form)
            if shape == "reporting_form":
                found = [f for f in found if f.subset is None]  # the form has no breakdowns
            out += make_rows(
                found,
                unit_text,
                unit,
                period_text,
                self.period_code,
                rng,
                plain,
                indicator_as_code=shape == "reporting_form",
            )
        return out

    def submission(
        self, name: str, shape: str, unit: str, level: str, rows: list[Row], form: str | None = None
    ) -> Submission:
        rng = self.rng
        encoding = "utf-8"
        if shape == "long_csv":
            weights = [(6, 2, 1, 1)[ENCODINGS.index(e)] for e in self.encodings]
            encoding = rng.choices(self.encodings, weights=weights)[0]
        return Submission(
            name=name,
            shape=shape,
            unit_code=unit,
            period_code=self.period_code,
            rows=rows,
            received_at=on_time(rng, level, self.period_code),
            form=form,
            encoding=encoding,
            header=rng.choice(sorted(HEADERS)) if shape in ("long_csv", "long_xlsx") else "english",
            column_order=shuffled_columns(rng)
            if shape in ("long_csv", "long_xlsx")
            else (0, 1, 2, 3, 4),
        )


def generate_national_batch(
    inbox: Path,
    seed: int = 7,
    period: str | Sequence[str] = "2025-09",
    defect_rate: float = 0.0,
    max_units: int | None = None,
    shapes: Sequence[str] = ("long_csv",),
    defect_kinds: Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
    encodings: Sequence[str] = ENCODINGS,
    gather_communes: Sequence[str] = ("long_xlsx",),
) -> NationalBatch:
    """Every unit of the period's map reporting its figures, deterministic by seed.

    A month is reported by the communes (3,321 from July 2025, ~10,000 before); a half-year
    or a year by the provinces (34 and the police and army unions from July 2025; 63 and
    their 705 districts before). Each unit's report takes one of `shapes` (a reporting form
    or one web-form JSON per subject area). Communes whose shape is in `gather_communes`
    are gathered into one file per province, as a province union compiles its communes.
    About `defect_rate` of the files get one defect each, of the kinds given (all by
    default); `batch.defects` records each with the outcome landing must give it. CSV files
    come in the `encodings` given (UTF-8 with or without BOM, UTF-16, Windows-1258).
    """
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        raise ValueError(f"unknown shapes {sorted(unknown)}; expected some of {SHAPES}")
    options = _Options(
        seed,
        defect_rate,
        max_units,
        tuple(shapes),
        tuple(sorted(defect_kinds or DEFECT_OUTCOMES)),
        None if levels is None else tuple(levels),
        tuple(encodings),
        tuple(gather_communes),
    )
    batch = NationalBatch()
    for period_code in [period] if isinstance(period, str) else period:
        _generate_period(batch, inbox, period_code, options)
    return batch


@dataclass(frozen=True)
class _Options:
    seed: int
    defect_rate: float
    max_units: int | None
    shapes: tuple[str, ...]
    kinds: tuple[str, ...]
    levels: tuple[str, ...] | None
    encodings: tuple[str, ...]
    gather_communes: tuple[str, ...]


def _generate_period(
    batch: NationalBatch, inbox: Path, period_code: str, options: _Options
) -> None:
    seed, defect_rate, kinds = options.seed, options.defect_rate, options.kinds
    period = period_from_code(period_code)
    era = era_of(period.end)
    model = figure_model(seed, era)
    rng = random.Random(f"{seed}|{period_code}")
    writer = _Writer(model, period_code, rng, options.encodings)
    units = era_units(era)
    levels = options.levels or default_levels(period.kind, era)
    chosen = spread(reporting_units(era, levels), options.max_units)
    gathered: dict[tuple[str, str], list[tuple[str, list[Row]]]] = {}
    pending: list[tuple[Submission, str]] = []
    for unit in chosen:
        level = units.level[unit]
        forms = forms_for(level, period.kind)
        shape = rng.choice(options.shapes)
        if shape in options.gather_communes and level == "commune":
            province = _province_of(unit, units.parent, units.level)
            gathered.setdefault((province, shape), []).append(
                (unit, writer.rows(unit, level, forms, shape))
            )
            continue
        if shape == "json_form":
            for form in forms:
                rows = writer.rows(unit, level, [form], shape)
                name = f"{unit}_{period_code}_{form}.json"
                pending.append((writer.submission(name, shape, unit, level, rows, form), level))
            continue
        rows = writer.rows(unit, level, forms, shape)
        name = f"{unit}_{period_code}{SUFFIX[shape]}"
        pending.append((writer.submission(name, shape, unit, level, rows), level))

    for submission, level in pending:
        injection = None
        if rng.random() < defect_rate:
            fitting = [k for k in kinds if submission.shape in DEFECT_SHAPES[k]]
            if fitting:
                injection = inject(rng.choice(fitting), submission, rng, era, period.end, level)
        _write(batch, inbox, submission, injection, units.name.get(submission.unit_code, ""))

    for (province, shape), blocks in sorted(gathered.items()):
        rows: list[Row] = []
        injections: list[Injection] = []
        workbook = writer.submission(
            f"{province}_{period_code}_communes{SUFFIX[shape]}", shape, province, "commune", rows
        )
        for _unit, block in blocks:
            if rng.random() < defect_rate:
                fitting = [k for k in kinds if shape in DEFECT_SHAPES[k] and k not in FILE_DEFECTS]
                if fitting:
                    part = Submission(
                        workbook.name, shape, _unit, period_code, block, workbook.received_at
                    )
                    found = inject(rng.choice(fitting), part, rng, era, period.end, "commune")
                    if found is not None:
                        found.submission = workbook
                        injections.append(found)
            rows.extend(block)
        path = write_submission(workbook, inbox, units.name.get(province, ""))
        record(batch, workbook, path)
        for found in injections:
            batch.defects.append(_recorded(found))


def _province_of(unit: str, parent: dict[str, str | None], level: dict[str, str]) -> str:
    current: str | None = unit
    while current is not None and level.get(current) != "province":
        current = parent.get(current)
    return current or unit


def _write(
    batch: NationalBatch,
    inbox: Path,
    submission: Submission,
    injection: Injection | None,
    unit_name: str,
) -> None:
    path = write_submission(submission, inbox, unit_name)
    record(batch, submission, path)
    if injection is None:
        return
    if injection.revision is not None:
        revision_path = write_submission(injection.revision, inbox, unit_name)
        record(batch, injection.revision, revision_path)
    batch.defects.append(_recorded(injection))


def _recorded(injection: Injection) -> InjectedDefect:
    target = injection.revision or injection.submission
    detail = injection.detail_of() if injection.detail_of else injection.detail
    return InjectedDefect(
        kind=injection.kind,
        file_name=target.name,
        rows=tuple(r.number for r in injection.rows),
        outcome=DEFECT_OUTCOMES[injection.kind],
        detail=detail,
        column=injection.column,
    )
