-- The rolled-up values (giá trị tổng hợp) as the facts the marts and analysts read: every
-- unit, period, indicator and disaggregation in both border views, with where the figure
-- came from and how many of the units below reported (contract I4). A view: the roll-up is
-- already a table, and the publisher copies the view's rows into the analysts' database.
{{ config(materialized='view') }}

with

rolled_up as (
    select * from {{ ref('int_values_rolled_up') }}
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
        difference,
        value_whole,
        {{ rolled_up_coverage_columns(ref('int_values_rolled_up')) }}
    from rolled_up
)

select * from final
