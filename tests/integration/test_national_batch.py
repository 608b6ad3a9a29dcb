"""A generated national batch with defects: each defect is corrected or rejected, and every
row read is accounted for (read = accepted + rejected)."""

from collections import Counter

import duckdb
import pytest

from expectations.frames import build_frames
from expectations.runner import validate
from expectations.suites import consistency_rules, contract_rules
from ingestion.landing import land_inbox, land_reference
from ingestion.synthetic import generate_national_batch


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    root = tmp_path_factory.mktemp("national")
    batch = generate_national_batch(root / "inbox", seed=11, defect_rate=0.6, max_units=300)
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    land_reference(con)
    result = land_inbox(root / "inbox", root / "archive", con)
    yield batch, result, con
    con.close()


def test_every_defect_kind_is_injected(landed):
    batch, _, _ = landed
    kinds = Counter(d.kind for d in batch.defects)
    assert len(kinds) == 11 and min(kinds.values()) >= 3


def test_counts_add_up_for_every_file(landed):
    batch, result, con = landed
    assert len(result.files) == len(batch.files)
    mismatched = con.execute(
        "select file_name from raw.submissions where rows_read <> rows_accepted + rows_rejected"
    ).fetchall()
    assert mismatched == []
    damaged = {d.file_name for d in batch.defects if d.kind == "damaged_diacritics"}
    read = con.execute(
        "select sum(rows_read) from raw.submissions where status <> 'rejected' or rows_read > 0"
    ).fetchone()[0]
    damaged_rows = 7 * len(damaged)  # every generated file has 7 rows, duplicates aside
    assert read + damaged_rows == batch.rows_written


def test_rejected_rows_and_files_carry_their_reason(landed):
    batch, _, con = landed
    for defect in batch.defects:
        if defect.outcome == "rejected_row":
            reasons = con.execute(
                "select reason_en, reason_vi from raw.rejections "
                "where file_name = ? and row_number = ?",
                [defect.file_name, defect.row_number],
            ).fetchall()
            assert reasons and all(en and vi for en, vi in reasons), defect
        elif defect.outcome == "rejected_file":
            status, reason = con.execute(
                "select status, rejection_reason_en from raw.submissions where file_name = ?",
                [defect.file_name],
            ).fetchone()
            assert status == "rejected" and "damaged" in reason, defect


def test_corrected_defects_land_as_clean_values(landed):
    batch, _, con = landed
    for defect in batch.defects:
        if defect.outcome != "corrected":
            continue
        rows = con.execute(
            "select v.period_code, v.value, v.value_text from raw.submission_values v "
            "join raw.submissions s using (submission_id) where s.file_name = ?",
            [defect.file_name],
        ).fetchall()
        assert len(rows) == (8 if defect.kind == "duplicated_row" else 7), defect
        assert {r[0] for r in rows} == {"2025-09"}, defect
        assert all(r[1] == int(r[1]) >= 0 for r in rows), defect


def test_defects_left_to_the_checks_are_flagged_by_them(landed):
    batch, _, con = landed
    values = con.sql(
        "select v.unit_code, v.period_code, v.indicator_code, v.value, v.submission_id, "
        "s.file_name, v.row_number as source_row_number "
        "from raw.submission_values v join raw.submissions s using (submission_id)"
    ).df()
    units = [r[0] for r in con.execute("select unit_code from raw.ref_org_units").fetchall()]
    indicators = [
        r[0] for r in con.execute("select indicator_code from raw.ref_indicators").fetchall()
    ]
    outcome = validate(
        build_frames(values), contract_rules(units, indicators) + consistency_rules()
    )
    flagged = set(zip(outcome.failing_rows.file_name, outcome.failing_rows.rule, strict=True))
    expected_rule = {"impossible_ratio": "members_not_above_women_18_plus"}
    for defect in batch.defects:
        if defect.kind in expected_rule:
            assert (defect.file_name, expected_rule[defect.kind]) in flagged, defect


def test_revisions_land_beside_their_originals(landed):
    batch, _, con = landed
    for defect in batch.defects:
        if defect.kind == "revised_submission":
            original = defect.file_name.replace("_revised", "")
            names = {
                r[0]
                for r in con.execute(
                    "select file_name from raw.submissions where file_name in (?, ?)",
                    [original, defect.file_name],
                ).fetchall()
            }
            assert names == {original, defect.file_name}
