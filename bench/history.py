"""Ten years of national reporting history, generated straight into the raw tables with
DuckDB SQL (no files, no landing): the input of the warehouse benchmark.

Every commune reports every month (a members, a programmes and a finances form in one
submission), legacy communes until June 2025 and the 3,321 communes of the 2025 map after;
districts and provinces send their own half-yearly aggregates. 2016-11 to 2026-10 gives
about 20 million values. Figures are pseudo-random but plausible (hash of the key), so a
run is reproducible. `add_nightly` appends a night's new submissions: the next month for
every 2025 commune plus revisions of reports of the current year, 1% of all submissions.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.review import HOLD_COLUMNS
from ingestion.landing import RAW_TABLES as LANDING_TABLES
from ingestion.landing import ensure_raw_schema, land_reference

# (indicator, disaggregation, base value, spread): 16 values per commune-month.
COMMUNE_VALUES = [
    ("members_total", "total", 1500, 900),
    ("members_admitted", "total", 12, 10),
    ("members_lost", "total", 5, 5),
    ("women_18_plus", "total", 2800, 1500),
    ("members_residential", "ethnic_minority", 300, 300),
    ("members_residential", "religion", 100, 100),
    ("members_chairs_certified", "total", 1, 1),
    ("members_units_rate_under_50", "total", 0, 1),
    ("prog_houses_built", "total", 1, 2),
    ("prog_godmother_children", "total", 4, 5),
    ("prog_5k3s_households_added", "total", 6, 6),
    ("prog_households_out_of_poverty", "ethnic_minority", 2, 3),
    ("fin_trust_loan_balance", "total", 9_000_000_000, 6_000_000_000),
    ("fin_borrowing_households", "total", 400, 300),
    ("fin_money_mobilised", "total", 50_000_000, 40_000_000),
    ("fin_activity_spending", "topic:health", 10_000_000, 8_000_000),
]
FIRST_MONTH, LAST_MONTH = "2016-11-01", "2026-10-01"
NIGHTLY_MONTH = "2026-11-01"

# The raw tables emptied, for ensure_raw_schema to create as landing makes them: the landing's
# registry is their one definition (the bench's history is inserted as landing would leave it).
RAW_TABLES = "create schema if not exists raw;\n" + "\n".join(
    f"drop table if exists raw.{table.name};" for table in LANDING_TABLES if not table.reference
)


def _indicator_values_sql() -> str:
    rows = ", ".join(
        f"({i + 2}, '{code}', '{dis}', {base}, {spread})"
        for i, (code, dis, base, spread) in enumerate(COMMUNE_VALUES)
    )
    return f"select * from (values {rows}) as t (row_number, indicator_code, dis, base, spread)"


def _insert_reports(con: duckdb.DuckDBPyConnection, reports_sql: str, tag: str) -> None:
    """Insert submissions and values for `reports_sql` (unit_code, period_code, period_kind,
    received_at, revision)."""
    con.execute(f"create or replace temp table reports as {reports_sql}")
    con.execute(
        f"""
        create or replace temp table reports_ids as
        select *, md5(unit_code || period_code || revision || '{tag}')[:24] as submission_id
        from reports
        """
    )
    n = len(COMMUNE_VALUES)
    con.execute(
        f"""
        insert into raw.submissions (submission_id, file_name, archived_path, received_at,
            shape, status, rows_read, rows_accepted, rows_rejected, landed_at)
        select submission_id, unit_code || '_' || period_code || '.csv', 'archive',
            received_at, 'long_csv', 'accepted', {n}, {n}, 0, received_at
        from reports_ids
        """
    )
    con.execute(
        f"""
        insert into raw.submission_values (submission_id, row_number, unit_code, period_code,
            indicator_code, value, value_text, value_whole, period_kind, disaggregation)
        select r.submission_id, v.row_number, r.unit_code, r.period_code, v.indicator_code,
            round(v.base + (hash(r.unit_code, r.period_code, v.row_number, r.revision)
                % (v.spread + 1))) as value,
            value::varchar,
            case when v.indicator_code = 'members_chairs_certified' then 2 end,
            r.period_kind,
            case when v.dis = 'total' then null else v.dis end
        from reports_ids as r, ({_indicator_values_sql()}) as v
        """
    )


def _commune_months_sql(first: str, last: str) -> str:
    return f"""
        select u.unit_code, strftime(m, '%Y-%m') as period_code, 'month' as period_kind,
            cast(last_day(m) + interval 6 day + interval 9 hour as timestamp) as received_at,
            0 as revision
        from raw.ref_org_units as u,
            (select unnest(range(date '{first}', date '{last}' + interval 1 day,
                interval 1 month)) as m) as months
        where u.level = 'commune'
            and (u.valid_from is null or cast(u.valid_from as date) <= last_day(m))
            and (u.valid_to is null or cast(u.valid_to as date) >= last_day(m))
    """


def _own_halves_sql(first_half: str = "2017-01-01") -> str:
    return f"""
        select u.unit_code, year(h) || '-H' || (case when month(h) = 1 then 1 else 2 end)
                as period_code,
            'half' as period_kind,
            cast(h + interval 6 month + interval 15 day as timestamp) as received_at, 0 as revision
        from raw.ref_org_units as u,
            (select unnest(range(date '{first_half}', date '2026-07-01', interval 6 month)) as h)
                as halves
        where u.level in ('district', 'province')
            and (u.valid_from is null or cast(u.valid_from as date) <= h + interval 6 month)
            and (u.valid_to is null or cast(u.valid_to as date) >= h + interval 5 month)
    """


def generate_history(path: Path, memory_limit: str = "3GB", years: int = 10) -> int:
    """Create the build database at `path` with the last `years` years of history (ten by
    default, ending 2026-10); returns values made."""
    if not 1 <= years <= 10:
        raise ValueError(f"years of bench history must be 1 to 10, not {years}")
    first_month = f"{2026 - years}-11-01"
    with duckdb.connect(str(path)) as con:
        con.execute(f"set memory_limit = '{memory_limit}'")
        con.execute(RAW_TABLES)
        ensure_raw_schema(con)
        land_reference(con)
        _insert_reports(con, _commune_months_sql(first_month, LAST_MONTH), "history")
        _insert_reports(con, _own_halves_sql(f"{2027 - years}-01-01"), "own")
        return con.execute("select count(*) from raw.submission_values").fetchone()[0]


def add_nightly(path: Path, share: float = 0.01) -> int:
    """Append a night's submissions (`share` of all so far); returns how many."""
    with duckdb.connect(str(path)) as con:
        total = con.execute("select count(*) from raw.submissions").fetchone()[0]
        wanted = int(total * share)
        # At full scale the next month (3,321 communes) is under 1%; with a short history
        # only a sample of the communes sends it, so that the night stays 1%.
        next_month = f"""
            select * from ({_commune_months_sql(NIGHTLY_MONTH, NIGHTLY_MONTH)})
            using sample {wanted} rows (reservoir, 7)
        """
        _insert_reports(con, next_month, "nightly")
        new_month = con.execute("select count(*) from reports").fetchone()[0]
        revisions = f"""
            select unit_code, period_code, period_kind,
                timestamp '2026-12-05 08:00:00' as received_at, 1 as revision
            from ({_commune_months_sql("2026-01-01", LAST_MONTH)})
            using sample {max(wanted - new_month, 0)} rows (reservoir, 7)
        """
        _insert_reports(con, revisions, "revision")
        return new_month + max(wanted - new_month, 0)


