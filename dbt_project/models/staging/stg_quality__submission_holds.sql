{#- The quality gate appends a hold when a finding it cannot waive on its own is attributable
    to a submission (expectations/gate.py). The table is created by the gate's first run, after
    the first build of the warehouse: until then there is no hold, and this model is empty
    with the table's columns (expectations/review.py HOLD_COLUMNS, kept equal by a test). -#}
with

source as (
    {% if source_exists('quality', 'submission_holds') %}
        select * from {{ source('quality', 'submission_holds') }}
    {% else %}
        select
            cast(null as varchar) as hold_id,
            cast(null as varchar) as submission_id,
            cast(null as varchar) as run_id,
            cast(null as timestamp) as held_at,
            cast(null as varchar) as rules,
            cast(null as boolean) as is_waivable,
            cast(null as varchar) as reason_en,
            cast(null as varchar) as reason_vi
        where false
    {% endif %}
),

renamed as (
    select
        hold_id,
        submission_id,
        run_id,
        cast(held_at as timestamp) as held_at,
        rules,
        is_waivable,
        reason_en,
        reason_vi
    from source
)

select * from renamed
