{{ config(materialized='view') }}
-- The current values rolled up over time and over the hierarchy, each indicator by its
-- catalogue rule, in two border views (docs/warehouse.md, "Roll-up rules"): the thin
-- union of the additive figures in own-time borders (int_values_over_units), restated
-- into 2025 borders (int_values_restated_2025) and the recomputed ratios
-- (int_values_ratios), each incremental by calendar year.
with

additive_own_time as (
    select * from {{ ref('int_values_over_units') }}
),

additive_2025 as (
    select * from {{ ref('int_values_restated_2025') }}
),

ratios as (
    select * from {{ ref('int_values_ratios') }}
),

all_rows as (
    select * from additive_own_time
    union all
    select * from additive_2025
    union all
    select * from ratios
),

final as (
    select
        borders,
        unit_code,
        unit_level,
        period_code,
        period_kind,
        period_end,
        indicator_code,
        disaggregation,
        value,
        value_reported,
        value_from_children,
        value_reported - value_from_children as difference,
        value_whole,
        value_source,
        children_reporting,
        children_expected,
        coverage,
        is_below_coverage,
        change_batch
    from all_rows
)

select * from final
