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
        value_source,
        -- The roll-up sums counts as hugeint; the published contract says bigint.
        cast(children_reporting as bigint) as children_reporting,
        cast(children_expected as bigint) as children_expected,
        coverage,
        is_below_coverage
    from rolled_up
)

select * from final
