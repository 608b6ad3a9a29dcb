"""Realistic defects, injected into submissions before they are written, and what landing must
do with each. The outcome of every defect is recorded so a test can hold landing to it.

Outcomes:
    corrected         a normalisation rule reads the row as meant (docs/ingestion.md)
    rejected_row      the row lands in raw.rejections with its reason; the rest of the file lands
    rejected_file     the whole file is rejected with its reason
    flagged_by_check  landing cannot tell it is wrong (a plausible number); it lands as written
                      and a quality check downstream flags it (Great Expectations, issue 5)
    landed_late       lands with received_at after the deadline (the completeness fact marks it)
    supersedes        a second file for the same unit, period and form lands beside the first;
                      the later received one supplies the facts, both stay in raw history
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ingestion.resolve import ResolutionError, unit_resolver
from ingestion.synthetic.batch import DAMAGES, Expected, Row, Submission
from ingestion.synthetic.content import late
from ingestion.synthetic.model import era_units
from ingestion.synthetic.spelling import period_texts

DEFECT_OUTCOMES = {
    "amount_x1000": "flagged_by_check",
    "missing_value": "rejected_row",
    "non_numeric_value": "rejected_row",
    "duplicate_exact": "rejected_row",
    "duplicate_conflicting": "rejected_row",
    "part_above_whole": "rejected_row",
    "members_above_women": "flagged_by_check",
    "unknown_unit": "rejected_row",
    "ambiguous_unit": "rejected_row",
    "invalid_period": "rejected_row",
    "nfd_text": "corrected",
    "damaged_diacritics": "rejected_file",
    "late_submission": "landed_late",
    "revised_submission": "supersedes",
}
# Which shapes a defect can occur in: a form fixes unit and period in its header and cannot
# repeat a row; a spreadsheet cell has no encoding to damage.
_ALL = ("long_csv", "long_xlsx", "reporting_form", "json_form")
_LONG = ("long_csv", "long_xlsx")
DEFECT_SHAPES = {
    "amount_x1000": _ALL,
    "missing_value": ("long_csv", "long_xlsx", "json_form"),
    "non_numeric_value": _ALL,
    "duplicate_exact": ("long_csv", "long_xlsx", "json_form"),
    "duplicate_conflicting": ("long_csv", "long_xlsx", "json_form"),
    "part_above_whole": _ALL,
    "members_above_women": _ALL,
    "unknown_unit": _LONG,
    "ambiguous_unit": _LONG,
    "invalid_period": _LONG,
    "nfd_text": ("long_csv", "json_form"),
    "damaged_diacritics": ("long_csv",),
    "late_submission": _ALL,
    "revised_submission": ("long_csv", "json_form", "reporting_form"),
}
# Defects that touch a whole file; the others touch rows, and can also hit one unit's block
# of a workbook that carries many units.
FILE_DEFECTS = frozenset(
    {"nfd_text", "damaged_diacritics", "late_submission", "revised_submission"}
)


@dataclass
class Injection:
    """A defect applied to a submission; row numbers are read after the file is numbered."""

    kind: str
    submission: Submission
    rows: list[Row]
    detail: str = ""
    column: str | None = None
    detail_of: Callable[[], str] | None = None  # a detail that needs the row numbers
    revision: Submission | None = None


def _pick(
    rng: random.Random, rows: list[Row], test: Callable[[Expected], bool] = lambda e: True
) -> Row | None:
    """A row that must land and whose meaning passes `test`, or None."""
    candidates = [r for r in rows if r.expected is not None and test(r.expected)]
    return rng.choice(candidates) if candidates else None


def _is_money(expected: Expected) -> bool:
    code = expected.indicator_code
    return code.startswith("fin_") and code.endswith(("_balance", "_mobilised", "_value"))


def _set_expected(row: Row, **changes: object) -> None:
    assert row.expected is not None
    fields = {**row.expected.__dict__, **changes}
    row.expected = Expected(**fields)


@cache
def ambiguous_names(era: str) -> tuple[str, ...]:
    """Commune names several communes of the era share: written alone, they name no one."""
    units = era_units(era)
    counts: dict[str, int] = {}
    for code, level in units.level.items():
        if level == "commune":
            counts[units.name[code]] = counts.get(units.name[code], 0) + 1
    return tuple(sorted(name for name, n in counts.items() if n >= 3))


def _ambiguous_name(rng: random.Random, era: str, on: dt.date) -> str:
    resolver = unit_resolver()
    names = list(ambiguous_names(era))
    rng.shuffle(names)
    for name in names:
        try:
            resolver.resolve(name, on=on)
        except ResolutionError as exc:
            if len(exc.candidates) > 1:
                return name
    raise RuntimeError(f"no ambiguous commune name found for the {era} era")


def inject(
    kind: str, submission: Submission, rng: random.Random, era: str, on: dt.date, level: str
) -> Injection | None:
    """Apply one defect; None when the submission has nothing it could apply to."""
    rows = submission.rows
    if kind == "amount_x1000":
        row = _pick(rng, rows, lambda e: _is_money(e) and e.value > 0)
        if row is None:
            return None
        assert row.expected is not None
        wrong = int(row.expected.value) * 1000
        row.value = wrong if isinstance(row.value, int) else str(wrong)
        _set_expected(row, value=float(wrong))
        return Injection(kind, submission, [row], "written 1,000 times too large")
    if kind in ("missing_value", "non_numeric_value"):
        row = _pick(rng, rows)
        if row is None:
            return None
        row.value = (
            "" if kind == "missing_value" else rng.choice(["không có", "chưa có số liệu", "x"])
        )
        row.expected = None
        reason = "the value is empty" if kind == "missing_value" else "not a number"
        return Injection(kind, submission, [row], reason, "value")
    if kind in ("duplicate_exact", "duplicate_conflicting"):
        row = _pick(rng, rows, lambda e: e.whole is None)
        if row is None:
            return None
        repeat = copy.copy(row)
        repeat.expected = None
        rows.insert(rng.randrange(rows.index(row) + 1, len(rows) + 1), repeat)
        if kind == "duplicate_exact":
            return Injection(
                kind,
                submission,
                [repeat],
                column="value",
                detail_of=lambda: f"duplicate of row {row.number}",
            )
        assert row.expected is not None
        other = int(row.expected.value) + rng.randrange(1, 50)
        repeat.value = other if isinstance(row.value, int) else str(other)
        row.expected = None
        return Injection(kind, submission, [row, repeat], "conflicting values", "value")
    if kind == "part_above_whole":
        row = _pick(rng, rows, lambda e: e.whole is not None)
        if row is None:
            return None
        assert row.expected is not None and row.expected.whole is not None
        whole = int(row.expected.whole)
        row.value = f"{whole + rng.randrange(1, 9)}/{whole}"
        row.expected = None
        return Injection(kind, submission, [row], "above the whole", "value")
    if kind == "members_above_women":
        members = _pick(rng, rows, lambda e: e.indicator_code == "members_total")
        women = _pick(rng, rows, lambda e: e.indicator_code == "women_18_plus")
        if members is None or women is None or women.expected is None:
            return None
        wrong = int(women.expected.value) + rng.randrange(1, 2_000)
        members.value = wrong if isinstance(members.value, int) else str(wrong)
        _set_expected(members, value=float(wrong))
        return Injection(kind, submission, [members], "members_not_above_women_18_plus")
    if kind in ("unknown_unit", "ambiguous_unit"):
        row = _pick(rng, rows)
        if row is None:
            return None
        if kind == "unknown_unit":
            row.unit = rng.choice(["Xã Hoa Sen Xanh", "Phường Không Tên", "C2025-99999", "P99"])
            reason = "no union unit"
        else:
            row.unit = _ambiguous_name(rng, era, on)
            reason = "Candidates"
        row.expected = None
        return Injection(kind, submission, [row], reason, "unit")
    if kind == "invalid_period":
        row = _pick(rng, rows)
        if row is None:
            return None
        row.period = rng.choice(["tháng 13/2025", "quý V/2024", "năm 20255", "2025-00"])
        row.expected = None
        return Injection(kind, submission, [row], "", "period")
    if kind == "nfd_text":
        _write_in_vietnamese(submission, rng)
        submission.nfd = True
        return Injection(kind, submission, [], "decomposed text normalised to NFC")
    if kind == "damaged_diacritics":
        _write_in_vietnamese(submission, rng)
        submission.damaged = True
        submission.damage = rng.choice(DAMAGES)
        for row in rows:
            row.expected = None
        return Injection(kind, submission, [], f"damaged ({submission.damage})")
    if kind == "late_submission":
        submission.received_at = late(rng, level, submission.period_code)
        return Injection(kind, submission, [], f"received {submission.received_at.isoformat()}")
    if kind == "revised_submission":
        return _revise(submission, rng)
    raise ValueError(f"unknown defect kind {kind!r}; expected one of {sorted(DEFECT_OUTCOMES)}")


def _write_in_vietnamese(submission: Submission, rng: random.Random) -> None:
    """Make sure the file carries Vietnamese with diacritics: the period as a label."""
    labels = [t for t in period_texts(submission.period_code) if not t.isascii()]
    if labels:
        label = rng.choice(labels)
        for row in submission.rows:
            row.period = label
    if submission.header in ("english", "unaccented"):
        submission.header = "vietnamese"


def _revise(submission: Submission, rng: random.Random) -> Injection | None:
    revision = copy.deepcopy(submission)
    row = _pick(rng, revision.rows, lambda e: e.whole is None)
    if row is None or row.expected is None:
        return None
    corrected = int(row.expected.value) + rng.randrange(1, 20)
    row.value = corrected if isinstance(row.value, int) else str(corrected)
    _set_expected(row, value=float(corrected))
    stem, dot, suffix = submission.name.rpartition(".")
    revision.name = f"{stem}_sua_lan_2.{suffix}"  # 'sửa lần 2': how units name a resend
    revision.received_at = submission.received_at + dt.timedelta(days=rng.randrange(1, 9))
    return Injection(
        "revised_submission", revision, [row], f"revises {submission.name}", revision=revision
    )