def add_rule_cases(path: Path, every: int = 50) -> int:
    """Append what a generated history lacks, so that an equality check between two builds
    meets every rule of contract 3 and I4: of every `every`-th submission (by id) a later
    revision resending two thirds of its figures changed and withdrawing one; revisions a
    steward rejected or sent back, one the gate holds and one accepted after its hold (each
    changes every figure, so a wrong exclusion shows); a quarter sent beside the months it
    is derived from; sent ratios; and a narrative release. Returns the submissions added."""
    with duckdb.connect(str(path)) as con:
        columns = ", ".join(f"{name} {kind}" for name, kind in HOLD_COLUMNS.items())
        con.execute("create schema if not exists quality")
        con.execute(f"create table if not exists quality.submission_holds ({columns})")
        con.execute(
            f"""
            create or replace temp table picked as
            select submission_id, received_at,
                row_number() over (order by submission_id) % 5 as case_kind
            from (
                select submission_id, received_at
                from raw.submissions
                where submission_id in (select submission_id from raw.submission_values)
                qualify row_number() over (order by submission_id) % {every} = 0
            )
            """
        )
        # case_kind 0: revision (kept, withdraws one figure); 1: rejected; 2: sent back;
        # 3: held; 4: held, then accepted.
        con.execute(
            """
            create or replace temp table revised as
            select submission_id as old_id, md5(submission_id || 'revision')[:24] as new_id,
                received_at + interval 20 day as received_at, case_kind
            from picked
            """
        )
        con.execute(
            """
            insert into raw.submissions (submission_id, file_name, archived_path, received_at,
                shape, status, rows_read, rows_accepted, rows_rejected, landed_at)
            select new_id, 'revision_' || new_id || '.csv', 'archive', received_at,
                'long_csv', 'accepted', 0, 0, 0, received_at
            from revised
            """
        )
        con.execute(
            """
            insert into raw.submission_values by name
            select v.* exclude (submission_id, value, value_withdrawn, row_number),
                r.new_id as submission_id, v.row_number + 1000 as row_number,
                case when v.row_number % 7 = 1 and r.case_kind = 0 then null
                    else v.value + 7 end as value,
                v.row_number % 7 = 1 and r.case_kind = 0 as value_withdrawn
            from raw.submission_values as v
            inner join revised as r on v.submission_id = r.old_id
            where r.case_kind <> 0 or v.row_number % 3 <> 0
            """
        )
        con.execute(
            """
            insert into raw.steward_decisions
            select md5(new_id || 'decision'), new_id,
                case case_kind when 1 then 'reject' when 2 then 'send_back' else 'accept' end,
                'bench', 'steward', received_at + interval (case_kind) day
            from revised where case_kind in (1, 2, 4)
            """
        )
        con.execute(
            """
            insert into quality.submission_holds
            select md5(new_id || 'hold'), new_id, 'bench', received_at + interval 1 hour,
                'bench_rule', true, 'held by the bench', 'giữ lại'
            from revised where case_kind in (3, 4)
            """
        )
        # Quarters sent beside their months (a sent period wins over a derived one), and
        # membership rates sent by the same units.
        con.execute(
            """
            create or replace temp table quarter_senders as
            select distinct v.unit_code, year(s.received_at) as y
            from raw.submission_values as v
            inner join picked as p on v.submission_id = p.submission_id
            inner join raw.submissions as s on v.submission_id = s.submission_id
            where v.period_kind = 'month'
            """
        )
        con.execute(
            """
            insert into raw.submissions (submission_id, file_name, archived_path, received_at,
                shape, status, rows_read, rows_accepted, rows_rejected, landed_at)
            select md5(unit_code || y || 'quarter')[:24], unit_code || '_quarter.csv', 'archive',
                make_timestamp(y, 12, 30, 8, 0, 0), 'long_csv', 'accepted', 3, 3, 0,
                make_timestamp(y, 12, 30, 8, 0, 0)
            from quarter_senders
            """
        )
        con.execute(
            """
            insert into raw.submission_values (submission_id, row_number, unit_code, period_code,
                indicator_code, value, value_text, period_kind, disaggregation)
            select md5(unit_code || y || 'quarter')[:24], row_number, unit_code, period_code,
                indicator_code, value, value::varchar, period_kind, null
            from quarter_senders, (values
                (2, '-Q2', 'members_admitted', 41.0, 'quarter'),
                (3, '-Q3', 'members_total', 1234.0, 'quarter'),
                (4, '-06', 'members_rate', 77.5, 'month')
            ) as t (row_number, suffix, indicator_code, value, period_kind),
            lateral (select y || suffix as period_code)
            """
        )
        con.execute(
            """
            insert into raw.narrative_values
            select md5(v.submission_id || 'narrative')[:24], v.submission_id, 'decision',
                s.received_at + interval 40 day, v.row_number, v.unit_code, v.period_code,
                v.period_kind, null, v.indicator_code, v.value * 2, (v.value * 2)::varchar,
                'approximately', null, null, 'khoảng ' || (v.value * 2), 0, 10
            from raw.submission_values as v
            inner join picked as p on v.submission_id = p.submission_id
            inner join raw.submissions as s on v.submission_id = s.submission_id
            where p.case_kind = 0 and v.row_number % 5 = 2 and v.value is not null
            """
        )
        con.execute(
            """
            insert into raw.submissions (submission_id, file_name, archived_path, received_at,
                shape, status, rows_read, rows_accepted, rows_rejected, landed_at)
            select distinct n.submission_id, 'report.docx', 'archive', n.released_at,
                'narrative_accepted', 'accepted', 1, 1, 0, n.released_at
            from raw.narrative_values as n
            where n.submission_id not in (select submission_id from raw.submissions)
            """
        )
        return con.execute(
            "select (select count(*) from revised) + (select count(*) from quarter_senders)"
        ).fetchone()[0]
