with

source as (
    select * from {{ source('reference', 'ref_org_unit_crosswalk') }}
),

renamed as (
    select
        legacy_code as legacy_unit_code,
        new_code as new_unit_code,
        cast(is_default as boolean) as is_default_successor,
        cast(split_count as integer) as split_count
    from source
)

select * from renamed
