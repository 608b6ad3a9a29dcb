{{ config(materialized='view') }}
-- The statistics of each value's own history, which the over-time rules of the quality gate
-- judge (expectations/frames.py over_time_frame; thresholds in expectations/suites.py).
-- Two kinds of values have a history: the submitted values in the current facts (periods
-- that int_periods knows), and the derived aggregates in 2025 borders that analysts read (a
-- unit's own reported figure is judged with its submission; a total under the coverage
-- threshold is not published as a total, so it is neither judged nor anyone's history).
-- A value's history: the values of the same kind, unit, indicator, disaggregation and
-- period kind with an earlier period end. Of them: count, median, min, max, the median
-- absolute deviation (MAD) and the mean absolute deviation (MeanAD) around the median, and
-- the value's modified z-score (macros/modified_z.sql).
-- A view, computed when the gate reads it: a value's history is every earlier value of its
-- series, so the work grows with the square of a series' length (120 months over ten
-- years); the gate needs it once per round, the published marts never. Every step keeps
-- history_of in its keys and joins on it by inner joins only, so that the gate's filter on
-- it reaches every step and reading one kind leaves the other's pairs uncomputed.
with

periods as (
    select
        period_code,
        period_kind,
        period_end
    from {{ ref('int_periods') }}
),

submitted as (
    select
        'submitted' as history_of,
        current_values.unit_code,
        current_values.period_code,
        current_values.indicator_code,
        coalesce(current_values.disaggregation, 'total') as disaggregation,
        periods.period_kind,
        periods.period_end,
        -- A value that is not a number is the contract's finding, not a history's.
        try_cast(current_values.value as double) as value,
        current_values.submission_id,
        current_values.file_name,
        current_values.source_row_number,
        current_values.received_at,
        row_number() over () as value_id
    from {{ ref('int_values_latest_revision') }} as current_values
    inner join periods on current_values.period_code = periods.period_code
),

rolled_up as (
    select
        'rolled_up' as history_of,
        unit_code,
        period_code,
        indicator_code,
        coalesce(disaggregation, 'total') as disaggregation,
        period_kind,
        period_end::date as period_end,
        value::double as value,
        null::varchar as submission_id,
        null::varchar as file_name,
        null::integer as source_row_number,
        null::timestamp as received_at,
        row_number() over () as value_id
    from {{ ref('int_values_rolled_up') }}
    where
        borders = '2025'
        and coalesce(value_source, 'derived') <> 'reported'
        and not coalesce(is_below_coverage, false)
),

all_values as (
    select * from submitted
    union all
    select * from rolled_up
),

-- Every value with each earlier value of its series; a value without one keeps a row.
pairs as (
    select
        current_values.history_of,
        current_values.value_id,
        current_values.value,
        earlier.value as earlier_value
    from all_values as current_values
    left join all_values as earlier
        on current_values.history_of = earlier.history_of
            and current_values.unit_code is not distinct from earlier.unit_code
            and current_values.indicator_code is not distinct from earlier.indicator_code
            and current_values.disaggregation = earlier.disaggregation
            and current_values.period_kind = earlier.period_kind
            and current_values.period_end > earlier.period_end
            and earlier.value is not null
),

centre as (
    select
        history_of,
        value_id,
        any_value(value) as value,
        count(earlier_value) as history_count,
        median(earlier_value) as history_median,
        min(earlier_value) as history_min,
        max(earlier_value) as history_max
    from pairs
    group by history_of, value_id
),

spread as (
    select
        pairs.history_of,
        pairs.value_id,
        median(abs(pairs.earlier_value - centre.history_median)) as history_mad,
        avg(abs(pairs.earlier_value - centre.history_median)) as history_mean_ad
    from pairs
    inner join centre
        on pairs.history_of = centre.history_of
            and pairs.value_id = centre.value_id
    group by pairs.history_of, pairs.value_id
),

final as (
    select
        all_values.history_of,
        all_values.unit_code,
        all_values.period_code,
        all_values.indicator_code,
        all_values.disaggregation,
        all_values.period_kind,
        all_values.period_end,
        all_values.value,
        all_values.submission_id,
        all_values.file_name,
        all_values.source_row_number,
        all_values.received_at,
        centre.history_count,
        centre.history_median,
        centre.history_min,
        centre.history_max,
        spread.history_mad,
        spread.history_mean_ad,
        {{ modified_z(
            'abs(centre.value - centre.history_median)',
            'spread.history_mad',
            'spread.history_mean_ad',
            'centre.history_median',
        ) }} as modified_z
    from all_values
    inner join centre
        on all_values.history_of = centre.history_of
            and all_values.value_id = centre.value_id
    inner join spread
        on all_values.history_of = spread.history_of
            and all_values.value_id = spread.value_id
)

select * from final
