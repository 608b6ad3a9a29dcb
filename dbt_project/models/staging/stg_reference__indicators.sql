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
        disaggregations as allowed_disaggregations,
        beneficiary as beneficiary_indicator_code,
        plausible_per_beneficiary_min_vnd,
        plausible_per_beneficiary_max_vnd,
        is_count,
        may_be_negative,
        rate_may_exceed_100,
        compare_per as compare_per_indicator_code
    from source
)

select * from renamed
