{#- The facts of one subject area (form): current values whose indicator belongs to it, one
    row per unit × period × indicator × disaggregation. A view over
    int_values_latest_revision, which is already incremental by report: a copy would cost a
    second write of every value. One macro so the three fact tables cannot drift apart. -#}
{% macro subject_facts(subject) %}

{{ config(materialized='view') }}

with

current_values as (
    select * from {{ ref('int_values_latest_revision') }}
    where form = '{{ subject }}'
),

subject_values as (
    select
        unit_code,
        period_code,
        period_kind,
        indicator_code,
        disaggregation,
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
        received_at
    from current_values
)

select * from subject_values

{% endmacro %}
