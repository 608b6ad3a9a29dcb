"""A generated national batch with defects, in all four shapes, on both maps: every defect is
corrected by a documented rule, rejected with its reason, or left to the named check; every
row read is accounted for (read = accepted + rejected), and every row that lands is exactly
the value the generator meant."""

from collections import Counter

import duckdb
import pytest

from expectations.frames import members_vs_women_frame, over_time_frame, prepare_values
from expectations.history import read_history
from expectations.runner import validate
from expectations.suites import consistency_rules, over_time_rules
from ingestion.landing import land_inbox, land_reference
from ingestion.synthetic import DEFECT_OUTCOMES, SHAPES, NationalBatch, generate_national_batch
from ingestion.synthetic.content import deadline
from orchestration.warehouse.dbt_runner import run_dbt

# A month of 2025 communes and a legacy year (provinces and districts), with defects. Before
# the month, four clean months of the same communes (the over-time rules judge a value
# against four or more), so that a value 1,000 times too large has a history to stand out from.
PERIODS = {"2025-12": 120, "2024": 50}
HISTORY = ("2025-08", "2025-09", "2025-10", "2025-11")


def _generate(root, period, units, defect_rate, shapes):
    return generate_national_batch(
        root / "inbox",
        seed=11,
        period=period,
        defect_rate=defect_rate,
        max_units=units,
        shapes=shapes,
    )


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    root = tmp_path_factory.mktemp("national")
    batch = NationalBatch()
    parts = [_generate(root, p, PERIODS["2025-12"], 0.0, ("long_csv",)) for p in HISTORY]
    parts += [_generate(root, p, units, 0.6, SHAPES) for p, units in PERIODS.items()]
    for part in parts:
        for name in ("files", "defects", "submissions"):
            getattr(batch, name).extend(getattr(part, name))
        batch.expected |= part.expected
        batch.received_at |= part.received_at
        batch.rows_written += part.rows_written
    database = root / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    land_reference(con)
    result = land_inbox(root / "inbox", root / "archive", con)
    con.close()
    # The facts, the period facts and the history statistics the rules read are dbt's.
    select = ["+int_value_history", "+int_periods"]
    run_dbt(["run", "--threads", "4", "--select", *select], database, root / "dbt_target")
    con = duckdb.connect(str(database))
    yield batch, result, con
    con.close()


def defects_of(batch, *outcomes):
    return [d for d in batch.defects if d.outcome in outcomes]


def test_every_defect_kind_and_shape_is_in_the_batch(landed):
    batch, result, _ = landed
    kinds = Counter(d.kind for d in batch.defects)
    assert set(kinds) == set(DEFECT_OUTCOMES), set(DEFECT_OUTCOMES) - set(kinds)
    assert {s.shape for s in batch.submissions} == set(SHAPES)
    assert len(result.files) == len(batch.files)


def test_rows_read_equal_rows_accepted_plus_rejected_for_every_file(landed):
    batch, _, con = landed
    per_file = {
        name: (read, accepted, rejected, status)
        for name, read, accepted, rejected, status in con.execute(
            "select file_name, rows_read, rows_accepted, rows_rejected, status from raw.submissions"
        ).fetchall()
    }
    assert set(per_file) == {s.name for s in batch.submissions}
    for submission in batch.submissions:
        read, accepted, rejected, status = per_file[submission.name]
        assert read == accepted + rejected, submission.name
        if submission.damaged:
            assert (read, status) == (0, "rejected"), submission.name
        else:
            assert read == len(submission.rows), submission.name
    rejected_rows = con.execute(
        "select count(distinct (submission_id, row_number)) from raw.rejections "
        "where row_number is not null"
    ).fetchone()[0]
    assert rejected_rows == sum(r[2] for r in per_file.values())


def test_every_accepted_row_is_the_value_meant_and_nothing_else_lands(landed):
    batch, _, con = landed
    landed_rows = {
        (file_name, row): (unit, period, indicator, disaggregation, value, whole)
        for file_name, row, unit, period, indicator, disaggregation, value, whole in con.execute(
            "select s.file_name, v.row_number, v.unit_code, v.period_code, v.indicator_code, "
            "v.disaggregation, v.value, v.value_whole "
            "from raw.submission_values v join raw.submissions s using (submission_id)"
        ).fetchall()
    }
    expected = {
        key: (e.unit_code, e.period_code, e.indicator_code, e.disaggregation, e.value, e.whole)
        for key, e in batch.expected.items()
    }
    assert landed_rows.keys() == expected.keys()
    wrong = {k: (landed_rows[k], expected[k]) for k in expected if landed_rows[k] != expected[k]}
    assert wrong == {}


