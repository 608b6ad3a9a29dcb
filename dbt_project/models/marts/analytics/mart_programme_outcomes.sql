with

programme_results as (
    select * from {{ ref('fct_programme_results') }}
),

indicators as (
    select * from {{ ref('dim_indicator') }}
),

org_units as (
    select * from {{ ref('dim_org_unit') }}
),

province_results as (
    select
        indicators.programme_code,
        programme_results.unit_code as province_code,
        org_units.unit_name_vi as province_name_vi,
        programme_results.period_code,
        programme_results.indicator_code,
        indicators.indicator_name_vi,
        indicators.unit_of_measure,
        programme_results.value
    from programme_results
    inner join indicators
        on programme_results.indicator_code = indicators.indicator_code
    inner join org_units
        on programme_results.unit_code = org_units.unit_code
    where org_units.unit_level = 'province'
)

select * from province_results
