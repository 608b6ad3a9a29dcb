-- Province figures as each provincial union reports them for itself. Roll-ups of district
-- and commune reports are added with the hierarchy rules of the catalogue.
with

membership as (
    select * from {{ ref('fct_membership') }}
),

org_units as (
    select * from {{ ref('dim_org_unit') }}
),

province_values as (
    select
        membership.*,
        org_units.unit_name_vi
    from membership
    inner join org_units
        on membership.unit_code = org_units.unit_code
    where org_units.unit_level = 'province'
),

pivoted as (
    select
        unit_code as province_code,
        unit_name_vi as province_name_vi,
        period_code,
        sum(value) filter (where indicator_code = 'members_total') as members_total,
        sum(value) filter (where indicator_code = 'women_18_plus') as women_18_plus,
        sum(value) filter (where indicator_code = 'members_admitted') as members_admitted,
        sum(value) filter (where indicator_code = 'members_lost') as members_lost
    from province_values
    group by unit_code, unit_name_vi, period_code
),

with_rates as (
    select
        *,
        members_admitted - members_lost as net_growth,
        members_total / nullif(women_18_plus, 0) as membership_rate
    from pivoted
)

select * from with_rates
