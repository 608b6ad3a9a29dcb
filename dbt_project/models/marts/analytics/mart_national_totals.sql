-- National totals (số liệu toàn quốc): the central union's figures by period and indicator,
-- its own where it sent one, else summed from the provinces; 2025 borders (the nation is the
-- same in both views). A total summed from too few reporting provinces (contract I4) is left
-- out of value and flagged.
with

rolled_up as (
    select * from {{ ref('fct_indicator_values') }}
    where borders = '2025'
        and unit_level = 'central'
),

indicators as (
    select * from {{ ref('dim_indicator') }}
),

periods as (
    select * from {{ ref('dim_period') }}
),

final as (
    select
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
        rolled_up.value_source,
        rolled_up.children_reporting,
        rolled_up.children_expected,
        rolled_up.coverage,
        coalesce(rolled_up.is_below_coverage, false) as is_below_coverage
    from rolled_up
    inner join indicators
        on rolled_up.indicator_code = indicators.indicator_code
    inner join periods
        on rolled_up.period_code = periods.period_code
)

select * from final
