-- Programme results (kết quả chương trình) by programme × province × period in 2025 borders,
-- one row per indicator and disaggregation, from the roll-ups. Percentages are 0-100. A figure
-- summed from too few reporting units (contract I4) is left out of value and flagged.
with

rolled_up as (
    select * from {{ ref('fct_indicator_values') }}
    where borders = '2025'
        and unit_level = 'province'
),

indicators as (
    select * from {{ ref('dim_indicator') }}
    where subject_area = 'programmes'
),

org_units as (
    select * from {{ ref('dim_org_unit') }}
),

final as (
    select
        indicators.programme_code,
        rolled_up.unit_code as province_code,
        org_units.unit_name_vi as province_name_vi,
        rolled_up.period_code,
        rolled_up.period_kind,
        rolled_up.indicator_code,
        indicators.indicator_name_vi,
        indicators.unit_of_measure,
        rolled_up.disaggregation,
        case
            when coalesce(rolled_up.is_below_coverage, false) then null else rolled_up.value
        end as value,
        rolled_up.value_whole,
        rolled_up.value_reported,
        rolled_up.value_from_children,
        rolled_up.difference,
        rolled_up.value_source,
        rolled_up.coverage,
        coalesce(rolled_up.is_below_coverage, false) as is_below_coverage
    from rolled_up
    inner join indicators
        on rolled_up.indicator_code = indicators.indicator_code
    inner join org_units
        on rolled_up.unit_code = org_units.unit_code
)

select * from final
