with

source as (
    select * from {{ source('inbox', 'submissions') }}
),

-- Each arrival that counts as an event (interface I2): a submission's bytes may arrive
-- again after another revision, and then it is the current revision again.
receipts as (
    select * from {{ source('inbox', 'submission_receipts') }}
),

receipt_times as (
    select
        submission_id,
        min(received_at) as first_received_at,
        max(received_at) as last_received_at,
        count(*) as receipt_count
    from receipts
    group by submission_id
),

renamed as (
    select
        source.submission_id,
        source.file_name,
        source.archived_path,
        source.shape,
        source.status as landing_status,
        source.rows_read,
        source.rows_accepted,
        source.rows_rejected,
        source.rejection_reason_en,
        source.rejection_reason_vi,
        -- Landed before receipts existed: the one arrival raw.submissions records.
        cast(coalesce(receipt_times.last_received_at, source.received_at) as timestamp)
            as received_at,
        cast(coalesce(receipt_times.first_received_at, source.received_at) as timestamp)
            as first_received_at,
        coalesce(receipt_times.receipt_count, 1) as receipt_count,
        cast(source.file_mtime as timestamp) as file_mtime,
        cast(source.landed_at as timestamp) as landed_at
    from source
    left join receipt_times
        on source.submission_id = receipt_times.submission_id
)

select * from renamed
