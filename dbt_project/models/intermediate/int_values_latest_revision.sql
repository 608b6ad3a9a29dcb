{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed',
    changed_scope='reports',
) }}
-- depends_on: {{ ref('int_changed_reports') }}
-- Contract 3, revisions by value: of every figure (unit × period × indicator ×
-- disaggregation) the latest submission that sent it, by received_at then submission id,
-- among the submissions no steward rejected or sent back and the gate does not hold
-- (int_submission_reviews), supplies its value. A figure a revision does not resend stays;
-- a figure withdrawn by its latest submission leaves (its history stays in raw). Each
-- figure carries its history: first submission, when, and how many submissions sent it.
-- Incremental by report: the reports touched since the last build are rebuilt whole.
with

{% if is_incremental() %}
    changed_reports as (
        {{ changed_reports() }}
    ),
{% endif %}

submission_forms as (
    select * from {{ ref('int_submission_forms') }}
),

submissions as (
    select * from {{ ref('stg_inbox__submissions') }}
),

reviews as (
    select * from {{ ref('int_submission_reviews') }}
),

values_submitted as (
    select * from {{ ref('stg_inbox__values') }}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

-- Every submission of a report that still counts.
report_submissions as (
    select
        submission_forms.unit_code,
        submission_forms.period_code,
        submission_forms.form,
        submission_forms.submission_id,
        submissions.file_name,
        submissions.received_at
    from submission_forms
    inner join submissions
        on submission_forms.submission_id = submissions.submission_id
    {% if is_incremental() %}
        inner join changed_reports
            on submission_forms.unit_code = changed_reports.unit_code
                and submission_forms.period_code = changed_reports.period_code
                and submission_forms.form = changed_reports.form
    {% endif %}
    left join reviews
        on submission_forms.submission_id = reviews.submission_id
    where not coalesce(reviews.is_excluded_from_facts, false)
),

-- Every version of every figure those submissions sent.
versions as (
    select
        values_submitted.unit_code,
        values_submitted.period_code,
        values_submitted.period_kind,
        values_submitted.indicator_code,
        values_submitted.disaggregation,
        report_submissions.form,
        values_submitted.value,
        values_submitted.value_text,
        values_submitted.value_whole,
        values_submitted.value_is_approximate,
        values_submitted.value_source_kind,
        values_submitted.evidence_quote,
        values_submitted.evidence_start,
        values_submitted.evidence_end,
        values_submitted.is_withdrawn,
        values_submitted.submission_id,
        report_submissions.file_name,
        values_submitted.source_row_number,
        report_submissions.received_at
    from report_submissions
    inner join values_submitted
        on report_submissions.submission_id = values_submitted.submission_id
            and report_submissions.unit_code = values_submitted.unit_code
            and report_submissions.period_code = values_submitted.period_code
    inner join indicators
        on values_submitted.indicator_code = indicators.indicator_code
            and report_submissions.form = indicators.subject_area
),

-- Each figure's newest version and its history, from one pass over its versions sorted
-- oldest first: the last is the newest, the first is the first sent, the row count is the
-- number of submissions that sent it. (A window spills to disk at national scale; an
-- aggregate carrying the version's text columns ran out of memory at ten years.)
ordered_versions as (
    select
        *,
        lead(true) over figure is null as is_newest,
        first_value(submission_id) over figure as first_submission_id,
        first_value(received_at ignore nulls) over figure as first_received_at,
        row_number() over figure as revision_count
    from versions
    window figure as (
        partition by unit_code, period_code, indicator_code, disaggregation
        order by
            received_at asc nulls first,
            submission_id asc nulls first,
            source_row_number asc nulls first
    )
),

current_values as (
    select
        unit_code,
        period_code,
        period_kind,
        indicator_code,
        disaggregation,
        form,
        value,
        value_text,
        value_whole,
        value_is_approximate,
        value_source_kind,
        evidence_quote,
        evidence_start,
        evidence_end,
        submission_id,
        file_name,
        source_row_number,
        received_at,
        first_submission_id,
        first_received_at,
        revision_count,
        {{ current_change_batch() }} as change_batch
    from ordered_versions
    where
        is_newest
        and not coalesce(is_withdrawn, false)
)

select * from current_values
