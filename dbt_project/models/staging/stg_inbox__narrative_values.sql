with

source as (
    select * from {{ source('inbox', 'narrative_values') }}
),

renamed as (
    select
        submission_id,
        figure_number as source_row_number,
        unit_code,
        period_code,
        indicator_code,
        -- A report's figures are totals: prose names no disaggregation the catalogue knows.
        'total' as disaggregation,
        cast(null as varchar) as period_text,
        period_kind,
        value_text,
        nullif(qualifier, 'exact') as value_qualifier,
        cast(value as double) as value,
        cast(value_whole as double) as value_whole,
        cast(period_as_of as date) as period_as_of,
        qualifier != 'exact' as value_is_approximate,
        coalesce(counted = '%', false) as value_is_percent,
        -- A steward's reject, not a withdrawal, takes an accepted figure out.
        false as is_withdrawn,
        'narrative' as value_source_kind,
        report_submission_id,
        evidence as evidence_quote,
        start_offset as evidence_start,
        end_offset as evidence_end
    from source
)

select * from renamed
