with

finance as (
    select * from {{ ref('fct_finance') }}
),

org_units as (
    select * from {{ ref('dim_org_unit') }}
),

province_values as (
    select
        finance.*,
        org_units.unit_name_vi
    from finance
    inner join org_units
        on finance.unit_code = org_units.unit_code
    where org_units.unit_level = 'province'
),

pivoted as (
    select
        unit_code as province_code,
        unit_name_vi as province_name_vi,
        period_code,
        sum(value) filter (
            where indicator_code = 'fin_trust_loan_balance'
        ) as trust_loan_balance_vnd,
        sum(value) filter (
            where indicator_code = 'fin_borrowing_households'
        ) as borrowing_households,
        sum(value) filter (
            where indicator_code = 'fin_money_mobilised'
        ) as money_mobilised_vnd
    from province_values
    group by unit_code, unit_name_vi, period_code
)

select * from pivoted
