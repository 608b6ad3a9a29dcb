"""The analysts' database after a real nightly run of the demo batch: it describes itself
(every table and column has a comment, a data dictionary gives each table's grain), it holds
the unit-level facts and the dimensions with Vietnamese names, every series in both border
views (Hải Dương 2023-2024 as itself and restated into Hải Phòng), national totals, rates in
percent, and the coverage columns of the rolled-up values (I4)."""

import contextlib
import io
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from ingestion.synthetic.demo import generate_demo
from orchestration import cli
from orchestration.project import dbt_project
from orchestration.settings import Settings
from tests.conftest import use_data_root

pytestmark = pytest.mark.slow
HAI_DUONG = "P30"
HAI_PHONG_LEGACY = "P31"
HAI_PHONG_2025 = "P2025-31"


def published_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make run` on the demo batch, once per pytest run (the workbook and dashboard tests
    read the same publication); the path of the database it published."""
    root = tmp_path_factory.getbasetemp() / "published-demo"
    with pytest.MonkeyPatch.context() as mp:
        use_data_root(mp, root)
        settings = Settings.from_env()
        if not settings.published_db.exists():
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                code = cli.main(["cli", "run"])
            assert code == 0, buffer.getvalue()
    return settings.published_db


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return published_demo(tmp_path_factory)


@pytest.fixture(scope="module")
def submitted(tmp_path_factory) -> dict[tuple[str, str], dict[str, float]]:
    demo = generate_demo(tmp_path_factory.mktemp("demo_again"), seed=2025)
    figures: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for submission in demo.submissions:
        for row in submission.rows:
            meant = row.expected
            if meant is not None and meant.disaggregation is None:
                figures[(meant.unit_code, meant.period_code)][meant.indicator_code] = meant.value
    return figures


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def published_model_names() -> set[str]:
    """The dbt models tagged published, from the manifest dbt parsed."""
    import json

    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    return {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "published" in node["tags"]
    }


def test_every_published_table_and_column_has_a_comment(published):
    tables = query(
        published,
        "select table_name, comment from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'main'",
    )
    assert len(tables) > 10
    uncommented = [name for name, comment in tables if not (comment or "").strip()]
    assert uncommented == []
    columns = query(
        published,
        "select table_name, column_name, comment from duckdb_columns() "
        "where database_name = current_database() and schema_name = 'main'",
    )
    uncommented = [f"{t}.{c}" for t, c, comment in columns if not (comment or "").strip()]
    assert uncommented == []
    # English text with the Vietnamese term: most comments carry a Vietnamese letter.
    vietnamese = [
        c
        for _, _, c in columns
        if any(ch in c for ch in "ăâđêôơưạảấầẩậắằẳặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    ]
    assert len(vietnamese) / len(columns) > 0.8


def test_the_published_tables_are_the_models_tagged_published(published):
    tables = {name for (name,) in query(published, "show tables")}
    assert tables == published_model_names() | {"_publication"}


def test_data_dictionary_gives_every_table_its_grain_and_meaning(published):
    rows = query(published, "select table_name, table_kind, meaning, grain from data_dictionary")
    assert {r[0] for r in rows} == published_model_names()
    for name, kind, meaning, grain in rows:
        assert meaning and grain, name
        assert "Grain" not in meaning, name
        assert kind == {"dim": "dimension", "fct": "fact"}.get(name.split("_")[0], "mart"), name
    grains = {r[0]: r[3] for r in rows}
    assert grains["mart_membership_by_province"] == "province_code × period_code"


def test_dimensions_carry_vietnamese_names(published):
    (hai_duong,) = query(
        published,
        "select unit_name_vi, unit_level, unit_level_vi, parent_unit_code, valid_to, "
        "unit_code_2025, cluster_code, cluster_name_vi from dim_org_unit where unit_code = ?",
        [HAI_DUONG],
    )
    assert hai_duong[0] == "Tỉnh Hải Dương"
    assert hai_duong[1:3] == ("province", "Cấp tỉnh")
    assert str(hai_duong[4]) == "2025-06-30"
    assert hai_duong[5] == HAI_PHONG_2025
    assert hai_duong[6] and hai_duong[7]
    periods = dict(
        query(
            published,
            "select period_code, period_name_vi from dim_period where period_code "
            "in ('2025', '2025-H1', '2025-Q3', '2025-07')",
        )
    )
    assert periods == {
        "2025": "Năm 2025",
        "2025-H1": "6 tháng đầu năm 2025",
        "2025-Q3": "Quý 3/2025",
        "2025-07": "Tháng 7/2025",
    }
    (name,) = query(
        published,
        "select indicator_name_vi from dim_indicator where indicator_code = 'members_total'",
    )[0]
    assert name == "Tổng số hội viên"


def test_unit_level_facts_keep_their_provenance(published, submitted):
    rows = query(
        published,
        "select unit_code, period_code, value, submission_id, file_name, source_row_number "
        "from fct_membership where indicator_code = 'members_total' and disaggregation = 'total'",
    )
    assert rows
    for unit, period, value, submission, file_name, row_number in rows:
        if (unit, period) in submitted:
            assert value == submitted[(unit, period)]["members_total"]
        assert submission and file_name and row_number is not None
    for fact in ("fct_programme_results", "fct_finance", "fct_targets"):
        assert query(published, f"select count(*) from {fact}")[0][0] > 0, fact


def test_hai_duong_in_its_own_borders_and_restated_into_hai_phong(published, submitted):
    series = dict(
        query(
            published,
            "select borders || ':' || unit_code || ':' || period_code, value "
            "from fct_indicator_values where indicator_code = 'members_total' "
            "and disaggregation = 'total' and period_code in ('2023', '2024') "
            "and unit_code in (?, ?, ?)",
            [HAI_DUONG, HAI_PHONG_LEGACY, HAI_PHONG_2025],
        )
    )
    for year in ("2023", "2024"):
        own = submitted[(HAI_DUONG, year)]["members_total"]
        assert series[f"own_time:{HAI_DUONG}:{year}"] == own
        # In 2025 borders Hải Dương is part of Hải Phòng, with the old Hải Phòng.
        restated = series[f"2025:{HAI_PHONG_2025}:{year}"]
        assert restated >= own + submitted[(HAI_PHONG_LEGACY, year)]["members_total"]
        assert f"2025:{HAI_DUONG}:{year}" not in series


def test_national_totals_add_up_the_provinces(published):
    rows = query(
        published,
        "select n.value, n.value_reported, n.value_from_children, "
        "(select sum(members_total) from mart_membership_by_province m "
        " where m.period_code = n.period_code) "
        "from mart_national_totals n where n.indicator_code = 'members_total' "
        "and n.disaggregation = 'total' and n.period_code = '2025'",
    )
    (value, reported, from_children, provinces) = rows[0]
    assert from_children == provinces
    assert value == (reported if reported is not None else from_children)


def test_rates_are_percentages_everywhere(published):
    (low, high, recomputed) = query(
        published,
        "select min(membership_rate_pct), max(membership_rate_pct), "
        "max(abs(membership_rate_pct - 100.0 * members_total / women_18_plus)) "
        "from mart_membership_by_province",
    )[0]
    assert 1 < low <= high <= 100 and recomputed < 1e-9
    (completeness,) = query(
        published, "select max(reporting_rate_pct) from mart_reporting_completeness"
    )[0]
    assert 1 < completeness <= 100
    comments = query(
        published,
        "select table_name, column_name, comment from duckdb_columns() "
        "where column_name like '%\\_pct' escape '\\'",
    )
    assert comments
    for table, column, comment in comments:
        assert "percent" in comment.lower() or "0-100" in comment, (table, column)


def test_rolled_up_values_carry_the_coverage_columns(published):
    columns = {
        name
        for (name,) in query(
            published,
            "select column_name from duckdb_columns() where table_name = 'fct_indicator_values'",
        )
    }
    assert {
        "value_source",
        "children_reporting",
        "children_expected",
        "coverage",
        "is_below_coverage",
    } <= columns
    # A value left out as a total for too little coverage is never in a headline column.
    (leaked,) = query(
        published,
        "select count(*) from mart_national_totals where is_below_coverage and value is not null",
    )[0]
    assert leaked == 0


def test_the_leadership_workbook_is_written_after_publishing(published):
    reports = sorted(p.name for p in (published.parent / "reports").glob("*.xlsx"))
    assert "bao-cao-2025.xlsx" in reports


def test_make_docs_writes_the_docs_site_of_the_published_models(published):
    import json

    from orchestration.publish.docs_site import build_docs_site

    site = build_docs_site(published)
    assert site == published.parent / "docs"
    assert (site / "index.html").exists()
    catalog = json.loads((site / "catalog.json").read_text())
    documented = {node["metadata"]["name"] for node in catalog["nodes"].values()}
    assert documented == published_model_names()
    dim = next(n for n in catalog["nodes"].values() if n["metadata"]["name"] == "dim_period")
    assert "tên kỳ báo cáo" in dim["columns"]["period_name_vi"]["comment"]
