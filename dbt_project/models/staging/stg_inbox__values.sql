with

source as (
    select * from {{ source('inbox', 'submission_values') }}
),

renamed as (
    select
        submission_id,
        'form' as value_source_kind,
        row_number as source_row_number,
        unit_code,
        period_code,
        indicator_code,
        -- The grain's fourth part: 'total' for a value that is not disaggregated (contract 5).
        coalesce(nullif(trim(disaggregation), ''), 'total') as disaggregation,
        period_text,
        period_kind,
        value_text,
        value_qualifier,
        cast(value as double) as value,
        cast(value_whole as double) as value_whole,
        cast(period_as_of as date) as period_as_of,
        coalesce(value_approximate, false) as value_is_approximate,
        coalesce(value_is_percent, false) as value_is_percent,
        -- A figure the unit withdrew (architecture contract 3): null value, later than the
        -- figure it withdraws. Build databases landed before the marker have no column.
        {% if has_source_column('inbox', 'submission_values', 'value_withdrawn') %}
            coalesce(value_withdrawn, false)
        {% else %}
            false
        {% endif %} as is_withdrawn
    from source
),

-- Figures a steward accepted from narrative reports, with their evidence (null for forms).
narrative_values as (
    select * from {{ ref('stg_inbox__narrative_values') }}
),

unioned as (
    select * from renamed
    union all by name
    select * from narrative_values
)

select * from unioned
