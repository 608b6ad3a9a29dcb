-- Membership by province and period in 2025 borders (legacy provinces restated into the
-- province that absorbed them), from the roll-ups: a province's own figure where it sent
-- one, else the sum of its units'. The rate is recomputed, never averaged, in percent. A
-- figure summed from too few reporting units (contract I4) is left out and flagged.
with

rolled_up as (
    select
        *,
        case when coalesce(is_below_coverage, false) then null else value end as headline_value
    from {{ ref('fct_indicator_values') }}
    where borders = '2025'
),

org_units as (
    select * from {{ ref('dim_org_unit') }}
),

province_figures as (
    select
        unit_code as province_code,
        period_code,
        period_kind,
        period_end,
        max(headline_value) filter (where indicator_code = 'members_total') as members_total,
        max(difference) filter (
            where indicator_code = 'members_total'
        ) as members_total_difference,
        max(headline_value) filter (where indicator_code = 'women_18_plus') as women_18_plus,
        max(headline_value) filter (
            where indicator_code = 'members_admitted'
        ) as members_admitted,
        max(headline_value) filter (where indicator_code = 'members_lost') as members_lost,
        max(headline_value) filter (
            where indicator_code = 'members_units_rate_under_50'
        ) as grassroots_units_under_50_sent,
        coalesce(bool_or(is_below_coverage), false) as has_values_below_coverage
    from rolled_up
    where unit_level = 'province'
        and disaggregation = 'total'
        and indicator_code in (
            'members_total', 'women_18_plus', 'members_admitted', 'members_lost',
            'members_units_rate_under_50'
        )
    group by all
),

-- Grassroots units whose own rate (members / women 18+) is under 50%, counted from the
-- communes' own figures in 2025 borders.
commune_rates as (
    select
        org_units.province_code,
        rolled_up.period_code,
        count(*) filter (
            where rolled_up.value < 0.5 * denominator.value
        ) as grassroots_units_under_50_counted
    from rolled_up
    inner join rolled_up as denominator
        on rolled_up.unit_code = denominator.unit_code
            and rolled_up.period_code = denominator.period_code
            and denominator.indicator_code = 'women_18_plus'
            and denominator.disaggregation = 'total'
    inner join org_units
        on rolled_up.unit_code = org_units.unit_code
    where rolled_up.unit_level = 'commune'
        and rolled_up.indicator_code = 'members_total'
        and rolled_up.disaggregation = 'total'
    group by all
),

targets as (
    select * from {{ ref('fct_targets') }}
    where target_code = 'all'
),

with_growth as (
    select
        province_figures.*,
        coalesce(
            province_figures.members_admitted - province_figures.members_lost,
            province_figures.members_total - lag(province_figures.members_total) over (
                partition by province_figures.province_code, province_figures.period_kind
                order by province_figures.period_end
            )
        ) as net_growth,
        100.0 * province_figures.members_total / nullif(province_figures.women_18_plus, 0)
            as membership_rate_pct
    from province_figures
),

final as (
    select
        with_growth.province_code,
        org_units.unit_name_vi as province_name_vi,
        org_units.cluster_code,
        org_units.cluster_name_vi,
        with_growth.period_code,
        with_growth.period_kind,
        with_growth.period_end,
        with_growth.members_total,
        with_growth.members_total_difference,
        with_growth.women_18_plus,
        with_growth.members_admitted,
        with_growth.members_lost,
        with_growth.net_growth,
        with_growth.membership_rate_pct,
        coalesce(
            with_growth.grassroots_units_under_50_sent,
            commune_rates.grassroots_units_under_50_counted
        ) as grassroots_units_under_50,
        targets.targets_set,
        targets.targets_achieved,
        targets.targets_achieved_pct,
        with_growth.has_values_below_coverage
    from with_growth
    inner join org_units
        on with_growth.province_code = org_units.unit_code
    left join commune_rates
        on with_growth.province_code = commune_rates.province_code
            and with_growth.period_code = commune_rates.period_code
    left join targets
        on with_growth.province_code = targets.unit_code
            and with_growth.period_code = targets.period_code
)

select * from final
