with

source as (
    select * from {{ source('inbox', 'submissions') }}
),

renamed as (
    select
        submission_id,
        file_name,
        archived_path,
        shape,
        status as landing_status,
        rows_read,
        rows_accepted,
        rows_rejected,
        rejection_reason_en,
        rejection_reason_vi,
        cast(received_at as timestamp) as received_at,
        cast(landed_at as timestamp) as landed_at
    from source
)

select * from renamed
