-- A later submission for the same unit, period and indicator is a revision: it supersedes
-- the earlier value here, while both stay in the raw history.
with

values_submitted as (
    select * from {{ ref('stg_inbox__values') }}
),

submissions as (
    select * from {{ ref('stg_inbox__submissions') }}
),

reviews as (
    select * from {{ ref('int_submission_reviews') }}
),

-- A submission a steward rejected or sent back leaves the facts; the revision before it,
-- if any, becomes current again.
values_with_receipt as (
    select
        values_submitted.*,
        submissions.file_name,
        submissions.received_at
    from values_submitted
    inner join submissions
        on values_submitted.submission_id = submissions.submission_id
    left join reviews
        on values_submitted.submission_id = reviews.submission_id
    where not coalesce(reviews.is_excluded_from_facts, false)
),

ranked as (
    select
        *,
        row_number() over (
            partition by unit_code, period_code, indicator_code
            order by received_at desc, submission_id desc, source_row_number desc
        ) as revision_rank
    from values_with_receipt
)

select
    unit_code,
    period_code,
    indicator_code,
    value,
    value_text,
    value_whole,
    value_is_approximate,
    submission_id,
    file_name,
    source_row_number,
    received_at
from ranked
where revision_rank = 1
