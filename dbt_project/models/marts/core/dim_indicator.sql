-- The indicator catalogue, column by column: the published contract names what analysts
-- get, so a column added to the catalogue is published only when it is described here.
with

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

final as (
    select
        indicator_code,
        indicator_name_vi,
        indicator_name_en,
        indicator_aliases,
        subject_area,
        programme_code,
        unit_of_measure,
        indicator_kind,
        time_aggregation,
        hierarchy_aggregation,
        numerator_indicator_code,
        denominator_indicator_code,
        allowed_disaggregations
    from indicators
)

select * from final
