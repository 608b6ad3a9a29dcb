with

source as (
    select * from {{ source('reference', 'ref_org_units') }}
),

renamed as (
    select
        unit_code,
        gso_code,
        name_vi as unit_name_vi,
        short_name_vi as unit_short_name_vi,
        level as unit_level,
        parent_code as parent_unit_code,
        successor_code as successor_unit_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to
    from source
)

select * from renamed
