-- Reporting completeness and timeliness (DHIS2's reporting rate and timeliness) by province,
-- period and form: of the reports expected from the province and its units, how many
-- arrived, and how many by the deadline. Provinces as of the period (own time).
with

expected_reports as (
    select * from {{ ref('fct_submissions') }}
),

org_units as (
    select * from {{ ref('dim_org_unit') }}
),

counted as (
    select
        province_code,
        period_code,
        period_kind,
        period_end,
        form,
        count(*) as reports_expected,
        count(*) filter (where is_received) as reports_received,
        count(*) filter (where is_on_time) as reports_on_time,
        cast(sum(revision_count) as bigint) as revisions
    from expected_reports
    where province_code is not null
    group by all
),

final as (
    select
        counted.province_code,
        org_units.unit_name_vi as province_name_vi,
        org_units.unit_code_2025 as province_code_2025,
        org_units.cluster_code,
        counted.period_code,
        counted.period_kind,
        counted.period_end,
        counted.form,
        counted.reports_expected,
        counted.reports_received,
        counted.reports_on_time,
        counted.revisions,
        100.0 * counted.reports_received / counted.reports_expected as reporting_rate_pct,
        100.0 * counted.reports_on_time / counted.reports_expected as timeliness_rate_pct
    from counted
    inner join org_units
        on counted.province_code = org_units.unit_code
)

select * from final