def test_rejected_rows_carry_their_column_and_reason_in_both_languages(landed):
    batch, _, con = landed
    reasons = {}
    for file_name, row, column, reason_en, reason_vi in con.execute(
        "select file_name, row_number, column_name, reason_en, reason_vi from raw.rejections"
    ).fetchall():
        reasons.setdefault((file_name, row), []).append((column, reason_en, reason_vi))
    checked = 0
    for defect in defects_of(batch, "rejected_row"):
        assert defect.rows, defect
        for row in defect.rows:
            found = reasons.get((defect.file_name, row), [])
            assert any(
                column == defect.column and defect.detail in en and vi for column, en, vi in found
            ), (defect, found)
            checked += 1
    assert checked >= 20


def test_damaged_files_are_rejected_whole_with_the_reason(landed):
    batch, _, con = landed
    damaged = defects_of(batch, "rejected_file")
    assert damaged
    for defect in damaged:
        status, reason_en, reason_vi = con.execute(
            "select status, rejection_reason_en, rejection_reason_vi from raw.submissions "
            "where file_name = ?",
            [defect.file_name],
        ).fetchone()
        assert status == "rejected" and "damaged" in reason_en and reason_vi, defect


def test_nfd_files_land_whole_once_normalised(landed):
    batch, _, con = landed
    for defect in defects_of(batch, "corrected"):
        status, rejected = con.execute(
            "select status, rows_rejected from raw.submissions where file_name = ?",
            [defect.file_name],
        ).fetchone()
        assert (status, rejected) == ("accepted", 0), defect


def test_defects_left_to_the_checks_land_as_written_and_are_flagged(landed):
    batch, _, con = landed
    # The facts as dbt built them, as the gate reads them. Only the two frames these defects
    # concern; validate runs the rules of given frames.
    values = con.sql("select * from intermediate.int_values_latest_revision").df()
    prepared = prepare_values(values, con.sql("select * from intermediate.int_periods").df())
    history = read_history(con, "intermediate.int_value_history", "submitted")
    frames = {
        "members_vs_women": members_vs_women_frame(prepared),
        "over_time": over_time_frame(history),
    }
    outcome = validate(frames, consistency_rules() + over_time_rules())
    flagged = set(
        zip(
            outcome.failing_rows.file_name,
            outcome.failing_rows.source_row_number,
            outcome.failing_rows.rule,
            strict=True,
        )
    )
    left = defects_of(batch, "flagged_by_check")
    assert {d.kind for d in left} == {"members_above_women", "amount_x1000"}
    rule = {"members_above_women": "members_not_above_women_18_plus"}
    checked = Counter()
    for defect in left:
        (row,) = defect.rows
        if batch.expected[(defect.file_name, row)].period_code in HISTORY + ("2024",):
            continue  # a legacy year has no earlier years in this batch to compare with
        expected_rule = rule.get(defect.kind, "probable_unit_error")
        assert (defect.file_name, row, expected_rule) in flagged, defect
        checked[defect.kind] += 1
    assert min(checked.values()) >= 2 and len(checked) == 2, checked


def test_every_file_is_received_at_its_inbox_time_and_late_ones_after_the_deadline(landed):
    batch, _, con = landed
    received = dict(con.execute("select file_name, received_at from raw.submissions").fetchall())
    assert received == batch.received_at
    by_name = {s.name: s for s in batch.submissions}
    late = defects_of(batch, "landed_late")
    assert late
    for defect in late:
        submission = by_name[defect.file_name]
        level = {"C": "commune", "D": "district"}.get(submission.unit_code[0], "province")
        assert received[defect.file_name].date() > deadline(level, submission.period_code)


def test_a_revision_lands_beside_its_original_and_is_the_latest_received(landed):
    batch, _, con = landed
    revisions = defects_of(batch, "supersedes")
    assert revisions
    for defect in revisions:
        original = defect.detail.removeprefix("revises ")
        times = dict(
            con.execute(
                "select file_name, received_at from raw.submissions where file_name in (?, ?)",
                [original, defect.file_name],
            ).fetchall()
        )
        assert times[original] < times[defect.file_name], defect
        (row,) = defect.rows
        meant = batch.expected[(defect.file_name, row)]
        latest = con.execute(
            "select v.value from raw.submission_values v join raw.submissions s "
            "using (submission_id) where v.unit_code = ? and v.period_code = ? "
            "and v.indicator_code = ? and v.disaggregation is not distinct from ? "
            "order by s.received_at desc, s.submission_id desc limit 1",
            [meant.unit_code, meant.period_code, meant.indicator_code, meant.disaggregation],
        ).fetchone()
        assert latest == (meant.value,), defect
