{{ config(materialized='incremental', incremental_strategy='append', full_refresh=false) }}
-- The log of what changed, one batch per run (macros/changed_since.sql): every report
-- (unit × period × form) a new submission brought, and every report of a submission whose
-- review state (int_submission_reviews: rejected, sent back, held, accepted again) changed
-- since the state last logged. Derived from the night's new submissions and decisions only.
-- Never rebuilt by --full-refresh: the incremental models' stamps count on its batches.
with

submission_forms as (
    select * from {{ ref('int_submission_forms') }}
),

reviews as (
    select * from {{ ref('int_submission_reviews') }}
),

{% if is_incremental() %}
    logged as (
        select * from {{ this }}
    ),
{% else %}
    logged as (
        select
            cast(null as bigint) as change_batch,
            cast(null as varchar) as event_kind,
            cast(null as varchar) as submission_id,
            cast(null as boolean) as is_excluded
        where false
    ),
{% endif %}

this_batch as (
    select coalesce(max(change_batch), 0) + 1 as change_batch
    from logged
),

logged_submissions as (
    select distinct submission_id
    from logged
    where event_kind = 'submission'
),

new_submissions as (
    select distinct submission_forms.submission_id
    from submission_forms
    anti join logged_submissions
        on submission_forms.submission_id = logged_submissions.submission_id
),

logged_review_states as (
    select
        submission_id,
        arg_max(is_excluded, change_batch) as is_excluded
    from logged
    where event_kind = 'review'
    group by submission_id
),

review_states as (
    select
        submission_id,
        coalesce(is_excluded_from_facts, false) as is_excluded
    from reviews
),

changed_reviews as (
    select
        coalesce(review_states.submission_id, logged_review_states.submission_id)
            as submission_id,
        coalesce(review_states.is_excluded, false) as is_excluded
    from review_states
    full outer join logged_review_states
        on review_states.submission_id = logged_review_states.submission_id
    where coalesce(review_states.is_excluded, false)
        <> coalesce(logged_review_states.is_excluded, false)
),

events as (
    select
        'submission' as event_kind,
        submission_id,
        cast(null as boolean) as is_excluded
    from new_submissions
    union all
    select
        'review' as event_kind,
        submission_id,
        is_excluded
    from changed_reviews
),

final as (
    select
        this_batch.change_batch,
        events.event_kind,
        events.submission_id,
        events.is_excluded,
        submission_forms.unit_code,
        submission_forms.period_code,
        submission_forms.form
    from events
    inner join submission_forms
        on events.submission_id = submission_forms.submission_id
    cross join this_batch
)

select * from final
