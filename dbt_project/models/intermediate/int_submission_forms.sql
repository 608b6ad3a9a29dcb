{{ config(materialized='incremental', incremental_strategy='append') }}
-- Which unit × period × form each submission brings (a submission's forms are the subject
-- areas of its indicators, contract 3). A submission never changes (its id is the hash of
-- its bytes), so new submissions are appended and old rows are never rewritten.
with

values_submitted as (
    select * from {{ ref('stg_inbox__values') }}
    {% if is_incremental() %}
        where submission_id not in (select distinct submission_id from {{ this }})
    {% endif %}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

submission_forms as (
    select
        values_submitted.submission_id,
        values_submitted.unit_code,
        values_submitted.period_code,
        indicators.subject_area as form,
        count(*) as value_count
    from values_submitted
    inner join indicators
        on values_submitted.indicator_code = indicators.indicator_code
    group by all
)

select * from submission_forms
