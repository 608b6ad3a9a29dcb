-- Every reporting period the warehouse can meet: all months, quarters, halves and years of
-- the years the values span (at least 2010-2035), the congress terms, and the "as of" dates
-- written in submissions. Codes follow ingestion/normalise/periods.py.
with

submitted_periods as (
    select distinct
        period_code,
        period_kind
    from {{ ref('stg_inbox__values') }}
),

year_bounds as (
    select
        least(2010, coalesce(min(try_cast(left(period_code, 4) as integer)), 2010)) as first_year,
        greatest(2035, coalesce(max(try_cast(left(period_code, 4) as integer)), 2035))
            as last_year
    from submitted_periods
    where period_kind in ('year', 'half', 'quarter', 'month', 'date')
),

years as (
    select unnest(range(first_year, last_year + 1)) as period_year
    from year_bounds
),

months as (
    select
        years.period_year,
        unnest(range(1, 13)) as month_number
    from years
),

calendar_periods as (
    select
        period_year::varchar as period_code,
        'year' as period_kind,
        make_date(period_year, 1, 1) as period_start,
        make_date(period_year, 12, 31) as period_end
    from years
    union all
    select
        period_year || '-H' || half_number as period_code,
        'half' as period_kind,
        make_date(period_year, 6 * half_number - 5, 1) as period_start,
        last_day(make_date(period_year, 6 * half_number, 1)) as period_end
    from years, unnest(range(1, 3)) as halves (half_number)
    union all
    select
        period_year || '-Q' || quarter_number as period_code,
        'quarter' as period_kind,
        make_date(period_year, 3 * quarter_number - 2, 1) as period_start,
        last_day(make_date(period_year, 3 * quarter_number, 1)) as period_end
    from years, unnest(range(1, 5)) as quarters (quarter_number)
    union all
    select
        period_year || '-' || lpad(month_number::varchar, 2, '0') as period_code,
        'month' as period_kind,
        make_date(period_year, month_number, 1) as period_start,
        last_day(make_date(period_year, month_number, 1)) as period_end
    from months
),

-- Congress terms (nhiệm kỳ): five-year terms from 2001-2006 on, plus any term written in a
-- submission. A term covers whole calendar years, T2021-2026 = 2021-01-01 to 2026-12-31.
standard_terms as (
    select
        first_year,
        first_year + 5 as last_year
    from (select unnest(range(2001, 2037, 5)) as first_year) as term_starts
),

submitted_terms as (
    select
        (substr(period_code, 2, 4))::integer as first_year,
        (substr(period_code, 7, 4))::integer as last_year
    from submitted_periods
    where period_kind = 'term'
),

term_periods as (
    select distinct
        'T' || first_year || '-' || last_year as period_code,
        'term' as period_kind,
        make_date(first_year, 1, 1) as period_start,
        make_date(last_year, 12, 31) as period_end
    from (
        select * from standard_terms
        union all
        select * from submitted_terms
    ) as terms
),

as_of_dates as (
    select
        period_code,
        'date' as period_kind,
        period_code::date as period_start,
        period_code::date as period_end
    from submitted_periods
    where period_kind = 'date'
),

all_periods as (
    select * from calendar_periods
    union all
    select * from term_periods
    union all
    select * from as_of_dates
),

described as (
    select
        period_code,
        period_kind,
        period_start,
        period_end,
        year(period_end) as period_year,
        -- The whole months a period covers (a year 12, a term 72): money per month divides
        -- by it. An "as of" date covers none.
        case
            when period_kind <> 'date'
                then datediff('month', period_start, period_end) + 1
        end as months_covered,
        case when period_kind <> 'term' then (month(period_end) + 5) // 6 end as half_number,
        case
            when period_kind in ('quarter', 'month', 'date') then (month(period_end) + 2) // 3
        end as quarter_number,
        case when period_kind in ('month', 'date') then month(period_end) end as month_number,
        -- The provincial congress term a period falls in: the term starting in a year
        -- 2001 + 5k, counted up to the year before the next term starts.
        case
            when period_kind = 'term' then period_code
            else
                'T' || (2001 + 5 * ((year(period_start) - 2001) // 5))
                || '-' || (2006 + 5 * ((year(period_start) - 2001) // 5))
        end as congress_term_code,
        -- The longer periods a month, quarter or half lies in (time roll-ups join on them).
        case
            when period_kind = 'month'
                then year(period_end) || '-Q' || ((month(period_end) + 2) // 3)
        end as quarter_code,
        case
            when period_kind in ('month', 'quarter')
                then year(period_end) || '-H' || ((month(period_end) + 5) // 6)
        end as half_code,
        case
            when period_kind in ('month', 'quarter', 'half') then year(period_end)::varchar
        end as year_code
    from all_periods
)

select * from described
