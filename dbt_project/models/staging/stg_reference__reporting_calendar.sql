with

source as (
    select * from {{ source('reference', 'ref_reporting_calendar') }}
),

renamed as (
    select
        form,
        unit_level,
        frequency as period_kind,
        cast(deadline_days as integer) as deadline_days,
        cast(expected_from as date) as expected_from
    from source
)

select * from renamed
