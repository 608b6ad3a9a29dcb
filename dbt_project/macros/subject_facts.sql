{#- The facts of one subject area (form): current values whose indicator belongs to it, one
    row per unit × period × indicator × disaggregation. Incremental by report: a new or
    revised report (unit × period × form), or one a steward rejected, is rebuilt whole.
    One macro so the three fact tables cannot drift apart. -#}
{% macro subject_facts(subject) %}

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=[
        "{{ refresh_changed_reports('" ~ subject ~ "') }}",
        "{{ delete_changed_reports('" ~ subject ~ "') }}",
    ],
) }}

-- depends_on: {{ ref('int_report_revisions') }}
with

current_values as (
    select * from {{ ref('int_values_latest_revision') }}
    where form = '{{ subject }}'
),

{% if is_incremental() %}
changed_reports as (
    select * from {{ changed_reports_relation() }}
),
{% endif %}

subject_values as (
    select
        current_values.unit_code,
        current_values.period_code,
        current_values.period_kind,
        current_values.indicator_code,
        current_values.disaggregation,
        current_values.value,
        current_values.value_text,
        current_values.value_whole,
        current_values.value_is_approximate,
        current_values.value_source_kind,
        current_values.evidence_quote,
        current_values.evidence_start,
        current_values.evidence_end,
        current_values.submission_id,
        current_values.file_name,
        current_values.source_row_number,
        current_values.received_at
    from current_values
    {% if is_incremental() %}
        inner join changed_reports
            on current_values.unit_code = changed_reports.unit_code
            and current_values.period_code = changed_reports.period_code
    {% endif %}
)

select * from subject_values

{% endmacro %}
