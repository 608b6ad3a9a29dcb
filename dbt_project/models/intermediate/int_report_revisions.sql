{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed',
    changed_scope='reports',
) }}
-- depends_on: {{ ref('int_changed_reports') }}
-- Every report (unit × period × form) that has been sent, with its latest counted
-- submission: the latest received that int_submission_reviews does not exclude. Revisions
-- are ordered by received_at, then submission id (contract 2); the values themselves are
-- revised figure by figure (contract 3, int_values_latest_revision). Incremental by report.
with

{% if is_incremental() %}
    changed_reports as (
        {{ changed_reports() }}
    ),
{% endif %}

submission_forms as (
    select forms.*
    from {{ ref('int_submission_forms') }} as forms
    {% if is_incremental() %}
        semi join changed_reports
            on forms.unit_code = changed_reports.unit_code
                and forms.period_code = changed_reports.period_code
                and forms.form = changed_reports.form
    {% endif %}
),

submissions as (
    select * from {{ ref('stg_inbox__submissions') }}
),

reviews as (
    select * from {{ ref('int_submission_reviews') }}
),

reports as (
    select
        submission_forms.unit_code,
        submission_forms.period_code,
        submission_forms.form,
        submission_forms.submission_id,
        submissions.file_name,
        submissions.received_at,
        coalesce(reviews.is_excluded_from_facts, false) as is_excluded
    from submission_forms
    inner join submissions
        on submission_forms.submission_id = submissions.submission_id
    left join reviews
        on submission_forms.submission_id = reviews.submission_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by unit_code, period_code, form, is_excluded
            order by received_at desc, submission_id desc
        ) as revision_rank
    from reports
),

per_key as (
    select
        unit_code,
        period_code,
        form,
        max(submission_id) filter (
            where not is_excluded and revision_rank = 1
        ) as current_submission_id,
        max(received_at) filter (where not is_excluded) as current_received_at,
        min(received_at) filter (where not is_excluded) as first_received_at,
        count(*) filter (where not is_excluded) as accepted_submission_count,
        count(*) as submission_count,
        {{ current_change_batch() }} as change_batch
    from ranked
    group by unit_code, period_code, form
)

select * from per_key
