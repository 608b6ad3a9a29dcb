{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ refresh_changed_reports() }}", "{{ delete_changed_reports() }}"],
) }}
-- Contract 3: the latest received submission for a unit × period × form that no steward
-- rejected or sent back supplies ALL the key's values; a value the revision leaves out is
-- gone from the facts (it stays in the raw history). Grain: unit × period × indicator ×
-- disaggregation. Incremental by report: only changed reports are rebuilt.
with

reports as (
    select * from {{ ref('int_report_revisions') }}
    where current_submission_id is not null
),

{% if is_incremental() %}
    changed_reports as (
        select * from {{ changed_reports_relation() }}
    ),
{% endif %}

current_reports as (
    select reports.*
    from reports
    {% if is_incremental() %}
        inner join changed_reports
            on reports.unit_code = changed_reports.unit_code
                and reports.period_code = changed_reports.period_code
                and reports.form = changed_reports.form
    {% endif %}
),

values_submitted as (
    select * from {{ ref('stg_inbox__values') }}
),

submissions as (
    select * from {{ ref('stg_inbox__submissions') }}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

current_values as (
    select
        values_submitted.unit_code,
        values_submitted.period_code,
        values_submitted.period_kind,
        values_submitted.indicator_code,
        values_submitted.disaggregation,
        current_reports.form,
        values_submitted.value,
        values_submitted.value_text,
        values_submitted.value_whole,
        values_submitted.value_is_approximate,
        values_submitted.value_source_kind,
        values_submitted.evidence_quote,
        values_submitted.evidence_start,
        values_submitted.evidence_end,
        values_submitted.submission_id,
        submissions.file_name,
        values_submitted.source_row_number,
        submissions.received_at
    from current_reports
    inner join values_submitted
        on current_reports.current_submission_id = values_submitted.submission_id
            and current_reports.unit_code = values_submitted.unit_code
            and current_reports.period_code = values_submitted.period_code
    inner join indicators
        on values_submitted.indicator_code = indicators.indicator_code
            and current_reports.form = indicators.subject_area
    inner join submissions
        on values_submitted.submission_id = submissions.submission_id
)

select * from current_values
