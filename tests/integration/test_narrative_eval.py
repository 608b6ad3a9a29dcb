"""The narrative extractor scored by the shared scorer (../shared/tools/score_narrative.py):
on the development set against the floor CI holds (make eval), on the three real reports
against the project's answer key, and on generated reports at volume.

The scorer runs the project's command on the report files where they are in ../shared; no
report text is copied into the project.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.narrative import extract_report, read_document
from ingestion.narrative.evaluate import PRECISION_FLOOR, RECALL_FLOOR, score, shared_dir
from ingestion.synthetic.narrative import generate_narrative_reports, write_narrative_reports

KEY = Path(__file__).resolve().parents[1] / "narrative" / "answer-key.json"
# Composed reports in forms the development set lacks, keyed before the extractor first ran
# on them (first run: precision 0.934, recall 0.961; docs/narrative.md).
HOLDOUT = Path(__file__).resolve().parents[1] / "narrative" / "holdout"
# A second composed set, keyed before its first run (precision 1.000, recall 0.980).
HOLDOUT_2 = Path(__file__).resolve().parents[1] / "narrative" / "holdout-2"
# The target on reports the team has not seen; our keys must meet it at least.
TARGET_PRECISION, TARGET_RECALL, TARGET_QUALIFIER = 0.95, 0.90, 0.98


def test_development_set_meets_the_floor():
    result = score(shared_dir() / "domain" / "reports-dev")
    assert result.precision >= PRECISION_FLOOR, result.output
    assert result.recall >= RECALL_FLOOR, result.output
    assert result.qualifier_right >= TARGET_QUALIFIER, result.output
    assert result.mapped >= 0.5, result.output  # most figures mapped to an indicator


def test_three_real_reports_against_our_key():
    result = score(shared_dir() / "domain" / "reports", key=KEY)
    assert result.precision >= TARGET_PRECISION, result.output
    assert result.recall >= TARGET_RECALL, result.output
    assert result.qualifier_right >= TARGET_QUALIFIER, result.output
    assert result.mapped >= 0.5, result.output


@pytest.mark.parametrize("folder", [HOLDOUT, HOLDOUT_2], ids=["holdout", "holdout-2"])
def test_held_out_reports_meet_the_target(folder):
    result = score(folder)
    assert result.precision >= TARGET_PRECISION, result.output
    assert result.recall >= TARGET_RECALL, result.output
    assert result.qualifier_right >= TARGET_QUALIFIER, result.output
    assert result.mapped >= 0.7, result.output


def test_generated_reports_scored_like_real_ones(tmp_path):
    write_narrative_reports(tmp_path, count=25, seed=7)
    result = score(tmp_path)
    assert result.precision >= TARGET_PRECISION, result.output
    assert result.recall >= TARGET_RECALL, result.output


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_reports_at_volume(seed):
    """Every known figure with its value, qualifier, whole, indicator and unit; nothing else
    (the distractors: dates, delegates, ordinals, durations, ages, targets, furniture)."""
    for generated in generate_narrative_reports(count=40, seed=seed):
        document = read_document(Path(generated.name), generated.text.encode("utf-8"))
        report = extract_report(document)
        assert (report.unit_code, report.period_code) == (
            generated.unit_code,
            generated.period_code,
        ), generated.name
        found = [
            (f.start, f.value, f.qualifier, f.whole, f.indicator, f.unit)
            for f in report.figures
            if not f.is_target
        ]
        known = [
            (k.start, k.value, k.qualifier, k.whole, k.indicator, k.unit) for k in generated.figures
        ]
        assert found == known, generated.name
