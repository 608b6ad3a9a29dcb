with

source as (
    select * from {{ source('inbox', 'steward_decisions') }}
),

renamed as (
    select
        decision_id,
        submission_id,
        decision,
        reason,
        steward,
        cast(decided_at as timestamp) as decided_at
    from source
)

select * from renamed
