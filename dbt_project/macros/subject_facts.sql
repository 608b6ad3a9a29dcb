{#- The facts of one subject area: current values whose indicator belongs to it.
    One macro so the three fact tables cannot drift apart. -#}
{% macro subject_facts(subject) %}

with

current_values as (
    select * from {{ ref('int_values_latest_revision') }}
),

indicators as (
    select * from {{ ref('dim_indicator') }}
),

subject_values as (
    select
        current_values.unit_code,
        current_values.period_code,
        current_values.indicator_code,
        current_values.value,
        current_values.value_text,
        current_values.value_whole,
        current_values.value_is_approximate,
        current_values.submission_id,
        current_values.received_at
    from current_values
    inner join indicators
        on current_values.indicator_code = indicators.indicator_code
    where indicators.subject_area = '{{ subject }}'
)

select * from subject_values

{% endmacro %}
