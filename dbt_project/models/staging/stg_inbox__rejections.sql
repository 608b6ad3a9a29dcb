with

source as (
    select * from {{ source('inbox', 'rejections') }}
),

renamed as (
    select
        submission_id,
        file_name,
        row_number as source_row_number,
        column_name,
        cell_text,
        reason_en,
        reason_vi
    from source
)

select * from renamed
