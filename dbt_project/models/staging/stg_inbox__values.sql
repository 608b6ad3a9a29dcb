with

source as (
    select * from {{ source('inbox', 'submission_values') }}
),

renamed as (
    select
        submission_id,
        row_number as source_row_number,
        unit_code,
        period_code,
        indicator_code,
        value_text,
        cast(value as double) as value
    from source
)

select * from renamed
