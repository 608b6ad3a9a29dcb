-- Every indicator's series for the provinces and the nation in both border views side by side
-- (own_time: Hải Dương 2019-2024 as itself; 2025: restated into the province that absorbed
-- it), with Vietnamese names: what the dashboard and analysts browse. A figure summed from too
-- few reporting units (contract I4) is left out of value and flagged.
with

rolled_up as (
    select * from {{ ref('fct_indicator_values') }}
    where unit_level in ('central', 'province')
),

org_units as (
    select * from {{ ref('dim_org_unit') }}
),

indicators as (
    select * from {{ ref('dim_indicator') }}
),

periods as (
    select * from {{ ref('dim_period') }}
),

final as (
    select
        rolled_up.borders,
        rolled_up.unit_code,
        org_units.unit_name_vi,
        rolled_up.unit_level,
        org_units.cluster_code,
        org_units.cluster_name_vi,
        rolled_up.period_code,
        periods.period_name_vi,
        rolled_up.period_kind,
        rolled_up.period_end,
        rolled_up.indicator_code,
        indicators.indicator_name_vi,
        indicators.subject_area,
        indicators.unit_of_measure,
        rolled_up.disaggregation,
        case
            when coalesce(rolled_up.is_below_coverage, false) then null else rolled_up.value
        end as value,
        rolled_up.value_reported,
        rolled_up.value_from_children,
        rolled_up.difference,
        rolled_up.value_source,
        rolled_up.children_reporting,
        rolled_up.children_expected,
        rolled_up.coverage,
        coalesce(rolled_up.is_below_coverage, false) as is_below_coverage
    from rolled_up
    inner join org_units
        on rolled_up.unit_code = org_units.unit_code
    inner join indicators
        on rolled_up.indicator_code = indicators.indicator_code
    inner join periods
        on rolled_up.period_code = periods.period_code
)

select * from final
