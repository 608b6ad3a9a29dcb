-- The provinces of each emulation cluster (cụm thi đua) side by side on the key indicators,
-- in 2025 borders, with each province's rank in its cluster on the membership rate.
with

membership as (
    select * from {{ ref('mart_membership_by_province') }}
),

finances as (
    select * from {{ ref('mart_finances_by_province') }}
),

completeness as (
    select * from {{ ref('mart_reporting_completeness') }}
),

reporting as (
    select
        province_code_2025 as province_code,
        period_code,
        100.0 * sum(reports_received) / sum(reports_expected) as reporting_rate_pct,
        100.0 * sum(reports_on_time) / sum(reports_expected) as timeliness_rate_pct
    from completeness
    group by all
),

scorecard as (
    select
        membership.cluster_code,
        membership.cluster_name_vi,
        membership.province_code,
        membership.province_name_vi,
        membership.period_code,
        membership.period_kind,
        membership.members_total,
        membership.membership_rate_pct,
        membership.net_growth,
        membership.grassroots_units_under_50,
        membership.targets_achieved_pct,
        finances.trust_loan_balance_vnd,
        finances.borrowing_households,
        finances.money_mobilised_vnd,
        reporting.reporting_rate_pct,
        reporting.timeliness_rate_pct
    from membership
    left join finances
        on membership.province_code = finances.province_code
            and membership.period_code = finances.period_code
    left join reporting
        on membership.province_code = reporting.province_code
            and membership.period_code = reporting.period_code
    where membership.cluster_code is not null
),

ranked as (
    select
        *,
        rank() over (
            partition by cluster_code, period_code order by membership_rate_pct desc nulls last
        ) as membership_rate_rank_in_cluster
    from scorecard
)

select * from ranked
