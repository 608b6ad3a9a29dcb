with

source as (
    select * from {{ source('reference', 'ref_indicators') }}
),

renamed as (
    select
        indicator_code,
        name_vi as indicator_name_vi,
        name_en as indicator_name_en,
        aliases as indicator_aliases,
        subject as subject_area,
        programme as programme_code,
        unit as unit_of_measure,
        kind as indicator_kind,
        time_aggregation,
        hierarchy_aggregation,
        numerator as numerator_indicator_code,
        denominator as denominator_indicator_code,
        disaggregations as allowed_disaggregations
    from source
)

select * from renamed
