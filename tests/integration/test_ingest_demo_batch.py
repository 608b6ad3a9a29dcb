"""The demo batch of `make run`: it lands whole, every row as the generator meant it, and it
covers what the marts need (2025 provinces and the two non-territorial unions with all four
forms, the communes of three provinces monthly, legacy history on the 63-province map)."""

from collections import defaultdict

import duckdb
import pytest

from ingestion.landing import land_inbox, land_reference
from ingestion.normalise import period_from_code
from ingestion.synthetic import DEMO_COMMUNE_PROVINCES, generate_demo, generate_demo_batch
from ingestion.synthetic.demo import DEMO_HISTORY, DEMO_MONTHS, communes_of
from ingestion.synthetic.model import era_units

FORMS = {"members", "programmes", "finances", "targets"}


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    batch = generate_demo(root / "inbox")
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    land_reference(con)
    result = land_inbox(root / "inbox", root / "archive", con)
    yield batch, result, con
    con.close()


def test_the_demo_lands_whole(landed):
    batch, result, con = landed
    assert (result.taken_in, result.rejected) == (len(batch.files), 0)
    assert con.execute("select count(*) from raw.rejections").fetchone() == (0,)
    shapes = {r[0] for r in con.execute("select distinct shape from raw.submissions").fetchall()}
    assert shapes == {"long_csv", "long_xlsx", "reporting_form", "json_form"}


def test_every_row_lands_as_meant(landed):
    batch, _, con = landed
    landed_rows = {
        (f, n): (u, p, i, d, v, w)
        for f, n, u, p, i, d, v, w in con.execute(
            "select s.file_name, v.row_number, v.unit_code, v.period_code, v.indicator_code, "
            "v.disaggregation, v.value, v.value_whole "
            "from raw.submission_values v join raw.submissions s using (submission_id)"
        ).fetchall()
    }
    expected = {
        k: (e.unit_code, e.period_code, e.indicator_code, e.disaggregation, e.value, e.whole)
        for k, e in batch.expected.items()
    }
    assert landed_rows == expected


def _forms_by_unit_period(con) -> dict[tuple[str, str], set[str]]:
    subject = dict(con.execute("select indicator_code, subject from raw.ref_indicators").fetchall())
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for unit, period, indicator in con.execute(
        "select distinct unit_code, period_code, indicator_code from raw.submission_values"
    ).fetchall():
        out[(unit, period)].add(subject[indicator])
    return out


def test_2025_provinces_and_unions_report_every_form(landed):
    _, _, con = landed
    forms = _forms_by_unit_period(con)
    provinces = [c for c, lvl in era_units("2025").level.items() if lvl == "province"]
    assert len(provinces) == 36  # 34 provinces, the police and the army
    for unit in provinces:
        assert forms[(unit, "2025")] == FORMS, unit
    disaggregated = con.execute(
        "select count(distinct disaggregation) from raw.submission_values "
        "where period_code = '2025' and disaggregation is not null"
    ).fetchone()[0]
    assert disaggregated >= 5  # ethnic minority, female head of household, three targets


def test_communes_of_three_provinces_report_every_month(landed):
    _, _, con = landed
    forms = _forms_by_unit_period(con)
    assert len(DEMO_COMMUNE_PROVINCES) == 3
    for province in DEMO_COMMUNE_PROVINCES:
        communes = communes_of(province)
        assert len(communes) >= 30
        for commune in communes:
            for month in DEMO_MONTHS:
                assert forms[(commune, month)] == FORMS - {"targets"}, (commune, month)


def test_legacy_history_is_on_the_63_province_map(landed):
    _, _, con = landed
    for year in DEMO_HISTORY:
        units = {
            r[0]
            for r in con.execute(
                "select distinct unit_code from raw.submission_values where period_code = ?",
                [year],
            ).fetchall()
        }
        assert len(units) == 63 and all(u.startswith("P") and "-" not in u for u in units)


def test_figures_add_up_the_hierarchy(landed):
    _, _, con = landed
    # A province's December members equal the sum of its communes' December members.
    for province in DEMO_COMMUNE_PROVINCES:
        province_total, communes_total = con.execute(
            "select "
            "  (select value from raw.submission_values where unit_code = ? "
            "   and period_code = '2025' and indicator_code = 'members_total'), "
            "  (select sum(value) from raw.submission_values where unit_code in "
            "   (select unnest(?)) and period_code = '2025-12' "
            "   and indicator_code = 'members_total')",
            [province, list(communes_of(province))],
        ).fetchone()
        assert province_total == communes_total


def test_magnitudes_are_realistic(landed):
    _, _, con = landed
    members, loans_min = con.execute(
        "select sum(value) filter (where indicator_code = 'members_total'), "
        "min(value) filter (where indicator_code = 'fin_trust_loan_balance') "
        "from raw.submission_values where period_code = '2025' and unit_code like 'P2025-%'"
    ).fetchone()
    assert 19_000_000 < members < 30_000_000  # more than 19 million members nationally
    assert loans_min >= 500 * 10**9  # trust loans of a province: thousands of billions


def test_reports_arrive_after_their_period_and_some_late(landed):
    batch, _, con = landed
    received = dict(con.execute("select file_name, received_at from raw.submissions").fetchall())
    assert received == batch.received_at
    for submission in batch.submissions:
        assert received[submission.name].date() > period_from_code(submission.period_code).end
    late = con.execute(
        "select count(*) from raw.submissions where file_name like 'demo_%' "
        "and received_at > timestamp '2026-01-31 23:59:59'"
    ).fetchone()[0]
    assert late == 3


def test_demo_batch_returns_the_files_it_wrote(tmp_path):
    files = generate_demo_batch(tmp_path / "inbox", seed=3)
    assert sorted(files) == sorted((tmp_path / "inbox").iterdir())
    assert sum(1 for f in files if f.name.startswith("demo_")) == 34
