-- Finances by province and period in 2025 borders, from the roll-ups. A figure summed from too
-- few reporting units (contract I4) is left out and flagged.
with

rolled_up as (
    select
        *,
        case when coalesce(is_below_coverage, false) then null else value end as headline_value
    from {{ ref('fct_indicator_values') }}
    where borders = '2025'
        and unit_level = 'province'
        and disaggregation = 'total'
),

org_units as (
    select * from {{ ref('dim_org_unit') }}
),

pivoted as (
    select
        unit_code as province_code,
        period_code,
        period_kind,
        period_end,
        max(headline_value) filter (
            where indicator_code = 'fin_trust_loan_balance'
        ) as trust_loan_balance_vnd,
        max(headline_value) filter (
            where indicator_code = 'fin_borrowing_households'
        ) as borrowing_households,
        max(headline_value) filter (
            where indicator_code = 'fin_money_mobilised'
        ) as money_mobilised_vnd,
        max(headline_value) filter (
            where indicator_code = 'fin_activity_spending'
        ) as money_spent_vnd,
        coalesce(bool_or(is_below_coverage), false) as has_values_below_coverage
    from rolled_up
    where indicator_code in (
            'fin_trust_loan_balance', 'fin_borrowing_households', 'fin_money_mobilised',
            'fin_activity_spending'
        )
    group by all
),

final as (
    select
        pivoted.province_code,
        org_units.unit_name_vi as province_name_vi,
        org_units.cluster_code,
        pivoted.period_code,
        pivoted.period_kind,
        pivoted.period_end,
        pivoted.trust_loan_balance_vnd,
        pivoted.borrowing_households,
        pivoted.money_mobilised_vnd,
        pivoted.money_spent_vnd,
        pivoted.has_values_below_coverage
    from pivoted
    inner join org_units
        on pivoted.province_code = org_units.unit_code
)

select * from final
